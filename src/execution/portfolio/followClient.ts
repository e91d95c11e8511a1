import { type Listenable, subscribe, subscribeAll } from '../../core/events.js'
import {
  type ExecutionClient,
  type ExecutionEvents,
  type FillReversedEvent,
  ORDER_EVENTS,
} from '../../core/ports.js'
import type { Fill, FundingPayment, Order } from '../../core/types.js'
import type { TradekitError } from '../../errors/index.js'
import type { Result } from '../../errors/result.js'

/** The dry-run event of the live `OrderExecutor`: the order was not sent and never will be. */
interface DryRunSkipped {
  'order.dryRunSkipped': [e: { readonly order: Order }]
}

/** What {@link followClient} drives: a Portfolio's booking methods and where a refusal is reported. */
export interface ClientFollower {
  applyFill(fill: Fill): Result<unknown, TradekitError>
  reverseFill(fill: Fill, reason: string): Result<unknown, TradekitError>
  /** A fill reported unsettled was settled by the venue. */
  settleFill(fill: Fill): unknown
  /** A real fill a synthesized fill booked already arrived (`held`), or the venue reversed it (see `FillCoveredEvent`). */
  covered(fill: Fill, held: boolean): unknown
  applyVenueFunding(funding: FundingPayment): unknown
  /** An order's latest state (after its fills, when it has some). */
  track(order: Order): void
  /** A fill or a reversal the follower refused. */
  refused(error: TradekitError): void
}

/**
 * Wires an execution client's events to a follower (see `Portfolio.attach`): each fill of every `order.filled`, one by
 * one and in order, then the order; each `fill.reversed`, `fill.settled` and `fill.covered`; each `funding.settled`; every other
 * order event's order; a dry run's skipped order as ended (`CANCELED`: it is never sent).
 * Returns a function that detaches.
 *
 * @example
 * ```ts
 * const detach = followClient(executor, { applyFill, reverseFill, settleFill, covered, applyVenueFunding, track, refused })
 * ```
 */
export function followClient(client: Pick<ExecutionClient, 'events'>, to: ClientFollower): () => void {
  const onFill = (e: { fills: readonly Fill[]; order: Order }) => {
    for (const fill of e.fills) {
      const r = to.applyFill(fill)
      if (!r.ok) to.refused(r.error)
    }
    to.track(e.order)
  }
  const onReversed = (e: FillReversedEvent) => {
    if (e.covered !== undefined) to.covered(e.covered, false) // no longer held back, as the reversal reports it
    const r = to.reverseFill(e.fill, e.reason)
    if (!r.ok) to.refused(r.error)
  }
  const onFunding = (e: { funding: FundingPayment }) => to.applyVenueFunding(e.funding)
  const onSettled = (e: { fill: Fill }) => to.settleFill(e.fill)
  const onCovered = (e: { fill: Fill }) => to.covered(e.fill, true)
  const handlers = {
    'order.filled': onFill,
    'fill.reversed': onReversed,
    'fill.settled': onSettled,
    'fill.covered': onCovered,
    'funding.settled': onFunding,
  }
  const offFills = subscribe(client.events, handlers)
  // A dry run's order is never sent: it ends where it is skipped (an executor without a dry run never emits it).
  const dryRun = client.events as Listenable<ExecutionEvents & DryRunSkipped>
  const offSkipped = subscribe(dryRun, {
    'order.dryRunSkipped': (e) => to.track({ ...e.order, status: 'CANCELED' }),
  })
  const names = ORDER_EVENTS.filter((n) => n !== 'order.filled')
  const offOrders = subscribeAll(client.events, names, (e: { order: Order }) => to.track(e.order))
  return () => {
    offFills()
    offSkipped()
    offOrders()
  }
}
