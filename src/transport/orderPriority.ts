import { Priority } from './RateLimiter.js'

/**
 * The {@link Priority} lane of an order request: a reduce-only order (an exit: it can only shrink a position) goes
 * with cancels in the `CANCEL` lane, every other order is a new entry in the `ORDER` lane. The lane is what a
 * `RateLimiter` and its shared store know of a request: cancels and exits go first when the budget is tight, and
 * keep going on a local budget when a shared store is unreachable, while entries fail closed. Venue adapters use it
 * for every order they send, on venues without a reduce-only flag too (the flag then only picks the lane).
 *
 * @example
 * ```ts
 * await limiter.acquire({ cost: { REQUEST_WEIGHT: 1, ORDERS_10S: 1 }, priority: orderPriority(req) })
 * orderPriority({ reduceOnly: true }) // 'CANCEL'
 * ```
 */
export function orderPriority(order: { readonly reduceOnly?: boolean | undefined }): Priority {
  return order.reduceOnly === true ? Priority.CANCEL : Priority.ORDER
}
