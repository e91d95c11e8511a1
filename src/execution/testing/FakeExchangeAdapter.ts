import { TypedEmitter } from '../../core/events.js'
import { applyFill, createOrder, isTerminalStatus, transitionOrder } from '../../core/orderState.js'
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
import {
  HttpError,
  NetworkError,
  OrderOutcomeUnknownError,
  OrderRejectedError,
  StateError,
  TimeoutError,
} from '../../errors/index.js'
import { checkInstrumentFilters } from '../filters.js'

/** A scripted fault for the next matching request. */
export type FakeFault =
  /** The venue places the order but the response is lost (the caller sees an unknown outcome). */
  | 'LOSE_RESPONSE'
  /** The request never reaches the venue and times out. */
  | 'TIMEOUT_BEFORE_VENUE'
  /** A network error before the venue. */
  | 'NETWORK_ERROR'
  /**
   * The request is slow: the caller times out (unknown outcome) and the venue receives it only when the test calls
   * {@link FakeExchangeAdapter.deliverLate} (an order accepted after the caller's look-ups, within its window).
   */
  | 'LATE_ARRIVAL'

/** The account reads {@link FakeExchangeAdapter.failReads} can make fail. */
export type AccountRead = 'openOrders' | 'balances' | 'positions'

/**
 * An in-process {@link ExchangeAdapter} test double that behaves like a venue: it keeps orders, enforces the
 * instrument filters and client-order-id uniqueness, fills marketable orders at a set price, emits user-data
 * events, and can be told to lose a response, time out, reject a symbol, or drop its user stream.
 */
export class FakeExchangeAdapter implements ExchangeAdapter {
  readonly venue: string
  readonly #bus = new TypedEmitter<UserDataEvents>()
  readonly events = this.#bus
  readonly orders = new Map<string, Order>()
  /** How many times `placeOrder` was called per client order id. */
  readonly placeCalls = new Map<string, number>()
  /** How many orders the venue actually created per client order id (never above 1 unless doubled). */
  readonly created = new Map<string, number>()
  readonly queries: string[] = []
  readonly #instruments = new Map<string, Instrument>()
  readonly #prices = new Map<string, Decimal>()
  readonly #faults: { fault: FakeFault; symbol?: string }[] = []
  readonly #rejectSymbols = new Map<string, string>()
  readonly #failReads = new Map<AccountRead, { count: number; error: () => Error }>()
  #ackFills = true
  readonly #late: OrderRequest[] = []
  /** The venue's arrival window ({@link ExchangeAdapter.orderArrivalWindowMs}); undefined by default. */
  orderArrivalWindowMs: number | undefined
  readonly #trades = new Map<string, Fill[]>()
  readonly #reversed = new Map<string, string>()
  #streamUp = true
  #seq = 0
  #now: () => number
  balancesList: Balance[] = []
  positionsList: Position[] = []
  takerFeeRate = new Decimal('0.001')

  constructor(venue: string, instruments: readonly Instrument[], now: () => number = () => 0) {
    this.venue = venue
    this.#now = now
    for (const i of instruments) this.#instruments.set(i.symbol, i)
  }

  /** Marketable orders on `symbol` fill at once at `price` (unset: they rest until `fill`). */
  setPrice(symbol: string, price: Decimal | string | undefined): void {
    if (price === undefined) this.#prices.delete(symbol)
    else this.#prices.set(symbol, new Decimal(price))
  }

  /** Scripts a fault for the next `placeOrder` (on `symbol`, or any). */
  failNext(fault: FakeFault, symbol?: string): void {
    this.#faults.push({ fault, ...(symbol !== undefined ? { symbol } : {}) })
  }

  /** The venue receives the requests held by `LATE_ARRIVAL` faults now (their acks go nowhere). */
  deliverLate(): void {
    for (const req of this.#late.splice(0)) this.#place(req)
  }

  /** Whether acks carry their fills (Binance) or only the matched order (Polymarket: fills come on the stream). */
  ackWithFills(on: boolean): void {
    this.#ackFills = on
  }

  /** The next `count` calls of an account read (`openOrders`, `balances`, `positions`) fail (HTTP 503 by default). */
  failReads(
    read: AccountRead,
    count = 1,
    error: () => Error = () => new HttpError(503, `${read}: unavailable`),
  ): void {
    this.#failReads.set(read, { count: (this.#failReads.get(read)?.count ?? 0) + count, error })
  }

  #readFault(read: AccountRead): void {
    const f = this.#failReads.get(read)
    if (f === undefined || f.count <= 0) return
    f.count--
    throw f.error()
  }

  /** Rejects every order on `symbol` with `reason` (or stops rejecting with `undefined`). */
  rejectSymbol(symbol: string, reason: string | undefined): void {
    if (reason === undefined) this.#rejectSymbols.delete(symbol)
    else this.#rejectSymbols.set(symbol, reason)
  }

  /** Drops the private stream: events are lost until {@link FakeExchangeAdapter.reconnectStream}. */
  dropStream(): void {
    this.#streamUp = false
  }

  /**
   * Gives the adapter the optional `orderFills` (the venue's record of an order's fills, with their fees); the first
   * `failFirst` lookups fail with a network error, as during a venue outage.
   */
  enableOrderFills(options: { failFirst?: number } = {}): void {
    let failures = options.failFirst ?? 0
    this.orderFills = async (_symbol, clientOrderId) => {
      if (failures > 0) {
        failures--
        throw new NetworkError('orderFills: venue unreachable')
      }
      const fills = this.#trades.get(clientOrderId) ?? []
      // Like Polymarket's trade history: a reversed trade is reported again as reversed.
      for (const f of fills) {
        const reason = this.#reversed.get(f.tradeId)
        if (reason !== undefined)
          this.#bus.emit('fill.reversed', { type: 'fill.reversed', fill: f, reason, tsEvent: this.#now() })
      }
      return fills
    }
  }

  /**
   * The venue undoes a fill it reported (as Polymarket does when a trade's settlement fails): `fill.reversed` goes
   * out on the stream (lost while it is down) and again with every `orderFills` lookup of that order.
   */
  reverseFill(fill: Fill, reason = 'settlement FAILED'): void {
    this.#reversed.set(fill.tradeId, reason)
    if (this.#streamUp)
      this.#bus.emit('fill.reversed', { type: 'fill.reversed', fill, reason, tsEvent: this.#now() })
  }

  /** The venue's record of an order's fills; only present after {@link FakeExchangeAdapter.enableOrderFills}. */
  orderFills?: (symbol: string, clientOrderId: string) => Promise<readonly Fill[]>

  /** Restores the private stream and emits `user.reconnected`. */
  reconnectStream(): void {
    this.#streamUp = true
    this.#bus.emit('user.reconnected', { type: 'user.reconnected', tsEvent: this.#now() })
  }

  /** Fills (part of) a resting order at `price` (default: its limit price), as the venue's matching engine would. */
  fill(clientOrderId: string, qty: Decimal | string, price?: Decimal | string): Fill {
    const o = this.orders.get(clientOrderId)
    if (o === undefined) throw new StateError(`Unknown order "${clientOrderId}"`)
    const px = price !== undefined ? new Decimal(price) : (o.price as Decimal)
    return this.#fill(o, new Decimal(qty), px, 'MAKER')
  }

  async instrument(symbol: string): Promise<Instrument> {
    const i = this.#instruments.get(symbol)
    if (i === undefined) throw new OrderRejectedError(this.venue, `Unknown symbol "${symbol}"`)
    return i
  }

  async placeOrder(req: OrderRequest): Promise<OrderAck> {
    await Promise.resolve()
    const cid = req.clientOrderId
    this.placeCalls.set(cid, (this.placeCalls.get(cid) ?? 0) + 1)
    const fi = this.#faults.findIndex((f) => f.symbol === undefined || f.symbol === req.symbol)
    const fault = fi >= 0 ? this.#faults.splice(fi, 1)[0]?.fault : undefined
    if (fault === 'TIMEOUT_BEFORE_VENUE') throw new TimeoutError('placeOrder timed out', 1000)
    if (fault === 'NETWORK_ERROR') throw new NetworkError('connection reset')
    if (fault === 'LATE_ARRIVAL') {
      this.#late.push(req)
      throw new OrderOutcomeUnknownError(cid, 'request timed out', {
        cause: new TimeoutError('timed out', 1000),
      })
    }
    const ack = this.#place(req)
    if (fault === 'LOSE_RESPONSE') {
      throw new OrderOutcomeUnknownError(cid, 'response lost', { cause: new TimeoutError('timed out', 1000) })
    }
    return ack
  }

  #place(req: OrderRequest): OrderAck {
    const cid = req.clientOrderId
    if (this.orders.has(cid)) {
      throw new OrderRejectedError(this.venue, 'Duplicate order sent.', { venueCode: -2010 })
    }
    const inst = this.#instruments.get(req.symbol)
    if (inst === undefined) throw new OrderRejectedError(this.venue, 'Invalid symbol.', { venueCode: -1121 })
    const reason =
      this.#rejectSymbols.get(req.symbol) ?? checkInstrumentFilters(req, inst, this.#prices.get(req.symbol))
    if (reason !== undefined) throw new OrderRejectedError(this.venue, reason, { venueCode: -1013 })
    const created = createOrder(req, this.#now())
    if (!created.ok) throw new OrderRejectedError(this.venue, created.error.shortMessage)
    this.created.set(cid, (this.created.get(cid) ?? 0) + 1)
    const venueOrderId = String(++this.#seq)
    let order = this.#move({ ...created.value, venueOrderId }, 'OPEN')
    this.orders.set(cid, order)
    this.#emitOrder(order)
    const fills: Fill[] = []
    const px = this.#prices.get(req.symbol)
    const marketable =
      px !== undefined &&
      (req.type === 'MARKET' ||
        (req.price !== undefined && (req.side === 'BUY' ? req.price.gte(px) : req.price.lte(px))))
    if (marketable && req.timeInForce === 'POST_ONLY') {
      order = this.#move(order, 'REJECTED')
      this.orders.delete(cid)
      throw new OrderRejectedError(this.venue, 'Order would immediately match and take.', {
        venueCode: -2010,
      })
    }
    if (marketable) fills.push(this.#fill(order, req.qty, px, 'TAKER'))
    order = this.orders.get(cid) as Order
    if (
      !isTerminalStatus(order.status) &&
      (req.type === 'MARKET' || req.timeInForce === 'IOC' || req.timeInForce === 'FOK')
    ) {
      order = this.#move(order, 'EXPIRED')
      this.orders.set(cid, order)
      this.#emitOrder(order)
    }
    return { clientOrderId: cid, venueOrderId, order, fills: this.#ackFills ? fills : [] }
  }

  async cancelOrder(_symbol: string, clientOrderId: string): Promise<Order> {
    await Promise.resolve()
    const o = this.orders.get(clientOrderId)
    if (o === undefined || isTerminalStatus(o.status)) {
      throw new OrderRejectedError(this.venue, 'Unknown order sent.', { venueCode: -2011 })
    }
    const c = this.#move(o, 'CANCELED')
    this.orders.set(clientOrderId, c)
    this.#emitOrder(c)
    return c
  }

  async queryOrder(_symbol: string, clientOrderId: string): Promise<Order | undefined> {
    await Promise.resolve()
    this.queries.push(clientOrderId)
    return this.orders.get(clientOrderId)
  }

  async openOrders(symbol?: string): Promise<readonly Order[]> {
    await Promise.resolve()
    this.#readFault('openOrders')
    return [...this.orders.values()].filter(
      (o) => !isTerminalStatus(o.status) && (symbol === undefined || o.symbol === symbol),
    )
  }

  async balances(): Promise<readonly Balance[]> {
    this.#readFault('balances')
    return this.balancesList
  }

  async positions(): Promise<readonly Position[]> {
    this.#readFault('positions')
    return this.positionsList
  }

  async startUserData(): Promise<void> {
    this.#streamUp = true
  }

  async close(): Promise<void> {
    this.#bus.removeAllListeners()
  }

  #fill(o: Order, qty: Decimal, price: Decimal, liquidity: 'MAKER' | 'TAKER'): Fill {
    const inst = this.#instruments.get(o.symbol) as Instrument
    const fill: Fill = {
      venue: this.venue,
      symbol: o.symbol,
      clientOrderId: o.clientOrderId,
      ...(o.venueOrderId !== undefined ? { venueOrderId: o.venueOrderId } : {}),
      tradeId: `t${++this.#seq}`,
      side: o.side,
      price,
      qty,
      fee: price.times(qty).times(this.takerFeeRate),
      feeAsset: inst.quote,
      liquidity,
      tsEvent: this.#now(),
    }
    const r = applyFill(o, fill)
    if (!r.ok) throw r.error
    this.orders.set(o.clientOrderId, r.value)
    this.#trades.set(o.clientOrderId, [...(this.#trades.get(o.clientOrderId) ?? []), fill])
    if (this.#streamUp) this.#bus.emit('fill', { type: 'fill', fill, tsEvent: fill.tsEvent })
    this.#emitOrder(r.value)
    return fill
  }

  #move(o: Order, to: OrderStatus): Order {
    const r = transitionOrder(o, to, { tsEvent: this.#now() })
    if (!r.ok) throw r.error
    return r.value
  }

  #emitOrder(order: Order): void {
    if (this.#streamUp)
      this.#bus.emit('order.updated', { type: 'order.updated', order, tsEvent: this.#now() })
  }
}
