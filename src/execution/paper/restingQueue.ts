import type { TimerHandle } from '../../core/clock.js'
import type { BookLevel, BookSnapshot, Order, Side } from '../../core/types.js'
import { isAboveZero } from '../../decimal/compareDecimals.js'
import { Decimal } from '../../decimal/index.js'
import { minus, plus } from '../../decimal/plusMinus.js'
import type { PaperBook } from './PaperBook.js'
import { remaining } from './remaining.js'

const ZERO = new Decimal(0)

/** A PaperTrader order resting on its simulated venue. */
export interface Resting {
  /** Quantity ahead of it at its price: the venue's visible queue and our own earlier orders there. */
  queueAhead: Decimal
  /** Time of the book its queue was read from when it started resting: a print older than that is in the queue. */
  readonly queueTs?: number
  /**
   * What books took off `queueAhead`, each with the times of the book before it and of the book itself: a book can
   * show a trade (between those times) before the trade's print arrives (see {@link printTakes}).
   */
  shrinks?: QueueShrink[]
  expiry?: TimerHandle
  /** Waiting for its trigger price (stop / take-profit): not in the book yet. */
  armed: boolean
  /** When it started resting (or waiting for its trigger), epoch ms: a candle's prices before that never reach it. */
  readonly since: number
}

/**
 * Our resting orders' remaining quantity at each side and price, summed in time priority while one market event is
 * processed: what of ours is ahead of the next order there (the venue's book never shows our orders).
 *
 * @example
 * ```ts
 * const ours = new OwnAhead()
 * for (const o of restingInTimePriority) { const ahead = ours.at(o); ours.add(o) }
 * ```
 */
export class OwnAhead {
  #buy: Map<number, Decimal> | undefined
  #sell: Map<number, Decimal> | undefined

  /** What of ours rests ahead of `order` at its side and price (among the orders added so far). */
  at(order: Order): Decimal {
    if (order.price === undefined) return ZERO
    return (order.side === 'BUY' ? this.#buy : this.#sell)?.get(order.price.toNumber()) ?? ZERO
  }

  /** Adds `order`'s remaining quantity at its side and price. */
  add(order: Order): void {
    if (order.price === undefined) return
    const px = order.price.toNumber()
    if (order.side === 'BUY') this.#buy ??= new Map()
    else this.#sell ??= new Map()
    const m = (order.side === 'BUY' ? this.#buy : this.#sell) as Map<number, Decimal>
    m.set(px, plus(m.get(px) ?? ZERO, remaining(order)))
  }
}

/** Whether `a` rests ahead of `b` by price on their (common) side: a higher bid, a lower ask. */
function betterPriced(a: Order, b: Order): boolean {
  if (a.price === undefined || b.price === undefined) return false
  return a.side === 'BUY' ? a.price.gt(b.price) : a.price.lt(b.price)
}

/**
 * Our resting orders of one instrument, given in time priority, in price-time priority as a venue matches them: on
 * each side the best-priced first (the highest bid, the lowest ask), time deciding only within one price. Each side
 * keeps the places its orders had in `orders` (buys and sells interleave as before); `orders` itself is returned when
 * it is in that order already (one pass).
 *
 * @example
 * ```ts
 * for (const o of inPriceTimePriority(restingOn(instrument))) fillFromCrossingDepth(o)
 * ```
 */
export function inPriceTimePriority(orders: readonly Order[]): readonly Order[] {
  let buy: Order | undefined
  let sell: Order | undefined
  let sorted = true
  for (let i = 0; i < orders.length && sorted; i++) {
    const o = orders[i] as Order
    const prev = o.side === 'BUY' ? buy : sell
    if (prev !== undefined && betterPriced(o, prev)) sorted = false
    if (o.price === undefined) continue
    if (o.side === 'BUY') buy = o
    else sell = o
  }
  if (sorted) return orders
  // Array.prototype.sort is stable: orders at one price keep their time priority.
  const byPrice = (a: Order, b: Order): number => (betterPriced(a, b) ? -1 : betterPriced(b, a) ? 1 : 0)
  const buys = orders.filter((o) => o.side === 'BUY' && o.price !== undefined).sort(byPrice)
  const sells = orders.filter((o) => o.side === 'SELL' && o.price !== undefined).sort(byPrice)
  let b = 0
  let s = 0
  return orders.map((o) => (o.price === undefined ? o : o.side === 'BUY' ? buys[b++] : sells[s++]) as Order)
}

/**
 * The quantity `book` shows at `px` on a resting `side` order's own side: 0 when that level is within the depth
 * shown but absent (emptied), `undefined` when `px` lies beyond the last level shown (a partial-depth snapshot does
 * not reach it, so it says nothing about the queue there) or that side shows no level at all.
 *
 * @example
 * ```ts
 * const visible = visibleAt(book, 'BUY', 99.5) // undefined: the snapshot's bids stop at 99.6
 * ```
 */
export function visibleAt(book: BookSnapshot, side: Side, px: number): Decimal | undefined {
  const levels = side === 'BUY' ? book.bids : book.asks
  const last = levels.at(-1)
  if (last === undefined || (side === 'BUY' ? px < last[0] : px > last[0])) return undefined
  const lvl = levels.find((l) => l[0] === px)
  return lvl === undefined ? ZERO : new Decimal(lvl[1])
}

/** The side of the book that crosses a resting order of `side`. */
function crossingSide(side: Side): 'bids' | 'asks' {
  return side === 'BUY' ? 'asks' : 'bids'
}

/**
 * How much of `want` the levels of `book` crossing a resting `side` order at `px` still hold (after what this trader
 * took from them, and what resting orders took from them in earlier snapshots that still show them).
 *
 * @example
 * ```ts
 * const qty = crossingDepth(book, 'BUY', 99.5, remaining(order))
 * ```
 */
export function crossingDepth(book: PaperBook, side: Side, px: number, want: Decimal): Decimal {
  const levels = book.snap[crossingSide(side)]
  let got = ZERO
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i] as BookLevel // indexed: no iterator per level
    const p = level[0]
    const q = level[1]
    if (side === 'BUY' ? p > px : p < px) break
    const left = minus(want, got)
    if (!isAboveZero(left)) break
    const take = book.fit(p, q, left)
    if (isAboveZero(take)) got = plus(got, take)
  }
  return got
}

/**
 * Takes `qty` (at most {@link crossingDepth}) from the levels crossing a resting `side` order at `px`, best first, as
 * crossing fills ({@link PaperBook.takeCrossing}): the next resting order, and the next snapshots, find them taken.
 *
 * @example
 * ```ts
 * takeCrossing(book, 'BUY', 99.5, filled)
 * ```
 */
export function takeCrossing(book: PaperBook, side: Side, px: number, qty: Decimal): void {
  const name = crossingSide(side)
  const levels = book.snap[name]
  let left = qty
  for (let i = 0; i < levels.length && isAboveZero(left); i++) {
    const level = levels[i] as BookLevel // indexed: no iterator per level
    const p = level[0]
    const q = level[1]
    if (side === 'BUY' ? p > px : p < px) break
    const take = book.fit(p, q, left)
    if (!isAboveZero(take)) continue
    book.takeCrossing(name, p, take)
    left = minus(left, take)
  }
}

/** What one book took off a resting order's queue: `qty`, shown by the book of time `to` (the one before: `from`). */
export interface QueueShrink {
  readonly from: number
  readonly to: number
  qty: Decimal
}

/** Book shrinks remembered per resting order (the oldest is forgotten first). */
const MAX_SHRINKS = 64

/**
 * Lowers a resting order's queue to what a book of time `to` shows ahead of it (`shown`, when lower; `from`: the time
 * of the book before it), and remembers what the book took off: that may be a trade whose print is still to come
 * ({@link printTakes}).
 *
 * @example
 * ```ts
 * shrinkQueue(resting, visibleAt(book, 'BUY', 99) ?? resting.queueAhead, held?.tsEvent, book.tsEvent)
 * ```
 */
export function shrinkQueue(r: Resting, shown: Decimal, from: number | undefined, to: number): void {
  if (!shown.lt(r.queueAhead)) return
  r.shrinks ??= []
  r.shrinks.push({ from: from ?? Number.NEGATIVE_INFINITY, to, qty: minus(r.queueAhead, shown) })
  if (r.shrinks.length > MAX_SHRINKS) r.shrinks.shift()
  r.queueAhead = shown
}

/**
 * What a print of `qty` at time `printTs` at a resting order's price takes off its queue: nothing when it is older
 * than the book the queue was read from (that book showed it); else the print, less what books that could have shown
 * it took off already (a book no earlier than the print, the book before it no later, the oldest first: counting the
 * trade again would move the order up twice). A book's shrink no print can fall in any more (a print newer than it
 * came: prints come in order) is forgotten; what it took stays taken (cancellations ahead).
 *
 * @example
 * ```ts
 * const left = resting.queueAhead.minus(printTakes(resting, new Decimal(trade.qty), trade.tsEvent))
 * ```
 */
export function printTakes(r: Resting, qty: Decimal, printTs: number): Decimal {
  if (r.queueTs !== undefined && printTs < r.queueTs) return ZERO
  const shrinks = r.shrinks
  if (shrinks === undefined) return qty
  let left = qty
  let kept = 0
  for (const s of shrinks) {
    if (s.to < printTs) continue
    if (s.from <= printTs && isAboveZero(left) && isAboveZero(s.qty)) {
      const credit = Decimal.min(s.qty, left)
      s.qty = minus(s.qty, credit)
      left = minus(left, credit)
    }
    shrinks[kept++] = s
  }
  shrinks.length = kept
  if (kept === 0) r.shrinks = undefined
  return left
}

/**
 * A resting order left its queue with `rest` unfilled (cancelled, expired): our orders resting after it at the same
 * side and price (`later`, in time priority) move up by that much.
 *
 * @example
 * ```ts
 * leaveQueue(order, remaining(order), laterOrdersWithTheirRestingState)
 * ```
 */
export function leaveQueue(order: Order, rest: Decimal, later: Iterable<readonly [Order, Resting]>): void {
  if (!isAboveZero(rest) || order.price === undefined) return
  for (const [o, r] of later) {
    if (r.armed || o.side !== order.side || o.price === undefined || !o.price.eq(order.price)) continue
    if (o.venue !== order.venue || o.symbol !== order.symbol) continue
    const left = minus(r.queueAhead, rest)
    r.queueAhead = left.isNegative() ? ZERO : left
  }
}
