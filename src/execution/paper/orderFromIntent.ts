import { validateOrderRequest } from '../../core/orderState.js'
import type { OrderIntent } from '../../core/ports.js'
import { type Order, OrderStatus } from '../../core/types.js'
import { Decimal } from '../../decimal/index.js'
import type { ValidationError } from '../../errors/index.js'
import { ok, type Result } from '../../errors/result.js'
import { stripIntent } from '../stripIntent.js'

/**
 * `createOrder` of an intent's order fields (strategy metadata stays with the trader), with one copy instead of two:
 * the fields are taken out of the intent once and the new order is built on that copy.
 *
 * @example
 * ```ts
 * const created = orderFromIntent(intent, clock.now())
 * if (created.ok) created.value.status // 'PENDING_NEW'
 * ```
 */
export function orderFromIntent(intent: OrderIntent, tsCreated: number): Result<Order, ValidationError> {
  const req = stripIntent(intent) // a fresh object: the order is built on it
  const v = validateOrderRequest(req)
  if (!v.ok) return v
  const order: Order = Object.assign(req, {
    status: OrderStatus.PENDING_NEW,
    filledQty: new Decimal(0), // a fresh zero per order, like createOrder
    tsCreated,
    tsUpdated: tsCreated,
  })
  return ok(order)
}
