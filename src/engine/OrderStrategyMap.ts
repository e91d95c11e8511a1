import { BoundedMap } from '../core/BoundedMap.js'
import type { Order } from '../core/types.js'

/** Finished orders whose strategy is remembered by default, for late fills and reversals. */
const MAX_FINISHED_ORDERS = 10_000

const FINISHED = new Set(['FILLED', 'CANCELED', 'REJECTED', 'EXPIRED'])

/**
 * Which strategy sent which order (by client order id), so fills and order updates go back to it. A finished order
 * moves to a bounded list (oldest dropped): a late fill or a fill reversal still reaches its strategy for a while.
 */
export class OrderStrategyMap {
  readonly #live = new Map<string, string>()
  readonly #finished: BoundedMap<string, string>
  readonly #onSet: ((clientOrderId: string, strategyId: string) => void) | undefined

  /** `onSet` hears every `set` (the engine attributes the order in its Portfolio). */
  constructor(
    maxFinished = MAX_FINISHED_ORDERS,
    onSet?: (clientOrderId: string, strategyId: string) => void,
  ) {
    this.#finished = new BoundedMap(maxFinished)
    this.#onSet = onSet
  }

  /** Remembers that `strategyId` sent `clientOrderId`. */
  set(clientOrderId: string, strategyId: string): void {
    this.#live.set(clientOrderId, strategyId)
    this.#onSet?.(clientOrderId, strategyId)
  }

  /** Forgets an order that never reached the venue (its submit failed). */
  delete(clientOrderId: string): void {
    this.#live.delete(clientOrderId)
  }

  /** The strategy that sent an order, live or recently finished. */
  strategyOf(clientOrderId: string): string | undefined {
    return this.#live.get(clientOrderId) ?? this.#finished.get(clientOrderId)
  }

  /** Follows an order update: returns the order's strategy; a finished order moves to the bounded list. */
  update(order: Order): string | undefined {
    const sid = this.strategyOf(order.clientOrderId)
    if (sid === undefined || !FINISHED.has(order.status)) return sid
    this.#live.delete(order.clientOrderId)
    this.#finished.set(order.clientOrderId, sid)
    return sid
  }

  /** Orders followed, live and finished (for tests and metrics). */
  get size(): number {
    return this.#live.size + this.#finished.size
  }
}
