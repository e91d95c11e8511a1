import * as z from 'zod/mini'
import { type Clock, SystemClock } from '../../core/clock.js'
import { parseConfig } from '../../core/config.js'
import type { Logger } from '../../core/logger.js'
import { redactingLogger, silentLogger } from '../../core/logger.js'
import type { Decimal } from '../../decimal/index.js'
import {
  ExchangeDataError,
  ExchangeError,
  isTradekitError,
  OrderOutcomeUnknownError,
  StateError,
  type TradekitError,
  toTradekitError,
  ValidationError,
} from '../../errors/index.js'
import type { Result } from '../../errors/result.js'
import { HttpClient, type HttpMethod, orderPriority, Priority, RateLimiter } from '../../transport/index.js'
import { createL1Headers, createL2Headers } from './auth.js'
import { buildMarketOrder, buildOrder } from './buildOrder.js'
import {
  END_CURSOR,
  type ExchangeVersion,
  GTD_MIN_LEAD_MS,
  INITIAL_CURSOR,
  isTickSize,
  MAX_BATCH_CANCELS,
  MAX_BATCH_ORDERS,
  POLYMARKET_VENUE,
  type TickSize,
} from './constants.js'
import {
  decodeRestBook,
  decodeUserEvent,
  type PolymarketBook,
  type PolymarketUserTradeEvent,
} from './decode.js'
import {
  decodeApiKeyResponse,
  decodeBalanceAllowance,
  decodeCancelResult,
  decodeHeartbeat,
  decodeLastTradePrice,
  decodeMarket,
  decodeNegRisk,
  decodeOpenOrder,
  decodePage,
  decodePostResult,
  decodeQuote,
  decodeTickSize,
  decodeTradeRecord,
  type PolymarketApiKeyResponse,
} from './decodeRest.js'
import { HeartbeatIdRejectedError, mapPolymarketError } from './errors.js'
import { type PolymarketRestConfig, PolymarketRestConfigSchema } from './PolymarketRestConfig.js'
import { PolymarketVersions } from './PolymarketVersions.js'
import type {
  BalanceAllowance,
  BalanceAllowanceOptions,
  CancelResult,
  PolymarketMarket,
  PolymarketMarketFilter,
  PolymarketOpenOrder,
  PolymarketPage,
  PolymarketTradeRecord,
  PostOrderOptions,
  PostOrderResult,
} from './restTypes.js'
import { orderHash, signOrder } from './signOrder.js'
import { toPostOrderBody } from './toPostOrderBody.js'
import type {
  ApiCredentials,
  LimitOrderOptions,
  MarketOrderOptions,
  PolymarketOrderType,
  SignatureType,
  SignedPolymarketOrder,
  TypedDataSigner,
} from './types.js'

export { type PolymarketRestConfig, PolymarketRestConfigSchema }

/**
 * The stateless Polymarket CLOB V2 REST client: L1 (EIP-712) and L2 (HMAC) auth headers, the venue's rate limits
 * on the transport `HttpClient`, and typed requests and responses (markets, books, prices, orders, cancels, trades,
 * balances, heartbeats). It keeps no order state: only credentials and a cache of each token's tick size and
 * neg-risk flag. To trade, use {@link PolymarketAdapter.placeOrder}; `postOrder` here is the raw wire call.
 *
 * @example
 * ```ts
 * import { Wallet } from 'ethers'
 * const rest = new PolymarketRest({ signer: new Wallet(pk) })
 * await rest.createOrDeriveApiKey()
 * const book = await rest.getBook(tokenId)
 * const trades = await rest.getTrades({ tokenId })
 * ```
 */
export class PolymarketRest {
  /** The HTTP client (shared rate limiter, circuit breaker); listen to its `error` events for transport errors. */
  readonly http: HttpClient
  readonly #cfg: z.output<typeof PolymarketRestConfigSchema>
  readonly #clock: Clock
  readonly #log: Logger
  #creds: ApiCredentials | undefined
  readonly #tick = new Map<string, TickSize>()
  readonly #negRisk = new Map<string, boolean>()
  #closed = false
  /** The exchange version of each token's orders (pins, markets, `GET /version`). */
  readonly versions: PolymarketVersions

  constructor(config: PolymarketRestConfig = {}) {
    this.#cfg = parseConfig(PolymarketRestConfigSchema, config, 'PolymarketRest')
    this.#clock = this.#cfg.clock ?? new SystemClock()
    this.#log = redactingLogger(this.#cfg.logger ?? silentLogger)
    this.#creds = this.#cfg.credentials
    this.versions = new PolymarketVersions(
      async () => {
        const r = await this.#get('/version', {})
        if (typeof r !== 'object' || r === null) {
          throw new ExchangeDataError(
            POLYMARKET_VENUE,
            'Invalid version response',
            ['(root): not an object'],
            r,
          )
        }
        return (r as { version?: unknown }).version
      },
      this.#cfg.versions,
      (e) => this.#log.warn({ error: String(e) }, 'GET /version failed; signing for the last known version'),
    )
    this.http = this.#createHttp()
  }

  #createHttp(): HttpClient {
    const rl = this.#cfg.rateLimits
    const rolling = (id: string, limit: number, intervalMs: number) => ({
      id,
      limit,
      intervalMs,
      mode: 'rolling' as const,
    })
    const limiter = new RateLimiter({
      windows: [
        rolling('GENERAL', rl.general10s, 10_000),
        rolling('MARKET_DATA', rl.marketData10s, 10_000),
        rolling('POST_ORDER', rl.postOrder10s, 10_000),
        rolling('POST_ORDER_10M', rl.postOrder10m, 600_000),
        rolling('CANCEL', rl.cancel10s, 10_000),
        rolling('CANCEL_10M', rl.cancel10m, 600_000),
        rolling('POST_ORDERS', rl.postOrders10s, 10_000),
        rolling('CANCEL_ORDERS', rl.cancelOrders10s, 10_000),
      ],
      clock: this.#clock,
      ...(this.#cfg.rateLimitStore !== undefined ? { store: this.#cfg.rateLimitStore } : {}),
    })
    return new HttpClient({
      baseUrl: this.#cfg.restUrl,
      venue: POLYMARKET_VENUE,
      timeoutMs: this.#cfg.timeoutMs,
      rateLimiter: limiter,
      clock: this.#clock,
      ...(this.#cfg.fetch !== undefined ? { fetch: this.#cfg.fetch } : {}),
      ...(this.#cfg.circuitBreaker !== undefined ? { circuitBreaker: this.#cfg.circuitBreaker } : {}),
      sign: async (draft) => {
        const h = await createL2Headers(this.#requireCreds(), {
          method: draft.method,
          path: draft.path,
          ...(draft.body !== undefined ? { body: draft.body } : {}),
          timestamp: Math.floor(this.#clock.now() / 1000),
        })
        for (const [k, v] of Object.entries(h)) draft.headers[k] = v
      },
      mapError: (ctx) => {
        const json: unknown = ctx.json
        const error =
          typeof json === 'object' && json !== null && 'error' in json
            ? (json as { error: unknown }).error
            : undefined
        const message = typeof error === 'string' ? error : ctx.bodyText.slice(0, 200)
        // A refused heartbeat carries the session's current id: kept for PolymarketHeartbeat to adopt.
        const hb = (json as { heartbeat_id?: unknown } | null)?.heartbeat_id
        if (ctx.status === 400 && typeof hb === 'string' && hb !== '')
          return new HeartbeatIdRejectedError(hb, message)
        return mapPolymarketError(ctx.status, message)
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
  }

  /** Current credentials (never logged). */
  get credentials(): ApiCredentials | undefined {
    return this.#creds
  }

  /** Whether {@link close} was called. */
  get isClosed(): boolean {
    return this.#closed
  }

  // ───────────────────────────── auth ─────────────────────────────

  /** Creates the API key of the signer for `nonce`, or derives it when it already exists; keeps it for L2 calls. */
  async createOrDeriveApiKey(nonce = 0): Promise<ApiCredentials> {
    const signer = this.#requireSigner()
    let raw: PolymarketApiKeyResponse
    try {
      raw = await this.#apiKeyRequest('POST', '/auth/api-key', nonce)
    } catch (e) {
      if (isTradekitError(e) && e.code === 'AUTH_FAILED') throw e
      raw = await this.#apiKeyRequest('GET', '/auth/derive-api-key', nonce)
    }
    const address = await signer.getAddress()
    this.#creds = { address, apiKey: raw.apiKey, secret: raw.secret, passphrase: raw.passphrase }
    return this.#creds
  }

  // ───────────────────────────── market data ─────────────────────────────

  /** One page of markets (cursor-paginated); caches each token's tick size and neg-risk flag. */
  async getMarkets(cursor: string = INITIAL_CURSOR): Promise<PolymarketPage<PolymarketMarket>> {
    const page = unwrapData(decodePage(await this.#get('/markets', { next_cursor: cursor })))
    return { data: page.data.map((m) => this.#market(m)), nextCursor: page.nextCursor }
  }

  /**
   * Every market, following cursors to the end. A listing longer than `maxPages` (default: the client's `maxPages`),
   * or a cursor that comes back, rejects with an `ExchangeDataError`: never a partial list.
   */
  async getAllMarkets(maxPages: number = this.#cfg.maxPages): Promise<PolymarketMarket[]> {
    if (!Number.isSafeInteger(maxPages) || maxPages < 1) {
      throw new ValidationError(
        `maxPages must be a positive integer, got "${String(maxPages).slice(0, 40)}"`,
        {
          field: 'maxPages',
        },
      )
    }
    return this.#follow('/markets', maxPages, (cursor) => this.getMarkets(cursor))
  }

  /** One market by condition id. */
  async getMarket(conditionId: string): Promise<PolymarketMarket> {
    if (!/^0x[0-9a-fA-F]{1,64}$/.test(conditionId)) {
      throw new ValidationError(`Invalid condition id "${conditionId.slice(0, 80)}"`, {
        field: 'conditionId',
      })
    }
    return this.#market(await this.#get(`/markets/${conditionId}`, {}))
  }

  /** The order book of a token (levels best first). */
  async getBook(tokenId: string): Promise<PolymarketBook> {
    const book = unwrapData(decodeRestBook(await this.#get('/book', { token_id: tokenId })))
    if (book.tickSize !== undefined && isTickSize(book.tickSize)) this.#tick.set(tokenId, book.tickSize)
    if (book.negRisk !== undefined) this.#negRisk.set(tokenId, book.negRisk)
    return book
  }

  /** Order books of several tokens in one request. */
  async getBooks(tokenIds: readonly string[]): Promise<PolymarketBook[]> {
    this.#assertOpen()
    const { data } = await this.http.request({
      method: 'POST',
      path: '/books',
      body: tokenIds.map((t) => ({ token_id: t })),
      retrySafe: true,
      priority: Priority.MARKET_DATA,
      cost: { GENERAL: 1, MARKET_DATA: 1 },
      schema: z.array(z.unknown()),
    })
    return data.map((b) => unwrapData(decodeRestBook(b)))
  }

  /** The venue's price of a token for a side (GET /price). */
  async getPrice(tokenId: string, side: 'BUY' | 'SELL'): Promise<Decimal> {
    return unwrapData(decodeQuote(await this.#get('/price', { token_id: tokenId, side }), 'price'))
  }

  /** Midpoint of a token's book. */
  async getMidpoint(tokenId: string): Promise<Decimal> {
    return unwrapData(decodeQuote(await this.#get('/midpoint', { token_id: tokenId }), 'mid'))
  }

  /** Spread of a token's book. */
  async getSpread(tokenId: string): Promise<Decimal> {
    return unwrapData(decodeQuote(await this.#get('/spread', { token_id: tokenId }), 'spread'))
  }

  /** Last trade price of a token (`undefined` when it never traded). */
  async getLastTradePrice(tokenId: string): Promise<Decimal | undefined> {
    return unwrapData(decodeLastTradePrice(await this.#get('/last-trade-price', { token_id: tokenId })))
  }

  /** Tick size of a token (cached; refreshed on `tick_size_change` or a tick rejection). */
  async getTickSize(tokenId: string): Promise<TickSize> {
    const cached = this.#tick.get(tokenId)
    if (cached !== undefined) return cached
    const tick = unwrapData(decodeTickSize(await this.#get('/tick-size', { token_id: tokenId })))
    this.#tick.set(tokenId, tick)
    return tick
  }

  /**
   * Records a token's new tick size (the market stream calls it on `tick_size_change`); an unsupported one clears
   * the cache entry so the next order looks it up again.
   */
  noteTickSize(tokenId: string, tickSize: string): void {
    if (isTickSize(tickSize)) this.#tick.set(tokenId, tickSize)
    else this.#tick.delete(tokenId)
  }

  /** Whether a token trades on the neg-risk exchange (cached). */
  async getNegRisk(tokenId: string): Promise<boolean> {
    const cached = this.#negRisk.get(tokenId)
    if (cached !== undefined) return cached
    const negRisk = unwrapData(decodeNegRisk(await this.#get('/neg-risk', { token_id: tokenId })))
    this.#negRisk.set(tokenId, negRisk)
    return negRisk
  }

  // ───────────────────────────── orders ─────────────────────────────

  /** Builds and signs a limit order with the token's current tick size and exchange. */
  async createOrder(args: LimitOrderOptions & { version?: ExchangeVersion }): Promise<SignedPolymarketOrder> {
    const signer = this.#requireSigner()
    const [tickSize, negRisk, address] = await Promise.all([
      this.getTickSize(args.tokenId),
      this.getNegRisk(args.tokenId),
      signer.getAddress(),
    ])
    const version = args.version ?? (await this.versions.forToken(args.tokenId))
    const order = await buildOrder(args, this.#orderOptions(tickSize, negRisk, address, version))
    return signOrder(order, signer, { negRisk, chainId: this.#cfg.chainId })
  }

  /** Builds and signs a market order (FOK/FAK), walking the current book when no price is given. */
  async createMarketOrder(
    args: MarketOrderOptions & { version?: ExchangeVersion },
  ): Promise<SignedPolymarketOrder> {
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
    const version = args.version ?? (await this.versions.forToken(args.tokenId))
    const order = await buildMarketOrder(
      { ...args, ...(book !== undefined ? { book } : {}) },
      this.#orderOptions(tickSize, negRisk, address, version),
    )
    return signOrder(order, signer, { negRisk, chainId: this.#cfg.chainId })
  }

  /** The order id (EIP-712 hash) of a signed order, known before it is sent. */
  async orderId(order: SignedPolymarketOrder): Promise<string> {
    const negRisk = await this.getNegRisk(order.tokenId)
    return orderHash(order, { negRisk, chainId: this.#cfg.chainId })
  }

  /**
   * POST /order: the raw wire call for one signed order (trade through `PolymarketAdapter.placeOrder`, which adds
   * client order ids and the heartbeat gate). A timeout, network error or 5xx rejects with
   * {@link OrderOutcomeUnknownError} carrying the order id, to reconcile with `getOrder`.
   */
  async postOrder(order: SignedPolymarketOrder, options: PostOrderOptions = {}): Promise<PostOrderResult> {
    const creds = this.#requireCreds()
    const orderType = options.orderType ?? 'GTC'
    this.#checkGtd(order, orderType)
    const id = await this.orderId(order)
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
        priority: orderPriority(options),
        cost: { GENERAL: 1, POST_ORDER: 1, POST_ORDER_10M: 1 },
        schema: z.unknown(),
      }),
    )
    return this.#postResult(res.data, id)
  }

  /** POST /orders: up to 15 signed orders in one request; each element is a result or the typed error of that order. */
  async postOrders(
    orders: ReadonlyArray<{ order: SignedPolymarketOrder; options?: PostOrderOptions }>,
  ): Promise<Array<PostOrderResult | TradekitError>> {
    const creds = this.#requireCreds()
    if (orders.length === 0 || orders.length > MAX_BATCH_ORDERS) {
      throw new ValidationError(`A batch holds 1 to ${MAX_BATCH_ORDERS} orders, not ${orders.length}`)
    }
    const ids: string[] = []
    const bodies: ReturnType<typeof toPostOrderBody>[] = []
    for (const { order, options = {} } of orders) {
      const orderType = options.orderType ?? 'GTC'
      this.#checkGtd(order, orderType)
      ids.push(await this.orderId(order))
      bodies.push(
        toPostOrderBody(order, {
          owner: creds.apiKey,
          orderType,
          ...(options.postOnly !== undefined ? { postOnly: options.postOnly } : {}),
        }),
      )
    }
    const res = await this.#send(ids[0] ?? '', () =>
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
        return this.#postResult(item, ids[i] ?? '')
      } catch (e) {
        return toTradekitError(e)
      }
    })
  }

  /** Cancels one order by id. */
  async cancelOrder(orderId: string): Promise<CancelResult> {
    return this.#cancel('DELETE', '/order', { orderID: orderId })
  }

  /**
   * DELETE /orders: cancels up to 3000 orders by id in one request (cancels first in the rate limiter). It counts as
   * one request in its own Cloudflare window (1,000 / 10 s) and as one token per id in the signer's cancel bucket
   * (docs.polymarket.com, "Rate Limits" and "CLOB Trading Rate Limits"), which the 10-minute cancel window takes.
   */
  async cancelOrders(orderIds: readonly string[]): Promise<CancelResult> {
    if (orderIds.length === 0 || orderIds.length > MAX_BATCH_CANCELS) {
      throw new ValidationError(`A batch cancel holds 1 to ${MAX_BATCH_CANCELS} ids, not ${orderIds.length}`)
    }
    return this.#cancel('DELETE', '/orders', orderIds, {
      GENERAL: 1,
      CANCEL_ORDERS: 1,
      CANCEL_10M: orderIds.length,
    })
  }

  /** Cancels every open order of the API key. */
  async cancelAll(): Promise<CancelResult> {
    return this.#cancel('DELETE', '/cancel-all', undefined)
  }

  /** Cancels the orders of one market (condition id) and/or token. */
  async cancelMarketOrders(filter: PolymarketMarketFilter): Promise<CancelResult> {
    return this.#cancel('DELETE', '/cancel-market-orders', marketQuery(filter))
  }

  /** Open orders of the API key (all pages), optionally of one market or token. */
  async getOpenOrders(filter: PolymarketMarketFilter = {}): Promise<PolymarketOpenOrder[]> {
    const raw = await this.#allPages('/data/orders', marketQuery(filter))
    return raw.map((o) => unwrapData(decodeOpenOrder(o)))
  }

  /** One order by id. */
  async getOrder(orderId: string): Promise<PolymarketOpenOrder> {
    return unwrapData(decodeOpenOrder(await this.#getSigned(`/data/order/${orderId}`, {})))
  }

  /** Our trades (all pages), optionally of one market or token. */
  async getTrades(filter: PolymarketMarketFilter = {}): Promise<PolymarketTradeRecord[]> {
    const raw = await this.#allPages('/data/trades', marketQuery(filter))
    return raw.map((t) => unwrapData(decodeTradeRecord(t)))
  }

  /**
   * Our trade history (all pages) decoded as user-channel `trade` events (maker orders, settlement status), so it
   * can be replayed through the same fill logic as the stream. A record that does not decode is returned as an error
   * instead of failing the whole listing.
   */
  async getTradeEvents(
    filter: PolymarketMarketFilter = {},
  ): Promise<Array<Result<PolymarketUserTradeEvent, ExchangeDataError>>> {
    const raw = await this.#allPages('/data/trades', marketQuery(filter))
    return raw.map((t) => {
      const r = typeof t === 'object' && t !== null ? (t as Record<string, unknown>) : {}
      const matchMs = Number(r.match_time) * 1000
      const decoded = decodeUserEvent({
        ...r,
        event_type: 'trade',
        timestamp: Number.isSafeInteger(matchMs) ? matchMs : this.#clock.now(),
      })
      if (!decoded.ok) return decoded
      if (decoded.value.type === 'trade') return { ok: true, value: decoded.value }
      return {
        ok: false,
        error: new ExchangeDataError(POLYMARKET_VENUE, 'Not a trade record', ['event_type'], t),
      }
    })
  }

  /** Balance of pUSD (`COLLATERAL`) or of a token's shares (`CONDITIONAL`), in pUSD / shares (not base units). */
  async getBalanceAllowance(options: BalanceAllowanceOptions): Promise<BalanceAllowance> {
    const raw = await this.#getSigned('/balance-allowance', {
      asset_type: this.#assetType(options),
      signature_type: this.#cfg.signatureType,
      ...(options.tokenId !== undefined ? { token_id: options.tokenId } : {}),
    })
    return unwrapData(decodeBalanceAllowance(raw))
  }

  /**
   * POST /v1/heartbeats: one beat of the venue's dead-man's switch; returns the id to send with the next beat (`''`
   * starts a new session). `PolymarketHeartbeat` runs the loop.
   */
  async sendHeartbeat(heartbeatId: string, timeoutMs?: number): Promise<string> {
    this.#assertOpen()
    const { data } = await this.http.request({
      method: 'POST',
      path: '/v1/heartbeats',
      body: JSON.stringify({ heartbeat_id: heartbeatId }),
      headers: { 'content-type': 'application/json' },
      signed: true,
      retrySafe: false,
      priority: Priority.CANCEL,
      timeoutMs: Math.min(this.#cfg.timeoutMs, timeoutMs ?? this.#cfg.timeoutMs),
      schema: z.unknown(),
    })
    return unwrapData(decodeHeartbeat(data))
  }

  /** Refuses further requests. Idempotent. */
  close(): void {
    this.#closed = true
  }

  // ───────────────────────────── internals ─────────────────────────────

  /**
   * One API-key request with L1 headers, decoded by {@link decodeApiKeyResponse}. A body that is not JSON is
   * refused without its text: it may hold the secret.
   */
  async #apiKeyRequest(method: HttpMethod, path: string, nonce: number): Promise<PolymarketApiKeyResponse> {
    const headers = await createL1Headers(this.#requireSigner(), {
      timestamp: Math.floor(this.#clock.now() / 1000),
      nonce,
      chainId: this.#cfg.chainId,
    })
    let data: unknown
    try {
      data = (await this.http.request({ method, path, headers: { ...headers }, schema: z.unknown() })).data
    } catch (e) {
      if (!(e instanceof ExchangeDataError)) throw e
      throw new ExchangeDataError(POLYMARKET_VENUE, e.message, e.issues, undefined, { details: e.details })
    }
    return unwrapData(decodeApiKeyResponse(data))
  }

  #orderOptions(tickSize: TickSize, negRisk: boolean, signer: string, version: ExchangeVersion) {
    return {
      tickSize,
      negRisk,
      version,
      signatureType: this.#cfg.signatureType as SignatureType,
      signer,
      clock: this.#clock,
      ...(this.#cfg.funder !== undefined ? { funder: this.#cfg.funder } : {}),
    }
  }

  /** `CONDITIONAL` becomes `CONDITIONAL-V2` for a token of a Protocol V2 market (pinned or learned, not guessed). */
  #assetType(options: BalanceAllowanceOptions): string {
    if (options.assetType !== 'CONDITIONAL' || options.tokenId === undefined) return options.assetType
    const snap = this.versions.snapshot()
    const v = snap.pinned[options.tokenId] ?? snap.markets[options.tokenId]
    return v === 3 ? 'CONDITIONAL-V2' : 'CONDITIONAL'
  }

  #checkGtd(order: SignedPolymarketOrder, orderType: PolymarketOrderType): void {
    if (orderType !== 'GTD') return
    // The venue ends a GTD order one minute before its `expiration` (security threshold): what is left must be > 0.
    const effectiveEnd = Number(order.expiration) * 1000 - GTD_MIN_LEAD_MS
    if (!(effectiveEnd > this.#clock.now())) {
      throw new ValidationError(
        `A GTD expiration must be more than 60 s ahead (Polymarket ends GTD orders 60 s before it), not "${order.expiration}"`,
        { field: 'expiration' },
      )
    }
  }

  #requireSigner(): TypedDataSigner {
    if (this.#cfg.signer === undefined) throw new StateError('No signer configured')
    return this.#cfg.signer
  }

  #requireCreds(): ApiCredentials {
    this.#assertOpen()
    if (this.#creds === undefined)
      throw new StateError('No L2 credentials: call createOrDeriveApiKey() first')
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
      if (err instanceof ExchangeError && err.venueCode === 'INVALID_ORDER_MIN_TICK_SIZE') {
        this.#tick.clear() // the tick may have changed: look it up again next time
      }
      throw err
    }
  }

  /** A post response that cannot be decoded leaves the order's outcome unknown (the venue may hold it). */
  #postResult(raw: unknown, id: string): PostOrderResult {
    const r = decodePostResult(raw, id)
    if (!r.ok && r.error.code === 'EXCHANGE_DATA_INVALID') {
      throw new OrderOutcomeUnknownError(
        id,
        `Order "${id}" outcome unknown: its response could not be decoded`,
        {
          cause: r.error,
        },
      )
    }
    if (!r.ok) throw r.error
    if (r.value.orderId.toLowerCase() !== id.toLowerCase()) {
      this.#log.warn(
        { expected: id, got: r.value.orderId },
        'Polymarket order id differs from the local hash',
      )
    }
    return r.value
  }

  async #cancel(
    method: HttpMethod,
    path: string,
    body: unknown,
    cost: Record<string, number> = { GENERAL: 1, CANCEL: 1, CANCEL_10M: 1 },
  ): Promise<CancelResult> {
    this.#assertOpen()
    const { data } = await this.http.request({
      method,
      path,
      ...(body !== undefined
        ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }
        : {}),
      signed: true,
      priority: Priority.CANCEL,
      cost,
      schema: z.unknown(),
    })
    return unwrapData(decodeCancelResult(data))
  }

  async #get(path: string, query: Record<string, string>): Promise<unknown> {
    this.#assertOpen()
    return (
      await this.http.request({
        path,
        query,
        schema: z.unknown(),
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

  /** Every page of a signed listing, to the end (a partial list rejects). */
  async #allPages(path: string, query: Record<string, string>): Promise<unknown[]> {
    return this.#follow(path, this.#cfg.maxPages, async (cursor) =>
      unwrapData(decodePage(await this.#getSigned(path, { ...query, next_cursor: cursor }))),
    )
  }

  /**
   * Every page of the listing of `path`, following `next_cursor` to the end cursor. A listing longer than `maxPages`,
   * or a cursor that comes back again (it would never end), rejects with an `ExchangeDataError`: never a partial list.
   */
  async #follow<T>(
    path: string,
    maxPages: number,
    page: (cursor: string) => Promise<PolymarketPage<T>>,
  ): Promise<T[]> {
    const out: T[] = []
    const seen = new Set<string>()
    let cursor = INITIAL_CURSOR
    while (cursor !== END_CURSOR) {
      if (seen.size >= maxPages || seen.has(cursor)) {
        const why = seen.has(cursor) ? `cursor "${cursor.slice(0, 64)}" came back` : `over ${seen.size} pages`
        throw new ExchangeDataError(
          POLYMARKET_VENUE,
          `The listing of ${path} did not end (${why}): refusing to return a partial list`,
          ['next_cursor: PAGE_LIMIT'],
          { path, pages: seen.size, records: out.length },
        )
      }
      seen.add(cursor)
      const next = await page(cursor)
      out.push(...next.data)
      cursor = next.nextCursor
    }
    return out
  }

  #market(raw: unknown): PolymarketMarket {
    const m = unwrapData(decodeMarket(raw))
    for (const t of m.tokens) {
      this.#tick.set(t.tokenId, m.tickSize)
      this.#negRisk.set(t.tokenId, m.negRisk)
    }
    this.versions.noteTokens(
      m.conditionId,
      m.tokens.map((t) => t.tokenId),
    )
    if (m.exchangeVersion === 3)
      this.versions.noteMarket(
        m.tokens.map((t) => t.tokenId),
        3,
      )
    return m
  }
}

function marketQuery(filter: PolymarketMarketFilter): Record<string, string> {
  return {
    ...(filter.market !== undefined ? { market: filter.market } : {}),
    ...(filter.tokenId !== undefined ? { asset_id: filter.tokenId } : {}),
  }
}

/** A decoded REST body, or its typed error thrown (REST calls are awaited: they reject, they never return junk). */
function unwrapData<T, E extends TradekitError>(r: Result<T, E>): T {
  if (!r.ok) throw r.error
  return r.value
}
