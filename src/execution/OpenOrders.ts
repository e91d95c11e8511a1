import * as z from 'zod/mini'
import { parseConfig } from '../core/config.js'
import { isTerminalStatus, type OrderTransitionInfo, transitionOrder } from '../core/orderState.js'
import type { OrderFilter } from '../core/ports.js'
import type { Order, OrderStatus } from '../core/types.js'

/** Schema of {@link OpenOrdersConfig}; defaults are applied here. */
export const OpenOrdersConfigSchema = z.strictObject({
  /** Terminal orders kept (for lookups and de-duplication of client ids); older ones are forgotten. Default 10,000. */
  historySize: z._default(/* @__PURE__ */ z.int().check(z.positive(), z.maximum(1_000_000)), 10_000),
  /** Called when a transition the order state machine forbids is attempted (the order is left unchanged). */
  onInvalidTransition: z.optional(
    z.custom<(order: Order, attempted: OrderStatus) => void>((v) => typeof v === 'function'),
  ),
})

/** What the {@link OpenOrders} constructor takes. */
export type OpenOrdersConfig = z.input<typeof OpenOrdersConfigSchema>

/** One tracked order and the strategy that sent it. */
interface OrderEntry {
  order: Order
  strategyId: string | undefined
}

/**
 * The order book-keeping shared by the PaperTrader and the live OrderExecutor: orders by client order id, the
 * strategy of each, the open (non-terminal) ones in submission order, the last `historySize` terminal ones, and
 * status changes through the core order state machine.
 *
 * @example
 * ```ts
 * const orders = new OpenOrders({ historySize: 1000 })
 * orders.add(order, 'my-strategy')
 * const next = orders.transition(order, 'CANCELED', { tsEvent: Date.now() })
 * if (next !== undefined) orders.retire(next)
 * orders.open({ strategyId: 'my-strategy' }) // []
 * ```
 */
export class OpenOrders {
  readonly #cfg: z.output<typeof OpenOrdersConfigSchema>
  /** Each order by client id, with the strategy that sent it: one map entry per order. */
  readonly #orders = new Map<string, OrderEntry>()
  /** Client ids of orders not yet terminal, in the order they were added. */
  readonly #open = new Set<string>()
  /** Terminal client ids, oldest first from #historyHead (a queue: no O(n) `shift`). */
  #history: string[] = []
  #historyHead = 0
  /** The entry looked up or stored last: an order's own flow reads it again and again, with no map lookup. */
  #last: OrderEntry | undefined
  /** The client id looked up last and not found, while no order was stored since (a new order's check, then its add). */
  #absent: string | undefined

  constructor(config: OpenOrdersConfig = {}) {
    this.#cfg = parseConfig(OpenOrdersConfigSchema, config, 'OpenOrders')
  }

  /** Number of orders known (open and retained terminal ones). */
  get size(): number {
    return this.#orders.size
  }

  /** Number of orders not yet terminal. */
  get openCount(): number {
    return this.#open.size
  }

  /** An order by client id (open, or among the last `historySize` terminal ones). */
  get(clientOrderId: string): Order | undefined {
    return this.#entry(clientOrderId)?.order
  }

  /** Whether the client id is known. */
  has(clientOrderId: string): boolean {
    return this.#entry(clientOrderId) !== undefined
  }

  /** Starts tracking a new order (and the strategy that sent it). */
  add(order: Order, strategyId?: string): void {
    const e = this.#store(order)
    if (strategyId !== undefined) e.strategyId = strategyId
  }

  /** Stores the latest state of an order; a terminal order leaves the open set. */
  set(order: Order): void {
    this.#store(order)
  }

  /** The strategy that sent an order, when known. */
  strategyOf(clientOrderId: string): string | undefined {
    return this.#entry(clientOrderId)?.strategyId
  }

  /** The entry of a client id: the last one again without a lookup. */
  #entry(cid: string): OrderEntry | undefined {
    const last = this.#last
    if (last !== undefined && last.order.clientOrderId === cid) return last
    if (cid === this.#absent) return undefined
    const e = this.#orders.get(cid)
    if (e !== undefined) this.#last = e
    else this.#absent = cid
    return e
  }

  /** Stores an order's latest state (see `set`); returns its entry. */
  #store(order: Order): OrderEntry {
    const cid = order.clientOrderId
    let e = this.#entry(cid)
    if (e === undefined) {
      e = { order, strategyId: undefined }
      this.#orders.set(cid, e)
      this.#last = e
      this.#absent = undefined
    } else e.order = order
    this.#track(order)
    return e
  }

  /** Every known order (open and retained terminal ones). */
  *all(): IterableIterator<Order> {
    for (const e of this.#orders.values()) yield e.order
  }

  /** Keeps the open set in step with an order's status. */
  #track(order: Order): void {
    if (isTerminalStatus(order.status)) this.#open.delete(order.clientOrderId)
    else this.#open.add(order.clientOrderId)
  }

  /** Orders not in a terminal status, matching `filter`, in the order they were added. */
  open(filter?: OrderFilter): Order[] {
    const out: Order[] = []
    for (const cid of this.#open) {
      const e = this.#orders.get(cid)
      if (e === undefined || isTerminalStatus(e.order.status)) continue
      const o = e.order
      if (filter?.venue !== undefined && o.venue !== filter.venue) continue
      if (filter?.symbol !== undefined && o.symbol !== filter.symbol) continue
      if (filter?.strategyId !== undefined && e.strategyId !== filter.strategyId) continue
      out.push(o)
    }
    return out
  }

  /**
   * Moves an order to `to` through the core order state machine and stores the result; returns `undefined` (and
   * reports it to `onInvalidTransition`) when the transition is not allowed.
   */
  transition(order: Order, to: OrderStatus, info: OrderTransitionInfo): Order | undefined {
    const r = transitionOrder(order, to, info)
    if (!r.ok) {
      this.#cfg.onInvalidTransition?.(order, to)
      return undefined
    }
    this.set(r.value)
    return r.value
  }

  /**
   * Records that an order reached a terminal status; once more than `historySize` terminal orders are kept, the
   * oldest are forgotten. Returns the client ids forgotten now (so the owner can drop what it keeps beside them).
   */
  retire(order: Order): string[] {
    this.#open.delete(order.clientOrderId)
    this.#history.push(order.clientOrderId)
    const evicted: string[] = []
    while (this.#history.length - this.#historyHead > this.#cfg.historySize) {
      const old = this.#history[this.#historyHead++] as string
      if (this.#last?.order.clientOrderId === old) this.#last = undefined
      this.#orders.delete(old)
      this.#open.delete(old)
      evicted.push(old)
    }
    // Drop the consumed part once it is most of the array (amortized O(1) per order).
    if (this.#historyHead >= 1024 && this.#historyHead * 2 >= this.#history.length) {
      this.#history = this.#history.slice(this.#historyHead)
      this.#historyHead = 0
    }
    return evicted
  }
}
