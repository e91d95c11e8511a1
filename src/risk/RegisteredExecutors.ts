import {
  type ExecutionClient,
  type ExecutionEvents,
  type Listenable,
  type OrderEvent,
  subscribe,
} from '../core/index.js'
import { RecentIds } from '../core/RecentIds.js'
import type { HeardVenues } from './EntryReservations.js'
import { isVerdictOnOrder } from './verdictOnOrder.js'

/** The dry-run event of the live `OrderExecutor`: the order was not sent and never will rest at the venue. */
interface DryRunSkipped {
  'order.dryRunSkipped': [e: { readonly order: { readonly clientOrderId: string } }]
}

/** Bound on client order ids remembered for counting venue responses once. */
const MAX_COUNTED_IDS = 10_000

/** What {@link RegisteredExecutors} tells its RiskManager. */
export interface ExecutorListener {
  /** A venue's first response to an order: `rejected` true for a verdict against it, false for an acceptance or fill. */
  readonly onResponse: (rejected: boolean) => void
  /** Any news of an order: it is now in its executor's open orders, or finished (see `EntryReservations`). */
  readonly onOrder: (clientOrderId: string) => void
}

/**
 * The executors a RiskManager follows: the kill switch cancels on them, their `order.accepted` / `order.filled` /
 * `order.rejected` feed the rejection-rate breaker (each order's first response once; a refusal that is not a verdict
 * on the order is not counted), and every order event of theirs ends that order's entry reservation (a dry run's
 * `order.dryRunSkipped` too: that order is never sent, so it never rests nor shows in a snapshot).
 *
 * @example
 * ```ts
 * const executors = new RegisteredExecutors({ onResponse: (r) => guard.recordVenueResponse(r), onOrder: (id) => reservations.release(id) })
 * const unregister = executors.register(paper)
 * ```
 */
export class RegisteredExecutors implements HeardVenues {
  readonly #listener: ExecutorListener
  readonly #executors = new Map<ExecutionClient, () => void>()
  readonly #countedIds = new RecentIds<string>(MAX_COUNTED_IDS)
  /** Venues some registered executor trades (see {@link RegisteredExecutors.hears}). */
  #venues = new Set<string>()

  constructor(listener: ExecutorListener) {
    this.#listener = listener
  }

  /** The registered executors, in registration order. */
  list(): ExecutionClient[] {
    return [...this.#executors.keys()]
  }

  /** Whether a registered executor trades `venue` (its orders' news then reaches the manager). */
  hears(venue: string): boolean {
    return this.#venues.has(venue)
  }

  /** Follows `client` (once; registering it again returns the same function); returns the function that stops. */
  register(client: ExecutionClient): () => void {
    const existing = this.#executors.get(client)
    if (existing !== undefined) return existing
    const { onOrder } = this.#listener
    const onAccepted = (e: OrderEvent): void => {
      onOrder(e.order.clientOrderId)
      this.#count(e.order.clientOrderId, false)
    }
    const onRejected = (e: OrderEvent): void => {
      onOrder(e.order.clientOrderId)
      if (isVerdictOnOrder(e.code)) this.#count(e.order.clientOrderId, true)
    }
    const onEnded = (e: OrderEvent): void => onOrder(e.order.clientOrderId)
    const unsubscribe = subscribe(client.events, {
      'order.accepted': onAccepted,
      'order.filled': onAccepted,
      'order.rejected': onRejected,
      'order.canceled': onEnded,
      'order.expired': onEnded,
    })
    // An executor that has no dry run never emits it; listening costs nothing.
    const events = client.events as Listenable<ExecutionEvents & DryRunSkipped>
    const dryRun = subscribe(events, {
      'order.dryRunSkipped': (e) => onOrder(e.order.clientOrderId),
    })
    const unregister = (): void => {
      unsubscribe()
      dryRun()
      this.#executors.delete(client)
      this.#venues = venuesOf(this.#executors.keys())
    }
    this.#executors.set(client, unregister)
    this.#venues = venuesOf(this.#executors.keys())
    return unregister
  }

  #count(id: string, rejected: boolean): void {
    if (this.#countedIds.addNew(id)) this.#listener.onResponse(rejected)
  }
}

/** The venues the executors trade; one whose `venues` cannot be read is heard on none (registering it never throws). */
function venuesOf(executors: Iterable<ExecutionClient>): Set<string> {
  const venues = new Set<string>()
  for (const e of executors) {
    try {
      for (const v of e.venues) venues.add(v)
    } catch {
      // not heard: its orders' reservations end by the snapshot alone (see EntryReservations.sweep)
    }
  }
  return venues
}
