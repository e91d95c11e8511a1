import type { Candle, Order } from '../../core/types.js'
import { decimalOfNumber } from '../../decimal/decimalOfNumber.js'
import type { Decimal } from '../../decimal/index.js'

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
 * are left out (a candle from a file may lack its open, high or low); the close is always there.
 *
 * @example
 * ```ts
 * candlePath({ ...c, open: 100, high: 104, low: 97, close: 103 }) // [100, 97, 104, 103]
 * ```
 */
export function candlePath(c: Pick<Candle, 'open' | 'high' | 'low' | 'close'>): number[] {
  const up = c.close >= c.open
  return [c.open, up ? c.low : c.high, up ? c.high : c.low, c.close].filter(
    (p, i) => i === 3 || (Number.isFinite(p) && p > 0),
  )
}

/** One trigger order firing along a price path: the order, and the price the market was at when it fired. */
export interface TriggerHit {
  readonly order: Order
  readonly at: Decimal
}

/**
 * The trigger orders that fire as the market moves along `path` (see {@link candlePath}), in the order they fire, each
 * at the price the market reached it: those the first price is already past fire there (a gap), in time priority;
 * then, on each move, those whose trigger lies on it, the nearest first, at their trigger price.
 *
 * @example
 * ```ts
 * triggersAlong([sellStopAt95], [100, 94, 101, 99]) // [{ order: sellStopAt95, at: 95 }]
 * ```
 */
export function triggersAlong(orders: readonly Order[], path: readonly number[]): TriggerHit[] {
  const hits: TriggerHit[] = []
  let waiting = orders.filter((o) => o.triggerPrice !== undefined)
  let from: Decimal | undefined
  for (const p of path) {
    if (waiting.length === 0) break
    const at = decimalOfNumber(p)
    // Not fired at the last price and fired at this one: the trigger lies on the move from there to here.
    const fired = waiting.filter((o) => firesAt(o, at))
    if (fired.length === 0) {
      from = at
      continue
    }
    if (from === undefined) for (const order of fired) hits.push({ order, at })
    else {
      const start = from
      const distance = (o: Order) => (o.triggerPrice as Decimal).minus(start).abs()
      // Array.prototype.sort is stable: triggers at one price fire in time priority.
      for (const order of fired.sort((a, b) => distance(a).comparedTo(distance(b))))
        hits.push({ order, at: order.triggerPrice as Decimal })
    }
    waiting = waiting.filter((o) => !fired.includes(o))
    from = at
  }
  return hits
}
