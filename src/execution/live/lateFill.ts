import { applyFill, filledAmounts } from '../../core/orderState.js'
import type { Fill, Order } from '../../core/types.js'

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
  const amounts = filledAmounts(cur, fill)
  if (amounts === undefined) return undefined
  return { ...cur, ...amounts, tsUpdated: Math.max(cur.tsUpdated, fill.tsEvent) }
}

/**
 * A fill of an order the venue placed itself (liquidation, ADL, settlement) as one filled market order, so the
 * Portfolio sees the price, the fee and the position change.
 */
export function venueFillOrder(fill: Fill): Order {
  return {
    clientOrderId: fill.clientOrderId,
    venue: fill.venue,
    symbol: fill.symbol,
    side: fill.side,
    type: 'MARKET',
    qty: fill.qty,
    ...(fill.venueOrderId !== undefined ? { venueOrderId: fill.venueOrderId } : {}),
    status: 'FILLED',
    filledQty: fill.qty,
    avgFillPrice: fill.price,
    tsCreated: fill.tsEvent,
    tsUpdated: fill.tsEvent,
  }
}
