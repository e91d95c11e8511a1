import { subscribe } from '../core/events.js'
import type { ExecutionClient, FillReversedEvent } from '../core/ports.js'
import { RecentIds } from '../core/RecentIds.js'
import { type Fill, fillKey } from '../core/types.js'

/** Orders (legs and unwinds) whose fills one {@link UnsettledLegFills} follows, at most. */
const MAX_FOLLOWED = 10_000

/**
 * The fills of an `OrderGroup`'s orders (legs and unwinds) that the venue reported unsettled (a Polymarket trade
 * not on chain yet) and has not settled or reversed since. It follows the client while an `execute` or `rebalance`
 * runs and afterwards for as long as any such fill is left, so a `rebalance` long after `execute` still knows which
 * shares cannot be sold yet.
 *
 * @example
 * ```ts
 * const unsettled = new UnsettledLegFills(exec)
 * const done = unsettled.hold() // before sending
 * unsettled.follow(leg.clientOrderId)
 * if (unsettled.has(leg.clientOrderId)) await waitForSettlement()
 * done()
 * ```
 */
export class UnsettledLegFills {
  readonly #client: ExecutionClient
  readonly #followed = new RecentIds<string>(MAX_FOLLOWED)
  /** Per followed order: the fill keys of its fills reported unsettled and not settled or reversed since. */
  readonly #keys = new Map<string, Set<string>>()
  readonly #listeners = new Set<(clientOrderId: string) => void>()
  #users = 0
  #detach: (() => void) | undefined

  constructor(client: ExecutionClient) {
    this.#client = client
  }

  /** Follows the client until the returned release is called (and then while any fill is still unsettled). */
  hold(): () => void {
    this.#users++
    this.#detach ??= subscribe(this.#client.events, {
      'order.filled': (e: { fills: readonly Fill[] }) => {
        for (const f of e.fills) this.#reported(f)
      },
      'fill.covered': (e: { fill: Fill }) => this.#reported(e.fill), // booked in a synthesized fill, maybe unsettled
      'fill.settled': (e: { fill: Fill }) => this.#ended(e.fill),
      'fill.reversed': (e: FillReversedEvent) => this.#ended(e.covered ?? e.fill),
    })
    let released = false
    return () => {
      if (released) return
      released = true
      this.#users--
      this.#idle()
    }
  }

  /** Follows the fills of `clientOrderId` (a leg or an unwind order). */
  follow(clientOrderId: string): void {
    this.#followed.add(clientOrderId)
  }

  /** Whether a fill of `clientOrderId` is unsettled. */
  has(clientOrderId: string): boolean {
    return this.#keys.has(clientOrderId)
  }

  /** Calls `f` with the order's id whenever the last unsettled fill of an order settles or is reversed. */
  onSettled(f: (clientOrderId: string) => void): () => void {
    this.#listeners.add(f)
    return () => void this.#listeners.delete(f)
  }

  /** A fill of an order: followed from now on while the venue has not settled it. */
  #reported(f: Fill): void {
    if (f.unsettled !== true || !this.#followed.has(f.clientOrderId)) return
    const keys = this.#keys.get(f.clientOrderId) ?? new Set()
    this.#keys.set(f.clientOrderId, keys.add(fillKey(f)))
  }

  #ended(fill: Fill): void {
    const cid = fill.clientOrderId
    const keys = this.#keys.get(cid)
    if (keys === undefined || !keys.delete(fillKey(fill)) || keys.size > 0) return
    this.#keys.delete(cid)
    for (const f of [...this.#listeners]) f(cid)
    this.#idle()
  }

  /** Stops following once nothing runs and nothing is left unsettled. */
  #idle(): void {
    if (this.#users > 0 || this.#keys.size > 0 || this.#detach === undefined) return
    this.#detach()
    this.#detach = undefined
  }
}
