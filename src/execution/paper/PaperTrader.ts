import type * as z from 'zod/mini'
import { type Clock, SystemClock, type TimerHandle } from '../../core/clock.js'
import { parseConfig } from '../../core/config.js'
import { type Listenable, subscribe, TypedEmitter } from '../../core/events.js'
import { instrumentKey as key } from '../../core/instrumentKey.js'
import { isLateEvent } from '../../core/lateEvent.js'
import { createOrder, isTerminalStatus, planOrderFill, writeOrderFill } from '../../core/orderState.js'
import type {
  CancelAllResult,
  ExecutionClient,
  MarketDataConsumer,
  MarketDataSource,
  MarketEventOptions,
  OrderFilter,
  OrderIntent,
} from '../../core/ports.js'
import type {
  BookLevel,
  BookSnapshot,
  Candle,
  Fill,
  Instrument,
  Liquidity,
  Order,
  OrderStatus,
  Trade,
} from '../../core/types.js'
import { isAboveZero } from '../../decimal/compareDecimals.js'
import { decimalOfNumber } from '../../decimal/decimalOfNumber.js'
import { Decimal, type DecimalLike, toDecimal } from '../../decimal/index.js'
import { minus, plus } from '../../decimal/plusMinus.js'
import { product } from '../../decimal/product.js'
import { productOf } from '../../decimal/words.js'
import { OrderRejectedError, StateError, ValidationError } from '../../errors/index.js'
import { BatchBySteps } from '../BatchBySteps.js'
import { cancelEach } from '../cancelEach.js'
import { OpenOrders } from '../OpenOrders.js'
import { Portfolio } from '../Portfolio.js'
import { holdOpenOrder } from '../portfolio/orderHold.js'
import { type ShutdownOptions, ShutdownOptionsSchema } from '../ShutdownOptions.js'
import { availableToTake, crossesBook } from './bookQueries.js'
import { fallbackFillPrice } from './fallbackFillPrice.js'
import { PaperBook } from './PaperBook.js'
import { type PaperTraderConfig, PaperTraderConfigSchema } from './PaperTraderConfig.js'
import type { PaperTraderEvents, SlippageRecord } from './PaperTraderEvents.js'
import { paperFill } from './paperFill.js'
import { remaining } from './remaining.js'
import {
  crossingDepth,
  inPriceTimePriority,
  leaveQueue,
  OwnAhead,
  printTakes,
  type Resting,
  shrinkQueue,
  takeCrossing,
  visibleAt,
} from './restingQueue.js'
import { candleFraction, candlePath, firesAt, tradedThrough, triggersAlong } from './triggers.js'
import { type VenueCheckContext, venueCheck } from './venueCheck.js'

export { type PaperTraderConfig, PaperTraderConfigSchema } from './PaperTraderConfig.js'
export type { PaperTraderEvents, SlippageRecord } from './PaperTraderEvents.js'

const ZERO = new Decimal(0)
const ignore = (): void => {}
const BPS = new Decimal(10_000)

/**
 * A simulated venue that is realistic enough to be believed, implementing the same {@link ExecutionClient} as the
 * live OrderExecutor. Market orders walk the L2 book level by level (exact average price, partial fill when the
 * depth runs out, slippage recorded); limit orders rest and fill when the market trades or crosses through them,
 * with a queue-position model; IOC, FOK, POST_ONLY and GTD behave as on a venue; maker and taker fees; latency on
 * the clock; venue-like rejections (filters, minimum notional, balance, margin, reduce-only); perpetual funding;
 * outcome tokens settle at 0 or 1. Without a book, orders fill from the last trade or candle with
 * `fallbackSlippageBps`.
 *
 * @example
 * ```ts
 * const paper = new PaperTrader({ instruments: [btcusdt], balances: { USDT: '10000' }, takerFeeRate: '0.001' })
 * feed.events.on('book', (b) => paper.onBook(b))
 * const order = await paper.submit({ clientOrderId: 'a1', venue: 'binance', symbol: 'BTCUSDT', side: 'BUY',
 *   type: 'MARKET', qty: new Decimal('0.5'), strategyId: 's1' })
 * ```
 */
export class PaperTrader extends BatchBySteps implements ExecutionClient, MarketDataConsumer {
  readonly #cfg: z.output<typeof PaperTraderConfigSchema>
  readonly #clock: Clock
  readonly #bus = new TypedEmitter<PaperTraderEvents>()
  /** Subscribe-only view of the trader's events. */
  readonly events: Listenable<PaperTraderEvents> = this.#bus
  /** The account this trader fills into. */
  readonly portfolio: Portfolio
  /** Itself as the market-data port; its `on*` methods mark {@link portfolio} unless passed `{ mark: false }`. */
  readonly marketData: MarketDataConsumer = this
  /** Its orders never leave the process: the public books it fills against never show them. */
  readonly isSimulated = true
  /** Venues of the configured instruments. */
  readonly venues: readonly string[]
  readonly #instruments = new Map<string, Instrument>()
  readonly #orders: OpenOrders
  readonly #resting = new Map<string, Resting>()
  readonly #books = new Map<string, PaperBook>()
  /** Last price per instrument; a candle's close stays a number until something reads it. */
  readonly #last = new Map<string, Decimal | number>()
  readonly #inFlight = new Set<Promise<unknown>>()
  readonly #timers = new Set<TimerHandle>()
  readonly #delays = new Map<TimerHandle, () => void>()
  readonly #maker: Decimal
  readonly #taker: Decimal
  /** What the venue's acceptance checks read (fee rates, account, orders, market), made once. */
  readonly #checks: VenueCheckContext
  /** 1 + and 1 − the fallback slippage (`fallbackSlippageBps` ÷ 10,000), computed once. */
  readonly #slip: { readonly up: Decimal; readonly down: Decimal }
  #seq = 0
  #closed = false
  /** The time of the synchronous submit being processed: one clock reading for all of it (a venue's one instant). */
  #stamp: number | undefined
  /** The order of the synchronous submit being processed while no one has seen it: its changes are made in place. */
  #unseen: Order | undefined

  constructor(config: PaperTraderConfig) {
    super()
    this.#cfg = parseConfig(PaperTraderConfigSchema, config, 'PaperTrader')
    this.#orders = new OpenOrders({
      historySize: this.#cfg.historySize,
      onInvalidTransition: (order, attempted) =>
        this.#bus.emit('order.transitionRefused', {
          type: 'order.transitionRefused',
          order,
          attempted,
          tsEvent: this.#now(),
        }),
    })
    this.#clock = this.#cfg.clock ?? new SystemClock()
    this.#maker = toDecimal(this.#cfg.makerFeeRate as DecimalLike, { field: 'makerFeeRate' })
    this.#taker = toDecimal(this.#cfg.takerFeeRate as DecimalLike, { field: 'takerFeeRate' })
    const slip = new Decimal(this.#cfg.fallbackSlippageBps).div(BPS)
    this.#slip = { up: slip.plus(1), down: new Decimal(1).minus(slip) }
    this.portfolio =
      this.#cfg.portfolio ??
      new Portfolio({
        balances: this.#cfg.balances as Record<string, string>,
        accountCurrency: this.#cfg.accountCurrency,
        clock: this.#clock,
        reversalWindow: 0, // paper fills are never reversed
      })
    for (const i of this.#cfg.instruments) {
      this.#instruments.set(key(i.venue, i.symbol), i)
      if (this.portfolio.instrument(i.venue, i.symbol) === undefined) this.portfolio.addInstrument(i)
    }
    this.venues = [...new Set(this.#cfg.instruments.map((i) => i.venue))]
    const takerAbs = this.#taker.abs()
    this.#checks = {
      portfolio: this.portfolio,
      orders: this.#orders,
      maxOpenOrders: this.#cfg.maxOpenOrders,
      takerAbs,
      takerPlusOne: takerAbs.plus(1),
      slipUp: this.#slip.up,
      now: () => this.#now(),
      book: (k) => this.#books.get(k),
      lastPrice: (k) => this.#lastPrice(k),
    }
  }

  /** Subscribes to a market-data source: books, trades and candles drive fills and marks. Returns a detach function. */
  connect(source: MarketDataSource): () => void {
    return subscribe(source.events, {
      book: (x: BookSnapshot) => this.onBook(x),
      trade: (x: Trade) => this.onTrade(x),
      candle: (x: Candle) => this.onCandle(x),
    })
  }

  /** Sends an intent. Resolves, after the configured latency, with the order as the simulated venue left it. */
  submit(intent: OrderIntent): Promise<Order> {
    if (this.#cfg.latencyMs > 0) return this.#track(this.#submitLater(intent))
    // Without latency nothing waits: the order is processed now, with no promise chain to track. A refusal is a
    // rejected promise already handled, as a tracked one is (never an unhandled rejection).
    const outer = this.#stamp
    this.#stamp = this.#clock.now()
    try {
      // Nobody saw the new order when no one listens to `order.submitted`: it may be accepted in place (no copy).
      const unseen = this.#bus.listenerCount('order.submitted') === 0
      this.#process(intent.clientOrderId, this.#open(intent), unseen)
      this.#unseen = undefined
      return Promise.resolve(this.#orders.get(intent.clientOrderId) as Order)
    } catch (e) {
      const refused = Promise.reject(e)
      refused.catch(ignore)
      return refused
    } finally {
      this.#stamp = outer
      this.#unseen = undefined
    }
  }

  /** The clock's time, read once per synchronous submit. */
  #now(): number {
    return this.#stamp ?? this.#clock.now()
  }

  async #submitLater(intent: OrderIntent): Promise<Order> {
    const inst = this.#open(intent)
    await this.#delay(this.#cfg.latencyMs)
    this.#process(intent.clientOrderId, inst)
    return this.#orders.get(intent.clientOrderId) as Order
  }

  /** Checks and records a new order (`order.submitted`); returns its instrument. Throws what `submit` rejects with. */
  #open(intent: OrderIntent): Instrument {
    if (this.#closed) throw new StateError('PaperTrader is shut down: not accepting orders')
    const inst = this.#instruments.get(key(intent.venue, intent.symbol))
    if (inst === undefined) {
      throw new ValidationError(`Unknown instrument "${intent.venue}:${intent.symbol}"`, { field: 'symbol' })
    }
    if (this.#orders.has(intent.clientOrderId)) {
      throw new StateError(`Duplicate client order id "${intent.clientOrderId}"`)
    }
    const created = createOrder(intent, this.#now())
    if (!created.ok) throw created.error
    this.#orders.add(created.value, intent.strategyId)
    this.portfolio.attribute(intent.clientOrderId, intent.strategyId)
    this.#emitOrder('order.submitted', created.value)
    return inst
  }

  /** Cancels an open order (after the configured latency). Rejects like a venue for an unknown or closed order. */
  cancel(clientOrderId: string): Promise<Order> {
    return this.#track(this.#cancel(clientOrderId))
  }

  async #cancel(clientOrderId: string): Promise<Order> {
    const known = this.#orders.get(clientOrderId)
    if (known === undefined) {
      throw new OrderRejectedError('paper', `Unknown order "${clientOrderId}"`, { venueCode: -2011 })
    }
    if (this.#cfg.latencyMs > 0) await this.#delay(this.#cfg.latencyMs)
    const order = this.#orders.get(clientOrderId) as Order
    if (isTerminalStatus(order.status)) {
      throw new OrderRejectedError(order.venue, `Order "${clientOrderId}" is already ${order.status}`, {
        venueCode: -2011,
      })
    }
    return this.#finish(order, 'CANCELED', 'order.canceled', 'canceled by user') ?? order
  }

  /** Cancels every open order matching `filter`. */
  cancelAll(filter?: OrderFilter): Promise<CancelAllResult> {
    return cancelEach(this.openOrders(filter), (cid) => this.cancel(cid))
  }

  /** Orders not in a terminal status. */
  openOrders(filter?: OrderFilter): readonly Order[] {
    return this.#orders.open(filter)
  }

  /** An order by client id (open, or among the last `historySize` closed ones). */
  order(clientOrderId: string): Order | undefined {
    return this.#orders.get(clientOrderId)
  }

  /** Stops accepting orders, waits (bounded) for in-flight submits and cancels, then cancels open orders unless told to keep them. */
  async shutdown(options: ShutdownOptions = {}): Promise<void> {
    const opts = parseConfig(ShutdownOptionsSchema, options, 'PaperTrader.shutdown options')
    this.#closed = true
    await this.#drain(opts.timeoutMs)
    // Requests still waiting out their latency complete now rather than hang.
    for (const [h, resolve] of this.#delays) {
      this.#clock.clearTimeout(h)
      resolve()
    }
    this.#delays.clear()
    await Promise.allSettled([...this.#inFlight])
    if (opts.cancelOpenOrders) {
      for (const o of this.openOrders()) this.#finish(o, 'CANCELED', 'order.canceled', 'shutdown')
    }
    for (const t of this.#timers) this.#clock.clearTimeout(t)
    this.#timers.clear()
  }

  /** Whether this trader books its fills into `account` (its own {@link PaperTrader.portfolio}). */
  booksFillsInto(account: object): boolean {
    return account === this.portfolio
  }

  /**
   * Feeds an order-book snapshot: replaces the book, fills resting orders it crosses (in price-time priority: the
   * highest bid or lowest ask first, each taking from the crossing depth what the ones before it left), updates queues
   * and marks. A book older (by `tsEvent`) than the one held, a late one of a second stream, changes nothing (see
   * `isLateEvent`).
   */
  onBook(book: BookSnapshot, options?: MarketEventOptions): void {
    const k = key(book.venue, book.symbol)
    if (!this.#instruments.has(k)) return
    const held = this.#books.get(k)
    if (held !== undefined && isLateEvent(book.tsEvent, held.snap.tsEvent, this.#clock.now())) {
      if (options?.mark !== false) this.portfolio.onBook(book) // refused there too, and counted (`staleMarks`)
      return
    }
    const paperBook = new PaperBook(book, held)
    this.#books.set(k, paperBook)
    if (options?.mark !== false) this.portfolio.onBook(book)
    const bid = book.bids[0]?.[0]
    const ask = book.asks[0]?.[0]
    if (bid !== undefined && ask !== undefined && this.#resting.size > 0)
      this.#checkTriggers(k, new Decimal(bid).plus(ask).div(2))
    const resting = this.#resting.size === 0 ? [] : inPriceTimePriority(this.#restingOn(k))
    const ours = resting.length > 1 ? new OwnAhead() : undefined
    for (const o of resting) {
      const r = this.#resting.get(o.clientOrderId)
      if (r === undefined || r.armed || o.price === undefined) continue
      const px = o.price.toNumber()
      // Cancellations ahead of us shrink the queue with the level (our own earlier orders there stay ahead); a level
      // beyond the depth the snapshot shows says nothing about our queue.
      const visible = visibleAt(book, o.side, px)
      const shown = visible === undefined || ours === undefined ? visible : plus(visible, ours.at(o))
      if (shown !== undefined) shrinkQueue(r, shown, held?.snap.tsEvent, book.tsEvent)
      // The opposite side crossing our price fills us (as maker, at our price) from what is left of its depth.
      const depth = crossingDepth(paperBook, o.side, px, remaining(o))
      const filled = isAboveZero(depth) ? this.#fillResting(o, depth) : undefined
      if (filled !== undefined) takeCrossing(paperBook, o.side, px, filled)
      ours?.add(this.#orders.get(o.clientOrderId) as Order)
    }
  }

  /**
   * Feeds a public trade: fills resting orders the trade reached, the best-priced first (queue model; the print's
   * quantity at our price is shared by our orders there in time priority), sets the last price, triggers stops.
   */
  onTrade(trade: Trade, options?: MarketEventOptions): void {
    const k = key(trade.venue, trade.symbol)
    if (!this.#instruments.has(k) || !(trade.price > 0) || !(trade.qty > 0)) return
    const price = new Decimal(trade.price)
    this.#last.set(k, price)
    if (options?.mark !== false) this.portfolio.onTrade(trade)
    this.#checkTriggers(k, price)
    let print: Decimal | undefined // what of the print at our price no order of ours took yet
    for (const o of inPriceTimePriority(this.#restingOn(k))) {
      const r = this.#resting.get(o.clientOrderId)
      if (r === undefined || r.armed || o.price === undefined) continue
      const through = o.side === 'BUY' ? price.lt(o.price) : price.gt(o.price)
      const atPrice = price.eq(o.price) && trade.side !== o.side
      if (through) {
        this.#fillResting(o, remaining(o))
      } else if (atPrice) {
        const left = r.queueAhead.minus(printTakes(r, new Decimal(trade.qty), trade.tsEvent)) // books may show it
        r.queueAhead = Decimal.max(left, ZERO)
        if (!left.isNegative()) continue
        print ??= new Decimal(trade.qty)
        const filled = this.#fillResting(o, Decimal.min(left.neg(), print))
        if (filled !== undefined) print = minus(print, filled)
      }
    }
  }

  /**
   * Feeds a candle: its close is the last price; resting orders the candle traded through fill in full, the
   * best-priced first (an order that started resting during the candle, by the part of the candle after: `tradedThrough`).
   */
  onCandle(candle: Candle, options?: MarketEventOptions): void {
    const k = key(candle.venue, candle.symbol)
    if (!this.#instruments.has(k) || !(candle.close > 0)) return
    this.#last.set(k, candle.close)
    if (options?.mark !== false) this.portfolio.onCandle(candle)
    const resting = this.#resting.size === 0 ? [] : this.#restingOn(k)
    if (resting.length === 0) return // nothing to trigger or fill: no Decimal for the close
    const triggered = this.#triggerAlong(k, candle) // its limit rests from where it fired: the candle went by
    for (const o of inPriceTimePriority(this.#restingOn(k))) {
      if (this.#resting.get(o.clientOrderId)?.armed !== false || o.price === undefined) continue
      const since = this.#resting.get(o.clientOrderId)?.since ?? 0
      if (!triggered.has(o.clientOrderId) && tradedThrough(o, candle, since))
        this.#fillResting(o, remaining(o))
    }
  }

  /** Applies a perpetual funding payment to the position on `symbol` (see {@link Portfolio.applyFunding}). */
  applyFunding(venue: string, symbol: string, rate: DecimalLike, markPrice?: DecimalLike): Decimal {
    return this.portfolio.applyFunding(venue, symbol, rate, markPrice)
  }

  /**
   * Resolves an outcome-token market: open orders on the token are cancelled and the position settles at
   * `payout` (1 if the outcome won, 0 if it lost).
   */
  settle(venue: string, symbol: string, payout: 0 | 1): void {
    for (const o of this.openOrders({ venue, symbol })) {
      this.#finish(o, 'CANCELED', 'order.canceled', 'market resolved')
    }
    this.portfolio.settleOutcome(venue, symbol, payout)
  }

  // ---------------------------------------------------------------------------------------------------------------

  #process(cid: string, inst: Instrument, unseen = false): void {
    const order = this.#orders.get(cid)
    if (order === undefined || order.status !== 'PENDING_NEW') return
    const k = key(inst.venue, inst.symbol)
    const reason = venueCheck(order, inst, k, this.#checks)
    if (reason !== undefined) {
      this.#finish(order, 'REJECTED', 'order.rejected', reason)
      return
    }
    if (
      order.timeInForce === 'POST_ONLY' &&
      order.price !== undefined &&
      order.triggerPrice === undefined &&
      this.#crosses(k, order, order.price)
    ) {
      this.#finish(order, 'REJECTED', 'order.rejected', 'Order would immediately match and take.')
      return
    }
    const venueOrderId = String(++this.#seq)
    const accepted = unseen
      ? this.#acceptInPlace(order, venueOrderId)
      : this.#move(order, 'OPEN', undefined, venueOrderId)
    if (accepted === undefined) return
    this.#unseen = unseen && this.#bus.listenerCount('order.accepted') === 0 ? accepted : undefined
    this.#emitOrder('order.accepted', accepted)
    if (accepted.type === 'TRAILING_STOP_MARKET') return
    if (accepted.triggerPrice !== undefined) {
      this.#resting.set(cid, { queueAhead: ZERO, armed: true, since: this.#now() })
      this.#armExpiry(cid, accepted)
      this.#holdFor(accepted)
      return
    }
    this.#execute(accepted, k)
  }

  /** Executes an accepted (or just triggered) MARKET or LIMIT order. */
  #execute(order: Order, k: string): void {
    const cid = order.clientOrderId
    const tif =
      order.timeInForce ?? (order.type === 'MARKET' || order.type.endsWith('MARKET') ? 'IOC' : 'GTC')
    const limit = order.price
    const isLimit = limit !== undefined
    if (tif === 'POST_ONLY' && isLimit && this.#crosses(k, order, limit)) {
      // A triggered post-only stop-limit that would take expires (it is already accepted).
      this.#finish(order, 'EXPIRED', 'order.expired', 'Order would immediately match and take.')
      return
    }
    if (tif === 'FOK' && this.#available(k, order, limit).lt(order.qty)) {
      this.#finish(order, 'EXPIRED', 'order.expired', 'FOK order could not be filled in full')
      return
    }
    if (tif !== 'POST_ONLY') this.#take(order, k, limit)
    const now = this.#orders.get(cid) as Order
    if (isTerminalStatus(now.status)) return
    if (!isLimit || tif === 'IOC' || tif === 'FOK') {
      this.#finish(now, 'EXPIRED', 'order.expired', 'Unfilled remainder expired (IOC)')
      return
    }
    // Rest the remainder: behind its share of the visible level, and behind our own orders resting there already.
    // Beyond the depth shown (or no book) the size there is unknown: nothing counted ahead.
    const book = this.#books.get(k)
    const visible = book === undefined ? ZERO : (visibleAt(book.snap, order.side, limit.toNumber()) ?? ZERO)
    let queueAhead = visible.times(this.#cfg.queuePosition)
    if (this.#resting.size > 0) {
      const ours = new OwnAhead()
      for (const o of this.#restingOn(k)) if (this.#resting.get(o.clientOrderId)?.armed === false) ours.add(o)
      queueAhead = plus(queueAhead, ours.at(order))
    }
    this.#resting.set(cid, { queueAhead, armed: false, since: this.#now(), queueTs: book?.snap.tsEvent })
    this.#armExpiry(cid, now)
    this.#holdFor(now)
  }

  /** Walks the opposite side of the book (bounded by `limit`) and fills as taker; falls back to the last price. */
  #take(order: Order, k: string, limit: Decimal | undefined): void {
    const cid = order.clientOrderId
    const book = this.#books.get(k)
    const levels = order.side === 'BUY' ? book?.snap.asks : book?.snap.bids
    const isBuy = order.side === 'BUY'
    let left = order.reduceOnly === true ? this.#reducible(order, remaining(order)) : remaining(order)
    if (!isAboveZero(left)) return // a reduce-only order with nothing left to reduce (expired by #reducible)
    let notional = ZERO
    let filled = ZERO
    let reference: Decimal | undefined
    let fromFallback = false
    const batch: Fill[] = [] // one order update: its fills go out together as one `order.filled`
    const recorded = this.#bus.listenerCount('slippage.recorded') > 0 // the slippage record only when listened
    if (levels !== undefined && levels.length > 0 && book !== undefined) {
      // Indexed, not `for (const [p, q] of levels)`: that builds an iterator for the loop and one per level.
      for (let i = 0; i < levels.length; i++) {
        const level = levels[i] as BookLevel
        const p = level[0]
        const q = level[1]
        if (!isAboveZero(left)) break
        const price = book.dec(p)
        reference ??= price
        if (limit !== undefined && (isBuy ? price.gt(limit) : price.lt(limit))) break
        const qty = book.fit(p, q, left)
        if (!isAboveZero(qty)) continue
        book.take(p, qty)
        if (!this.#fill(cid, price, qty, 'TAKER', batch)) {
          this.#emitFilled(cid, batch)
          return
        }
        left = minus(left, qty)
        if (recorded) {
          notional = plus(notional, product(price, qty))
          filled = plus(filled, qty)
        }
      }
    } else {
      const last = this.#lastPrice(k)
      if (last === undefined) return
      reference = last
      fromFallback = true
      const tick = this.#instruments.get(k)?.tickSize
      const factor = isBuy ? this.#slip.up : this.#slip.down
      const px = tick === undefined ? last.times(factor) : fallbackFillPrice(last, factor, tick)
      if (limit !== undefined && (isBuy ? px.gt(limit) : px.lt(limit))) return
      if (!this.#fill(cid, px, left, 'TAKER', batch)) return
      notional = px.times(left)
      filled = left
    }
    this.#emitFilled(cid, batch)
    if (recorded && isAboveZero(filled) && reference !== undefined) {
      const avg = notional.div(filled)
      const slippage = isBuy ? avg.minus(reference) : reference.minus(avg)
      const record: SlippageRecord = {
        clientOrderId: cid,
        symbol: order.symbol,
        referencePrice: reference,
        avgPrice: avg,
        slippage,
        slippageBps: slippage.div(reference).times(BPS),
        filledQty: filled,
        requestedQty: order.qty,
        fromFallback,
        tsEvent: this.#now(),
      }
      this.#bus.emit('slippage.recorded', { type: 'slippage.recorded', record, tsEvent: record.tsEvent })
    }
  }

  /** Fills a resting order as maker at its price, up to `upTo`; returns the quantity filled (none: `undefined`). */
  #fillResting(order: Order, upTo: Decimal): Decimal | undefined {
    if (order.price === undefined) return undefined
    const r = this.#resting.get(order.clientOrderId)
    if (r === undefined || r.armed) return undefined
    const want = Decimal.min(upTo, remaining(order))
    const qty = order.reduceOnly === true ? this.#reducible(order, want) : want
    if (qty.lte(0)) return undefined
    return this.#fill(order.clientOrderId, order.price, qty, 'MAKER') ? qty : undefined
  }

  /**
   * What of `want` a reduce-only perpetual order may still fill: at most the position it reduces (a venue never lets it
   * open or flip one). Nothing left to reduce (the position was closed meanwhile, e.g. by the other leg of a bracket):
   * the order expires, as the venue's does, and this returns zero.
   */
  #reducible(order: Order, want: Decimal): Decimal {
    const inst = this.#instruments.get(key(order.venue, order.symbol))
    if (inst?.kind !== 'perpetual') return want
    const pos = this.portfolio.positionQty(order.venue, order.symbol)
    const held = order.side === 'BUY' ? pos.neg() : pos
    if (isAboveZero(held)) return Decimal.min(want, held)
    this.#finish(order, 'EXPIRED', 'order.expired', 'ReduceOnly Order is rejected.')
    return ZERO
  }

  /** Creates, applies and emits one fill (or adds it to `batch`). Returns false when the order could not take it. */
  #fill(cid: string, price: Decimal, qty: Decimal, liquidity: Liquidity, batch?: Fill[]): boolean {
    const order = this.#orders.get(cid)
    if (order === undefined) return false
    const inst = this.#instruments.get(key(order.venue, order.symbol)) as Instrument
    // Not `product` for the fee: the portfolio books the same `price × qty`, kept by `product` for it.
    const fee = productOf(product(price, qty), liquidity === 'MAKER' ? this.#maker : this.#taker)
    const fill = paperFill(order, `paper-${++this.#seq}`, price, qty, fee, liquidity, inst.quote, this.#now())
    const next = planOrderFill(order, fill)
    if (!next.ok) {
      this.#unseen = undefined // seen from now on
      this.#bus.emit('order.transitionRefused', {
        type: 'order.transitionRefused',
        order,
        attempted: `fill ${qty.toString()}`,
        tsEvent: fill.tsEvent,
      })
      return false
    }
    // An order no one has seen takes the fill in place, before the portfolio books it: whoever looks it up from then
    // on sees it filled. Otherwise a copy takes it once the portfolio booked the fill.
    const inPlace = order === this.#unseen
    if (inPlace) writeOrderFill(order, order, next.value)
    const applied = this.portfolio.applyFill(fill)
    if (inPlace && (!applied.ok || this.portfolio.events.listenerCount('fill.applied') > 0))
      this.#unseen = undefined
    if (!applied.ok) this.#bus.emit('error', applied.error)
    const now = inPlace ? order : writeOrderFill({ ...order }, order, next.value)
    if (!inPlace) this.#orders.set(now)
    if (isTerminalStatus(now.status)) this.#closeOut(now)
    else if (this.#resting.has(cid)) this.#holdFor(now)
    if (batch !== undefined) batch.push(fill)
    else this.#emitFilled(cid, [fill])
    return true
  }

  /** Emits the fills one order update collected as one `order.filled`, with the order after the last of them. */
  #emitFilled(cid: string, fills: readonly Fill[]): void {
    const order = this.#orders.get(cid)
    const last = fills.at(-1)
    if (order === undefined || last === undefined || this.#bus.listenerCount('order.filled') === 0) return
    this.#unseen = undefined // seen from now on
    this.#bus.emit('order.filled', { type: 'order.filled', order, fills, tsEvent: last.tsEvent })
  }

  #crosses(k: string, order: Order, limit: Decimal): boolean {
    return crossesBook(this.#books.get(k), () => this.#lastPrice(k), order, limit)
  }

  /** Quantity available to take within `limit` (whole remainder when no book but the last price is marketable). */
  #available(k: string, order: Order, limit: Decimal | undefined): Decimal {
    return availableToTake(this.#books.get(k), () => this.#lastPrice(k), order, limit)
  }

  /** Fires the armed trigger orders of `k` that the market at `price` reached, in time priority. */
  #checkTriggers(k: string, price: Decimal): void {
    for (const o of this.#restingOn(k)) if (this.#isArmed(o) && firesAt(o, price)) this.#trigger(o, k)
  }

  /**
   * Fires the armed trigger orders of `k` a candle reached, along its path ({@link candlePath}) when no book of `k` is
   * held (a candle backtest), each executed with the last price where it fired (its trigger, or the price it found
   * past it); the last price is the close afterwards. An order armed during the candle meets the part of the path after
   * it (its low or high may have come before). With a book (its trades and mids trigger as they come), the close alone
   * decides. Returns the client ids fired.
   */
  #triggerAlong(k: string, candle: Candle): Set<string> {
    const armed = this.#restingOn(k).filter((o) => this.#isArmed(o))
    const fired = new Set<string>()
    if (armed.length === 0) return fired
    const path = this.#books.has(k) ? [candle.close] : candlePath(candle)
    const missed = (o: Order) => candleFraction(candle, this.#resting.get(o.clientOrderId)?.since ?? 0)
    for (const { order, at } of triggersAlong(armed, path, missed)) {
      const now = this.#orders.get(order.clientOrderId)
      if (now === undefined || !this.#isArmed(now)) continue // an earlier fill ended it (a reduce-only with nothing left)
      this.#last.set(k, at)
      fired.add(now.clientOrderId)
      this.#trigger(now, k)
    }
    this.#last.set(k, candle.close)
    return fired
  }

  #isArmed(o: Order): boolean {
    return this.#resting.get(o.clientOrderId)?.armed === true && !isTerminalStatus(o.status)
  }

  /** Fires an armed trigger order: it leaves the resting orders and executes as its market or limit order. */
  #trigger(o: Order, k: string): void {
    this.#resting.delete(o.clientOrderId)
    this.portfolio.release(o.clientOrderId)
    this.#execute(o, k)
  }

  /** The last price of `k` as a Decimal (converting a candle's close once, when first needed). */
  #lastPrice(k: string): Decimal | undefined {
    const v = this.#last.get(k)
    if (typeof v !== 'number') return v
    const d = decimalOfNumber(v) // new Decimal(v)'s digits, without its string round trip
    this.#last.set(k, d)
    return d
  }

  #restingOn(k: string): Order[] {
    const out: Order[] = []
    for (const cid of this.#resting.keys()) {
      const o = this.#orders.get(cid)
      if (o !== undefined && key(o.venue, o.symbol) === k && !isTerminalStatus(o.status)) out.push(o)
    }
    return out
  }

  /** The orders resting after `cid` (time priority), with their resting state. */
  *#later(cid: string): Generator<readonly [Order, Resting]> {
    let after = false
    for (const [id, r] of this.#resting) {
      const o = after ? this.#orders.get(id) : undefined
      if (o !== undefined) yield [o, r]
      if (id === cid) after = true
    }
  }

  /** Holds what a resting order needs of the account (see {@link holdOpenOrder}). */
  #holdFor(order: Order): void {
    const inst = this.#instruments.get(key(order.venue, order.symbol))
    if (inst !== undefined) holdOpenOrder(this.portfolio, order, inst, this.#maker)
  }

  #armExpiry(cid: string, order: Order): void {
    if (order.timeInForce !== 'GTD' || order.expireAt === undefined) return
    const r = this.#resting.get(cid)
    if (r === undefined) return
    const h = this.#clock.setTimeout(() => {
      this.#timers.delete(h)
      const o = this.#orders.get(cid)
      if (o !== undefined && !isTerminalStatus(o.status))
        this.#finish(o, 'EXPIRED', 'order.expired', 'GTD expired')
    }, order.expireAt - this.#now())
    this.#timers.add(h)
    r.expiry = h
  }

  /** Moves an order to a terminal status, emits, and releases what it held. */
  #finish(
    order: Order,
    to: OrderStatus,
    event: 'order.canceled' | 'order.rejected' | 'order.expired',
    reason: string,
  ): Order | undefined {
    const next = this.#move(order, to, reason)
    if (next === undefined) return undefined
    this.#closeOut(next)
    this.#emitOrder(event, next)
    return next
  }

  #closeOut(order: Order): void {
    const cid = order.clientOrderId
    const r = this.#resting.get(cid)
    if (r !== undefined && !r.armed && this.#resting.size > 1) {
      const rest = remaining(order) // cancelled or expired with some left: ours behind it move up
      if (isAboveZero(rest)) leaveQueue(order, rest, this.#later(cid))
    }
    if (r?.expiry !== undefined) {
      this.#clock.clearTimeout(r.expiry)
      this.#timers.delete(r.expiry)
    }
    this.#resting.delete(cid)
    this.portfolio.release(cid)
    this.portfolio.orderEnded(cid)
    this.#orders.retire(order)
  }

  #move(order: Order, to: OrderStatus, reason?: string, venueOrderId?: string): Order | undefined {
    const tsEvent = this.#now()
    // One literal per shape (a spread of the info into a literal is V8's slow path).
    const info =
      venueOrderId !== undefined
        ? { tsEvent, venueOrderId }
        : reason !== undefined
          ? { tsEvent, reason }
          : { tsEvent }
    return this.#orders.transition(order, to, info)
  }

  /**
   * `#move(order, 'OPEN', undefined, venueOrderId)` of an order no one has seen yet (created by this synchronous
   * submit, not emitted): the same fields, in the same order, written into it instead of a copy.
   */
  #acceptInPlace(order: Order, venueOrderId: string): Order {
    const o = order as { -readonly [K in keyof Order]: Order[K] }
    o.status = 'OPEN'
    o.tsUpdated = Math.max(order.tsUpdated, this.#now())
    o.venueOrderId = venueOrderId
    return order
  }

  #emitOrder(
    event: 'order.submitted' | 'order.accepted' | 'order.canceled' | 'order.rejected' | 'order.expired',
    order: Order,
  ): void {
    if (this.#bus.listenerCount(event) === 0) return // no event object for nobody
    this.#unseen = undefined // seen from now on
    this.#bus.emit(event, { type: event, order, tsEvent: this.#now() })
  }

  #delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const h = this.#clock.setTimeout(() => {
        this.#delays.delete(h)
        resolve()
      }, ms)
      this.#delays.set(h, resolve)
    })
  }

  #track<T>(p: Promise<T>): Promise<T> {
    this.#inFlight.add(p)
    const done = () => this.#inFlight.delete(p)
    p.then(done, done)
    return p
  }

  async #drain(timeoutMs: number): Promise<void> {
    if (this.#inFlight.size === 0) return
    let h: TimerHandle | undefined
    const bound = new Promise<void>((resolve) => {
      h = this.#clock.setTimeout(resolve, timeoutMs)
    })
    await Promise.race([Promise.allSettled([...this.#inFlight]), bound])
    this.#clock.clearTimeout(h)
  }
}
