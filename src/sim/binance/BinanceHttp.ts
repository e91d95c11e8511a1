import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FaultQueue } from '../shared/FaultQueue.js'
import { header, readBody, requestUrl, writeResponse } from '../shared/http.js'
import type { RouteTable } from '../shared/RouteTable.js'
import type { BinanceAuth } from './BinanceAuth.js'
import { SimApiError, type SimMarket } from './engine.js'
import { type IpBans, marketOfPath } from './IpBans.js'
import { missingParam } from './orderParams.js'
import { isOrderRequest, type RequestLimits } from './RequestLimits.js'
import type { BinanceRequest, BinanceRoute, BinanceVenue } from './routes/BinanceRoute.js'

/** The REST faults a {@link BinanceHttp} serves, each counted down per matching request. */
export interface BinanceHttpFaults {
  readonly rateLimit: FaultQueue<{ retryAfterSec: number }>
  readonly ban: FaultQueue<{ retryAfterSec: number }>
  readonly serverError: FaultQueue<{ status: number; afterExecute: boolean }>
  readonly slow: FaultQueue<{ delayMs: number }>
}

/** What {@link BinanceHttp} needs of the simulator. */
export interface BinanceHttpConfig {
  /** Records an answered request in the request log. */
  readonly log: (method: string, path: string, status: number) => void
  /** Whether the simulator was closed (a delayed request is then dropped). */
  readonly isClosed: () => boolean
  readonly routes: RouteTable<BinanceRoute>
  readonly venue: BinanceVenue
  readonly auth: BinanceAuth
  readonly limits: RequestLimits
  readonly faults: BinanceHttpFaults
  /** The IP bans a 418 starts: every request of the banned market is answered 418 until it ends. */
  readonly bans: IpBans
}

const UNKNOWN_ERROR = { code: -1000, msg: 'An unknown error occurred while processing the request.' }
const TOO_MANY = { code: -1003, msg: 'Too many requests; current limit of IP is exceeded.' }

/**
 * The REST front of {@link BinanceSim}: reads the request, applies injected faults (slow, 418 ban, 429, 5xx
 * before or after executing), spends request weight, routes it through the route table and answers in
 * Binance's shape (`{ code, msg }` errors, used-weight and order-count headers), logging every answer.
 *
 * @example
 * ```ts
 * const http = new BinanceHttp({ log, isClosed, routes: binanceRoutes(), venue, auth, limits, faults })
 * // server's onRequest: (req, res) => void http.handle(req, res)
 * ```
 */
export class BinanceHttp {
  readonly #cfg: BinanceHttpConfig

  constructor(config: BinanceHttpConfig) {
    this.#cfg = config
  }

  /** Answers one request. Never rejects. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = requestUrl(req)
    const path = url.pathname
    const method = req.method ?? 'GET'
    let body = ''
    try {
      body = await readBody(req, 1_000_000)
    } catch {
      res.destroy()
      return
    }
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      this.#cfg.log(method, path, status)
      writeResponse(
        res,
        status,
        {
          'content-type': 'application/json;charset=UTF-8',
          ...this.#cfg.limits.weightHeaders(path),
          ...headers,
        },
        typeof payload === 'string' ? payload : JSON.stringify(payload),
      )
    }
    const faults = this.#cfg.faults
    const slow = faults.slow.take(path)
    if (slow !== undefined) await new Promise((r) => setTimeout(r, slow.delayMs))
    if (this.#cfg.isClosed()) return
    // A ban lasts real time: kept on the sim's clock, not the (possibly skewed) server time it is reported in.
    const clockNow = this.#cfg.venue.clockNow()
    const market = marketOfPath(path)
    const ban = faults.ban.take(path)
    if (ban !== undefined) this.#cfg.bans.ban(market, clockNow + ban.retryAfterSec * 1000)
    const until = this.#cfg.bans.untilMs(market, clockNow)
    if (until !== undefined) {
      send(
        418,
        {
          code: -1003,
          msg: `Way too many requests; IP banned until ${this.#cfg.venue.now() + until - clockNow}.`,
        },
        { 'retry-after': String(Math.ceil((until - clockNow) / 1000)) },
      )
      return
    }
    const rl = faults.rateLimit.take(path)
    if (rl !== undefined) {
      send(429, TOO_MANY, { 'retry-after': String(rl.retryAfterSec) })
      return
    }
    const se = faults.serverError.take(path)
    if (se !== undefined && !se.afterExecute) {
      send(se.status, se.status === 503 ? 'Service Unavailable' : UNKNOWN_ERROR)
      return
    }
    const params = new URLSearchParams(url.search)
    if (body.length > 0) for (const [k, v] of new URLSearchParams(body)) params.append(k, v)
    try {
      if (this.#cfg.limits.spendWeight(method, path, params)) {
        send(429, TOO_MANY, { 'retry-after': '1' })
        return
      }
      const result = this.#route(method, path, params, url.search.slice(1), body, req)
      if (se !== undefined) {
        send(se.status, UNKNOWN_ERROR)
        return
      }
      send(200, result, isOrderRequest(method, path) ? this.#cfg.limits.orderHeaders(path) : {})
    } catch (e) {
      if (e instanceof SimApiError) send(e.status, e.body)
      else send(500, UNKNOWN_ERROR)
    }
  }

  #route(
    method: string,
    path: string,
    params: URLSearchParams,
    rawQuery: string,
    rawBody: string,
    req: IncomingMessage,
  ): unknown {
    const found = this.#cfg.routes.match(method, path)
    if (found === undefined) throw new SimApiError(404, -1000, `Unknown endpoint ${method} ${path}`)
    const { prefix, endpoint } = found.route
    const market: SimMarket = prefix.startsWith('/fapi') ? 'usdm' : 'spot'
    const { venue, auth } = this.#cfg
    const r: BinanceRequest = {
      key: `${method} ${endpoint}`,
      prefix,
      market,
      params,
      auth: () => auth.signed(header(req, 'x-mbx-apikey'), params, rawQuery, rawBody),
      apiKeyOnly: () => auth.apiKeyOnly(header(req, 'x-mbx-apikey')),
      symbol: () => {
        const s = params.get('symbol')
        if (s === null || s === '') throw missingParam('symbol')
        return venue.engine.market(market, s)
      },
    }
    return found.route.handler(venue, r)
  }
}
