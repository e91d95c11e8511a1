import * as z from 'zod/mini'
import { BoundedMap } from '../core/BoundedMap.js'
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
  /** Whether the order's status is not terminal (it counts in `openCount`). */
  open: boolean
  /** Whether `retire` moved it into the history. */
  retired: boolean
}

/**
 * The order book-keeping shared by the PaperTrader and the live OrderExecutor: orders by client order id, the
 * strategy of each, the open (non-terminal) ones in submission order, the last `historySize` terminal ones, and
 * status changes through the core order state machine.
 *
 * Orders not yet retired live in a small map; retired ones in a {@link BoundedMap} of `historySize`, whose lookups
 * compare stored hashes (a new client id's duplicate check misses in both without reading the history's strings).
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
  /** Orders not retired yet (open ones, and terminal ones `retire` has not been told of), in the order added. */
  readonly #active = new Map<string, OrderEntry>()
  /** Retired orders, oldest first: the last `historySize`. */
  readonly #retired: BoundedMap<string, OrderEntry>
  /** Orders whose status is not terminal. */
  #openCount = 0
  /** The entry looked up or stored last: an order's own flow reads it again and again, with no map lookup. */
  #last: OrderEntry | undefined
  /** The client id looked up last and not found, while no order was stored since (a new order's check, then its add). */
  #absent: string | undefined

  constructor(config: OpenOrdersConfig = {}) {
    this.#cfg = parseConfig(OpenOrdersConfigSchema, config, 'OpenOrders')
    this.#retired = new BoundedMap(this.#cfg.historySize)
  }

  /** Number of orders known (open and retained terminal ones). */
  get size(): number {
    return this.#active.size + this.#retired.size
  }

  /** Number of orders not yet terminal. */
  get openCount(): number {
    return this.#openCount
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
    const e = this.#active.get(cid) ?? this.#retired.get(cid)
    if (e !== undefined) this.#last = e
    else this.#absent = cid
    return e
  }

  /** Stores an order's latest state (see `set`); returns its entry. */
  #store(order: Order): OrderEntry {
    const cid = order.clientOrderId
    const open = !isTerminalStatus(order.status)
    let e = this.#entry(cid)
    if (e === undefined) {
      e = { order, strategyId: undefined, open: false, retired: false }
      this.#active.set(cid, e)
      this.#last = e
      this.#absent = undefined
    } else {
      e.order = order
      if (open && e.retired) {
        // Not a move the state machine makes; an order set open again is listed as open again.
        this.#retired.delete(cid)
        e.retired = false
        this.#active.set(cid, e)
      }
    }
    if (open !== e.open) {
      e.open = open
      this.#openCount += open ? 1 : -1
    }
    return e
  }

  /** Every known order (open and retained terminal ones). */
  *all(): IterableIterator<Order> {
    for (const [, e] of this.#retired) yield e.order
    for (const e of this.#active.values()) yield e.order
  }

  /** Orders not in a terminal status, matching `filter`, in the order they were added. */
  open(filter?: OrderFilter): Order[] {
    const out: Order[] = []
    for (const e of this.#active.values()) {
      if (!e.open) continue
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
   * oldest is forgotten. Returns the client id forgotten now, if any (so the owner can drop what it keeps beside it).
   */
  retire(order: Order): string | undefined {
    const cid = order.clientOrderId
    const e = this.#entry(cid)
    if (e === undefined || e.retired) return undefined
    this.#active.delete(cid)
    if (e.open) {
      e.open = false
      this.#openCount--
    }
    e.retired = true
    const retired = this.#retired
    const old = retired.size === retired.capacity ? retired.oldestKey() : undefined
    if (old !== undefined && this.#last?.order.clientOrderId === old) this.#last = undefined
    retired.set(cid, e)
    return old
  }
}
