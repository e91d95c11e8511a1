import type { Order } from '../../core/index.js'
import { ValidationError } from '../../errors/index.js'

const FINAL = new Set(['FILLED', 'CANCELED', 'REJECTED', 'EXPIRED'])

/** One open-order cap to check before sending: its filter, its limit and how to read the venue's open orders. */
export interface OpenOrderCap {
  /** `MAX_NUM_ORDERS` or `MAX_NUM_ALGO_ORDERS`. */
  readonly filter: 'MAX_NUM_ORDERS' | 'MAX_NUM_ALGO_ORDERS'
  /** What the cap counts: a symbol's open orders (`BTCUSDT`), or its open USD-M algo orders (`algo:BTCUSDT`). */
  readonly scope: string
  readonly limit: number
  /** Client ids of the venue's open orders in this scope (read when the local count is unknown or full). */
  readonly readOpen: () => Promise<readonly string[]>
}

/**
 * Enforces Binance's `MAX_NUM_ORDERS` / `MAX_NUM_ALGO_ORDERS` filters before an order is sent. It counts the open
 * orders it has seen (read from the venue the first time, then kept from acks and order updates) and re-reads the
 * venue's list before refusing, so a stale count never rejects an order the venue would take. A refusal is a
 * `ValidationError` naming the filter, like every other filter check.
 *
 * @example
 * ```ts
 * const limits = new OpenOrderLimits()
 * await limits.check({ filter: 'MAX_NUM_ORDERS', scope: 'BTCUSDT', limit: 200, readOpen }, 'my-1')
 * limits.observe('BTCUSDT', ack.order)
 * ```
 */
export class OpenOrderLimits {
  readonly #open = new Map<string, Set<string>>()
  /** Per scope: orders about to be sent (the earlier orders of one batch), counted as open until released. */
  readonly #reserved = new Map<string, Set<string>>()

  /** Throws a `ValidationError` when one more open order in the cap's scope would exceed its limit. */
  async check(cap: OpenOrderCap, clientOrderId: string): Promise<void> {
    const counted = (open: ReadonlySet<string>) => {
      let n = open.size
      for (const id of this.#reserved.get(cap.scope) ?? []) if (!open.has(id)) n++
      return n
    }
    let open = this.#open.get(cap.scope)
    if (open === undefined || counted(open) + 1 > cap.limit) {
      open = new Set(await cap.readOpen())
      this.#open.set(cap.scope, open)
    }
    const n = counted(open)
    if (!open.has(clientOrderId) && !this.#reserved.get(cap.scope)?.has(clientOrderId) && n + 1 > cap.limit) {
      throw new ValidationError(
        `Order "${clientOrderId}" violates ${cap.filter}: ${n} orders open, the limit is ${cap.limit}`,
        {
          field: 'symbol',
          details: { filter: cap.filter, scope: cap.scope, limit: cap.limit, clientOrderId },
        },
      )
    }
  }

  /** Notes an order's state (from an ack or an order update) in a scope that is being counted. */
  observe(scope: string, order: Order): void {
    const open = this.#open.get(scope)
    if (open === undefined) return
    if (FINAL.has(order.status)) open.delete(order.clientOrderId)
    else open.add(order.clientOrderId)
  }

  /**
   * Counts an order about to be sent as open in `scope` (the earlier orders of one batch, checked before any is
   * sent) until it is released; a venue re-read keeps counting it.
   */
  reserve(scope: string, clientOrderId: string): void {
    const set = this.#reserved.get(scope) ?? new Set<string>()
    set.add(clientOrderId)
    this.#reserved.set(scope, set)
  }

  /** Stops counting a reserved order (its request was answered: an ack counts it as open from then on). */
  release(scope: string, clientOrderId: string): void {
    const set = this.#reserved.get(scope)
    set?.delete(clientOrderId)
    if (set?.size === 0) this.#reserved.delete(scope)
  }

  /** Forgets an order in every scope (a final order update whose scope is not known). */
  finished(clientOrderId: string): void {
    for (const open of this.#open.values()) open.delete(clientOrderId)
  }

  /** Forgets every count: the next check re-reads the venue (after a user-stream reconnect). */
  reset(): void {
    this.#open.clear()
  }
}
