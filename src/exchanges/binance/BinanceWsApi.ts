import * as z from 'zod/mini'
import { type Clock, type Logger, parseConfig, SystemClock, silentLogger } from '../../core/index.js'
import { ClockSchema, DurationMsSchema, PositiveDurationMsSchema } from '../../core/schemas.js'
import {
  BannedError,
  ConfigError,
  ExchangeError,
  RateLimitError,
  SocketClosedError,
  TimeoutError,
  type TradekitError,
} from '../../errors/index.js'
import type { Priority, ReconnectingWebSocket, RequestCost } from '../../transport/index.js'
import { BinanceRest } from './BinanceRest.js'
import { type BinanceWsApiResponse, decodeWsApiResponse, rateLimitWindow } from './decodeWsApiResponse.js'
import { mapBinanceError } from './errors.js'
import { wsApiSocket } from './wsApiSocket.js'

/** Schema of {@link BinanceWsApiConfig}. */
export const BinanceWsApiConfigSchema = z.strictObject({
  /** The REST client: credentials, signer, server-time offset and the rate limiter the answers feed. */
  rest: z.custom<BinanceRest>((v) => v instanceof BinanceRest, 'must be a BinanceRest'),
  /** WebSocket API URL (`wss://ws-api.binance.com:443/ws-api/v3`, `wss://ws-fapi.binance.com/ws-fapi/v1`). */
  url: /* @__PURE__ */ z.string().check(z.regex(/^wss?:\/\//)),
  /** `recvWindow` sent with signed requests, ms (default 5000). */
  recvWindow: z._default(/* @__PURE__ */ z.int().check(z.positive(), z.maximum(60_000)), 5000),
  /** Wait for an answer (and for the connection before sending), ms (default 10 s). */
  timeoutMs: z._default(PositiveDurationMsSchema, 10_000),
  /** A silent socket is reconnected after this, ms (default 60 s; 0 disables). */
  staleAfterMs: z._default(DurationMsSchema, 60_000),
  /** First reconnect delay ceiling, ms (default 500). */
  reconnectBaseMs: z._default(DurationMsSchema, 500),
  /** Largest reconnect delay ceiling, ms (default 30 s). */
  reconnectMaxMs: z._default(DurationMsSchema, 30_000),
  /** Time source (default the system clock). */
  clock: z.optional(ClockSchema),
  /** pino-compatible logger (default silent). */
  logger: z.optional(z.custom<Logger>((v) => typeof v === 'object' && v !== null, 'must be a Logger')),
})

/** Constructor options of {@link BinanceWsApi}. */
export type BinanceWsApiConfig = z.input<typeof BinanceWsApiConfigSchema>

/** Options of one {@link BinanceWsApi.request}. */
export interface BinanceWsApiRequestOptions {
  /** Signed (TRADE / USER_DATA) request: HMAC signature per request, or covered by the Ed25519 `session.logon`. */
  readonly signed: boolean
  /** What the request spends in the rate-limiter windows (default `{ REQUEST_WEIGHT: 1 }`). */
  readonly cost?: RequestCost
  /** Limiter lane (cancels use `CANCEL`). */
  readonly priority?: Priority
  /**
   * Local time (ms) a signed request stands for: its `timestamp` is the server time at that moment, so the venue
   * refuses it (-1021) once `recvWindow` has passed since, however long it waited here. Default: when it is sent.
   */
  readonly signedAt?: number
}

interface Pending {
  readonly method: string
  readonly sentAtMs: number
  readonly resolve: (r: unknown) => void
  readonly reject: (e: TradekitError) => void
  readonly timer: unknown
}

/** Parameters of one WebSocket API request (`undefined` and `null` values are left out). */
export type BinanceWsApiRequestFields = Readonly<
  Record<string, string | number | boolean | bigint | undefined | null>
>

/**
 * A request/response client for Binance's WebSocket API (spot `/ws-api/v3`, USD-M `/ws-fapi/v1`) on a
 * {@link ReconnectingWebSocket}: request ids, a timeout per request, HMAC signatures per request or one Ed25519
 * `session.logon` per connection (renewed after every reconnect), and the `rateLimits` of every answer fed to the
 * REST client's RateLimiter, which also meters what is sent. A request whose answer never comes, because it
 * timed out or the socket dropped, rejects with `TimeoutError` / `SocketClosedError`: its outcome is unknown.
 *
 * @example
 * ```ts
 * const api = new BinanceWsApi({ rest: spot.rest, url: 'wss://ws-api.testnet.binance.vision/ws-api/v3' })
 * const order = await api.request('order.status', { symbol: 'BTCUSDT', origClientOrderId: 'my-1' }, { signed: true })
 * await api.close()
 * ```
 */
export class BinanceWsApi {
  readonly #cfg: z.output<typeof BinanceWsApiConfigSchema>
  readonly #rest: BinanceRest
  readonly #clock: Clock
  readonly #logger: Logger
  readonly #pending = new Map<string, Pending>()
  #ws: ReconnectingWebSocket | undefined
  #ready: Promise<void> | undefined
  #markReady: (() => void) | undefined
  #failReady: ((e: TradekitError) => void) | undefined
  #reqId = 1
  #closed = false
  #loggedOn = false
  /** Whether a socket was ever ready: after that, not being ready means reconnecting. */
  #wasReady = false
  #dataErrors = 0

  constructor(config: BinanceWsApiConfig) {
    this.#cfg = parseConfig(BinanceWsApiConfigSchema, config, 'BinanceWsApi')
    this.#rest = this.#cfg.rest
    this.#clock = this.#cfg.clock ?? new SystemClock()
    this.#logger = this.#cfg.logger ?? silentLogger
  }

  /** Frames that could not be read (each logged), since construction. */
  get dataErrors(): number {
    return this.#dataErrors
  }

  /** Requests sent and not yet answered. */
  get inFlight(): number {
    return this.#pending.size
  }

  /** True while the socket is open and (with an Ed25519 key) logged on. */
  get isReady(): boolean {
    return this.#ws?.isOpen === true && this.#markReady === undefined
  }

  /** True after a ready socket was lost, until the next one is ready (the reconnect backoff may last seconds). */
  get isReconnecting(): boolean {
    return this.#wasReady && !this.#closed && !this.isReady
  }

  /**
   * Sends one request and resolves with its `result`. Rejects with the venue's error mapped like REST
   * (`OrderRejectedError`, `RateLimitError`, `AuthError`…), `ExchangeDataError` for an answer that cannot be read,
   * `TimeoutError` when no answer came in `timeoutMs`, `SocketClosedError` when the socket dropped first.
   */
  async request(
    method: string,
    params: BinanceWsApiRequestFields,
    options: BinanceWsApiRequestOptions,
  ): Promise<unknown> {
    if (this.#closed) throw new SocketClosedError('WebSocket API client is closed')
    await this.#rest.limiter.acquire({
      cost: options.cost ?? { REQUEST_WEIGHT: 1 },
      ...(options.priority !== undefined ? { priority: options.priority } : {}),
    })
    await this.#whenReady()
    const signed = options.signed ? await this.#signedParams(params, options.signedAt) : clean(params)
    return this.#send(method, signed)
  }

  /** Closes the socket; requests in flight reject with `SocketClosedError`. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.#failAll(new SocketClosedError('WebSocket API client closed'))
    const ws = this.#ws
    this.#ws = undefined
    await ws?.close()
  }

  #connect(): ReconnectingWebSocket {
    if (this.#ws !== undefined) return this.#ws
    const ws = wsApiSocket(
      this.#cfg,
      this.#rest.market,
      this.#clock,
      () => this.#reqId++,
      (text) => this.#onMessage(text),
    )
    this.#ws = ws
    this.#newReadyGate()
    ws.events.on('error', (e) => this.#logger.warn({ err: e.message }, 'binance ws-api socket error'))
    ws.events.on('socket.opened', () => void this.#onOpen())
    ws.events.on('socket.closed', () => {
      // Every request in flight may or may not have reached the venue: its outcome is unknown.
      this.#failAll(new SocketClosedError('WebSocket API socket closed before the answer'))
      this.#loggedOn = false
      if (this.#markReady === undefined) this.#newReadyGate()
    })
    return ws
  }

  #newReadyGate(): void {
    const ready = new Promise<void>((resolve, reject) => {
      this.#markReady = () => {
        this.#markReady = undefined
        this.#failReady = undefined
        resolve()
      }
      this.#failReady = reject
    })
    ready.catch(() => {}) // nobody may be waiting when a logon fails
    this.#ready = ready
  }

  async #onOpen(): Promise<void> {
    try {
      if (this.#rest.signer?.keyType === 'ED25519') {
        const apiKey = this.#rest.apiKey
        if (apiKey === undefined) throw new ConfigError('WebSocket API logon needs an apiKey', ['apiKey'])
        await this.#send('session.logon', await this.#sign({ apiKey, timestamp: this.#timestamp() }))
        this.#loggedOn = true
      }
      this.#wasReady = true
      this.#markReady?.()
    } catch (e) {
      this.#logger.warn({ err: (e as Error).message }, 'binance ws-api session.logon failed; reconnecting')
      // The venue refused the logon (bad key, no permission): requests waiting for it fail with its answer, as
      // they were never sent; the next connection tries again.
      if (e instanceof ExchangeError) {
        this.#failReady?.(e)
        this.#newReadyGate()
      }
      this.#ws?.reconnect()
    }
  }

  async #whenReady(): Promise<void> {
    this.#connect()
    if (this.#markReady === undefined) return
    const ready = this.#ready as Promise<void>
    let timer: unknown
    const timeout = new Promise<never>((_, reject) => {
      timer = this.#clock.setTimeout(
        () => reject(new TimeoutError('WebSocket API connection not ready in time', this.#cfg.timeoutMs)),
        this.#cfg.timeoutMs,
      )
    })
    try {
      await Promise.race([ready, timeout])
    } finally {
      this.#clock.clearTimeout(timer as never)
    }
  }

  #timestamp(): number {
    return this.#rest.serverTimeAt()
  }

  async #signedParams(
    params: BinanceWsApiRequestFields,
    signedAt: number | undefined,
  ): Promise<Record<string, string | number | boolean>> {
    const base = {
      ...clean(params),
      timestamp: this.#rest.serverTimeAt(signedAt),
      recvWindow: this.#cfg.recvWindow,
    }
    // After an Ed25519 session.logon, signed requests carry neither apiKey nor signature.
    if (this.#loggedOn) return base
    const apiKey = this.#rest.apiKey
    if (apiKey === undefined || this.#rest.signer === undefined)
      throw new ConfigError('Signed WebSocket API request without credentials', ['apiKey', 'apiSecret'])
    return this.#sign({ ...base, apiKey })
  }

  /** Signs params like REST: sorted by name, `k=v&...`. */
  async #sign(
    params: Record<string, string | number | boolean>,
  ): Promise<Record<string, string | number | boolean>> {
    const signer = this.#rest.signer
    if (signer === undefined)
      throw new ConfigError('WebSocket API signing needs a secret or key', ['apiSecret'])
    const payload = Object.keys(params)
      .sort()
      .map((k) => `${k}=${params[k]}`)
      .join('&')
    return { ...params, signature: await signer.sign(payload) }
  }

  #send(method: string, params: Record<string, unknown>): Promise<unknown> {
    const ws = this.#ws
    if (ws === undefined || this.#closed)
      return Promise.reject(new SocketClosedError('WebSocket API client is closed'))
    // Never queue a request for a later connection: its timestamp and the caller's wait would both be stale.
    if (!ws.isOpen) return Promise.reject(new SocketClosedError('WebSocket API socket is not open'))
    const id = `tk-${this.#reqId++}`
    return new Promise((resolve, reject) => {
      const timer = this.#clock.setTimeout(() => {
        this.#pending.delete(id)
        reject(new TimeoutError(`WebSocket API "${method}" got no answer`, this.#cfg.timeoutMs))
      }, this.#cfg.timeoutMs)
      this.#pending.set(id, { method, sentAtMs: this.#rest.limiter.now(), resolve, reject, timer })
      try {
        ws.sendJson({ id, method, params })
      } catch (e) {
        this.#clock.clearTimeout(timer as never)
        this.#pending.delete(id)
        reject(e as TradekitError)
      }
    })
  }

  #failAll(e: TradekitError): void {
    for (const p of this.#pending.values()) {
      this.#clock.clearTimeout(p.timer as never)
      p.reject(e)
    }
    this.#pending.clear()
  }

  #onMessage(text: string): void {
    let raw: unknown
    try {
      raw = JSON.parse(text)
    } catch {
      // No id to answer: the request it answers times out, its outcome unknown.
      this.#dataError('WebSocket API frame is not JSON')
      return
    }
    const id = (raw as { id?: unknown } | null)?.id
    const p = typeof id === 'string' ? this.#pending.get(id) : undefined
    if (p === undefined) return // a keepalive answer, or a late answer to a request that timed out
    this.#pending.delete(id as string)
    this.#clock.clearTimeout(p.timer as never)
    const r = decodeWsApiResponse(raw, this.#rest.venue)
    if (!r.ok) {
      this.#dataError(r.error.message)
      p.reject(r.error)
      return
    }
    this.#observe(r.value, p.sentAtMs)
    if (r.value.error === undefined) {
      p.resolve(r.value.result)
      return
    }
    p.reject(this.#venueError(r.value, p.method))
  }

  #observe(res: BinanceWsApiResponse, sentAtMs: number): void {
    for (const l of res.rateLimits) {
      const w = rateLimitWindow(l)
      if (w !== undefined && l.count !== undefined) this.#rest.limiter.observeUsage(w.id, l.count, sentAtMs)
    }
  }

  #venueError(res: BinanceWsApiResponse, method: string): TradekitError {
    const e = res.error as { code: number; msg: string; data?: unknown }
    const now = this.#clock.now()
    // 429 / 418 answers carry `data.retryAfter` (epoch ms, server time) instead of a Retry-After header, and the
    // `serverTime` they were sent at: the wait is the difference of the two, so a skewed local clock neither
    // lengthens it nor (server behind) turns it into the 2-minute default.
    const data = e.data as { retryAfter?: unknown; serverTime?: unknown } | undefined
    const retryAt = data?.retryAfter
    const sentAt = typeof data?.serverTime === 'number' ? data.serverTime : now
    const retryAfterSec =
      typeof retryAt === 'number' && retryAt > sentAt ? Math.ceil((retryAt - sentAt) / 1000) : undefined
    const mapped = mapBinanceError({
      venue: this.#rest.venue,
      status: res.status,
      code: e.code,
      msg: e.msg,
      request: `WS ${method}`,
      nowMs: now,
      ...(retryAfterSec !== undefined ? { retryAfterSec } : {}),
      ...(e.data !== undefined ? { data: e.data } : {}),
    })
    if (mapped instanceof BannedError) this.#rest.limiter.ban(mapped.untilMs)
    else if (mapped instanceof RateLimitError) this.#rest.limiter.pause(now + mapped.retryAfterMs)
    return mapped
  }

  #dataError(message: string): void {
    this.#dataErrors++
    this.#logger.warn({ venue: this.#rest.venue }, `binance ws-api: ${message}`)
  }
}

function clean(params: BinanceWsApiRequestFields): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {}
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null) out[k] = typeof v === 'bigint' ? v.toString() : v
  }
  return out
}
