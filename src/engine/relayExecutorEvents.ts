import type { TypedEmitter } from '../core/events.js'
import type { ExecutionClient, ExecutionEvents, FillReversedEvent, OrderFilledEvent } from '../core/ports.js'
import type { Order } from '../core/types.js'
import type { Subscriptions } from './Subscriptions.js'

/** Executor events relayed as they are, with the order-outcome label they count under. */
const RELAYED = [
  ['order.submitted', 'submitted'],
  ['order.accepted', 'accepted'],
  ['order.canceled', 'canceled'],
  ['order.rejected', 'rejected'],
  ['order.expired', 'expired'],
  ['order.denied', undefined],
  ['fill.reversed', 'fill_reversed'],
  ['fill.settled', undefined],
  ['fill.covered', undefined],
  ['order.transitionRefused', 'invalid_transition'],
  ['error', undefined],
] as const satisfies ReadonlyArray<readonly [keyof ExecutionEvents, string | undefined]>

/** Where {@link relayExecutorEvents} sends what it hears. */
export interface ExecutorRelayTarget {
  /** Receives every relayed event unchanged. */
  readonly bus: Pick<TypedEmitter<ExecutionEvents>, 'emit'>
  /** An order event other than a fill: `outcome` is its metrics label (none for denials and errors). */
  order(order: Order, outcome: string | undefined): void
  /** A fill, before it is relayed. */
  filled(e: OrderFilledEvent): void
  /** A reversed fill, after it is relayed. */
  fillReversed(e: FillReversedEvent): void
}

/**
 * Subscribes to every event of an execution client (listeners kept in `subs`): order events are reported to
 * `target.order` and relayed, fills go to `target.filled` then are relayed, reversals are relayed then reported.
 *
 * @example
 * ```ts
 * relayExecutorEvents(paper, subs, { bus, order: count, filled: route, fillReversed: rebalance })
 * ```
 */
export function relayExecutorEvents(
  ex: ExecutionClient,
  subs: Subscriptions,
  target: ExecutorRelayTarget,
): void {
  for (const [name, outcome] of RELAYED) {
    subs.on(ex.events, name, (...args: ExecutionEvents[typeof name]) => {
      const order = (args[0] as { order?: Order }).order
      if (order !== undefined) target.order(order, outcome)
      target.bus.emit(name, ...args)
    })
  }
  subs.on(ex.events, 'order.filled', (e: OrderFilledEvent) => {
    target.filled(e)
    target.bus.emit('order.filled', e)
  })
  subs.on(ex.events, 'fill.reversed', (e: FillReversedEvent) => target.fillReversed(e))
}
