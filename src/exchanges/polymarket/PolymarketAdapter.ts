import { id as keccakText } from 'ethers'
import type { Clock } from '../../core/clock.js'
import { SystemClock } from '../../core/clock.js'
import { type Listenable, TypedEmitter } from '../../core/events.js'
import type { ExchangeAdapter, OrderAck, UserDataEvents } from '../../core/ports.js'
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
import { isTradekitError, OrderOutcomeUnknownError, ValidationError } from '../../errors/index.js'
import { POLYMARKET_VENUE } from './constants.js'
import type { PolymarketClob, PolymarketOpenOrder, PostOrderOptions } from './PolymarketClob.js'
import { orderHash } from './signOrder.js'
import type { PolymarketOrderType } from './types.js'

/**
 * The core {@link ExchangeAdapter} port on a {@link PolymarketClob}, so the live OrderExecutor can trade
 * Polymarket. Symbols are token ids. Polymarket has no client order ids: the adapter derives each order's salt
 * from `clientOrderId` and records clientOrderId → order hash before sending, so a timed-out order is reconciled
 * by `queryOrder`. Orders: LIMIT → GTC (GTD with `expireAt`, post-only with `POST_ONLY`; FOK/IOC → FOK/FAK at the
 * limit price); MARKET → FOK priced by walking the book (a BUY spends qty × the worst price reached, so it may get
 * slightly more shares when the book is better, or slightly fewer since the pUSD amount has 2 decimals; such an
 * executed FOK is reported CANCELED with what it filled). A trade whose settlement FAILED is reported on
 * `fill.reversed`.
 *
 * @example
 * ```ts
 * const adapter = new PolymarketAdapter(clob)
 * await adapter.startUserData()
 * const ack = await adapter.placeOrder({ clientOrderId: 'c1', venue: 'polymarket', symbol: tokenId,
 *   side: 'BUY', type: 'LIMIT', qty: new Decimal(10), price: new Decimal('0.55') })
 * ```
 */
export class PolymarketAdapter implements ExchangeAdapter {
  readonly venue = POLYMARKET_VENUE
  /** Unified user-data events (order updates, fills, reconnects). */
  readonly events: Listenable<UserDataEvents>
  readonly #bus = new TypedEmitter<UserDataEvents>()
  readonly #clob: PolymarketClob
  readonly #clock: Clock
  readonly #instruments = new Map<string, Instrument>()
  readonly #byClient = new Map<string, { orderId: string; req: OrderRequest }>()
  readonly #byOrder = new Map<string, string>()
  #userStarted = false

  constructor(clob: PolymarketClob, options: { clock?: Clock } = {}) {
    this.#clob = clob
    this.#clock = options.clock ?? new SystemClock()
    this.events = this.#bus
    clob.events.on('fill', (e) => {
      const clientOrderId = this.#byOrder.get(e.fill.venueOrderId ?? '') ?? e.fill.clientOrderId
      this.#bus.emit('fill', { type: 'fill', fill: { ...e.fill, clientOrderId }, tsEvent: e.tsEvent })
    })
    clob.events.on('fill.reversed', (e) => {
      const clientOrderId = this.#byOrder.get(e.fill.venueOrderId ?? '') ?? e.fill.clientOrderId
      this.#bus.emit('fill.reversed', { ...e, fill: { ...e.fill, clientOrderId } })
    })
    clob.events.on('user.order', (e) => {
      const clientOrderId = this.#byOrder.get(e.orderId) ?? e.orderId
      const status: OrderStatus =
        e.action === 'CANCELLATION'
          ? 'CANCELED'
          : e.sizeMatched.eq(e.originalSize)
            ? 'FILLED'
            : e.sizeMatched.gt(0)
              ? 'PARTIALLY_FILLED'
              : 'OPEN'
      const order: Order = {
        clientOrderId,
        venue: POLYMARKET_VENUE,
        symbol: e.tokenId,
        side: e.side,
        type: 'LIMIT',
        qty: e.originalSize,
        price: e.price,
        venueOrderId: e.orderId,
        status,
        filledQty: e.sizeMatched,
        tsCreated: e.tsEvent,
        tsUpdated: e.tsEvent,
      }
      this.#bus.emit('order.update', { type: 'order.update', order, tsEvent: e.tsEvent })
    })
    let userOpens = 0
    clob.events.on('ws.open', (e) => {
      if (e.channel === 'user' && ++userOpens > 1) {
        this.#bus.emit('user.reconnected', { type: 'user.reconnected', tsEvent: e.tsEvent })
      }
    })
    clob.events.on('error', (e) => this.#bus.emit('error', e))
  }

  /** Instrument rules of an outcome token (tick, 0.01-share step, minimum size, neg-risk), cached. */
  async instrument(symbol: string): Promise<Instrument> {
    const cached = this.#instruments.get(symbol)
    if (cached !== undefined) return cached
    const book = await this.#clob.getBook(symbol)
    const market = await this.#clob.getMarket(book.market)
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

  /** Places an order; the salt is derived from `clientOrderId`, so the order id is known before sending. */
  async placeOrder(req: OrderRequest): Promise<OrderAck> {
    if (req.venue !== POLYMARKET_VENUE)
      throw new ValidationError(`Wrong venue "${req.venue}"`, { field: 'venue' })
    if (this.#byClient.has(req.clientOrderId)) {
      throw new ValidationError(`Duplicate client order id "${req.clientOrderId}"`, {
        field: 'clientOrderId',
      })
    }
    const salt = saltFor(req.clientOrderId)
    const tif = req.timeInForce
    let orderType: PolymarketOrderType
    let signed: Awaited<ReturnType<PolymarketClob['createOrder']>>
    if (req.type === 'MARKET' || tif === 'FOK' || tif === 'IOC') {
      orderType = tif === 'IOC' ? 'FAK' : 'FOK'
      let price = req.price?.toFixed()
      if (price === undefined) {
        const book = await this.#clob.getBook(req.symbol)
        // Worst price reached when taking qty shares.
        let left = req.qty
        for (const [p, s] of req.side === 'BUY' ? book.asks : book.bids) {
          price = String(p)
          left = left.minus(s)
          if (left.lte(0)) break
        }
        if (price === undefined || (left.gt(0) && orderType === 'FOK')) {
          throw new ValidationError('The book cannot fill the market order', { field: 'qty' })
        }
      }
      const amount = req.side === 'BUY' ? req.qty.times(price).toFixed() : req.qty.toFixed()
      signed = await this.#clob.createMarketOrder({
        tokenId: req.symbol,
        side: req.side,
        amount,
        price,
        orderType: orderType as 'FOK' | 'FAK',
        salt,
      })
    } else if (req.type === 'LIMIT') {
      if (req.price === undefined)
        throw new ValidationError('A LIMIT order needs a price', { field: 'price' })
      orderType = tif === 'GTD' ? 'GTD' : 'GTC'
      signed = await this.#clob.createOrder({
        tokenId: req.symbol,
        price: req.price.toFixed(),
        size: req.qty.toFixed(),
        side: req.side,
        salt,
        ...(tif === 'GTD' && req.expireAt !== undefined
          ? { expiration: Math.floor(req.expireAt / 1000) }
          : {}),
      })
    } else {
      throw new ValidationError(`Polymarket has no "${req.type}" orders`, { field: 'type' })
    }
    const options: PostOrderOptions = { orderType, ...(tif === 'POST_ONLY' ? { postOnly: true } : {}) }
    const neg = (await this.instrument(req.symbol)).outcome?.negRisk ?? false
    const orderId = orderHash(signed, { negRisk: neg })
    this.#byClient.set(req.clientOrderId, { orderId, req })
    this.#byOrder.set(orderId, req.clientOrderId)
    let res: Awaited<ReturnType<PolymarketClob['postOrder']>>
    try {
      res = await this.#clob.postOrder(signed, options)
    } catch (e) {
      if (isTradekitError(e) && e.code === 'ORDER_OUTCOME_UNKNOWN') {
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
    const size = req.side === 'BUY' ? new Decimal(res.takingAmount || 0) : new Decimal(res.makingAmount || 0)
    const now = this.#clock.now()
    const filled = Decimal.min(size, req.qty)
    const status: OrderStatus =
      res.status === 'live'
        ? filled.gt(0)
          ? 'PARTIALLY_FILLED'
          : 'OPEN'
        : filled.gte(req.qty)
          ? 'FILLED'
          : orderType === 'GTC' || orderType === 'GTD'
            ? filled.gt(0)
              ? 'PARTIALLY_FILLED'
              : 'OPEN'
            : 'CANCELED'
    const order: Order = {
      ...req,
      venueOrderId: res.orderId,
      status,
      filledQty: filled,
      tsCreated: now,
      tsUpdated: now,
    }
    return { clientOrderId: req.clientOrderId, venueOrderId: res.orderId, order, fills: [] }
  }

  /** Cancels by client order id and returns the order as the venue reports it afterwards. */
  async cancelOrder(symbol: string, clientOrderId: string): Promise<Order> {
    const known = this.#byClient.get(clientOrderId)
    if (known === undefined) throw new ValidationError(`Unknown client order id "${clientOrderId}"`)
    await this.#clob.cancelOrder(known.orderId)
    const after = await this.queryOrder(symbol, clientOrderId)
    if (after === undefined) throw new ValidationError(`Order "${clientOrderId}" is unknown to the venue`)
    return after
  }

  /** Looks an order up by client order id (via its order hash). */
  async queryOrder(_symbol: string, clientOrderId: string): Promise<Order | undefined> {
    const known = this.#byClient.get(clientOrderId)
    if (known === undefined) return undefined
    try {
      return this.#toOrder(await this.#clob.getOrder(known.orderId), known.req)
    } catch (e) {
      if (isTradekitError(e) && (e.details as { status?: unknown }).status === 404) return undefined
      throw e
    }
  }

  /**
   * Fills of one order that the user channel did not deliver, recovered from the venue's trade history (REST): the
   * history is replayed through the client, so each fill not seen yet is also emitted as a `fill` event exactly as
   * the stream's would have been. Returns the recovered fills of this order (`[]` for an unknown order).
   */
  async orderFills(symbol: string, clientOrderId: string): Promise<readonly Fill[]> {
    const known = this.#byClient.get(clientOrderId)
    if (known === undefined) return []
    const out: Fill[] = []
    const collect = (e: { fill: Fill }): void => {
      if (e.fill.venueOrderId === known.orderId) out.push({ ...e.fill, clientOrderId })
    }
    this.#clob.events.on('fill', collect)
    try {
      await this.#clob.reconcileFills({ tokenId: symbol })
    } finally {
      this.#clob.events.off('fill', collect)
    }
    return out
  }

  /** Open orders, of one token or all. */
  async openOrders(symbol?: string): Promise<readonly Order[]> {
    const list = await this.#clob.getOpenOrders(symbol !== undefined ? { tokenId: symbol } : {})
    return list.map((o) => {
      const cid = this.#byOrder.get(o.id)
      return this.#toOrder(o, cid !== undefined ? this.#byClient.get(cid)?.req : undefined)
    })
  }

  /** pUSD balance (what open bids hold back is not split out by the venue: `locked` is 0). */
  async balances(): Promise<readonly Balance[]> {
    const r = await this.#clob.getBalanceAllowance({ assetType: 'COLLATERAL' })
    return [{ venue: POLYMARKET_VENUE, asset: 'pUSD', free: r.balance, locked: new Decimal(0) }]
  }

  /** Share holdings of the tokens this adapter has seen (through `instrument`). */
  async positions(): Promise<readonly Position[]> {
    const out: Position[] = []
    for (const symbol of this.#instruments.keys()) {
      const r = await this.#clob.getBalanceAllowance({ assetType: 'CONDITIONAL', tokenId: symbol })
      if (r.balance.isZero()) continue
      out.push({
        venue: POLYMARKET_VENUE,
        symbol,
        qty: r.balance,
        realizedPnl: new Decimal(0),
        unrealizedPnl: new Decimal(0),
      })
    }
    return out
  }

  /** Subscribes the user channel (markets of the instruments seen so far; all when none). */
  async startUserData(): Promise<void> {
    const markets = [...this.#instruments.values()]
      .map((i) => i.outcome?.conditionId ?? '')
      .filter((c) => c !== '')
    this.#clob.subscribeUser(markets)
    this.#userStarted = true
  }

  /** Closes the underlying client. */
  async close(): Promise<void> {
    this.#userStarted = false
    await this.#clob.close()
  }

  /** Whether `startUserData` was called. */
  get isUserDataStarted(): boolean {
    return this.#userStarted
  }

  #toOrder(o: PolymarketOpenOrder, req: OrderRequest | undefined): Order {
    const status: OrderStatus =
      o.status === 'LIVE'
        ? o.sizeMatched.gt(0)
          ? 'PARTIALLY_FILLED'
          : 'OPEN'
        : o.status === 'MATCHED'
          ? 'FILLED'
          : 'CANCELED'
    const now = this.#clock.now()
    return {
      clientOrderId: req?.clientOrderId ?? o.id,
      venue: POLYMARKET_VENUE,
      symbol: o.tokenId,
      side: o.side,
      type: req?.type ?? 'LIMIT',
      qty: o.originalSize,
      price: o.price,
      venueOrderId: o.id,
      status,
      filledQty: o.sizeMatched,
      tsCreated: o.createdAt * 1000 || now,
      tsUpdated: now,
    }
  }
}

/**
 * A salt below 2^53 derived from a client order id: the same id always signs the same order.
 *
 * @example
 * ```ts
 * saltFor('tk-1') === saltFor('tk-1') // true: a re-sent order has the same salt, so the same hash (order id)
 * ```
 */
export function saltFor(clientOrderId: string): string {
  return (BigInt(keccakText(clientOrderId)) & ((1n << 53n) - 1n)).toString()
}
