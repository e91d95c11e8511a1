import * as z from 'zod/mini'
import { type Clock, type Logger, SystemClock, silentLogger } from '../../core/index.js'
import { ConfigError, ExchangeError, type TradekitError } from '../../errors/index.js'
import {
  HttpClient,
  type HttpErrorContext,
  type HttpMethod,
  type HttpRequestDraft,
  Priority,
  type QueryValue,
  RateLimiter,
  type RequestCost,
} from '../../transport/index.js'
import type { BinanceResolvedConfig } from './config.js'
import { decodeServerTime } from './decodeMarketRest.js'
import { BinanceRateLimitSchema, rateLimitWindow } from './decodeWsApiResponse.js'
import { BinanceErrorCode, mapBinanceError } from './errors.js'
import { type BinanceSigner, createEd25519Signer, createHmacSigner } from './sign.js'
import { BINANCE_VENUE, type BinanceMarket } from './types.js'

/**
 * Rate-limit windows per market: fallbacks until `exchangeInfo.rateLimits` is read ({@link BinanceRest.applyRateLimits}).
 */
const WINDOWS: Record<BinanceMarket, Array<{ id: string; limit: number; intervalMs: number }>> = {
  spot: [
    { id: 'REQUEST_WEIGHT', limit: 6000, intervalMs: 60_000 },
    { id: 'ORDERS_10S', limit: 100, intervalMs: 10_000 },
    { id: 'ORDERS_1D', limit: 200_000, intervalMs: 86_400_000 },
  ],
  usdm: [
    { id: 'REQUEST_WEIGHT', limit: 2400, intervalMs: 60_000 },
    { id: 'ORDERS_10S', limit: 300, intervalMs: 10_000 },
    { id: 'ORDERS_1M', limit: 1200, intervalMs: 60_000 },
  ],
}

const USAGE_HEADERS: Record<BinanceMarket, Record<string, string>> = {
  spot: {
    'x-mbx-used-weight-1m': 'REQUEST_WEIGHT',
    'x-mbx-order-count-10s': 'ORDERS_10S',
    'x-mbx-order-count-1d': 'ORDERS_1D',
  },
  usdm: {
    'x-mbx-used-weight-1m': 'REQUEST_WEIGHT',
    'x-mbx-order-count-10s': 'ORDERS_10S',
    'x-mbx-order-count-1m': 'ORDERS_1M',
  },
}

/** How a request authenticates: none, API key header only (listen keys), or signed. */
export type BinanceSecurity = 'NONE' | 'API_KEY' | 'SIGNED'

/** One REST call. */
export interface BinanceCall<S extends z.ZodMiniType> {
  method?: HttpMethod
  path: string
  params?: Record<string, QueryValue>
  schema: S
  security?: BinanceSecurity
  /** Request weight (default 1). */
  weight?: number
  /** Counts against the order-rate windows. */
  isOrder?: boolean
  /**
   * What the request spends in the rate-limit windows when that is not `weight` (and one order with `isOrder`): a
   * USD-M batch placement counts 5 orders in the 10-second window and 1 in the minute.
   */
  cost?: RequestCost
  /** Limiter lane; cancels use `CANCEL`. */
  priority?: Priority
  /**
   * Local time (ms) a signed request stands for: its `timestamp` is the server time at that moment, so the venue
   * refuses it (-1021, nothing executed) once `recvWindow` has passed since, however long it waited here (see
   * {@link BinanceRest.serverTimeAt}). Default: when it is signed.
   */
  signedAt?: number
}

/**
 * The REST layer shared by both markets: an {@link HttpClient} with Binance's rate-limit windows and usage
 * headers, the error mapper, and the signing hook (timestamp from a server-time offset kept in sync, recvWindow,
 * HMAC or Ed25519 signature; re-synced and retried once on -1021).
 *
 * @example
 * ```ts
 * const account = await spot.rest.call({ path: '/api/v3/account', schema: z.unknown(), security: 'SIGNED', weight: 20 })
 * spot.rest.limiter.snapshot() // weight and order windows, fed by X-MBX-USED-WEIGHT-1M
 * ```
 */
export class BinanceRest {
  readonly market: BinanceMarket
  readonly venue: string
  readonly http: HttpClient
  readonly limiter: RateLimiter
  readonly #clock: Clock
  readonly #logger: Logger
  readonly #signer: BinanceSigner | undefined
  readonly #apiKey: string | undefined
  readonly #recvWindow: number
  readonly #syncEveryMs: number
  #offsetMs = 0
  #syncedAt = Number.NEGATIVE_INFINITY
  #syncing: Promise<void> | undefined

  constructor(market: BinanceMarket, cfg: BinanceResolvedConfig, restUrl: string) {
    this.market = market
    this.venue = BINANCE_VENUE[market]
    this.#clock = cfg.clock ?? new SystemClock()
    this.#logger = cfg.logger ?? silentLogger
    this.#apiKey = cfg.apiKey
    this.#recvWindow = cfg.recvWindow
    this.#syncEveryMs = cfg.timeSyncIntervalMs
    if (cfg.privateKey !== undefined) this.#signer = createEd25519Signer(cfg.privateKey)
    else if (cfg.apiSecret !== undefined) this.#signer = createHmacSigner(cfg.apiSecret)
    this.limiter = new RateLimiter({
      windows: WINDOWS[market],
      clock: this.#clock,
      ...(cfg.rateLimitStore !== undefined ? { store: cfg.rateLimitStore } : {}),
    })
    this.http = new HttpClient({
      baseUrl: restUrl,
      venue: this.venue,
      timeoutMs: cfg.timeoutMs,
      rateLimiter: this.limiter,
      usageHeaders: USAGE_HEADERS[market],
      headers: this.#apiKey !== undefined ? { 'X-MBX-APIKEY': this.#apiKey } : {},
      clock: this.#clock,
      sign: (draft) => this.#sign(draft),
      mapError: (ctx) => this.#mapError(ctx),
      onUnhandledError: (e) => this.#logger.warn({ err: e.message }, 'binance http error'),
      ...(cfg.fetch !== undefined ? { fetch: cfg.fetch } : {}),
      ...(cfg.circuitBreaker !== undefined ? { circuitBreaker: cfg.circuitBreaker } : {}),
    })
  }

  /** True when the client can sign requests. */
  get hasCredentials(): boolean {
    return this.#signer !== undefined && this.#apiKey !== undefined
  }
  /** The signer (for WebSocket API requests). */
  get signer(): BinanceSigner | undefined {
    return this.#signer
  }
  /** The API key, when configured. */
  get apiKey(): string | undefined {
    return this.#apiKey
  }
  /** Current estimate of `serverTime - localTime`, ms. */
  get timeOffsetMs(): number {
    return this.#offsetMs
  }
  /** Server time now, by the synced offset. */
  serverNow(): number {
    return this.#clock.now() + this.#offsetMs
  }

  /** Local time now, on the clock the server-time offset is measured against. */
  localNow(): number {
    return this.#clock.now()
  }

  /**
   * The signed `timestamp` of a request made at local time `signedAt` (default now), by the offset synced last.
   * An order request keeps the time it was made through waits in the rate limiter and retries: Binance then refuses
   * it once `recvWindow` has passed, so an order the caller has given up on can never land later.
   */
  serverTimeAt(signedAt?: number): number {
    return Math.round((signedAt ?? this.#clock.now()) + this.#offsetMs)
  }

  #mapError(ctx: HttpErrorContext): TradekitError | undefined {
    const body = ctx.json as { code?: unknown; msg?: unknown; data?: unknown } | undefined
    const code = typeof body?.code === 'number' ? body.code : undefined
    const msg = typeof body?.msg === 'string' ? body.msg : undefined
    if (code === undefined && ctx.status >= 500) return undefined
    const ra = ctx.headers.get('retry-after')
    const retryAfterSec = ra !== null && /^\d+$/.test(ra) ? Number(ra) : undefined
    return mapBinanceError({
      venue: this.venue,
      status: ctx.status,
      ...(code !== undefined ? { code } : {}),
      ...(msg !== undefined ? { msg } : {}),
      ...(retryAfterSec !== undefined ? { retryAfterSec } : {}),
      ...(body?.data !== undefined ? { data: body.data } : {}),
      request: ctx.request,
      nowMs: this.#clock.now(),
    })
  }

  async #sign(draft: HttpRequestDraft): Promise<void> {
    if (draft.meta.security !== 'SIGNED') return
    if (this.#signer === undefined)
      throw new ConfigError('Signed Binance request without credentials', ['apiSecret'])
    draft.query.delete('signature')
    draft.query.set('recvWindow', String(this.#recvWindow))
    const signedAt = draft.meta.signedAt
    draft.query.set(
      'timestamp',
      String(this.serverTimeAt(typeof signedAt === 'number' ? signedAt : undefined)),
    )
    const signature = await this.#signer.sign(draft.query.toString())
    draft.query.set('signature', signature)
  }

  /** Fetches server time and updates the offset (midpoint of the round trip). */
  async syncTime(): Promise<void> {
    this.#syncing ??= (async () => {
      try {
        const t0 = this.#clock.now()
        const res = await this.http.get(`${this.#prefix()}/time`, {
          schema: z.unknown(),
          cost: { REQUEST_WEIGHT: 1 },
        })
        const decoded = decodeServerTime(res, this.market)
        if (!decoded.ok) throw decoded.error
        const serverTime = decoded.value
        const t1 = this.#clock.now()
        this.#offsetMs = serverTime - Math.round((t0 + t1) / 2)
        this.#syncedAt = t1
      } finally {
        this.#syncing = undefined
      }
    })()
    return this.#syncing
  }

  #prefix(): string {
    return this.market === 'spot' ? '/api/v3' : '/fapi/v1'
  }

  /** Re-syncs the server-time offset when `timeSyncIntervalMs` has passed since the last sync. */
  async syncTimeIfDue(): Promise<void> {
    if (this.#clock.now() - this.#syncedAt > this.#syncEveryMs) await this.syncTime()
  }

  /**
   * Sizes the rate-limit windows from `exchangeInfo.rateLimits` (the venue's published limits); windows it does not
   * publish keep the built-in fallback, and every fallback kept is logged.
   */
  applyRateLimits(rateLimits: unknown): void {
    const published = new Set<string>()
    for (const raw of Array.isArray(rateLimits) ? rateLimits : []) {
      const r = BinanceRateLimitSchema.safeParse(raw)
      const w = r.success ? rateLimitWindow(r.data) : undefined
      if (r.success && w !== undefined && this.limiter.windowIds.includes(w.id)) {
        this.limiter.resizeWindow(w.id, r.data.limit, w.intervalMs)
        published.add(w.id)
      }
    }
    for (const w of WINDOWS[this.market]) {
      if (!published.has(w.id))
        this.#logger.warn(
          { window: w.id, limit: w.limit },
          'binance exchangeInfo publishes no such rate limit; keeping the built-in fallback',
        )
    }
  }

  /** Sends one call; signed calls sync time first when due and retry once after -1021. */
  async call<S extends z.ZodMiniType>(c: BinanceCall<S>): Promise<z.output<S>> {
    const security = c.security ?? 'NONE'
    if (security !== 'NONE' && this.#apiKey === undefined) {
      throw new ConfigError(`"${c.path}" needs an API key`, ['apiKey: required for this call'])
    }
    if (security === 'SIGNED') {
      if (this.#signer === undefined)
        throw new ConfigError(`"${c.path}" needs an API secret or private key`, ['apiSecret'])
      if (this.#clock.now() - this.#syncedAt > this.#syncEveryMs) await this.syncTime()
    }
    const weight = c.weight ?? 1
    const cost: RequestCost =
      c.cost ??
      (c.isOrder
        ? this.market === 'spot'
          ? { REQUEST_WEIGHT: weight, ORDERS_10S: 1, ORDERS_1D: 1 }
          : { REQUEST_WEIGHT: weight, ORDERS_10S: 1, ORDERS_1M: 1 }
        : { REQUEST_WEIGHT: weight })
    const send = () =>
      this.http.request({
        method: c.method ?? 'GET',
        path: c.path,
        ...(c.params !== undefined ? { query: c.params } : {}),
        schema: c.schema,
        cost,
        ...(c.priority !== undefined ? { priority: c.priority } : {}),
        signed: security === 'SIGNED',
        meta: c.signedAt !== undefined ? { security, signedAt: c.signedAt } : { security },
      })
    try {
      return (await send()).data as z.output<S>
    } catch (e) {
      if (
        security === 'SIGNED' &&
        e instanceof ExchangeError &&
        e.venueCode === BinanceErrorCode.INVALID_TIMESTAMP
      ) {
        this.#logger.warn({ offsetMs: this.#offsetMs }, 'binance -1021: re-syncing server time')
        await this.syncTime()
        return (await send()).data as z.output<S>
      }
      throw e
    }
  }
}

export { Priority }
