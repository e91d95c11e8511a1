import * as z from 'zod/mini'
import {
  type Balance,
  type BookSnapshot,
  type Candle,
  type Clock,
  type ExchangeAdapter,
  type Fill,
  type Instrument,
  type Listenable,
  type Logger,
  type Order,
  type OrderAck,
  type OrderRequest,
  type Position,
  parseConfig,
  SystemClock,
  silentLogger,
  type Trade,
  TypedEmitter,
  type UserDataEvents,
  validateOrderRequest,
} from '../../core/index.js'
import type { Decimal } from '../../decimal/index.js'
import {
  ConfigError,
  ExchangeDataError,
  ExchangeError,
  isTradekitError,
  OrderOutcomeUnknownError,
  StateError,
  ValidationError,
} from '../../errors/index.js'
import type { QueryValue, RequestCost } from '../../transport/index.js'
import type { BinanceDepthSync } from './BinanceDepthSync.js'
import { BinanceMarketStream, type BinanceMarketStreamConfig } from './BinanceMarketStream.js'
import { BinanceRest, type BinanceSecurity, Priority } from './BinanceRest.js'
import { BinanceWsApi } from './BinanceWsApi.js'
import {
  type BinanceConfig,
  BinanceConfigSchema,
  type BinanceResolvedConfig,
  type BinanceUrls,
  resolveUrls,
} from './config.js'
import { decodeDepthSnapshot, depthSnapshotToBook } from './decodeDepthSnapshot.js'
import { decodeBookTicker, decodeKlines, decodeRecentTrades, decodeTickerPrice } from './decodeMarketRest.js'
import { decodeAccountTrades } from './decodeRest.js'
import { BinanceErrorCode } from './errors.js'
import {
  type BinanceSymbolRules,
  type PreparedOrder,
  parseExchangeInfo,
  prepareOrder,
} from './instruments.js'
import { OpenOrderLimits } from './OpenOrderLimits.js'
import {
  ACCOUNT_TRADES_PAGE,
  type OrderFillPage,
  orderFillPages,
  orderFillSpans,
  USDM_TRADES_HISTORY_MS,
} from './orderFillPages.js'
import { BINANCE_VENUE, type BinanceMarket } from './types.js'

/** Options of `placeOrder`. */
export interface BinancePlaceOrderOptions {
  /** Reference price for MARKET notional / PERCENT_PRICE checks before sending. */
  referencePrice?: Decimal
}

/** Best bid and ask from the REST book ticker. */
export interface BinanceBookTicker {
  readonly symbol: string
  readonly bidPrice: Decimal
  readonly bidQty: Decimal
  readonly askPrice: Decimal
  readonly askQty: Decimal
}

/** Per-call options of `klines`. */
export interface BinanceKlinesOptions {
  limit?: number
  startTime?: number
  endTime?: number
}

/** Per-call options of `orderBook`. */
export interface BinanceOrderBookOptions {
  /** Depth snapshot size (default 1000). */
  snapshotLimit?: number
  /** Diff stream speed suffix (default `@100ms`). */
  speed?: '' | '@100ms' | '@500ms'
}

/**
 * The adapter base shared by {@link BinanceSpot} and {@link BinanceUsdm}, composed from the venue's parts: the
 * signed REST client ({@link BinanceRest}), the market stream ({@link BinanceMarketStream}, with depth sync onto
 * core's OrderBook) and a user-data stream unit whose events it forwards. It adds the instrument cache, order
 * validation and public REST market data; it translates and keeps no order state (the OrderExecutor reconciles).
 *
 * @example
 * ```ts
 * const client: BinanceClient = market === 'spot' ? new BinanceSpot(cfg) : new BinanceUsdm(cfg)
 * const rules = await client.symbolRules('BTCUSDT')
 * const book = await client.orderBook('BTCUSDT')
 * ```
 */
export abstract class BinanceClient implements ExchangeAdapter {
  /** `binance` (spot) or `binance-usdm`. */
  readonly venue: string
  /** Which market this client trades. */
  readonly market: BinanceMarket
  protected readonly bus = new TypedEmitter<UserDataEvents>()
  /** User-data events: `order.updated`, `fill`, `balance.updated`, `position.updated`, `user.reconnected`, `error`. */
  readonly events: Listenable<UserDataEvents> = this.bus
  /** The REST layer (HttpClient, rate limiter, signing). */
  readonly rest: BinanceRest
  /** Resolved base URLs. */
  readonly urls: BinanceUrls
  protected readonly cfg: BinanceResolvedConfig
  protected readonly clock: Clock
  protected readonly logger: Logger
  readonly #prefix: string
  #rules: Map<string, BinanceSymbolRules> | undefined
  #rulesAt = 0
  #rulesLoading: Promise<Map<string, BinanceSymbolRules>> | undefined
  #stream: BinanceMarketStream | undefined
  #wsApi: BinanceWsApi | undefined
  #user: UserStreamUnit | undefined
  /** The start of `#user`, which a second caller waits for too. */
  #userStarted: Promise<void> = Promise.resolve()
  /** @internal `MAX_NUM_ORDERS` / `MAX_NUM_ALGO_ORDERS`, checked before an order is sent. */
  protected readonly openOrderLimits = new OpenOrderLimits()
  protected closed = false

  protected constructor(market: BinanceMarket, config: BinanceConfig) {
    this.cfg = parseConfig(BinanceConfigSchema, config, market === 'spot' ? 'BinanceSpot' : 'BinanceUsdm')
    if (this.cfg.apiSecret !== undefined && this.cfg.apiKey === undefined) {
      throw new ConfigError('apiSecret given without apiKey', ['apiKey: required with apiSecret'])
    }
    this.market = market
    this.venue = BINANCE_VENUE[market]
    this.clock = this.cfg.clock ?? new SystemClock()
    this.logger = this.cfg.logger ?? silentLogger
    this.urls = resolveUrls(market, this.cfg)
    this.rest = new BinanceRest(market, this.cfg, this.urls.restUrl)
    this.#prefix = market === 'spot' ? '/api/v3' : '/fapi/v1'
    this.bus.on('order.updated', (e) => {
      if (FINAL_STATUSES.has(e.order.status)) this.openOrderLimits.finished(e.order.clientOrderId)
    })
    this.bus.on('user.reconnected', () => this.openOrderLimits.reset())
  }

  /**
   * A signed order request is accepted only within `recvWindow` of its timestamp (server time, which the client keeps
   * in sync), and its timestamp is the time it was made (not the time it left the rate limiter), so after
   * `recvWindow` + 1 s an order the venue does not know can no longer appear.
   */
  get orderArrivalWindowMs(): number {
    return this.cfg.recvWindow + 1000
  }

  /** True when orders may be placed: on testnet, or in production with `allowLiveTrading`. */
  get canPlaceOrders(): boolean {
    return this.cfg.testnet || this.cfg.allowLiveTrading
  }

  protected path(p: string): string {
    return `${this.#prefix}${p}`
  }

  protected call<S extends z.ZodMiniType>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    schema: S,
    params: Record<string, QueryValue> = {},
    opts: {
      security?: BinanceSecurity
      weight?: number
      isOrder?: boolean
      cost?: RequestCost
      priority?: Priority
      signedAt?: number
    } = {},
  ): Promise<z.output<S>> {
    return this.rest.call({ method, path, schema, params, ...opts })
  }

  /**
   * Sends an order request (place, cancel, status, amend): over REST, or with `orderEntry: 'ws-api'` as the
   * WebSocket API method `wsMethod` with the same parameters, costs and error mapping (over REST while that socket
   * reconnects). The answer is checked
   * against `schema` either way (an `ExchangeDataError` when it does not match). An order request (`isOrder`) is
   * signed with the time it was made, so the venue refuses it once `recvWindow` has passed, however long it waited
   * in the rate limiter: that is what makes {@link BinanceClient.orderArrivalWindowMs} hold.
   */
  protected async orderCall<S extends z.ZodMiniType>(
    wsMethod: string,
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    schema: S,
    params: Record<string, QueryValue>,
    opts: { weight?: number; isOrder?: boolean; priority?: Priority; signedAt?: number } = {},
  ): Promise<z.output<S>> {
    const signedAt = opts.signedAt ?? (opts.isOrder ? this.rest.localNow() : undefined)
    const at = signedAt !== undefined ? { signedAt } : {}
    // While the WebSocket API reconnects (its backoff can reach seconds), order requests go over REST: a cancel
    // never waits for the socket. Both share the rate limiter and the signing time, so nothing else changes.
    if (this.cfg.orderEntry !== 'ws-api' || this.wsApi().isReconnecting)
      return this.call(method, path, schema, params, { security: 'SIGNED', ...opts, ...at })
    await this.rest.syncTimeIfDue()
    const weight = opts.weight ?? 1
    const orders: Record<string, number> =
      this.market === 'spot' ? { ORDERS_10S: 1, ORDERS_1D: 1 } : { ORDERS_10S: 1, ORDERS_1M: 1 }
    const send = () =>
      this.wsApi().request(wsMethod, params, {
        signed: true,
        cost: opts.isOrder ? { REQUEST_WEIGHT: weight, ...orders } : { REQUEST_WEIGHT: weight },
        ...(opts.priority !== undefined ? { priority: opts.priority } : {}),
        ...at,
      })
    let raw: unknown
    try {
      raw = await send()
    } catch (e) {
      // -1021 (timestamp outside recvWindow) is refused before any action: re-sync and send once more, as REST does.
      if (!(e instanceof ExchangeError && e.venueCode === BinanceErrorCode.INVALID_TIMESTAMP)) throw e
      await this.rest.syncTime()
      raw = await send()
    }
    const r = schema.safeParse(raw)
    if (r.success) return r.data
    const issues = r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
    throw new ExchangeDataError(this.venue, `Invalid "${wsMethod}" result`, issues, raw)
  }

  /** The WebSocket API client used for `orderEntry: 'ws-api'` (created, not connected, on first use). */
  wsApi(): BinanceWsApi {
    if (this.closed) throw new StateError(`${this.venue} client is closed`)
    this.#wsApi ??= new BinanceWsApi({
      rest: this.rest,
      url: this.urls.wsApiUrl,
      recvWindow: this.cfg.recvWindow,
      timeoutMs: this.cfg.timeoutMs,
      staleAfterMs: this.cfg.staleAfterMs,
      reconnectBaseMs: this.cfg.reconnectBaseMs,
      reconnectMaxMs: this.cfg.reconnectMaxMs,
      clock: this.clock,
      logger: this.logger,
    })
    return this.#wsApi
  }

  /** Server time, epoch ms (also re-syncs the signing offset). */
  async serverTime(): Promise<number> {
    await this.rest.syncTime()
    return this.rest.serverNow()
  }

  /** Every symbol's rules from exchangeInfo (cached for `instrumentTtlMs`). */
  async exchangeInfo(): Promise<ReadonlyMap<string, BinanceSymbolRules>> {
    if (this.#rules !== undefined && this.clock.now() - this.#rulesAt < this.cfg.instrumentTtlMs)
      return this.#rules
    this.#rulesLoading ??= (async () => {
      try {
        const raw = await this.call(
          'GET',
          this.path('/exchangeInfo'),
          z.unknown(),
          {},
          { weight: this.market === 'spot' ? 20 : 1 },
        )
        this.rest.applyRateLimits((raw as { rateLimits?: unknown } | null)?.rateLimits)
        const { symbols, errors } = parseExchangeInfo(raw, this.market)
        for (const e of errors) this.bus.emit('error', e)
        this.#rules = symbols
        this.#rulesAt = this.clock.now()
        return symbols
      } finally {
        this.#rulesLoading = undefined
      }
    })()
    return this.#rulesLoading
  }

  /** All the filter rules of one symbol. Throws a ValidationError for an unknown symbol. */
  async symbolRules(symbol: string): Promise<BinanceSymbolRules> {
    const s = symbol.toUpperCase()
    let rules = (await this.exchangeInfo()).get(s)
    if (rules === undefined && this.clock.now() - this.#rulesAt > 1000) {
      this.#rules = undefined
      rules = (await this.exchangeInfo()).get(s)
    }
    if (rules === undefined) throw new ValidationError(`Unknown symbol "${s}"`, { field: 'symbol' })
    return rules
  }

  /** The core {@link Instrument} of a symbol. */
  async instrument(symbol: string): Promise<Instrument> {
    return (await this.symbolRules(symbol)).instrument
  }

  /** Raw REST depth snapshot, as Binance sends it (input of {@link BinanceDepthSync.applySnapshot}). */
  depthRaw(symbol: string, limit = 100): Promise<unknown> {
    const weight =
      this.market === 'spot'
        ? limit <= 100
          ? 5
          : limit <= 500
            ? 25
            : limit <= 1000
              ? 50
              : 250
        : limit <= 50
          ? 2
          : limit <= 100
            ? 5
            : limit <= 500
              ? 10
              : 20
    return this.call(
      'GET',
      this.path('/depth'),
      z.unknown(),
      { symbol: symbol.toUpperCase(), limit },
      { weight },
    )
  }

  /** Depth snapshot as a {@link BookSnapshot} (validated strictly). */
  async depth(symbol: string, limit = 100): Promise<BookSnapshot> {
    const r = decodeDepthSnapshot(await this.depthRaw(symbol, limit), this.venue)
    if (!r.ok) throw r.error
    return depthSnapshotToBook(r.value, {
      venue: this.venue,
      symbol,
      depth: limit,
      tsEvent: this.clock.now(),
    })
  }

  /** Candles from REST (`interval` as Binance spells it: `1m`, `1h`...). */
  async klines(symbol: string, interval: string, options: BinanceKlinesOptions = {}): Promise<Candle[]> {
    const raw = await this.call(
      'GET',
      this.path('/klines'),
      z.unknown(),
      {
        symbol: symbol.toUpperCase(),
        interval,
        limit: options.limit,
        startTime: options.startTime,
        endTime: options.endTime,
      },
      { weight: 2 },
    )
    const r = decodeKlines(raw, { market: this.market, symbol, interval, now: this.rest.serverNow() })
    if (!r.ok) throw r.error
    return r.value
  }

  /** Recent public trades. */
  async recentTrades(symbol: string, limit = 500): Promise<Trade[]> {
    const raw = await this.call(
      'GET',
      this.path('/trades'),
      z.unknown(),
      { symbol: symbol.toUpperCase(), limit },
      { weight: this.market === 'spot' ? 25 : 5 },
    )
    const r = decodeRecentTrades(raw, { market: this.market, symbol })
    if (!r.ok) throw r.error
    return r.value
  }

  /** Last price of a symbol. */
  async tickerPrice(symbol: string): Promise<Decimal> {
    const raw = await this.call(
      'GET',
      this.path('/ticker/price'),
      z.unknown(),
      { symbol: symbol.toUpperCase() },
      { weight: 2 },
    )
    const r = decodeTickerPrice(raw, this.market)
    if (!r.ok) throw r.error
    return r.value
  }

  /** Best bid/ask of a symbol from REST. */
  async bookTicker(symbol: string): Promise<BinanceBookTicker> {
    const raw = await this.call(
      'GET',
      this.path('/ticker/bookTicker'),
      z.unknown(),
      { symbol: symbol.toUpperCase() },
      { weight: 2 },
    )
    const r = decodeBookTicker(raw, this.market)
    if (!r.ok) throw r.error
    return r.value
  }

  // ------------------------------------------------------------------ trading

  /** Validates, gates and rounds an order (no network beyond exchangeInfo). */
  protected async prepare(
    req: OrderRequest,
    options: BinancePlaceOrderOptions,
    live: boolean,
  ): Promise<{ rules: BinanceSymbolRules; prepared: PreparedOrder }> {
    if (this.closed) throw new StateError(`${this.venue} client is closed`)
    const v = validateOrderRequest(req)
    if (!v.ok) throw v.error
    if (req.venue !== this.venue) {
      throw new ValidationError(`Order venue "${req.venue}" is not "${this.venue}"`, { field: 'venue' })
    }
    if (live && !this.canPlaceOrders) {
      throw new ConfigError('Live order placement on Binance production needs { allowLiveTrading: true }', [
        'allowLiveTrading: must be true to place orders with testnet: false',
      ])
    }
    const rules = await this.symbolRules(req.symbol)
    const r = prepareOrder(
      req,
      rules,
      options.referencePrice !== undefined ? { referencePrice: options.referencePrice } : {},
    )
    if (!r.ok) throw r.error
    return { rules, prepared: r.value }
  }

  /**
   * Checks `MAX_NUM_ORDERS` (per symbol) before sending, re-reading the venue's open orders when the local count
   * says the cap is reached. Binance counts "both algo orders and normal orders" for this filter, so every order
   * {@link BinanceClient.openOrders} lists counts (USD-M conditional orders included). Throws a `ValidationError`
   * naming the filter.
   */
  protected async checkOpenOrderCap(req: OrderRequest, rules: BinanceSymbolRules): Promise<void> {
    if (rules.maxNumOrders === undefined) return
    const symbol = req.symbol.toUpperCase()
    await this.openOrderLimits.check(
      {
        filter: 'MAX_NUM_ORDERS',
        scope: symbol,
        limit: rules.maxNumOrders,
        readOpen: async () => (await this.openOrders(symbol)).map((o) => o.clientOrderId),
      },
      req.clientOrderId,
    )
  }

  /**
   * Wraps a failed order submission: a timeout/5xx/network failure, or a response that cannot be decoded (the
   * venue may hold the order), leaves the outcome unknown.
   */
  protected submitFailed(req: OrderRequest, e: unknown): never {
    throw this.submitError(req, e)
  }

  /** The error {@link BinanceClient.submitFailed} throws, returned: a lost answer as `OrderOutcomeUnknownError`. */
  protected submitError(req: OrderRequest, e: unknown): unknown {
    if (isTradekitError(e)) {
      const code = e instanceof ExchangeError ? e.venueCode : undefined
      const unknown =
        e.code === 'EXCHANGE_DATA_INVALID' ||
        e.code === 'TIMEOUT' ||
        e.code === 'NETWORK' ||
        e.code === 'SOCKET_CLOSED' ||
        (isTradekitError(e, 'HTTP_ERROR') && e.status >= 500) ||
        code === BinanceErrorCode.TIMEOUT ||
        code === BinanceErrorCode.UNEXPECTED_RESP ||
        (isTradekitError(e, 'EXCHANGE_REJECTED') && (e.status ?? 0) >= 500)
      if (unknown) {
        return new OrderOutcomeUnknownError(
          req.clientOrderId,
          `Outcome of order "${req.clientOrderId}" is unknown: reconcile with queryOrder`,
          { cause: e, details: { symbol: req.symbol } },
        )
      }
    }
    return e
  }

  /**
   * The error for a response to an order request (new order, cancel) that cannot be read: the venue may have acted
   * on the request, so its outcome is unknown and must be reconciled by client id, never reported as a data error.
   */
  protected undecodableOrderResponse(
    clientOrderId: string,
    symbol: string,
    action: 'place' | 'cancel',
    cause: unknown,
  ): OrderOutcomeUnknownError {
    return new OrderOutcomeUnknownError(
      clientOrderId,
      `Outcome of ${action} "${clientOrderId}" is unknown: its response could not be decoded; reconcile with queryOrder`,
      { cause, details: { symbol, action } },
    )
  }

  /**
   * Forwards a user-data stream unit's events (`order.updated`, `fill`, `balance.updated`, `position.updated`,
   * `user.reconnected`, `error`) to this adapter's `events`. After a reconnect the adapter re-reads nothing itself:
   * the OrderExecutor, the one reconciler, re-queries open orders, fills, balances and positions.
   */
  protected pipeUserEvents(source: Listenable<UserDataEvents>): void {
    source.on('order.updated', (e) => this.bus.emit('order.updated', e))
    source.on('fill', (e) => this.bus.emit('fill', e))
    source.on('balance.updated', (e) => this.bus.emit('balance.updated', e))
    source.on('position.updated', (e) => this.bus.emit('position.updated', e))
    source.on('funding.settled', (e) => this.bus.emit('funding.settled', e))
    source.on('account.transferred', (e) => this.bus.emit('account.transferred', e))
    source.on('user.reconnected', (e) => this.bus.emit('user.reconnected', e))
    source.on('error', (e) => this.bus.emit('error', e))
  }

  /**
   * @internal Starts the user-data stream unit `create` builds, unless one runs or is starting (then resolves with
   * that start): its events are piped to `events`, and a start that fails leaves none. Resolves once started;
   * rejects with a `StateError` once the client is closed.
   */
  protected startUserStream(create: () => UserStreamUnit): Promise<void> {
    if (this.closed) return Promise.reject(new StateError(`${this.venue} client is closed`))
    if (this.#user !== undefined) return this.#userStarted
    const user = create()
    this.#user = user
    this.pipeUserEvents(user.events)
    this.#userStarted = user.start().catch((e: unknown) => {
      if (this.#user === user) this.#user = undefined
      throw e
    })
    return this.#userStarted
  }

  /** @internal The running user-data stream unit, if any. */
  protected get userStream(): UserStreamUnit | undefined {
    return this.#user
  }

  /** @internal What every user-data stream unit of this client shares: the REST layer, the clock, timeouts, backoff. */
  protected userStreamSettings() {
    const { timeoutMs, staleAfterMs, reconnectBaseMs, reconnectMaxMs } = this.cfg
    return { rest: this.rest, clock: this.clock, timeoutMs, staleAfterMs, reconnectBaseMs, reconnectMaxMs }
  }

  /** Places an order (see the subclass for the endpoint). Rejects with typed errors; unknown outcome on timeout/5xx. */
  abstract placeOrder(req: OrderRequest, options?: BinancePlaceOrderOptions): Promise<OrderAck>
  abstract cancelOrder(symbol: string, clientOrderId: string): Promise<Order>
  abstract queryOrder(symbol: string, clientOrderId: string): Promise<Order | undefined>
  abstract openOrders(symbol?: string): Promise<readonly Order[]>

  /**
   * The venue's record of one order's fills (`GET /api/v3/myTrades` or `/fapi/v1/userTrades` by order id), with
   * the same trade ids as the user stream and the real commissions; `[]` when the order is unknown or unfilled. A
   * triggered USD-M algo order's fills are those of the order it placed. USD-M reads them by time span from the
   * order's creation to its last update (without one it answers the last 7 days only), back to 180 days (it keeps six
   * months). The OrderExecutor uses it to recover fills a dropped stream missed.
   */
  async orderFills(symbol: string, clientOrderId: string): Promise<readonly Fill[]> {
    const o = await this.queryOrder(symbol, clientOrderId)
    if (o === undefined || o.filledQty.isZero() || o.venueOrderId === undefined) return []
    const orderId = o.venueOrderId
    if (!/^\d+$/.test(orderId)) return []
    const page = async (params: Record<string, number>): Promise<OrderFillPage> => {
      const raw = await this.call(
        'GET',
        this.path(this.market === 'spot' ? '/myTrades' : '/userTrades'),
        z.unknown(),
        { symbol: o.symbol, orderId, limit: ACCOUNT_TRADES_PAGE, ...params },
        { security: 'SIGNED', weight: 5 },
      )
      const r = decodeAccountTrades(raw, { ...o, clientOrderId })
      if (!r.ok) throw r.error
      const rows: unknown[] = Array.isArray(raw) ? raw : []
      const lastId = Number((rows.at(-1) as { id?: unknown } | undefined)?.id)
      return { fills: r.value, rows: rows.length, lastId: Number.isFinite(lastId) ? lastId : undefined }
    }
    if (this.market === 'usdm') {
      // A minute either side of the order's times: a trade stamped apart from them (the venue's clock moved between
      // the order's record and the trade's) is still read; the order id filters the rows.
      const from = Math.max(o.tsCreated - 60_000, Math.floor(this.rest.serverNow()) - USDM_TRADES_HISTORY_MS)
      const to = Math.max(o.tsUpdated, o.tsCreated) + 60_000
      const read = (startTime: number, endTime: number) => page({ startTime, endTime })
      return orderFillSpans(read, from, to, o.filledQty, this.venue)
    }
    // An order of more than one page of fills (a large order sweeping levels, a long-resting quote) is read whole.
    return orderFillPages((fromId) => page(fromId !== undefined ? { fromId } : {}), this.venue)
  }

  abstract balances(): Promise<readonly Balance[]>
  abstract positions(): Promise<readonly Position[]>
  abstract startUserData(): Promise<void>

  // ------------------------------------------------------------------ streams

  /** The client's market stream (created on first use, closed by {@link BinanceClient.close}). */
  marketStream(
    overrides: Partial<Omit<BinanceMarketStreamConfig, 'market' | 'streamUrl'>> = {},
  ): BinanceMarketStream {
    this.#stream ??= new BinanceMarketStream({
      market: this.market,
      streamUrl: this.urls.streamUrl,
      clock: this.clock,
      staleAfterMs: this.cfg.staleAfterMs,
      maxLifetimeMs: this.cfg.maxConnectionLifetimeMs,
      reconnectBaseMs: this.cfg.reconnectBaseMs,
      reconnectMaxMs: this.cfg.reconnectMaxMs,
      serverTimeOffsetMs: () => this.rest.timeOffsetMs, // frames without an event time on the venue's clock
      ...overrides,
    })
    return this.#stream
  }

  /**
   * A local order book kept in sync from the diff stream and REST snapshots (automatic resync on gaps): a
   * {@link BinanceDepthSync} on the core OrderBook, published as `book` events on {@link BinanceClient.marketStream}.
   * Resolves once the diff stream is subscribed; the sync reports `book.synced` on its events.
   */
  orderBook(symbol: string, options: BinanceOrderBookOptions = {}): Promise<BinanceDepthSync> {
    const s = symbol.toUpperCase()
    const limit = options.snapshotLimit ?? 1000
    return this.marketStream().syncBook(s, {
      fetchSnapshot: () => this.depthRaw(s, limit),
      ...(options.speed !== undefined ? { speed: options.speed } : {}),
    })
  }

  /** Closes streams, books and timers. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    const user = this.#user
    this.#user = undefined
    await user?.close()
    await this.#wsApi?.close()
    this.#wsApi = undefined
    await this.#stream?.close()
    this.#stream = undefined
  }
}

/** What a client needs of its user-data stream unit ({@link BinanceSpotUserStream}, {@link BinanceUsdmUserStream}). */
interface UserStreamUnit {
  readonly events: Listenable<UserDataEvents>
  start(): Promise<void>
  close(): Promise<void>
}

const FINAL_STATUSES: ReadonlySet<string> = new Set(['FILLED', 'CANCELED', 'REJECTED', 'EXPIRED'])

export { Priority }
