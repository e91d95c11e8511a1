import { isTerminalStatus } from '../../core/orderState.js'
import { RecentIds } from '../../core/RecentIds.js'
import type { Order } from '../../core/types.js'
import type { Decimal } from '../../decimal/index.js'

/**
 * The in-place amendments of the live OrderExecutor's orders: the quantity raises whose answer has not been handled
 * yet (a fill may beat that answer) and the orders amended lately (their venue record carries the terms that stand).
 *
 * @example
 * ```ts
 * const done = amendments.begin('c1', order.qty, newQty) // before the request
 * applyFill(amendments.sized(order), fill)               // a fill that beats the answer fits the new quantity
 * done()                                                 // once the answer (or the lookup after its loss) is applied
 * ```
 */
export class Amendments {
  /** Quantities of the raises in flight, per client order id (an entry lives only while its request does). */
  readonly #raises = new Map<string, Decimal[]>()
  /** Orders amended lately: the last `capacity`. */
  readonly #amended: RecentIds<string>

  constructor(capacity: number) {
    this.#amended = new RecentIds(capacity)
  }

  /**
   * An amendment of `clientOrderId` from `fromQty` to `toQty` is being sent; returns what to call once its answer, or
   * the lookup after its loss, was applied (calling it again does nothing).
   */
  begin(clientOrderId: string, fromQty: Decimal, toQty: Decimal): () => void {
    this.#amended.add(clientOrderId)
    if (!toQty.gt(fromQty)) return () => undefined
    const raises = this.#raises.get(clientOrderId) ?? []
    raises.push(toQty)
    this.#raises.set(clientOrderId, raises)
    let ended = false
    return () => {
      if (ended) return
      ended = true
      raises.splice(raises.indexOf(toQty), 1)
      if (raises.length === 0 && this.#raises.get(clientOrderId) === raises)
        this.#raises.delete(clientOrderId)
    }
  }

  /**
   * The order a fill is sized against: while a raise is in flight, the larger of its quantity and the raise's (a fill
   * the venue made of the new quantity before its answer came leaves the order open, not FILLED).
   */
  sized(order: Order): Order {
    const raises = this.#raises.get(order.clientOrderId)
    if (raises === undefined) return order
    let qty = order.qty
    for (const q of raises) if (q.gt(qty)) qty = q
    return qty === order.qty ? order : { ...order, qty }
  }

  /** Whether the order was amended lately (its venue record's quantity and price are then the ones that stand). */
  wasAmended(clientOrderId: string): boolean {
    return this.#amended.has(clientOrderId)
  }
}

/**
 * The tracked order `cur` with the quantity and price of the venue's record `v` of it (an order amended in place), or
 * `undefined` when there is nothing to change or the record is not usable. Not terminal: the terms are taken, and an
 * order whose fills cover the new quantity is FILLED. FILLED here while the venue's quantity is larger (a fill beat the
 * answer that raised it): reopened, PARTIALLY_FILLED, so the rest is tracked. Other terminal orders are kept.
 *
 * @example
 * ```ts
 * withVenueTerms(filledAtOne, venueOrderOfTwo)?.status // 'PARTIALLY_FILLED'
 * ```
 */
export function withVenueTerms(cur: Order, v: Order, tsEvent: number): Order | undefined {
  if (v.clientOrderId !== cur.clientOrderId || !v.qty.gt(0) || v.qty.lt(v.filledQty)) return undefined
  const price = v.price ?? cur.price
  const samePrice = price === cur.price || (price !== undefined && cur.price?.eq(price) === true)
  if (v.qty.eq(cur.qty) && samePrice) return undefined
  const tsUpdated = Math.max(cur.tsUpdated, tsEvent)
  const terms = { ...cur, qty: v.qty, ...(price !== undefined ? { price } : {}), tsUpdated }
  if (isTerminalStatus(cur.status)) {
    if (cur.status !== 'FILLED' || !v.qty.gt(cur.filledQty)) return undefined
    return { ...terms, status: cur.filledQty.gt(0) ? 'PARTIALLY_FILLED' : 'OPEN' }
  }
  if (cur.filledQty.gt(0) && cur.filledQty.gte(v.qty)) return { ...terms, status: 'FILLED' }
  return terms
}
