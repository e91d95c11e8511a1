import type { Candle, Order } from '../../core/types.js'
import { decimalOfNumber } from '../../decimal/decimalOfNumber.js'
import { Decimal } from '../../decimal/index.js'

/**
 * Whether a stop or take-profit order fires with the market at `price`: a stop when the price reaches its trigger
 * moving against the position it protects (a sell stop at or below, a buy stop at or above), a take-profit the other
 * way. An order without a trigger price never fires.
 *
 * @example
 * ```ts
 * firesAt(sellStopAt95, new Decimal(94)) // true
 * ```
 */
export function firesAt(order: Order, price: Decimal): boolean {
  const trigger = order.triggerPrice
  if (trigger === undefined) return false
  const isStop = order.type === 'STOP_MARKET' || order.type === 'STOP_LIMIT'
  const rising = isStop === (order.side === 'BUY') // a buy stop and a sell take-profit fire on the way up
  return rising ? price.gte(trigger) : price.lte(trigger)
}

/**
 * The prices a candle went through, in the order assumed: open, then the extreme nearer its close last (a candle that
 * closed up went down to its low first, then up to its high), then close. Prices that are not finite and above zero
 * are left out (a candle from a file may lack its open, high or low; without its open, the middle of its range stands
 * for it in deciding which extreme came first); the close is always there.
 *
 * @example
 * ```ts
 * candlePath({ ...c, open: 100, high: 104, low: 97, close: 103 }) // [100, 97, 104, 103]
 * ```
 */
export function candlePath(c: Pick<Candle, 'open' | 'high' | 'low' | 'close'>): number[] {
  // Without its open, a candle went first to the extreme farther from its close (the middle of its range decides).
  const from = isPrice(c.open) ? c.open : isPrice(c.high) && isPrice(c.low) ? (c.high + c.low) / 2 : c.close
  const up = c.close >= from
  return [c.open, up ? c.low : c.high, up ? c.high : c.low, c.close].filter((p, i) => i === 3 || isPrice(p))
}

/** Whether `p` can be a price a candle traded at: a finite number above zero. */
function isPrice(p: number): boolean {
  return Number.isFinite(p) && p > 0
}

/** A price of a candle's path and when the market was there, as a fraction of the candle (0 its open, 1 its end). */
export interface PathPoint {
  readonly price: number
  readonly at: number
}

/**
 * How much of candle `c` had passed at `t` (epoch ms): 0 at or before its open, 1 at or after its end (a candle
 * whose times cannot be read counts as over).
 *
 * @example
 * ```ts
 * candleFraction({ ...c, openTime: 0, closeTime: 59_999 }, 30_000) // 0.5
 * ```
 */
export function candleFraction(c: Pick<Candle, 'openTime' | 'closeTime'>, t: number): number {
  if (t <= c.openTime) return 0
  const span = c.closeTime + 1 - c.openTime // closeTime is inclusive
  return span > 0 ? Math.min(1, (t - c.openTime) / span) : 1
}

/**
 * The part of `path` (see {@link candlePath}) the market went through after fraction `missed` of the candle, its
 * points timed evenly over the candle (the open at 0, the close at 1): the price where the market was then, on the
 * straight move between two points, and the points after it. What an order placed during a candle could meet.
 *
 * @example
 * ```ts
 * pathAfter([100, 94, 101, 99.5], 0.5) // [{ price: 97.5, at: 0.5 }, { price: 101, at: 2/3 }, { price: 99.5, at: 1 }]
 * ```
 */
export function pathAfter(path: readonly number[], missed: number): PathPoint[] {
  const n = path.length
  const last = path[n - 1] as number
  if (n < 2 || missed >= 1) return [{ price: last, at: 1 }]
  const points = path.map((price, i) => ({ price, at: i / (n - 1) }))
  if (!(missed > 0)) return points
  const pos = missed * (n - 1)
  const s = Math.floor(pos)
  const a = path[s] as number
  // 12 significant digits: no float noise (90.17999999999999 for 90.18) to read as a price traded through.
  const price = Number((a + ((path[s + 1] as number) - a) * (pos - s)).toPrecision(12))
  return [{ price, at: missed }, ...points.slice(s + 1)]
}

/**
 * Whether candle `c` traded through resting limit order `o`'s price (a buy's below it, a sell's above) after the
 * order started resting (`since`, epoch ms): the candle's whole range for an order resting before it opened, the part
 * of its path after that for one placed during it (see {@link pathAfter}). A low or high the candle lacks (not a
 * number above zero) is not a price it traded at.
 *
 * @example
 * ```ts
 * tradedThrough(bidAt95, { ...c, open: 100, high: 102, low: 90, close: 101 }, halfway) // false: the low came first
 * ```
 */
export function tradedThrough(o: Order, c: Candle, since: number): boolean {
  const price = o.price
  if (price === undefined) return false
  const buy = o.side === 'BUY'
  let extreme = buy ? c.low : c.high
  const missed = candleFraction(c, since)
  if (missed > 0 || !isPrice(extreme)) {
    const seen = pathAfter(candlePath(c), missed).map((p) => p.price)
    extreme = buy ? Math.min(...seen) : Math.max(...seen)
  }
  return buy ? new Decimal(extreme).lt(price) : new Decimal(extreme).gt(price)
}

/** One trigger order firing along a price path: the order, and the price the market was at when it fired. */
export interface TriggerHit {
  readonly order: Order
  readonly at: Decimal
}

/**
 * The trigger orders that fire as the market moves along `path` (see {@link candlePath}), in the order they fire, each
 * at the price the market reached it: those the first price an order meets is already past fire there (a gap); the
 * others on the move that reaches their trigger, at their trigger price, the nearest first. `missed(order)` is the
 * fraction of the path that went by before the order was placed (see {@link pathAfter}; none by default). Orders that
 * fire at the same moment fire in the order given (time priority).
 *
 * @example
 * ```ts
 * triggersAlong([sellStopAt95], [100, 94, 101, 99]) // [{ order: sellStopAt95, at: 95 }]
 * ```
 */
export function triggersAlong(
  orders: readonly Order[],
  path: readonly number[],
  missed: (order: Order) => number = () => 0,
): TriggerHit[] {
  const hits: Array<TriggerHit & { readonly time: number }> = []
  for (const order of orders) {
    const hit = order.triggerPrice === undefined ? undefined : fireOn(order, path, missed(order))
    if (hit !== undefined) hits.push(hit)
  }
  // Array.prototype.sort is stable: orders firing at one moment keep their time priority.
  return hits.sort((x, y) => x.time - y.time).map(({ order, at }) => ({ order, at }))
}

/**
 * When and at what price `order` fires along `path` after fraction `missed` of it: at the first point already past its
 * trigger, or on the move that reaches it. The time of a trigger on a move is read on the path's own move (from its
 * point, not from where a late order came in), so equal triggers on one move fire at exactly one time.
 */
function fireOn(
  order: Order,
  path: readonly number[],
  missed: number,
): (TriggerHit & { time: number }) | undefined {
  const trigger = order.triggerPrice as Decimal
  const last = path.length - 1
  let first = true
  for (const p of pathAfter(path, missed)) {
    const at = decimalOfNumber(p.price)
    // Not fired at the last price and fired at this one: the trigger lies on the move from there to here.
    if (firesAt(order, at)) {
      if (first) return { order, at, time: gapTime(order, path, p.at) }
      const i = Math.round(p.at * last) // p is a point of the path itself (only the first may lie between)
      const a = path[i - 1] as number
      const part = (trigger.toNumber() - a) / (p.price - a) // p fires and a point before it did not: not 0 ÷ 0
      return { order, at: trigger, time: (i - 1 + part) / last }
    }
    first = false
  }
  return undefined
}

/**
 * When `order`, already past its trigger where it came in (at fraction `start` of `path`), fired: then, or where the
 * move that brought the market there crosses the trigger when that is no earlier (the start sits on the trigger but
 * for float noise), so an order armed before it with the same trigger, timed on that move, keeps its time priority.
 */
function gapTime(order: Order, path: readonly number[], start: number): number {
  const last = path.length - 1
  if (!(start > 0) || start >= 1 || last < 1) return start
  const pos = start * last
  const s = Number.isInteger(pos) ? pos - 1 : Math.floor(pos) // the move that ends at, or runs through, the start
  const a = path[s] as number
  // A move from a point past the trigger already left it: only a move into the trigger can time the order later.
  if (firesAt(order, decimalOfNumber(a))) return start
  const part = ((order.triggerPrice as Decimal).toNumber() - a) / ((path[s + 1] as number) - a)
  return part >= 0 && part <= 1 ? Math.max(start, (s + part) / last) : start
}
