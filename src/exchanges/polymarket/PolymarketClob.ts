import { z } from 'zod'
import { type Clock, SystemClock } from '../../core/clock.js'
import { parseConfig } from '../../core/config.js'
import { type Listenable, TypedEmitter } from '../../core/events.js'
import type { Logger } from '../../core/logger.js'
import { redactingLogger, silentLogger } from '../../core/logger.js'
import type { MarketDataEvents, MarketDataSource } from '../../core/ports.js'
import type { BookSnapshot, Fill, Trade } from '../../core/types.js'
import { Decimal, parseDecimal } from '../../decimal/index.js'
import {
  ExchangeDataError,
  isTradekitError,
  OrderOutcomeUnknownError,
  StateError,
  type TradekitError,
  toTradekitError,
  ValidationError,
} from '../../errors/index.js'
import {
  HttpClient,
  type HttpMethod,
  Priority,
  RateLimiter,
  ReconnectingWebSocket,
  type WebSocketConstructor,
} from '../../transport/index.js'
import { createL1Headers, createL2Headers } from './auth.js'
import { buildMarketOrder, buildOrder } from './buildOrder.js'
import {
  END_CURSOR,
  GTD_MIN_LEAD_MS,
  INITIAL_CURSOR,
  isTickSize,
  MAX_BATCH_ORDERS,
  POLYGON_CHAIN_ID,
  POLYMARKET_CLOB_HOST,
  POLYMARKET_VENUE,
  POLYMARKET_WS_HOST,
  type TickSize,
} from './constants.js'
import {
  ConditionIdSchema,
  decodeFrame,
  decodeMarketEvent,
  decodeRestBook,
  decodeUserEvent,
  type PolymarketBook,
  type PolymarketMarketEvent,
  type PolymarketTickSizeChangeEvent,
  type PolymarketUserOrderEvent,
  type PolymarketUserTradeEvent,
  TokenIdSchema,
} from './decode.js'
import { mapPolymarketError } from './errors.js'
import { LocalBook } from './LocalBook.js'
import { orderHash, signOrder } from './signOrder.js'
import { toPostOrderBody } from './toPostOrderBody.js'
import type {
  ApiCredentials,
  BuildMarketOrderArgs,
  BuildOrderArgs,
  PolymarketOrderType,
  SignatureType,
  SignedPolymarketOrder,
  TypedDataSigner,
} from './types.js'

const isFn = (v: unknown): boolean => typeof v === 'function'

/** Schema of {@link PolymarketClobConfig}; defaults are applied here. */
export const PolymarketClobConfigSchema = z
  .object({
    /** REST base URL. Default `https://clob.polymarket.com`. */
    restUrl: z.string().url().default(POLYMARKET_CLOB_HOST),
    /** WebSocket base URL (channels at `/ws/market`, `/ws/user`). Default Polymarket's. */
    wsUrl: z.string().default(POLYMARKET_WS_HOST),
    /** The signing wallet (an ethers v6 `Wallet` or `Signer`): signs orders and L1 headers. */
    signer: z
      .custom<TypedDataSigner>(
        (v) => typeof v === 'object' && v !== null && isFn((v as TypedDataSigner).signTypedData),
        'must have signTypedData and getAddress',
      )
      .optional(),
    /** L2 credentials; create or derive them with `createOrDeriveApiKey()` when absent. */
    credentials: z
      .object({ address: z.string(), apiKey: z.string(), secret: z.string(), passphrase: z.string() })
      .strict()
      .optional(),
    /** 0 EOA (default), 1 POLY_PROXY, 2 POLY_GNOSIS_SAFE. */
    signatureType: z.union([z.literal(0), z.literal(1), z.literal(2)]).default(0),
    /** The funding proxy/Safe (signature types 1 and 2). */
    funder: z.string().optional(),
    /** Chain id. Default 137. */
    chainId: z.number().int().positive().default(POLYGON_CHAIN_ID),
    /** Per-request timeout, ms. Default 10 s. */
    timeoutMs: z.number().int().positive().default(10_000),
    /**
     * Rate limits, Polymarket's published CLOB limits: general 9000 / 10 s, market data (`/book`, `/price`,
     * `/midpoint`) 1500 / 10 s, POST /order 3500 / 10 s and 36 000 / 10 min, DELETE /order 3000 / 10 s and 30 000 /
     * 10 min, POST /orders 1000 / 10 s. `Poly-RateLimit-*` response headers are fed back to the limiter.
     */
    rateLimits: z
      .object({
        general10s: z.number().positive().default(9000),
        marketData10s: z.number().positive().default(1500),
        postOrder10s: z.number().positive().default(3500),
        postOrder10m: z.number().positive().default(36_000),
        cancel10s: z.number().positive().default(3000),
        cancel10m: z.number().positive().default(30_000),
        postOrders10s: z.number().positive().default(1000),
      })
      .strict()
      .default({
        general10s: 9000,
        marketData10s: 1500,
        postOrder10s: 3500,
        postOrder10m: 36_000,
        cancel10s: 3000,
        cancel10m: 30_000,
        postOrders10s: 1000,
      }),
    /** Heartbeat (dead-man's switch) interval, ms. The venue cancels all orders after 10 s without one. Default 5 s. */
    heartbeatIntervalMs: z.number().int().positive().default(5_000),
    /** Arm heartbeats automatically while the client has open orders. Default true. */
    autoHeartbeat: z.boolean().default(true),
    /** Market data silent this long (PONGs do not count) → books are re-snapshotted over REST, ms. Default 30 s. */
    marketSilenceMs: z.number().int().positive().default(30_000),
    /** Text `PING` interval on both channels, ms. Default 10 s. */
    pingIntervalMs: z.number().int().positive().default(10_000),
    /** Socket with no frame at all (not even PONG) for this long is dropped and reconnected, ms. Default 30 s. */
    staleAfterMs: z.number().int().positive().default(30_000),
    /** After a user-channel reconnect, fills are reconciled over REST at once and again after this delay, ms. Default 1 s. */
    userReconcileDelayMs: z.number().int().positive().default(1_000),
    /** Reconnect backoff base, ms. Default 500. */
    reconnectBaseMs: z.number().int().nonnegative().default(500),
    /** Time source. Default `SystemClock`. */
    clock: z.custom<Clock>((v) => typeof v === 'object' && v !== null && isFn((v as Clock).now)).optional(),
    /** Logger (wrapped so secrets never reach it). */
    logger: z.custom<Logger>((v) => typeof v === 'object' && v !== null).optional(),
    /** WebSocket implementation (default isows). */
    WebSocket: z.custom<WebSocketConstructor>(isFn).optional(),
    /** `fetch` implementation (default the global one). */
    fetch: z.custom<typeof fetch>(isFn).optional(),
  })
  .strict()

/** What {@link PolymarketClob} takes (defaults documented on {@link PolymarketClobConfigSchema}). */
export type PolymarketClobConfig = z.input<typeof PolymarketClobConfigSchema>

/** A market as GET /markets returns it (the fields tradekit uses). */
export interface PolymarketMarket {
  readonly conditionId: string
  readonly question: string
  readonly tokens: ReadonlyArray<{ readonly tokenId: string; readonly outcome: string }>
  readonly tickSize: TickSize
  readonly minOrderSize: string
  readonly negRisk: boolean
  readonly active: boolean
  readonly closed: boolean
}

/** One page of a cursor-paginated listing. */
export interface PolymarketPage<T> {
  readonly data: readonly T[]
  /** Pass back to get the next page; {@link END_CURSOR} after the last. */
  readonly nextCursor: string
}

/** The venue's answer to a posted order. */
export interface PostOrderResult {
  /** The order id (its EIP-712 hash). */
  readonly orderId: string
  /** `live` (resting), `matched`, `delayed` or `unmatched`. */
  readonly status: string
  readonly makingAmount: string
  readonly takingAmount: string
  readonly tradeIds: readonly string[]
}

/** Result of any cancel call. */
export interface CancelResult {
  readonly canceled: readonly string[]
  readonly notCanceled: Readonly<Record<string, string>>
}

/** An open order as GET /data/orders reports it. */
export interface PolymarketOpenOrder {
  readonly id: string
  readonly status: string
  readonly market: string
  readonly tokenId: string
  readonly side: 'BUY' | 'SELL'
  readonly price: Decimal
  readonly originalSize: Decimal
  readonly sizeMatched: Decimal
  readonly orderType: string
  readonly createdAt: number
}

/** A trade as GET /data/trades reports it. */
export interface PolymarketTradeRecord {
  readonly id: string
  readonly takerOrderId: string
  readonly market: string
  readonly tokenId: string
  readonly side: 'BUY' | 'SELL'
  readonly price: Decimal
  readonly size: Decimal
  readonly status: string
  readonly traderSide: string
}

/** Health of the heartbeat loop: `IDLE` (not armed), `HEALTHY`, or `UNHEALTHY` (orders blocked). */
export const HeartbeatState = { IDLE: 'IDLE', HEALTHY: 'HEALTHY', UNHEALTHY: 'UNHEALTHY' } as const
/** Union of {@link HeartbeatState} values. */
export type HeartbeatState = (typeof HeartbeatState)[keyof typeof HeartbeatState]

/** Payload of `heartbeat.health`. */
export interface HeartbeatHealthEvent {
  readonly type: 'heartbeat.health'
  readonly state: HeartbeatState
  readonly reason: string | undefined
  readonly tsEvent: number
}

/** Payload of `book`: the local book of a token after a snapshot, a delta or a REST resync. */
export interface PolymarketBookUpdate {
  readonly type: 'book'
  readonly tokenId: string
  readonly reason: 'snapshot' | 'update' | 'resync'
  readonly book: BookSnapshot
  readonly tsEvent: number
}

/** Payload of `fill`: one of our orders traded (first report, status MATCHED or later). */
export interface PolymarketFillEvent {
  readonly type: 'fill'
  readonly fill: Fill
  readonly status: PolymarketUserTradeEvent['status']
  readonly tsEvent: number
}

/** Events of a {@link PolymarketClob}. Always listen to `error`. */
export interface PolymarketClobEvents {
  /** Every decoded market-channel event. */
  market: [e: PolymarketMarketEvent]
  book: [e: PolymarketBookUpdate]
  /** A public trade (`last_trade_price`). */
  trade: [e: { type: 'trade'; trade: Trade; tsEvent: number }]
  /** A market's tick size changed; the cache is already updated. */
  tickSize: [e: PolymarketTickSizeChangeEvent]
  /** An order of ours changed (user channel). */
  'user.order': [e: PolymarketUserOrderEvent]
  /** A trade of ours changed settlement status (user channel). */
  'user.trade': [e: PolymarketUserTradeEvent]
  fill: [e: PolymarketFillEvent]
  /** A trade of ours reported as a `fill` FAILED to settle: the venue undid it (same fill, same trade id). */
  'fill.reversed': [e: { type: 'fill.reversed'; fill: Fill; reason: string; tsEvent: number }]
  'heartbeat.health': [e: HeartbeatHealthEvent]
  /** A channel (re)connected; books will be rebuilt from the next snapshot. */
  'ws.open': [e: { type: 'ws.open'; channel: 'market' | 'user'; tsEvent: number }]
  error: [e: TradekitError]
}

/** Options of {@link PolymarketClob.postOrder}. */
export interface PostOrderOptions {
  readonly orderType?: PolymarketOrderType
  readonly postOnly?: boolean
  readonly deferExec?: boolean
}

const Str = z.union([z.string(), z.number()]).transform(String)

/** A non-negative plain decimal (`"5"`, `"0.5"`), as the venue sends sizes; never `""`, `NaN` or `-1`. */
const NonNegativeDecimalString = Str.refine((v) => parseDecimal(v).ok, 'must be a non-negative decimal')

const MarketSchema = z.object({
  condition_id: ConditionIdSchema,
  question: z.string().default(''),
  tokens: z.array(z.object({ token_id: TokenIdSchema, outcome: z.string() })),
  minimum_tick_size: Str,
  minimum_order_size: NonNegativeDecimalString.default('0'),
  neg_risk: z.boolean().default(false),
  active: z.boolean().default(true),
  closed: z.boolean().default(false),
})

const PageSchema = z.object({ data: z.array(z.unknown()), next_cursor: z.string() })

/**
 * Polymarket CLOB V2 client: market data and books over REST and WebSocket (a local book per token, rebuilt after
 * every reconnect and re-snapshotted when data goes silent), signed order placement with the venue's exact
 * rounding, cancels, account data, the user channel as unified fills, and the heartbeat dead-man's switch (fail
 * closed: no new order while heartbeats are unhealthy). Tick sizes and neg-risk flags are cached and refreshed on
 * `tick_size_change`.
 *
 * @example
 * ```ts
 * import { Wallet } from 'ethers'
 * const clob = new PolymarketClob({ signer: new Wallet(pk) })
 * clob.events.on('error', (e) => log.warn(e))
 * await clob.createOrDeriveApiKey()
 * const res = await clob.placeOrder({ tokenId, price: '0.55', size: '10', side: 'BUY' })
 * await clob.close()
 * ```
 */
export class PolymarketClob {
  /** Subscribe to market, book, fill, heartbeat and error events. */
  readonly events: Listenable<PolymarketClobEvents>
  /** The HTTP client (shared rate limiter, circuit breaker). */
  readonly http: HttpClient
  readonly #bus: TypedEmitter<PolymarketClobEvents>
  readonly #cfg: z.output<typeof PolymarketClobConfigSchema>
  readonly #clock: Clock
  readonly #log: Logger
  #creds: ApiCredentials | undefined
  readonly #tick = new Map<string, TickSize>()
  readonly #negRisk = new Map<string, boolean>()
  readonly #tokenMarket = new Map<string, string>()
  readonly #books = new Map<string, LocalBook>()
  readonly #myOrders = new Set<string>()
  /** Fills reported, by `tradeId:orderId`: `true` once reversed (their trade FAILED). */
  readonly #seenFills = new Map<string, boolean>()
  #marketWs: ReconnectingWebSocket | undefined
  #marketData: MarketDataSource | undefined
  #userWs: ReconnectingWebSocket | undefined
  readonly #userMarkets = new Set<string>()
  #lastMarketData = 0
  #silenceTimer: unknown
  #reconcileTimer: unknown
  #hbState: HeartbeatState = HeartbeatState.IDLE
  #hbTimer: unknown
  #hbId = ''
  #hbArmed = false
  #hbInFlight = false
  #closed = false

  constructor(config: PolymarketClobConfig = {}) {
    this.#cfg = parseConfig(PolymarketClobConfigSchema, config, 'PolymarketClob')
    this.#clock = this.#cfg.clock ?? new SystemClock()
    this.#log = redactingLogger(this.#cfg.logger ?? silentLogger)
    this.#bus = new TypedEmitter<PolymarketClobEvents>()
    this.events = this.#bus
    this.#creds = this.#cfg.credentials
    const rl = this.#cfg.rateLimits
    const limiter = new RateLimiter({
      windows: [
        { id: 'GENERAL', limit: rl.general10s, intervalMs: 10_000, mode: 'rolling' },
        { id: 'MARKET_DATA', limit: rl.marketData10s, intervalMs: 10_000, mode: 'rolling' },
        { id: 'POST_ORDER', limit: rl.postOrder10s, intervalMs: 10_000, mode: 'rolling' },
        { id: 'POST_ORDER_10M', limit: rl.postOrder10m, intervalMs: 600_000, mode: 'rolling' },
        { id: 'CANCEL', limit: rl.cancel10s, intervalMs: 10_000, mode: 'rolling' },
        { id: 'CANCEL_10M', limit: rl.cancel10m, intervalMs: 600_000, mode: 'rolling' },
        { id: 'POST_ORDERS', limit: rl.postOrders10s, intervalMs: 10_000, mode: 'rolling' },
      ],
      clock: this.#clock,
    })
    this.http = new HttpClient({
      baseUrl: this.#cfg.restUrl,
      venue: POLYMARKET_VENUE,
      timeoutMs: this.#cfg.timeoutMs,
      rateLimiter: limiter,
      clock: this.#clock,
      ...(this.#cfg.fetch !== undefined ? { fetch: this.#cfg.fetch } : {}),
      sign: (draft) => {
        const creds = this.#creds
        if (creds === undefined) throw new StateError('No L2 credentials: call createOrDeriveApiKey() first')
        const h = createL2Headers(creds, {
          method: draft.method,
          path: draft.path,
          ...(draft.body !== undefined ? { body: draft.body } : {}),
          timestamp: Math.floor(this.#clock.now() / 1000),
        })
        for (const [k, v] of Object.entries(h)) draft.headers[k] = v
      },
      mapError: (ctx) => {
        const msg =
          typeof (ctx.json as { error?: unknown } | undefined)?.error === 'string'
            ? ((ctx.json as { error: string }).error as string)
            : ctx.bodyText.slice(0, 200)
        return mapPolymarketError(ctx.status, msg)
      },
      onResponse: (info) => {
        const limit = Number(info.headers.get('poly-ratelimit-limit'))
        const remaining = Number(info.headers.get('poly-ratelimit-remaining'))
        if (Number.isFinite(limit) && Number.isFinite(remaining) && limit > 0 && remaining >= 0) {
          limiter.observeUsage('GENERAL', Math.max(0, rl.general10s * (1 - remaining / limit)))
        }
        if (info.headers.get('poly-ratelimit-warning') === 'true') {
          this.#log.warn(
            { request: info.request },
            'Polymarket: this request would be rate limited (Poly-RateLimit-Warning)',
          )
        }
      },
    })
    this.http.events.on('error', (e) => this.#bus.emit('error', e))
  }

  /**
   * This client's market channel as a core `MarketDataSource`: a `book` snapshot after every change, public `trade`s,
   * `dataError` for rejected frames. Plug it into a TradingEngine feed or a PaperTrader.
   *
   * @example
   * ```ts
   * clob.subscribeMarket([yesTokenId, noTokenId])
   * const engine = new TradingEngine({ feeds: [{ name: 'polymarket', venue: 'polymarket', source: clob.marketData() }], ... })
   * ```
   */
  marketData(): MarketDataSource {
    if (this.#marketData !== undefined) return this.#marketData
    const bus = new TypedEmitter<MarketDataEvents>()
    this.#bus.on('book', (e) => bus.emit('book', e.book))
    this.#bus.on('trade', (e) => bus.emit('trade', e.trade))
    this.#bus.on('error', (e) => bus.emit(e.code === 'EXCHANGE_DATA_INVALID' ? 'dataError' : 'error', e))
    this.#marketData = { events: bus }
    return this.#marketData
  }

  /** Current credentials (never logged). */
  get credentials(): ApiCredentials | undefined {
    return this.#creds
  }

  /** Heartbeat health. Orders are refused while it is `UNHEALTHY`. */
  get heartbeatState(): HeartbeatState {
    return this.#hbState
  }

  // ───────────────────────────── auth ─────────────────────────────

  /** Creates the API key of the signer for `nonce`, or derives it when it already exists; keeps it for L2 calls. */
  async createOrDeriveApiKey(nonce = 0): Promise<ApiCredentials> {
    const signer = this.#requireSigner()
    const KeySchema = z.object({
      apiKey: z.string().min(1),
      secret: z.string().min(1),
      passphrase: z.string().min(1),
    })
    const l1 = async () => ({
      ...(await createL1Headers(signer, {
        timestamp: Math.floor(this.#clock.now() / 1000),
        nonce,
        chainId: this.#cfg.chainId,
      })),
    })
    let raw: z.output<typeof KeySchema>
    try {
      raw = (
        await this.http.request({
          method: 'POST',
          path: '/auth/api-key',
          headers: await l1(),
          schema: KeySchema,
        })
      ).data
    } catch (e) {
      if (isTradekitError(e) && e.code === 'AUTH_FAILED') throw e
      raw = (
        await this.http.request({
          method: 'GET',
          path: '/auth/derive-api-key',
          headers: await l1(),
          schema: KeySchema,
        })
      ).data
    }
    const address = await signer.getAddress()
    this.#creds = { address, apiKey: raw.apiKey, secret: raw.secret, passphrase: raw.passphrase }
    return this.#creds
  }

  // ───────────────────────────── market data (REST) ─────────────────────────────

  /** One page of markets (cursor-paginated); caches each token's tick size and neg-risk flag. */
  async getMarkets(cursor: string = INITIAL_CURSOR): Promise<PolymarketPage<PolymarketMarket>> {
    const page = await this.#get('/markets', { next_cursor: cursor }, PageSchema)
    return { data: page.data.map((m) => this.#market(m)), nextCursor: page.next_cursor }
  }

  /** Every market, following cursors up to `maxPages` pages. */
  async getAllMarkets(maxPages = 100): Promise<PolymarketMarket[]> {
    const out: PolymarketMarket[] = []
    let cursor = INITIAL_CURSOR
    for (let i = 0; i < maxPages && cursor !== END_CURSOR; i++) {
      const page = await this.getMarkets(cursor)
      out.push(...page.data)
      cursor = page.nextCursor
    }
    return out
  }

  /** One market by condition id. */
  async getMarket(conditionId: string): Promise<PolymarketMarket> {
    if (!/^0x[0-9a-fA-F]{1,64}$/.test(conditionId)) {
      throw new ValidationError(`Invalid condition id "${conditionId.slice(0, 80)}"`, {
        field: 'conditionId',
      })
    }
    return this.#market(await this.#get(`/markets/${conditionId}`, {}, z.unknown()))
  }

  /** The order book of a token (levels best first). */
  async getBook(tokenId: string): Promise<PolymarketBook> {
    const raw = await this.#get('/book', { token_id: tokenId }, z.unknown())
    const r = decodeRestBook(raw)
    if (!r.ok) throw r.error
    if (r.value.tickSize !== undefined && isTickSize(r.value.tickSize))
      this.#tick.set(tokenId, r.value.tickSize)
    if (r.value.negRisk !== undefined) this.#negRisk.set(tokenId, r.value.negRisk)
    return r.value
  }

  /** Order books of several tokens in one request. */
  async getBooks(tokenIds: readonly string[]): Promise<PolymarketBook[]> {
    const { data } = await this.http.request({
      method: 'POST',
      path: '/books',
      body: tokenIds.map((t) => ({ token_id: t })),
      retrySafe: true,
      priority: Priority.MARKET_DATA,
      cost: { GENERAL: 1, MARKET_DATA: 1 },
      schema: z.array(z.unknown()),
    })
    return data.map((b) => {
      const r = decodeRestBook(b)
      if (!r.ok) throw r.error
      return r.value
    })
  }

  /** The venue's price of a token for a side (GET /price). */
  async getPrice(tokenId: string, side: 'BUY' | 'SELL'): Promise<Decimal> {
    const r = await this.#get('/price', { token_id: tokenId, side }, z.object({ price: Str }))
    return this.#dec(r.price, 'price')
  }

  /** Midpoint of a token's book. */
  async getMidpoint(tokenId: string): Promise<Decimal> {
    return this.#dec((await this.#get('/midpoint', { token_id: tokenId }, z.object({ mid: Str }))).mid, 'mid')
  }

  /** Spread of a token's book. */
  async getSpread(tokenId: string): Promise<Decimal> {
    const r = await this.#get('/spread', { token_id: tokenId }, z.object({ spread: Str }))
    return this.#dec(r.spread, 'spread')
  }

  /** Last trade price of a token (`undefined` when it never traded). */
  async getLastTradePrice(tokenId: string): Promise<Decimal | undefined> {
    const r = await this.#get('/last-trade-price', { token_id: tokenId }, z.object({ price: Str }))
    return r.price === '' || r.price === '0' ? undefined : this.#dec(r.price, 'price')
  }

  /** Tick size of a token (cached; refreshed on `tick_size_change` or a tick rejection). */
  async getTickSize(tokenId: string): Promise<TickSize> {
    const cached = this.#tick.get(tokenId)
    if (cached !== undefined) return cached
    const r = await this.#get('/tick-size', { token_id: tokenId }, z.object({ minimum_tick_size: Str }))
    if (!isTickSize(r.minimum_tick_size)) {
      throw new ExchangeDataError(POLYMARKET_VENUE, 'Unsupported tick size', [r.minimum_tick_size], r)
    }
    this.#tick.set(tokenId, r.minimum_tick_size)
    return r.minimum_tick_size
  }

  /** Whether a token trades on the neg-risk exchange (cached). */
  async getNegRisk(tokenId: string): Promise<boolean> {
    const cached = this.#negRisk.get(tokenId)
    if (cached !== undefined) return cached
    const r = await this.#get('/neg-risk', { token_id: tokenId }, z.object({ neg_risk: z.boolean() }))
    this.#negRisk.set(tokenId, r.neg_risk)
    return r.neg_risk
  }

  // ───────────────────────────── orders ─────────────────────────────

  /** Builds and signs a limit order with the token's current tick size and exchange. */
  async createOrder(args: BuildOrderArgs): Promise<SignedPolymarketOrder> {
    const signer = this.#requireSigner()
    const [tickSize, negRisk, address] = await Promise.all([
      this.getTickSize(args.tokenId),
      this.getNegRisk(args.tokenId),
      signer.getAddress(),
    ])
    const order = buildOrder(args, this.#orderOptions(tickSize, negRisk, address))
    return signOrder(order, signer, { negRisk, chainId: this.#cfg.chainId })
  }

  /** Builds and signs a market order (FOK/FAK), walking the current book when no price is given. */
  async createMarketOrder(args: BuildMarketOrderArgs): Promise<SignedPolymarketOrder> {
    const signer = this.#requireSigner()
    const [tickSize, negRisk, address] = await Promise.all([
      this.getTickSize(args.tokenId),
      this.getNegRisk(args.tokenId),
      signer.getAddress(),
    ])
    let book = args.book
    if (args.price === undefined && book === undefined) {
      const b = await this.getBook(args.tokenId)
      book = (args.side === 'BUY' ? b.asks : b.bids).map(([price, size]) => ({ price, size }))
    }
    const order = buildMarketOrder(
      { ...args, ...(book !== undefined ? { book } : {}) },
      this.#orderOptions(tickSize, negRisk, address),
    )
    return signOrder(order, signer, { negRisk, chainId: this.#cfg.chainId })
  }

  /**
   * Posts a signed order. Refused (StateError) while heartbeats are unhealthy. A timeout, network error or 5xx
   * rejects with {@link OrderOutcomeUnknownError} carrying the order id, to reconcile with `getOrder`.
   */
  async postOrder(order: SignedPolymarketOrder, options: PostOrderOptions = {}): Promise<PostOrderResult> {
    const creds = this.#requireTradable()
    const orderType = options.orderType ?? 'GTC'
    this.#checkGtd(order, orderType)
    const negRisk = await this.getNegRisk(order.tokenId)
    const id = orderHash(order, { negRisk, chainId: this.#cfg.chainId })
    const body = toPostOrderBody(order, {
      owner: creds.apiKey,
      orderType,
      ...(options.postOnly !== undefined ? { postOnly: options.postOnly } : {}),
      ...(options.deferExec !== undefined ? { deferExec: options.deferExec } : {}),
    })
    const res = await this.#send(id, () =>
      this.http.request({
        method: 'POST',
        path: '/order',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
        signed: true,
        priority: Priority.ORDER,
        cost: { GENERAL: 1, POST_ORDER: 1, POST_ORDER_10M: 1 },
        schema: z.unknown(),
      }),
    )
    const result = this.#postResult(res.data, id)
    this.#afterPost(result)
    return result
  }

  /** Builds, signs and posts a limit order (GTC by default). */
  async placeOrder(args: BuildOrderArgs, options: PostOrderOptions = {}): Promise<PostOrderResult> {
    this.#requireTradable()
    return this.postOrder(await this.createOrder(args), options)
  }

  /** Builds, signs and posts a market order (FOK by default). */
  async placeMarketOrder(args: BuildMarketOrderArgs): Promise<PostOrderResult> {
    this.#requireTradable()
    return this.postOrder(await this.createMarketOrder(args), { orderType: args.orderType ?? 'FOK' })
  }

  /** Posts up to 15 signed orders in one request; each element is a result or the typed error of that order. */
  async postOrders(
    orders: ReadonlyArray<{ order: SignedPolymarketOrder; options?: PostOrderOptions }>,
  ): Promise<Array<PostOrderResult | TradekitError>> {
    const creds = this.#requireTradable()
    if (orders.length === 0 || orders.length > MAX_BATCH_ORDERS) {
      throw new ValidationError(`A batch holds 1 to ${MAX_BATCH_ORDERS} orders, not ${orders.length}`)
    }
    const ids: string[] = []
    const bodies: ReturnType<typeof toPostOrderBody>[] = []
    for (const { order, options = {} } of orders) {
      const orderType = options.orderType ?? 'GTC'
      this.#checkGtd(order, orderType)
      const negRisk = await this.getNegRisk(order.tokenId)
      ids.push(orderHash(order, { negRisk, chainId: this.#cfg.chainId }))
      bodies.push(
        toPostOrderBody(order, {
          owner: creds.apiKey,
          orderType,
          ...(options.postOnly !== undefined ? { postOnly: options.postOnly } : {}),
        }),
      )
    }
    const res = await this.#send(ids[0] as string, () =>
      this.http.request({
        method: 'POST',
        path: '/orders',
        body: JSON.stringify(bodies),
        headers: { 'content-type': 'application/json' },
        signed: true,
        priority: Priority.ORDER,
        cost: { GENERAL: 1, POST_ORDERS: 1, POST_ORDER_10M: orders.length },
        schema: z.array(z.unknown()),
      }),
    )
    return res.data.map((item, i) => {
      try {
        const r = this.#postResult(item, ids[i] as string)
        this.#afterPost(r)
        return r
      } catch (e) {
        return toTradekitError(e)
      }
    })
  }

  /** Cancels one order by id. */
  async cancelOrder(orderId: string): Promise<CancelResult> {
    return this.#cancel('DELETE', '/order', { orderID: orderId })
  }

  /** Cancels several orders by id. */
  async cancelOrders(orderIds: readonly string[]): Promise<CancelResult> {
    return this.#cancel('DELETE', '/orders', orderIds)
  }

  /** Cancels every open order of the API key. */
  async cancelAll(): Promise<CancelResult> {
    return this.#cancel('DELETE', '/cancel-all', undefined)
  }

  /** Cancels the orders of one market (condition id) and/or token. */
  async cancelMarketOrders(filter: { market?: string; tokenId?: string }): Promise<CancelResult> {
    return this.#cancel('DELETE', '/cancel-market-orders', {
      ...(filter.market !== undefined ? { market: filter.market } : {}),
      ...(filter.tokenId !== undefined ? { asset_id: filter.tokenId } : {}),
    })
  }

  /** Open orders of the API key (all pages), optionally of one market or token. */
  async getOpenOrders(filter: { market?: string; tokenId?: string } = {}): Promise<PolymarketOpenOrder[]> {
    const raw = await this.#allPages('/data/orders', {
      ...(filter.market !== undefined ? { market: filter.market } : {}),
      ...(filter.tokenId !== undefined ? { asset_id: filter.tokenId } : {}),
    })
    const orders = raw.map((o) => this.#openOrder(o))
    for (const o of orders) this.#myOrders.add(o.id)
    this.#syncHeartbeatArming(orders.length > 0)
    return orders
  }

  /** One order by id. */
  async getOrder(orderId: string): Promise<PolymarketOpenOrder> {
    return this.#openOrder(await this.#getSigned(`/data/order/${orderId}`, {}))
  }

  /** Our trades (all pages), optionally of one market or token. */
  async getTrades(filter: { market?: string; tokenId?: string } = {}): Promise<PolymarketTradeRecord[]> {
    const raw = await this.#allPages('/data/trades', {
      ...(filter.market !== undefined ? { market: filter.market } : {}),
      ...(filter.tokenId !== undefined ? { asset_id: filter.tokenId } : {}),
    })
    const S = z.object({
      id: z.string(),
      taker_order_id: z.string(),
      market: z.string(),
      asset_id: z.string(),
      side: z.enum(['BUY', 'SELL']),
      price: Str,
      size: Str,
      status: z.string(),
      trader_side: z.string().default(''),
    })
    return raw.map((t) => {
      const r = S.safeParse(t)
      if (!r.success)
        throw new ExchangeDataError(POLYMARKET_VENUE, 'Invalid trade record', [r.error.message], t)
      const v = r.data
      return {
        id: v.id,
        takerOrderId: v.taker_order_id,
        market: v.market,
        tokenId: v.asset_id,
        side: v.side,
        price: this.#dec(v.price, 'price'),
        size: this.#dec(v.size, 'size'),
        status: v.status,
        traderSide: v.trader_side,
      }
    })
  }

  /** Balance of pUSD (`COLLATERAL`) or of a token's shares (`CONDITIONAL`), in pUSD / shares (not base units). */
  async getBalanceAllowance(params: { assetType: 'COLLATERAL' | 'CONDITIONAL'; tokenId?: string }): Promise<{
    balance: Decimal
    allowances: Readonly<Record<string, string>>
  }> {
    const r = z.object({ balance: Str, allowances: z.record(z.string(), Str).default({}) }).parse(
      await this.#getSigned('/balance-allowance', {
        asset_type: params.assetType,
        signature_type: this.#cfg.signatureType,
        ...(params.tokenId !== undefined ? { token_id: params.tokenId } : {}),
      }),
    )
    return { balance: this.#dec(r.balance, 'balance').div(1e6), allowances: r.allowances }
  }

  // ───────────────────────────── heartbeats ─────────────────────────────

  /**
   * Arms the heartbeat loop (the venue's dead-man's switch): a signed heartbeat every `heartbeatIntervalMs`. A failed
   * or unacknowledged heartbeat turns the state `UNHEALTHY` (event `heartbeat.health`) and new orders are refused
   * until a heartbeat succeeds again.
   */
  startHeartbeats(): void {
    if (this.#hbArmed || this.#closed) return
    this.#hbArmed = true
    this.#hbId = ''
    void this.#beat()
  }

  /** Disarms the heartbeat loop (the venue will cancel our orders ~10 s later if any are open). */
  stopHeartbeats(): void {
    this.#hbArmed = false
    this.#clock.clearTimeout(this.#hbTimer as never)
    this.#hbTimer = undefined
    this.#setHb(HeartbeatState.IDLE, 'stopped')
  }

  async #beat(): Promise<void> {
    if (!this.#hbArmed || this.#closed || this.#hbInFlight) return
    this.#hbInFlight = true
    try {
      const { data } = await this.http.request({
        method: 'POST',
        path: '/v1/heartbeats',
        body: JSON.stringify({ heartbeat_id: this.#hbId }),
        headers: { 'content-type': 'application/json' },
        signed: true,
        retrySafe: false,
        priority: Priority.CANCEL,
        timeoutMs: Math.min(this.#cfg.timeoutMs, this.#cfg.heartbeatIntervalMs),
        schema: z.object({ heartbeat_id: z.string().min(1) }),
      })
      this.#hbId = data.heartbeat_id
      this.#setHb(HeartbeatState.HEALTHY, undefined)
    } catch (e) {
      const err = toTradekitError(e)
      // A wrong id (e.g. the session lapsed) restarts the session on the next beat.
      this.#hbId = ''
      this.#setHb(HeartbeatState.UNHEALTHY, err.shortMessage)
      this.#bus.emit('error', err)
    } finally {
      this.#hbInFlight = false
    }
    if (this.#hbArmed && !this.#closed) {
      this.#hbTimer = this.#clock.setTimeout(() => void this.#beat(), this.#cfg.heartbeatIntervalMs)
    }
  }

  #setHb(state: HeartbeatState, reason: string | undefined): void {
    if (state === this.#hbState) return
    this.#hbState = state
    this.#bus.emit('heartbeat.health', {
      type: 'heartbeat.health',
      state,
      reason,
      tsEvent: this.#clock.now(),
    })
  }

  #syncHeartbeatArming(hasOpenOrders: boolean): void {
    if (!this.#cfg.autoHeartbeat) return
    if (hasOpenOrders) this.startHeartbeats()
  }

  // ───────────────────────────── WebSocket: market channel ─────────────────────────────

  /** Subscribes to the market channel for `tokenIds` and keeps a local book for each. */
  subscribeMarket(tokenIds: readonly string[]): void {
    this.#assertOpen()
    for (const t of tokenIds) if (!this.#books.has(t)) this.#books.set(t, new LocalBook(t))
    this.#resubscribeMarket()
    this.#armSilence()
  }

  #resubscribeMarket(): void {
    if (this.#closed) return
    this.#marketSocket().subscribe('market', {
      assets_ids: [...this.#books.keys()],
      type: 'market',
      custom_feature_enabled: true,
    })
  }

  /** The local book of a token (undefined until subscribed). */
  book(tokenId: string): LocalBook | undefined {
    return this.#books.get(tokenId)
  }

  #marketSocket(): ReconnectingWebSocket {
    if (this.#marketWs !== undefined) return this.#marketWs
    const ws = new ReconnectingWebSocket(`${this.#cfg.wsUrl}/ws/market`, this.#wsConfig())
    ws.events.on('open', () => {
      // A new connection: every book is stale until its snapshot arrives (the subscription is replayed).
      for (const b of this.#books.values()) b.invalidate()
      this.#lastMarketData = this.#clock.now()
      this.#bus.emit('ws.open', { type: 'ws.open', channel: 'market', tsEvent: this.#clock.now() })
    })
    ws.events.on('close', () => {
      for (const b of this.#books.values()) b.invalidate()
    })
    ws.events.on('message', (m) => {
      if (typeof m.data === 'string') this.#onMarketFrame(m.data)
    })
    ws.events.on('error', (e) => this.#bus.emit('error', e))
    this.#marketWs = ws
    return ws
  }

  #onMarketFrame(text: string): void {
    const f = decodeFrame(text, decodeMarketEvent)
    for (const e of f.errors) this.#bus.emit('error', e)
    if (f.events.length > 0) this.#lastMarketData = this.#clock.now()
    for (const ev of f.events) {
      this.#bus.emit('market', ev)
      switch (ev.type) {
        case 'book': {
          const b = this.#books.get(ev.tokenId)
          if (b === undefined) break
          b.applySnapshot(ev)
          this.#tokenMarket.set(ev.tokenId, ev.market)
          this.#emitBook(b, 'snapshot')
          break
        }
        case 'price_change': {
          const touched = new Set<LocalBook>()
          const broken = new Set<LocalBook>()
          for (const c of ev.changes) {
            const b = this.#books.get(c.tokenId)
            if (b === undefined) continue
            const wasSynced = b.isSynced
            if (b.applyChange(c, ev.tsEvent)) touched.add(b)
            else if (wasSynced && !b.isSynced) broken.add(b)
          }
          for (const b of touched) if (!broken.has(b)) this.#emitBook(b, 'update')
          for (const b of broken) {
            // A delta left the book crossed: one was missed. Report it and rebuild this book from REST.
            this.#bus.emit(
              'error',
              new ExchangeDataError(
                POLYMARKET_VENUE,
                `Book of ${b.tokenId} crossed after price_change; resyncing`,
                ['price_change: book crossed'],
                ev.changes,
              ),
            )
            void this.#resyncBook(b)
          }
          break
        }
        case 'tick_size_change':
          if (isTickSize(ev.newTickSize)) this.#tick.set(ev.tokenId, ev.newTickSize)
          else this.#tick.delete(ev.tokenId)
          this.#bus.emit('tickSize', ev)
          break
        case 'last_trade_price':
          this.#bus.emit('trade', {
            type: 'trade',
            trade: {
              venue: POLYMARKET_VENUE,
              symbol: ev.tokenId,
              tradeId: `${ev.tokenId}:${ev.tsEvent}:${ev.price}:${ev.size}`,
              price: ev.price,
              qty: ev.size,
              side: ev.side,
              tsEvent: ev.tsEvent,
            },
            tsEvent: ev.tsEvent,
          })
          break
        default:
          break
      }
    }
  }

  #emitBook(b: LocalBook, reason: PolymarketBookUpdate['reason']): void {
    this.#bus.emit('book', {
      type: 'book',
      tokenId: b.tokenId,
      reason,
      book: b.snapshot(),
      tsEvent: b.tsEvent,
    })
  }

  /** Re-snapshots every book over REST when market data has been silent (PONGs keep flowing in a silent freeze). */
  #armSilence(): void {
    if (this.#silenceTimer !== undefined || this.#closed) return
    const check = (): void => {
      this.#silenceTimer = undefined
      if (this.#closed) return
      const silent = this.#clock.now() - this.#lastMarketData
      if (silent >= this.#cfg.marketSilenceMs && this.#marketWs?.isOpen === true) {
        this.#lastMarketData = this.#clock.now()
        void this.resyncBooks()
        // Subscribe again too: if the venue lost our subscription, this brings the deltas (and snapshots) back.
        this.#resubscribeMarket()
      }
      this.#silenceTimer = this.#clock.setTimeout(check, Math.max(50, this.#cfg.marketSilenceMs / 4))
    }
    this.#silenceTimer = this.#clock.setTimeout(check, Math.max(50, this.#cfg.marketSilenceMs / 4))
  }

  /** Re-snapshots every subscribed book over REST (also done automatically after market-data silence). */
  async resyncBooks(): Promise<void> {
    for (const b of this.#books.values()) await this.#resyncBook(b)
  }

  async #resyncBook(b: LocalBook): Promise<void> {
    try {
      const book = await this.getBook(b.tokenId)
      b.applySnapshot(book)
      if (b.isSynced) this.#emitBook(b, 'resync')
    } catch (e) {
      b.invalidate()
      this.#bus.emit('error', toTradekitError(e))
    }
  }

  // ───────────────────────────── WebSocket: user channel ─────────────────────────────

  /** Subscribes to the user channel for these markets (condition ids): our orders and trades as events and fills. */
  subscribeUser(conditionIds: readonly string[]): void {
    this.#assertOpen()
    const creds = this.#creds
    if (creds === undefined) throw new StateError('No L2 credentials: call createOrDeriveApiKey() first')
    for (const c of conditionIds) this.#userMarkets.add(c)
    const ws = this.#userSocket()
    ws.subscribe('user', () => ({
      auth: { apiKey: creds.apiKey, secret: creds.secret, passphrase: creds.passphrase },
      markets: [...this.#userMarkets],
      type: 'user',
    }))
  }

  #userSocket(): ReconnectingWebSocket {
    if (this.#userWs !== undefined) return this.#userWs
    const ws = new ReconnectingWebSocket(`${this.#cfg.wsUrl}/ws/user`, this.#wsConfig())
    let opens = 0
    ws.events.on('open', () => {
      this.#bus.emit('ws.open', { type: 'ws.open', channel: 'user', tsEvent: this.#clock.now() })
      // Events sent while we were away are lost: recover our fills from the REST trade history, at once and
      // again once the re-subscription has surely been processed (closing the gap in between).
      if (++opens > 1) {
        const run = (): void => {
          if (this.#closed) return
          this.reconcileFills().catch((e: unknown) => this.#bus.emit('error', toTradekitError(e)))
        }
        run()
        this.#clock.clearTimeout(this.#reconcileTimer as never)
        this.#reconcileTimer = this.#clock.setTimeout(run, this.#cfg.userReconcileDelayMs)
      }
    })
    ws.events.on('message', (m) => {
      if (typeof m.data !== 'string') return
      const f = decodeFrame(m.data, decodeUserEvent)
      for (const e of f.errors) this.#bus.emit('error', e)
      for (const ev of f.events) {
        if (ev.type === 'order') {
          this.#myOrders.add(ev.orderId)
          this.#bus.emit('user.order', ev)
        } else {
          this.#bus.emit('user.trade', ev)
          this.#emitFills(ev)
        }
      }
    })
    ws.events.on('error', (e) => this.#bus.emit('error', e))
    this.#userWs = ws
    return ws
  }

  #emitFills(t: PolymarketUserTradeEvent): void {
    const me = this.#creds?.apiKey
    const fills: Array<{
      orderId: string
      side: 'BUY' | 'SELL'
      qty: Decimal
      price: Decimal
      maker: boolean
    }> = []
    const mineAsMaker = t.makerOrders.some((m) => m.owner === me || this.#myOrders.has(m.orderId))
    if (this.#myOrders.has(t.takerOrderId) || (t.owner === me && !mineAsMaker)) {
      fills.push({ orderId: t.takerOrderId, side: t.side, qty: t.size, price: t.price, maker: false })
    }
    for (const m of t.makerOrders) {
      if (m.owner === me || this.#myOrders.has(m.orderId)) {
        fills.push({
          orderId: m.orderId,
          side: m.side ?? (t.side === 'BUY' ? 'SELL' : 'BUY'),
          qty: m.matchedAmount,
          price: m.price,
          maker: true,
        })
      }
    }
    for (const f of fills) {
      const key = `${t.tradeId}:${f.orderId}`
      const reported = this.#seenFills.get(key)
      if (reported === true || (reported === false && t.status !== 'FAILED')) continue
      this.#seenFills.set(key, t.status === 'FAILED')
      if (this.#seenFills.size > 100_000)
        this.#seenFills.delete(this.#seenFills.keys().next().value as string)
      const fill: Fill = {
        venue: POLYMARKET_VENUE,
        symbol: t.tokenId,
        clientOrderId: f.orderId,
        venueOrderId: f.orderId,
        tradeId: t.tradeId,
        side: f.side,
        price: f.price,
        qty: f.qty,
        fee: new Decimal(0), // V2 fees are set by the operator at match time and not reported per fill here
        feeAsset: 'pUSD',
        liquidity: f.maker ? 'MAKER' : 'TAKER',
        tsEvent: t.tsEvent,
      }
      // A match is a fill; a settlement that FAILED undoes it. A trade first seen as FAILED (the stream was down)
      // is reported as both, so the order's matched quantity and the position both come out right.
      if (reported === undefined)
        this.#bus.emit('fill', { type: 'fill', fill, status: t.status, tsEvent: t.tsEvent })
      if (t.status === 'FAILED') {
        this.#bus.emit('fill.reversed', {
          type: 'fill.reversed',
          fill,
          reason: 'settlement FAILED on chain',
          tsEvent: t.tsEvent,
        })
      }
    }
  }

  /**
   * Recovers fills the user channel may have missed (after a reconnect): reads our trade history over REST (of one
   * token with `tokenId`) and emits `fill` for every trade of ours not reported yet, `fill.reversed` for one that
   * FAILED since. Returns how many fills it emitted. Called automatically when the user channel reconnects.
   */
  async reconcileFills(filter: { tokenId?: string } = {}): Promise<number> {
    if (this.#creds === undefined) return 0
    const before = this.#seenFills.size
    const raw = await this.#allPages(
      '/data/trades',
      filter.tokenId !== undefined ? { asset_id: filter.tokenId } : {},
    )
    for (const t of raw) {
      const r = t as Record<string, unknown>
      const matchMs = Number(r.match_time) * 1000
      const decoded = decodeUserEvent({
        ...r,
        event_type: 'trade',
        timestamp: Number.isSafeInteger(matchMs) ? matchMs : this.#clock.now(),
      })
      if (decoded.ok && decoded.value.type === 'trade') this.#emitFills(decoded.value)
      else if (!decoded.ok) this.#bus.emit('error', decoded.error)
    }
    return this.#seenFills.size - before
  }

  /** Closes both sockets, stops heartbeats and timers. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.#hbArmed = false
    this.#clock.clearTimeout(this.#hbTimer as never)
    this.#clock.clearTimeout(this.#silenceTimer as never)
    this.#clock.clearTimeout(this.#reconcileTimer as never)
    await Promise.all([this.#marketWs?.close(), this.#userWs?.close()])
  }

  // ───────────────────────────── internals ─────────────────────────────

  #wsConfig() {
    return {
      pingIntervalMs: this.#cfg.pingIntervalMs,
      pingMessage: 'PING',
      staleAfterMs: this.#cfg.staleAfterMs,
      backoffBaseMs: this.#cfg.reconnectBaseMs,
      clock: this.#clock,
      ...(this.#cfg.WebSocket !== undefined ? { WebSocket: this.#cfg.WebSocket } : {}),
    }
  }

  #orderOptions(tickSize: TickSize, negRisk: boolean, signer: string) {
    return {
      tickSize,
      negRisk,
      signatureType: this.#cfg.signatureType as SignatureType,
      signer,
      clock: this.#clock,
      ...(this.#cfg.funder !== undefined ? { funder: this.#cfg.funder } : {}),
    }
  }

  #checkGtd(order: SignedPolymarketOrder, orderType: PolymarketOrderType): void {
    if (orderType !== 'GTD') return
    const exp = Number(order.expiration) * 1000
    if (!(exp > this.#clock.now() + GTD_MIN_LEAD_MS)) {
      throw new ValidationError(
        "A GTD expiration must be more than 60 s ahead (Polymarket's security threshold)",
        {
          field: 'expiration',
        },
      )
    }
  }

  #requireSigner(): TypedDataSigner {
    if (this.#cfg.signer === undefined) throw new StateError('No signer configured')
    return this.#cfg.signer
  }

  #requireTradable(): ApiCredentials {
    this.#assertOpen()
    if (this.#creds === undefined)
      throw new StateError('No L2 credentials: call createOrDeriveApiKey() first')
    if (this.#hbState === HeartbeatState.UNHEALTHY) {
      throw new StateError('Heartbeats are unhealthy: new orders are refused until a heartbeat succeeds', {
        details: { heartbeatState: this.#hbState },
      })
    }
    return this.#creds
  }

  #assertOpen(): void {
    if (this.#closed) throw new StateError('The Polymarket client is closed')
  }

  async #send<T>(orderId: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn()
    } catch (e) {
      const err = toTradekitError(e)
      if (err.code === 'TIMEOUT' || err.code === 'NETWORK' || (err.code === 'HTTP_ERROR' && err.retryable)) {
        throw new OrderOutcomeUnknownError(
          orderId,
          `Order "${orderId}" outcome unknown: ${err.shortMessage}`,
          {
            cause: err,
          },
        )
      }
      if (
        isTradekitError(e) &&
        (e.details as { venueCode?: unknown }).venueCode === 'INVALID_ORDER_MIN_TICK_SIZE'
      ) {
        this.#tick.clear() // the tick may have changed: look it up again next time
      }
      throw err
    }
  }

  #postResult(raw: unknown, id: string): PostOrderResult {
    const S = z.object({
      success: z.boolean().default(true),
      errorMsg: z.string().default(''),
      orderID: z.string().default(''),
      status: z.string().default(''),
      makingAmount: Str.default('0'),
      takingAmount: Str.default('0'),
      tradeIDs: z.array(z.string()).nullish(),
    })
    const r = S.safeParse(raw)
    if (!r.success)
      throw new ExchangeDataError(POLYMARKET_VENUE, 'Invalid order response', [r.error.message], raw)
    const v = r.data
    if (!v.success || (v.errorMsg !== '' && v.orderID === '')) {
      const mapped = mapPolymarketError(400, v.errorMsg)
      throw mapped ?? new ExchangeDataError(POLYMARKET_VENUE, 'Order failed', [v.errorMsg], raw)
    }
    if (v.orderID !== '' && v.orderID.toLowerCase() !== id.toLowerCase()) {
      this.#log.warn({ expected: id, got: v.orderID }, 'Polymarket order id differs from the local hash')
    }
    return {
      orderId: v.orderID || id,
      status: v.status,
      makingAmount: v.makingAmount,
      takingAmount: v.takingAmount,
      tradeIds: v.tradeIDs ?? [],
    }
  }

  #afterPost(r: PostOrderResult): void {
    this.#myOrders.add(r.orderId)
    if (r.status === 'live') this.#syncHeartbeatArming(true)
  }

  async #cancel(method: HttpMethod, path: string, body: unknown): Promise<CancelResult> {
    this.#assertOpen()
    const { data } = await this.http.request({
      method,
      path,
      ...(body !== undefined
        ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }
        : {}),
      signed: true,
      priority: Priority.CANCEL,
      cost: { GENERAL: 1, CANCEL: 1, CANCEL_10M: 1 },
      schema: z.object({
        canceled: z.array(z.string()).nullish(),
        not_canceled: z.record(z.string(), z.unknown()).nullish(),
      }),
    })
    const notCanceled: Record<string, string> = {}
    for (const [k, v] of Object.entries(data.not_canceled ?? {})) notCanceled[k] = String(v)
    return { canceled: data.canceled ?? [], notCanceled }
  }

  async #get<S extends z.ZodType>(
    path: string,
    query: Record<string, string>,
    schema: S,
  ): Promise<z.output<S>> {
    this.#assertOpen()
    return (
      await this.http.request({
        path,
        query,
        schema,
        priority: Priority.MARKET_DATA,
        cost: { GENERAL: 1, MARKET_DATA: 1 },
      })
    ).data
  }

  async #getSigned(path: string, query: Record<string, string | number>): Promise<unknown> {
    this.#assertOpen()
    return (await this.http.request({ path, query, signed: true, cost: { GENERAL: 1 }, schema: z.unknown() }))
      .data
  }

  async #allPages(path: string, query: Record<string, string>, maxPages = 100): Promise<unknown[]> {
    const out: unknown[] = []
    let cursor = INITIAL_CURSOR
    for (let i = 0; i < maxPages && cursor !== END_CURSOR; i++) {
      const page = PageSchema.parse(await this.#getSigned(path, { ...query, next_cursor: cursor }))
      out.push(...page.data)
      cursor = page.next_cursor
    }
    return out
  }

  #market(raw: unknown): PolymarketMarket {
    const r = MarketSchema.safeParse(raw)
    if (!r.success || !isTickSize(r.data.minimum_tick_size)) {
      throw new ExchangeDataError(
        POLYMARKET_VENUE,
        'Invalid market',
        [r.success ? 'tick size' : r.error.message],
        raw,
      )
    }
    const v = r.data
    const tickSize = v.minimum_tick_size as TickSize
    for (const t of v.tokens) {
      this.#tick.set(t.token_id, tickSize)
      this.#negRisk.set(t.token_id, v.neg_risk)
      this.#tokenMarket.set(t.token_id, v.condition_id)
    }
    return {
      conditionId: v.condition_id,
      question: v.question,
      tokens: v.tokens.map((t) => ({ tokenId: t.token_id, outcome: t.outcome })),
      tickSize,
      minOrderSize: v.minimum_order_size,
      negRisk: v.neg_risk,
      active: v.active,
      closed: v.closed,
    }
  }

  #openOrder(raw: unknown): PolymarketOpenOrder {
    const S = z.object({
      id: z.string(),
      status: z.string(),
      market: z.string(),
      asset_id: z.string(),
      side: z.enum(['BUY', 'SELL']),
      price: Str,
      original_size: Str,
      size_matched: Str,
      order_type: z.string().default(''),
      created_at: z.union([z.number(), z.string()]).transform(Number).default(0),
    })
    const r = S.safeParse(raw)
    if (!r.success)
      throw new ExchangeDataError(POLYMARKET_VENUE, 'Invalid order record', [r.error.message], raw)
    const v = r.data
    return {
      id: v.id,
      status: v.status,
      market: v.market,
      tokenId: v.asset_id,
      side: v.side,
      price: this.#dec(v.price, 'price'),
      originalSize: this.#dec(v.original_size, 'original_size'),
      sizeMatched: this.#dec(v.size_matched, 'size_matched'),
      orderType: v.order_type,
      createdAt: v.created_at,
    }
  }

  #dec(v: string, field: string): Decimal {
    const r = parseDecimal(v, { field })
    if (!r.ok) throw new ExchangeDataError(POLYMARKET_VENUE, `Invalid ${field}`, [r.error.message], v)
    return r.value
  }
}
