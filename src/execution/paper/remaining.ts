import type { Order } from '../../core/types.js'
import type { Decimal } from '../../decimal/index.js'
import { minus } from '../../decimal/plusMinus.js'

/**
 * The quantity of an order still to fill: all of it before the first fill (no `qty − 0` copy).
 *
 * @example
 * ```ts
 * remaining(order) // order.qty − order.filledQty
 * ```
 */
export function remaining(o: Order): Decimal {
  return minus(o.qty, o.filledQty)
}
