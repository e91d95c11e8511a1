import { applyFill } from '../../core/orderState.js'
import type { Fill, Order } from '../../core/types.js'
import { Decimal } from '../../decimal/index.js'

const ZERO = new Decimal(0)

/**
 * An ended order after a fill that came once the executor had ended it, or `undefined` when the fill does not fit
 * (more than the order's quantity):
 * - CANCELED, EXPIRED, FILLED (the streams reorder updates): the quantity is accounted, the status kept;
 * - REJECTED (a revenant: the venue placed the order after all, after every look-up said it did not know it): the
 *   order is taken back as the venue has it, open and then filled, so that its fill is booked like any other.
 *
 * @example
 * ```ts
 * afterLateFill(canceledOrder, fill)?.filledQty // the quantity filled before the cancel, this fill included
 * ```
 */
export function afterLateFill(cur: Order, fill: Fill): Order | undefined {
  if (cur.status === 'REJECTED') {
    const { reason: _rejected, ...rest } = cur
    const r = applyFill(
      { ...rest, status: 'OPEN', venueOrderId: cur.venueOrderId ?? fill.venueOrderId },
      fill,
    )
    return r.ok ? r.value : undefined
  }
  const filled = cur.filledQty.plus(fill.qty)
  if (filled.gt(cur.qty)) return undefined
  const avg = (cur.avgFillPrice ?? ZERO).times(cur.filledQty).plus(fill.price.times(fill.qty)).div(filled)
  return { ...cur, filledQty: filled, avgFillPrice: avg, tsUpdated: Math.max(cur.tsUpdated, fill.tsEvent) }
}
