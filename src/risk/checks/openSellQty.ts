import type { Instrument, Order } from '../../core/types.js'
import { Decimal } from '../../decimal/index.js'
import { plus } from '../../decimal/plusMinus.js'
import { unfilledQty } from '../pendingEntries.js'

const NONE = new Decimal(0)

/**
 * What the open SELL orders on `inst` may still sell, conditional ones included: on a spot or outcome-token venue each
 * holds that much of the holding, so a new sell of it is refused. An order being cancelled (`PENDING_CANCEL`) is left
 * out: a venue applies the cancel before a sell sent after it (cancel, then exit at market). So is an order that
 * cannot be read: an exit is never blocked by it (the venue has the last word).
 *
 * @example
 * ```ts
 * const offered = openSellQty(account.openOrders, btcusdt) // 0.7 while an exit of 0.7 rests
 * ```
 */
export function openSellQty(orders: readonly Order[], inst: Instrument): Decimal {
  let sum = NONE
  for (const o of orders) {
    if (typeof o !== 'object' || o === null) continue
    if (
      o.side !== 'SELL' ||
      o.status === 'PENDING_CANCEL' ||
      o.symbol !== inst.symbol ||
      o.venue !== inst.venue
    )
      continue
    const left = unfilledQty(o)
    if (left.ok && left.value !== undefined) sum = plus(sum, left.value)
  }
  return sum
}
