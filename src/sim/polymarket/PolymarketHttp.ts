import type { IncomingMessage, ServerResponse } from 'node:http'
import { FaultQueue } from '../shared/FaultQueue.js'
import { BodyTooLargeError, readBody, requestUrl, writeResponse } from '../shared/http.js'
import type { RouteTable } from '../shared/RouteTable.js'
import { HttpFail } from './HttpFail.js'
import type { PolymarketRoute, PolymarketVenue } from './routes/PolymarketRoute.js'
import { SimRejection } from './SimExchange.js'

/** What {@link PolymarketHttp} needs of the simulator. */
export interface PolymarketHttpConfig {
  readonly routes: RouteTable<PolymarketRoute>
  readonly venue: PolymarketVenue
  /** Waits `ms` on the simulator's clock. */
  readonly sleep: (ms: number) => Promise<void>
}

/**
 * The REST front of {@link PolymarketSim}: reads the body, applies injected faults (delay, 429/5xx), routes the
 * request (public routes first, everything else behind L2 auth) and answers in Polymarket's shape (`{ error }`
 * bodies, `Poly-RateLimit-*` headers).
 *
 * @example
 * ```ts
 * const http = new PolymarketHttp({ routes: polymarketRoutes(), venue, sleep })
 * http.failures.add({ status: 503 }, { count: 2, path: '/book' })
 * ```
 */
export class PolymarketHttp {
  /** Injected HTTP failures, matched by path prefix. */
  readonly failures = new FaultQueue<{ status: number; retryAfterSec?: number }>('prefix')
  /** Delay of every response, in ms on the clock. */
  delayMs = 0
  /** Whether responses carry the `Poly-RateLimit-*` headers. */
  rateLimitHeaders = true
  readonly #cfg: PolymarketHttpConfig

  constructor(config: PolymarketHttpConfig) {
    this.#cfg = config
  }

  /** Clears injected failures and delays and restores the rate-limit headers. */
  clear(): void {
    this.failures.clear()
    this.delayMs = 0
    this.rateLimitHeaders = true
  }

  /** Answers one request. Never rejects. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const body = await readBody(req, 1 << 20).catch((e: unknown) => {
        throw e instanceof BodyTooLargeError ? new HttpFail(413, { error: 'Payload too large' }) : e
      })
      if (this.delayMs > 0) await this.#cfg.sleep(this.delayMs)
      const url = requestUrl(req)
      const f = this.failures.take(url.pathname)
      if (f !== undefined) {
        const headers: Record<string, string> = {}
        if (f.retryAfterSec !== undefined) headers['retry-after'] = String(f.retryAfterSec)
        throw new HttpFail(
          f.status,
          { error: f.status === 429 ? 'Too Many Requests' : 'Internal Server Error' },
          headers,
        )
      }
      const out = this.#route(req.method ?? 'GET', url, body, req)
      send(res, 200, out, this.#limitHeaders())
    } catch (e) {
      if (e instanceof HttpFail) {
        send(res, e.status, e.body, { ...this.#limitHeaders(), ...e.headers })
        return
      }
      if (e instanceof SimRejection) {
        send(res, 400, { error: e.message }, this.#limitHeaders())
        return
      }
      send(res, 500, { error: 'Internal Server Error' }, {})
    }
  }

  #route(method: string, url: URL, body: string, req: IncomingMessage): unknown {
    const path = url.pathname
    const found = this.#cfg.routes.match(method, path)
    const v = this.#cfg.venue
    const r = { method, path, query: url.searchParams, body, req, rest: found?.rest ?? '' }
    // An unknown path is 404 before any auth check (not 401 "Invalid api key").
    if (found === undefined) throw new HttpFail(404, { error: 'Not Found' })
    if (found.route.auth === 'public') return found.route.handler(v, r)
    const k = v.auth.l2(req, method, path, body)
    return found.route.handler(v, r, k)
  }

  #limitHeaders(): Record<string, string> {
    if (!this.rateLimitHeaders) return {}
    return {
      'poly-ratelimit-limit': '9000',
      'poly-ratelimit-remaining': '8999',
      'poly-ratelimit-reset': '10',
    }
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  writeResponse(res, status, { 'content-type': 'application/json', ...headers }, JSON.stringify(body))
}
