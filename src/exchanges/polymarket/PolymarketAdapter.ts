import * as z from 'zod/mini'
import type { Clock } from '../../core/clock.js'
import { SystemClock } from '../../core/clock.js'
import { parseConfig } from '../../core/config.js'
import { type Listenable, TypedEmitter } from '../../core/events.js'
import type { ExchangeAdapter, OrderAck, UserDataEvents } from '../../core/ports.js'
import { PositiveDurationMsSchema } from '../../core/schemas.js'
import type {
  Balance,
  Fill,
  Instrument,
  Order,
  OrderRequest,
  OrderStatus,
  Position,
} from '../../core/types.js'
import { Decimal } from '../../decimal/index.js'
import {
  ExchangeError,
  HttpError,
  isTradekitError,
  OrderOutcomeUnknownError,
  StateError,
  type TradekitError,
  toTradekitError,
  ValidationError,
} from '../../errors/index.js'
import { err, ok, type Result } from '../../errors/result.js'
import {
  type ExchangeVersion,
  GTD_MIN_LEAD_MS,
  isTickSize,
  MAX_BATCH_CANCELS,
  MAX_BATCH_ORDERS,
  POLYMARKET_VENUE,
} from './constants.js'
import type { PolymarketUserOrderEvent } from './decode.js'
import { loadEthers } from './loadEthers.js'
import { ackStatus, endStatus, venueOrderStatus } from './orderStatus.js'
import { HeartbeatState, PolymarketHeartbeat } from './PolymarketHeartbeat.js'
import { PolymarketMarketStream } from './PolymarketMarketStream.js'
import { PolymarketRest, PolymarketRestConfigSchema } from './PolymarketRest.js'
import { PolymarketUserStream } from './PolymarketUserStream.js'
import type { PolymarketHealth } from './PolymarketVersions.js'
import { involves, replayTrades, SettlementRecheck, type TradeReplayHost } from './replayTrades.js'
import type { CancelResult, PolymarketOpenOrder, PostOrderOptions, PostOrderResult } from './restTypes.js'
import type { PolymarketOrderType, SignedPolymarketOrder } from './types.js'
import { PolymarketSocketConfigShape } from './wsConfig.js'

/** Schema of {@link PolymarketAdapterConfig}: the REST, socket and heartbeat settings; defaults are applied here. */
export const PolymarketAdapterConfigSchema = z.strictObject({
  ...PolymarketRestConfigSchema.shape,
  ...PolymarketSocketConfigShape,
  /** Heartbeat (dead-man's switch) interval, ms. The venue cancels all orders after 10 s without one. Default 5 s. */
  heartbeatIntervalMs: z._default(PositiveDurationMsSchema, 5_000),
  /** Arm heartbeats automatically once the adapter has a resting order. Default true. */
  autoHeartbeat: z._default(z.boolean(), true),
  /** Market data silent this long (PONGs do not count) → books are re-snapshotted over REST, ms. Default 30 s. */
  marketSilenceMs: z._default(PositiveDurationMsSchema, 30_000),
  /** A fill unsettled this long has its market's trades read again by `recheckSettlement`, ms. Default 20 s. */
  settleRecheckAfterMs: z._default(PositiveDurationMsSchema, 20_000),
})

/** What {@link PolymarketAdapter} takes (defaults documented on {@link PolymarketAdapterConfigSchema}). */
export type PolymarketAdapterConfig = z.input<typeof PolymarketAdapterConfigSchema>

interface Known {
  readonly orderId: string
  readonly req: OrderRequest
  /**
   * What was sent when the answer was lost (outcome unknown): a resend with the same client id posts this very order
   * (same hash, so the venue deduplicates it), never a re-signed one (a new timestamp would be a new order).
   */
  readonly unknown?: { readonly signed: SignedPolymarketOrder; readonly options: PostOrderOptions }
}

/**
 * Polymarket CLOB V2 as the core {@link ExchangeAdapter}, composed from the venue's parts: {@link rest} (stateless
 * REST client), {@link market} (market channel and synced books, a `MarketDataSource`), {@link user} (user channel:
 * fills and reversals) and {@link heartbeat} (dead-man's switch). `placeOrder` is the one way to place an order.
 * Symbols are token ids. Polymarket has no client order ids: each order's salt is derived from `clientOrderId` and
 * clientOrderId → order hash is recorded before sending, so a timed-out order is found again by `queryOrder`.
 * Orders: LIMIT → GTC (GTD with `expireAt`, post-only with `POST_ONLY`; FOK/IOC → FOK/FAK at the limit price);
 * MARKET → FOK priced by walking the book (a BUY spends qty × the worst price reached, so it may get slightly more
 * shares when the book is better, or slightly fewer since the pUSD amount has 2 decimals; such an executed FOK is
 * reported CANCELED with what it filled). New orders are refused while heartbeats are unhealthy (fail closed). Fills
 * of a trade not on chain yet are `unsettled` (not sellable yet) until `fill.settled`; a FAILED one is `fill.reversed`.
 * The adapter reconciles nothing itself: after a user-channel reconnect it emits `user.reconnected`; `orderFills` and
 * `recheckSettlement` read the venue's record.
 *
 * @example
 * ```ts
 * import { Wallet } from 'ethers'
 * const adapter = new PolymarketAdapter({ signer: new Wallet(pk) })
 * adapter.events.on('error', (e) => log.warn(e))
 * await adapter.rest.createOrDeriveApiKey()
 * await adapter.startUserData()
 * const ack = await adapter.placeOrder({ clientOrderId: 'c1', venue: 'polymarket', symbol: tokenId,
 *   side: 'BUY', type: 'LIMIT', qty: new Decimal(10), price: new Decimal('0.55') })
 * ```
 */
export class PolymarketAdapter implements ExchangeAdapter {
  readonly venue = POLYMARKET_VENUE
  /** Most orders one batch carries: `POST /orders` 15, `DELETE /orders` 3000 (docs.polymarket.com). */
  readonly batchLimits = { place: MAX_BATCH_ORDERS, cancel: MAX_BATCH_CANCELS }
  /** Unified user-data events (order updates, fills, reversals, reconnects, errors). */
  readonly events: Listenable<UserDataEvents>
  /** The stateless REST client (markets, books, prices, orders by id, trades, balances, cancels). */
  readonly rest: PolymarketRest
  /** The market channel: synced books and public trades (plug it into a feed as a `MarketDataSource`). */
  readonly market: PolymarketMarketStream
  /** The user channel: our orders, trades, fills and reversals. */
  readonly user: PolymarketUserStream
  /** The order heartbeat (dead-man's switch). */
  readonly heartbeat: PolymarketHeartbeat
  readonly #bus = new TypedEmitter<UserDataEvents>()
  readonly #clock: Clock
  readonly #autoHeartbeat: boolean
  readonly #instruments = new Map<string, Instrument>()
  readonly #byClient = new Map<string, Known>()
  readonly #byOrder = new Map<string, string>()
  /** What trade-history replays read and report through. */
  readonly #replay: TradeReplayHost
  readonly #settlement: SettlementRecheck
  #userStarted = false

  constructor(config: PolymarketAdapterConfig = {}) {
    const cfg = parseConfig(PolymarketAdapterConfigSchema, config, 'PolymarketAdapter')
    this.#clock = cfg.clock ?? new SystemClock()
    this.#autoHeartbeat = cfg.autoHeartbeat
    const clock = this.#clock
    const { wsUrl, pingIntervalMs, staleAfterMs, reconnectBaseMs, WebSocket } = cfg
    const socket = {
      wsUrl,
      pingIntervalMs,
      staleAfterMs,
      reconnectBaseMs,
      clock,
      ...(WebSocket ? { WebSocket } : {}),
    }
    this.rest = new PolymarketRest({
      restUrl: cfg.restUrl,
      signatureType: cfg.signatureType,
      versions: cfg.versions,
      chainId: cfg.chainId,
      timeoutMs: cfg.timeoutMs,
      maxPages: cfg.maxPages,
      rateLimits: cfg.rateLimits,
      clock,
      ...(cfg.signer !== undefined ? { signer: cfg.signer } : {}),
      ...(cfg.credentials !== undefined ? { credentials: cfg.credentials } : {}),
      ...(cfg.funder !== undefined ? { funder: cfg.funder } : {}),
      ...(cfg.logger !== undefined ? { logger: cfg.logger } : {}),
      ...(cfg.fetch !== undefined ? { fetch: cfg.fetch } : {}),
      ...(cfg.circuitBreaker !== undefined ? { circuitBreaker: cfg.circuitBreaker } : {}),
      ...(cfg.rateLimitStore !== undefined ? { rateLimitStore: cfg.rateLimitStore } : {}),
    })
    this.market = new PolymarketMarketStream({
      ...socket,
      rest: this.rest,
      marketSilenceMs: cfg.marketSilenceMs,
    })
    this.user = new PolymarketUserStream({ ...socket, credentials: () => this.rest.credentials })
    this.#replay = { rest: this.rest, user: this.user, onError: (e) => this.#bus.emit('error', e) }
    this.#settlement = new SettlementRecheck(this.#replay, cfg.settleRecheckAfterMs)
    this.heartbeat = new PolymarketHeartbeat({
      send: (id, timeoutMs) => this.rest.sendHeartbeat(id, timeoutMs),
      intervalMs: cfg.heartbeatIntervalMs,
      clock,
    })
    this.events = this.#bus
    this.#wire()
  }

  #wire(): void {
    const u = this.user.events
    u.on('fill', (e) =>
      this.#bus.emit('fill', { type: 'fill', fill: this.#withClientId(e.fill), tsEvent: e.tsEvent }),
    )
    u.on('fill.settled', (e) => this.#bus.emit('fill.settled', { ...e, fill: this.#withClientId(e.fill) }))
    u.on('fill.reversed', (e) => this.#bus.emit('fill.reversed', { ...e, fill: this.#withClientId(e.fill) }))
    u.on('user.orderUpdated', (e) => {
      const order = this.#fromUserOrder(e)
      this.#bus.emit('order.updated', { type: 'order.updated', order, tsEvent: e.tsEvent })
    })
    u.on('user.connected', (e) => {
      if (e.isReconnect) this.#bus.emit('user.reconnected', { type: 'user.reconnected', tsEvent: e.tsEvent })
    })
    u.on('error', (e) => this.#bus.emit('error', e))
    this.market.events.on('market.tickSizeChanged', (e) => this.#retick(e.tokenId, e.newTickSize))
    this.heartbeat.events.on('error', (e) => this.#bus.emit('error', e))
    this.rest.http.events.on('error', (e) => this.#bus.emit('error', e))
  }

  /**
   * Health of the venue connection: the heartbeat state and the exchange versions in use (the server's
   * `GET /version`, the pinned ones and those learned per market).
   */
  health(): PolymarketHealth {
    return { heartbeat: this.heartbeat.state, versions: this.rest.versions.snapshot() }
  }

  /** Instrument rules of an outcome token (tick, 0.01-share step, minimum size, neg-risk), cached. */
  async instrument(symbol: string): Promise<Instrument> {
    const cached = this.#instruments.get(symbol)
    if (cached !== undefined) return cached
    const book = await this.rest.getBook(symbol)
    const market = await this.rest.getMarket(book.market)
    const token = market.tokens.find((t) => t.tokenId === symbol)
    const tick = new Decimal(market.tickSize)
    const inst: Instrument = {
      venue: POLYMARKET_VENUE,
      symbol,
      base: token?.outcome ?? 'outcome',
      quote: 'pUSD',
      kind: 'outcome',
      tickSize: tick,
      stepSize: new Decimal('0.01'),
      minPrice: tick,
      maxPrice: new Decimal(1).minus(tick),
      minQty: new Decimal(market.minOrderSize),
      outcome: {
        tokenId: symbol,
        conditionId: market.conditionId,
        outcome: token?.outcome ?? '',
        negRisk: market.negRisk,
      },
    }
    this.#instruments.set(symbol, inst)
    return inst
  }

  /** A cached instrument takes the venue's new tick (`tick_size_change`): its tick, min and max price move with it. */
  #retick(symbol: string, tickSize: string): void {
    const inst = this.#instruments.get(symbol)
    if (inst === undefined || !isTickSize(tickSize)) return
    const tick = new Decimal(tickSize)
    this.#instruments.set(symbol, {
      ...inst,
      tickSize: tick,
      minPrice: tick,
      maxPrice: new Decimal(1).minus(tick),
    })
  }

  /**
   * Places an order: the salt is derived from `clientOrderId`, so the order id is known before sending. Refused
   * (StateError) without credentials or while heartbeats are unhealthy; a timeout, network error or 5xx rejects with
   * `OrderOutcomeUnknownError` (reconcile with `queryOrder`).
   */
  async placeOrder(req: OrderRequest): Promise<OrderAck> {
    const lost = this.#byClient.get(req.clientOrderId)
    if (lost?.unknown !== undefined && req.venue === POLYMARKET_VENUE && sameTerms(lost.req, req)) {
      return this.#resend(req, lost.orderId, lost.unknown)
    }
    let { signed, orderType, options } = await this.#prepare(req)
    let res: PostOrderResult
    try {
      res = await this.#post(req, signed, options)
    } catch (e) {
      await this.#afterRefusal(req.symbol, e)
      // The exchange generation changed under us (Protocol V2 migration): re-read, re-sign for the other version
      // (same salt, a fresh timestamp, as the official client re-creates the order) and retry once.
      if (!(e instanceof ExchangeError) || e.venueCode !== 'ORDER_VERSION_MISMATCH') throw e
      const version = await this.rest.versions.afterMismatch(req.symbol, signed.version ?? 2)
      if (version === undefined) throw e
      this.#forget(req.clientOrderId)
      ;({ signed, orderType } = await this.#sign(req, version))
      res = await this.#post(req, signed, options)
    }
    return this.#acked(req, res, orderType)
  }

  /**
   * Re-sends an order whose outcome was unknown (the OrderExecutor's `onNotFound: 'RESEND'`): the same signed order,
   * so a copy that did reach the venue is refused as a duplicate there, and then read back as the venue holds it.
   */
  async #resend(
    req: OrderRequest,
    orderId: string,
    sent: { signed: SignedPolymarketOrder; options: PostOrderOptions },
  ): Promise<OrderAck> {
    let res: PostOrderResult
    try {
      res = await this.#post(req, sent.signed, sent.options)
    } catch (e) {
      if (!(e instanceof ExchangeError) || e.venueCode !== 'INVALID_ORDER_DUPLICATED') {
        await this.#afterRefusal(req.symbol, e)
        throw e
      }
      // The first send did arrive: the order is the venue's, whatever its state now.
      const order = this.#toOrder(await this.rest.getOrder(orderId), req)
      this.user.trackOrder(orderId)
      const working = order.status === 'OPEN' || order.status === 'PARTIALLY_FILLED'
      if (working && this.#autoHeartbeat) this.heartbeat.start()
      return { clientOrderId: req.clientOrderId, venueOrderId: orderId, order, fills: [] }
    }
    return this.#acked(req, res, sent.options.orderType ?? 'GTC')
  }

  /**
   * After a venue refusal: an off-tick rejection means the market's tick changed unannounced (the REST tick cache is
   * cleared already), so the cached instrument is re-read and the next order uses the venue's grid. Never throws: a
   * failed re-read is reported on `error` and the cached instrument is dropped (the next `instrument` call re-reads).
   */
  async #afterRefusal(symbol: string, e: unknown): Promise<void> {
    if (!(e instanceof ExchangeError) || e.venueCode !== 'INVALID_ORDER_MIN_TICK_SIZE') return
    if (!this.#instruments.has(symbol)) return
    try {
      this.#retick(symbol, await this.rest.getTickSize(symbol))
    } catch (err) {
      this.#instruments.delete(symbol)
      this.#bus.emit('error', toTradekitError(err))
    }
  }

  /** Checks a request (venue, unused client id, tradable) and signs it. */
  async #prepare(
    req: OrderRequest,
  ): Promise<{ signed: SignedPolymarketOrder; orderType: PolymarketOrderType; options: PostOrderOptions }> {
    if (req.venue !== POLYMARKET_VENUE)
      throw new ValidationError(`Wrong venue "${req.venue}"`, { field: 'venue' })
    if (this.#byClient.has(req.clientOrderId)) {
      throw new ValidationError(`Duplicate client order id "${req.clientOrderId}"`, {
        field: 'clientOrderId',
      })
    }
    this.#assertTradable()
    const inst = await this.instrument(req.symbol) // also learns the market's exchange version (position ids)
    // A market first traded after startUserData joins the user channel before the order is sent (its fills).
    const conditionId = inst.outcome?.conditionId ?? ''
    if (this.#userStarted && conditionId !== '') this.user.addMarkets([conditionId])
    const { signed, orderType } = await this.#sign(req)
    const options: PostOrderOptions = {
      orderType,
      ...(req.timeInForce === 'POST_ONLY' ? { postOnly: true } : {}),
      ...(req.reduceOnly === true ? { reduceOnly: true } : {}),
    }
    return { signed, orderType, options }
  }

  #acked(req: OrderRequest, res: PostOrderResult, orderType: PolymarketOrderType): OrderAck {
    this.user.trackOrder(res.orderId)
    const order = this.#ackOrder(req, res, orderType)
    // Arm the dead-man's switch for any order left working (resting, partly matched on entry, or delayed).
    const working = order.status === 'OPEN' || order.status === 'PARTIALLY_FILLED'
    if (working && this.#autoHeartbeat) this.heartbeat.start()
    return { clientOrderId: req.clientOrderId, venueOrderId: res.orderId, order, fills: [] }
  }

  /**
   * Places up to 15 orders in one `POST /orders` (`batchLimits.place`). One result per request, in order: a request
   * that could not be signed, or that the venue refused, fails alone; a lost answer is each order's
   * `OrderOutcomeUnknownError` (reconcile with `queryOrder`); an order refused for an exchange-version change is
   * re-signed and sent alone, as {@link PolymarketAdapter.placeOrder} does.
   */
  async placeOrders(reqs: readonly OrderRequest[]): Promise<ReadonlyArray<Result<OrderAck>>> {
    const out: Array<Result<OrderAck>> = reqs.map(() => err(new StateError('Not sent')))
    const ready: Array<{
      i: number
      orderId: string
      orderType: PolymarketOrderType
      order: SignedPolymarketOrder
      options: PostOrderOptions
    }> = []
    for (const [i, req] of reqs.entries()) {
      try {
        const { signed, orderType, options } = await this.#prepare(req)
        const orderId = await this.#remember(req, signed)
        ready.push({ i, orderId, orderType, order: signed, options })
      } catch (e) {
        out[i] = err(toTradekitError(e))
      }
    }
    if (ready.length === 0) return out
    let results: Array<PostOrderResult | TradekitError>
    try {
      this.#assertTradable()
      results = await this.rest.postOrders(ready)
    } catch (e) {
      const error = toTradekitError(e)
      for (const r of ready) out[r.i] = err(this.#lost(reqs[r.i] as OrderRequest, r, error))
      return out
    }
    await Promise.all(
      ready.map(async (r, k) => {
        const req = reqs[r.i] as OrderRequest
        const res = results[k]
        if (res === undefined) out[r.i] = err(this.#lost(req, r, new StateError('Missing from the answer')))
        else if (!(res instanceof Error)) out[r.i] = ok(this.#acked(req, res, r.orderType))
        else if (res instanceof ExchangeError && res.venueCode === 'ORDER_VERSION_MISMATCH') {
          this.#forget(req.clientOrderId)
          out[r.i] = await this.placeOrder(req).then(ok, (e: unknown) => err(toTradekitError(e)))
        } else {
          await this.#afterRefusal(req.symbol, res)
          out[r.i] = err(res)
        }
      }),
    )
    return out
  }

  /**
   * Cancels several orders in one `DELETE /orders` (up to 3000 ids), then reads each back as
   * {@link PolymarketAdapter.cancelOrder} does. One result per order: the order afterwards, or why it is still open.
   */
  async cancelOrders(
    orders: ReadonlyArray<{ readonly symbol: string; readonly clientOrderId: string }>,
  ): Promise<ReadonlyArray<Result<Order>>> {
    const known = orders.map((o) => this.#byClient.get(o.clientOrderId))
    const ids = known.flatMap((k) => (k === undefined ? [] : [k.orderId]))
    let res: CancelResult | undefined
    let failure: TradekitError | undefined
    try {
      if (ids.length > 0) res = await this.rest.cancelOrders(ids)
    } catch (e) {
      failure = toTradekitError(e)
    }
    return Promise.all(
      orders.map(async (o, i): Promise<Result<Order>> => {
        const k = known[i]
        if (k === undefined) return err(new ValidationError(`Unknown client order id "${o.clientOrderId}"`))
        if (failure !== undefined) return err(this.#cancelLost(o.clientOrderId, k.orderId, failure))
        const after = await this.queryOrder(o.symbol, o.clientOrderId).catch(() => undefined)
        const reason = res?.notCanceled[k.orderId]
        if (
          after === undefined ||
          (reason !== undefined && (after.status === 'OPEN' || after.status === 'PARTIALLY_FILLED'))
        ) {
          return err(
            new ExchangeError(
              POLYMARKET_VENUE,
              `Cancel of "${o.clientOrderId}" refused: ${reason ?? 'order unknown'}`,
              {
                venueMessage: reason,
              },
            ),
          )
        }
        return ok(after)
      }),
    )
  }

  /** A batch answer that was lost (or refused as a whole) as one order's error; a lost one may be re-sent as it was. */
  #lost(
    req: OrderRequest,
    sent: { orderId: string; order: SignedPolymarketOrder; options: PostOrderOptions },
    error: TradekitError,
  ): TradekitError {
    const { orderId } = sent
    if (error.code !== 'ORDER_OUTCOME_UNKNOWN') return error
    this.#byClient.set(req.clientOrderId, {
      orderId,
      req,
      unknown: { signed: sent.order, options: sent.options },
    })
    return new OrderOutcomeUnknownError(req.clientOrderId, `Order "${req.clientOrderId}" outcome unknown`, {
      cause: error,
      details: { venueOrderId: orderId },
    })
  }

  /** An unreadable cancel response: the venue may have cancelled; reconcile by client id. */
  #cancelLost(clientOrderId: string, orderId: string, error: TradekitError): TradekitError {
    if (error.code !== 'EXCHANGE_DATA_INVALID') return error
    return new OrderOutcomeUnknownError(
      clientOrderId,
      `Cancel of "${clientOrderId}" outcome unknown: its response could not be decoded`,
      { cause: error, details: { venueOrderId: orderId, action: 'cancel' } },
    )
  }

  /** Records clientOrderId ↔ order id (before sending, so fills and a lost outcome can be matched). */
  async #remember(req: OrderRequest, signed: SignedPolymarketOrder): Promise<string> {
    const orderId = await this.rest.orderId(signed)
    this.#byClient.set(req.clientOrderId, { orderId, req })
    this.#byOrder.set(orderId, req.clientOrderId)
    this.user.trackOrder(orderId)
    return orderId
  }

  /** Records clientOrderId ↔ order id before sending, then posts; a lost outcome carries the order id. */
  async #post(
    req: OrderRequest,
    signed: SignedPolymarketOrder,
    options: PostOrderOptions,
  ): Promise<PostOrderResult> {
    const orderId = await this.#remember(req, signed)
    this.#assertTradable()
    try {
      return await this.rest.postOrder(signed, options)
    } catch (e) {
      if (isTradekitError(e) && e.code === 'ORDER_OUTCOME_UNKNOWN') {
        this.#byClient.set(req.clientOrderId, { orderId, req, unknown: { signed, options } })
        throw new OrderOutcomeUnknownError(
          req.clientOrderId,
          `Order "${req.clientOrderId}" outcome unknown`,
          {
            cause: e,
            details: { venueOrderId: orderId },
          },
        )
      }
      throw e
    }
  }

  /** Drops the clientOrderId ↔ order id record of an order the venue refused (before re-signing it). */
  #forget(clientOrderId: string): void {
    const known = this.#byClient.get(clientOrderId)
    if (known === undefined) return
    this.#byClient.delete(clientOrderId)
    this.#byOrder.delete(known.orderId)
  }

  async #sign(
    req: OrderRequest,
    version?: ExchangeVersion,
  ): Promise<{ signed: SignedPolymarketOrder; orderType: PolymarketOrderType }> {
    const salt = await saltFor(req.clientOrderId)
    const v = version === undefined ? {} : { version }
    const tif = req.timeInForce
    if (req.type === 'MARKET' || tif === 'FOK' || tif === 'IOC') {
      const orderType = tif === 'IOC' ? 'FAK' : 'FOK'
      const price = req.price?.toFixed() ?? (await this.#walkBook(req, orderType))
      const amount = req.side === 'BUY' ? req.qty.times(price).toFixed() : req.qty.toFixed()
      const signed = await this.rest.createMarketOrder({
        tokenId: req.symbol,
        side: req.side,
        amount,
        price,
        orderType,
        salt,
        ...v,
      })
      return { signed, orderType }
    }
    if (req.type !== 'LIMIT')
      throw new ValidationError(`Polymarket has no "${req.type}" orders`, { field: 'type' })
    if (req.price === undefined) throw new ValidationError('A LIMIT order needs a price', { field: 'price' })
    const signed = await this.rest.createOrder({
      tokenId: req.symbol,
      price: req.price.toFixed(),
      size: req.qty.toFixed(),
      side: req.side,
      salt,
      ...v,
      ...(tif === 'GTD' && req.expireAt !== undefined ? { expiration: gtdExpiration(req.expireAt) } : {}),
    })
    return { signed, orderType: tif === 'GTD' ? 'GTD' : 'GTC' }
  }

  /** The worst price reached when taking `req.qty` shares from the book. */
  async #walkBook(req: OrderRequest, orderType: 'FOK' | 'FAK'): Promise<string> {
    const book = await this.rest.getBook(req.symbol)
    let price: string | undefined
    let left = req.qty
    for (const [p, s] of req.side === 'BUY' ? book.asks : book.bids) {
      price = String(p)
      left = left.minus(s)
      if (left.lte(0)) break
    }
    if (price === undefined || (left.gt(0) && orderType === 'FOK')) {
      throw new ValidationError('The book cannot fill the market order', { field: 'qty' })
    }
    return price
  }

  #ackOrder(req: OrderRequest, res: PostOrderResult, orderType: PolymarketOrderType): Order {
    const size = req.side === 'BUY' ? new Decimal(res.takingAmount || 0) : new Decimal(res.makingAmount || 0)
    const now = this.#clock.now()
    const filled = Decimal.min(size, req.qty)
    const status = ackStatus(res.status, filled, req.qty, orderType)
    return { ...req, venueOrderId: res.orderId, status, filledQty: filled, tsCreated: now, tsUpdated: now }
  }

  /** Cancels by client order id and returns the order as the venue reports it afterwards. */
  async cancelOrder(symbol: string, clientOrderId: string): Promise<Order> {
    const known = this.#byClient.get(clientOrderId)
    if (known === undefined) throw new ValidationError(`Unknown client order id "${clientOrderId}"`)
    try {
      await this.rest.cancelOrder(known.orderId)
    } catch (e) {
      // An unreadable cancel response: the venue may have cancelled it; reconcile by client id.
      if (isTradekitError(e) && e.code === 'EXCHANGE_DATA_INVALID') {
        throw new OrderOutcomeUnknownError(
          clientOrderId,
          `Cancel of "${clientOrderId}" outcome unknown: its response could not be decoded`,
          { cause: e, details: { venueOrderId: known.orderId, action: 'cancel' } },
        )
      }
      throw e
    }
    const after = await this.queryOrder(symbol, clientOrderId)
    if (after === undefined) throw new ValidationError(`Order "${clientOrderId}" is unknown to the venue`)
    return after
  }

  /**
   * The client order id of a venue order id (order hash) this adapter signed, to match the venue's records (the
   * book, `/data/orders`, trades) with yours; `undefined` for an order it did not sign.
   */
  clientOrderIdOf(orderId: string): string | undefined {
    return this.#byOrder.get(orderId)
  }

  /**
   * Looks an order up by client order id (via its order hash). `DELAYED` reads as open (its fills come later); a
   * venue status tradekit does not know rejects with an `ExchangeDataError` rather than being guessed final.
   */
  async queryOrder(_symbol: string, clientOrderId: string): Promise<Order | undefined> {
    const known = this.#byClient.get(clientOrderId)
    if (known === undefined) return undefined
    try {
      return this.#toOrder(await this.rest.getOrder(known.orderId), known.req)
    } catch (e) {
      if ((e instanceof ExchangeError || e instanceof HttpError) && e.status === 404) return undefined
      throw e
    }
  }

  /**
   * The venue's record of one order's fills (`[]` for an unknown order), from its token's trade history (REST)
   * through the user stream's de-duplication: a fill the channel missed is also emitted as `fill` (once), one reported
   * unsettled and on chain since as `fill.settled`, one whose trade FAILED since as `fill.reversed`.
   */
  async orderFills(symbol: string, clientOrderId: string): Promise<readonly Fill[]> {
    const known = this.#byClient.get(clientOrderId)
    if (known === undefined) return []
    const mine = (
      await replayTrades(this.#replay, { tokenId: symbol }, (t) => involves(t, known.orderId))
    ).filter((f) => f.venueOrderId === known.orderId)
    return mine.map((f) => ({ ...f, clientOrderId }))
  }

  /**
   * Reads again the trade history of the markets with fills unsettled for `settleRecheckAfterMs` or more: a
   * settlement the channel missed is emitted as `fill.settled`, a failure as `fill.reversed`.
   */
  recheckSettlement(): Promise<void> {
    return this.#settlement.run()
  }

  /** Open orders, of one token or all (arms the heartbeat when there are some and `autoHeartbeat` is on). */
  async openOrders(symbol?: string): Promise<readonly Order[]> {
    const list = await this.rest.getOpenOrders(symbol !== undefined ? { tokenId: symbol } : {})
    for (const o of list) this.user.trackOrder(o.id)
    if (list.length > 0 && this.#autoHeartbeat) this.heartbeat.start()
    return list.map((o) => {
      const cid = this.#byOrder.get(o.id)
      return this.#toOrder(o, cid !== undefined ? this.#byClient.get(cid)?.req : undefined, true)
    })
  }

  /** pUSD balance (what open bids hold back is not split out by the venue: `locked` is 0). */
  async balances(): Promise<readonly Balance[]> {
    const r = await this.rest.getBalanceAllowance({ assetType: 'COLLATERAL' })
    return [{ venue: POLYMARKET_VENUE, asset: 'pUSD', free: r.balance, locked: new Decimal(0) }]
  }

  /** Share holdings of the tokens this adapter has seen (through `instrument`). */
  async positions(): Promise<readonly Position[]> {
    const out: Position[] = []
    for (const symbol of this.#instruments.keys()) {
      const r = await this.rest.getBalanceAllowance({ assetType: 'CONDITIONAL', tokenId: symbol })
      if (r.balance.isZero()) continue
      const zero = new Decimal(0)
      out.push({ venue: POLYMARKET_VENUE, symbol, qty: r.balance, realizedPnl: zero, unrealizedPnl: zero })
    }
    return out
  }

  /** Subscribes the user channel (markets of the instruments seen so far; all when none). */
  async startUserData(): Promise<void> {
    const markets = [...this.#instruments.values()]
      .map((i) => i.outcome?.conditionId ?? '')
      .filter((c) => c !== '')
    this.user.subscribe(markets)
    this.#userStarted = true
  }

  /** Closes both channels, stops heartbeats and refuses further requests. Idempotent. */
  async close(): Promise<void> {
    this.#userStarted = false
    this.heartbeat.close()
    this.rest.close()
    await Promise.all([this.market.close(), this.user.close()])
  }

  /** Whether `startUserData` was called. */
  get isUserDataStarted(): boolean {
    return this.#userStarted
  }

  #assertTradable(): void {
    if (this.rest.isClosed) throw new StateError('The Polymarket client is closed')
    if (this.rest.credentials === undefined) {
      throw new StateError('No L2 credentials: call rest.createOrDeriveApiKey() first')
    }
    if (this.heartbeat.state === HeartbeatState.UNHEALTHY) {
      throw new StateError('Heartbeats are unhealthy: new orders are refused until a heartbeat succeeds', {
        details: { heartbeatState: this.heartbeat.state },
      })
    }
  }

  #withClientId(fill: Fill): Fill {
    return { ...fill, clientOrderId: this.#byOrder.get(fill.venueOrderId ?? '') ?? fill.clientOrderId }
  }

  #fromUserOrder(e: Omit<PolymarketUserOrderEvent, 'type'>): Order {
    const cid = this.#byOrder.get(e.orderId)
    const req = cid !== undefined ? this.#byClient.get(cid)?.req : undefined
    const status: OrderStatus =
      e.action === 'CANCELLATION'
        ? 'CANCELED'
        : e.sizeMatched.gte(e.originalSize)
          ? endStatus(e.sizeMatched, req?.qty ?? e.originalSize)
          : e.sizeMatched.gt(0)
            ? 'PARTIALLY_FILLED'
            : 'OPEN'
    return {
      clientOrderId: cid ?? e.orderId,
      venue: POLYMARKET_VENUE,
      symbol: e.tokenId,
      side: e.side,
      type: req?.type ?? 'LIMIT',
      qty: req?.qty ?? e.originalSize,
      price: e.price,
      venueOrderId: e.orderId,
      status,
      filledQty: e.sizeMatched,
      tsCreated: e.tsEvent,
      tsUpdated: e.tsEvent,
    }
  }

  #toOrder(o: PolymarketOpenOrder, req: OrderRequest | undefined, isListedOpen = false): Order {
    const status = venueOrderStatus(o.status, o.sizeMatched, req?.qty ?? o.originalSize, isListedOpen)
    const now = this.#clock.now()
    return {
      clientOrderId: req?.clientOrderId ?? o.id,
      venue: POLYMARKET_VENUE,
      symbol: o.tokenId,
      side: o.side,
      type: req?.type ?? 'LIMIT',
      qty: req?.qty ?? o.originalSize,
      price: o.price,
      venueOrderId: o.id,
      status,
      filledQty: o.sizeMatched,
      tsCreated: o.createdAt * 1000 || now,
      tsUpdated: now,
    }
  }
}

/** Whether a resend asks for the same order as the request first sent under its client id. */
function sameTerms(a: OrderRequest, b: OrderRequest): boolean {
  const same = (x: Decimal | undefined, y: Decimal | undefined) =>
    x === undefined || y === undefined ? x === y : x.eq(y)
  return (
    a.symbol === b.symbol &&
    a.side === b.side &&
    a.type === b.type &&
    same(a.qty, b.qty) &&
    same(a.price, b.price) &&
    a.timeInForce === b.timeInForce &&
    a.expireAt === b.expireAt &&
    a.reduceOnly === b.reduceOnly
  )
}

/**
 * The signed `expiration` (epoch s) of a GTD order to end at `expireAt` (epoch ms): Polymarket expires GTD orders one
 * minute before their stated expiration (its security threshold: "to set an effective lifetime of N seconds, use
 * now + 60 + N"), so the minute is added, and the second rounded up (never earlier than asked).
 *
 * @example
 * ```ts
 * gtdExpiration(1_700_000_000_500) // 1_700_000_061
 * ```
 */
export function gtdExpiration(expireAt: number): number {
  return Math.ceil(expireAt / 1000) + GTD_MIN_LEAD_MS / 1000
}

/**
 * A salt below 2^53 derived from a client order id: the same id always signs the same order.
 *
 * @example
 * ```ts
 * (await saltFor('tk-1')) === (await saltFor('tk-1')) // true: a re-sent order has the same salt, so the same hash (order id)
 * ```
 */
export async function saltFor(clientOrderId: string): Promise<string> {
  const { id: keccakText } = await loadEthers()
  return (BigInt(keccakText(clientOrderId)) & ((1n << 53n) - 1n)).toString()
}
