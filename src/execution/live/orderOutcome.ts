import type { TypedEmitter } from '../../core/events.js'
import type { Logger } from '../../core/logger.js'
import type { ExecutionEvents } from '../../core/ports.js'
import type { Order, OrderStatus } from '../../core/types.js'
import { isTradekitError, StateError, type TradekitError } from '../../errors/index.js'
import { ORDER_VERDICTS, REQUEST_REFUSALS } from '../../errors/orderRefusals.js'

/**
 * Error codes that mean the order certainly was not placed: a verdict on the order ({@link ORDER_VERDICTS}) or a
 * refused request ({@link REQUEST_REFUSALS}). Anything else leaves the outcome unknown.
 */
export const VENUE_SAID_NO: ReadonlySet<string> = new Set([...ORDER_VERDICTS, ...REQUEST_REFUSALS])

/** Whether a refusal says the client order id is already taken (a resent order the venue already has). */
export function isDuplicate(e: TradekitError): boolean {
  return isTradekitError(e) && /duplicate/i.test(e.shortMessage)
}

const EVENT_OF: Partial<
  Record<OrderStatus, 'order.accepted' | 'order.canceled' | 'order.rejected' | 'order.expired'>
> = {
  OPEN: 'order.accepted',
  CANCELED: 'order.canceled',
  REJECTED: 'order.rejected',
  EXPIRED: 'order.expired',
}

/**
 * Emits the event of an order's move from `from` to `next.status`, if it has one: OPEN is `order.accepted` only the
 * first time (not when a refused cancel returns the order to the book). A REJECTED caused by `refusal` names its code.
 */
export function emitStatus(
  bus: Pick<TypedEmitter<ExecutionEvents>, 'emit'>,
  from: OrderStatus,
  next: Order,
  tsEvent: number,
  refusal?: TradekitError,
): void {
  const event = next.status === 'OPEN' && from !== 'PENDING_NEW' ? undefined : EVENT_OF[next.status]
  if (event === undefined) return
  const code = refusal?.code
  bus.emit(
    event,
    code === undefined ? { type: event, order: next, tsEvent } : { type: event, order: next, code, tsEvent },
  )
}

/** What a dry-run executor answers a cancel or replace with: nothing is sent, the venue's order is left as it is. */
export function dryRunRefusal(what: 'cancel' | 'replace', clientOrderId: string): StateError {
  return new StateError(`Dry run: the ${what} of "${clientOrderId}" is not sent`, {
    details: { clientOrderId },
  })
}

/** Dry run: logs an order that is not sent and emits `order.submitted` and `order.dryRunSkipped` for it. */
export function logDryRun(
  log: Logger,
  bus: Pick<TypedEmitter<ExecutionEvents & DryRunEvents>, 'emit'>,
  order: Order,
  tsEvent: number,
): void {
  const { clientOrderId, venue, symbol, side, type } = order
  const [qty, price] = [order.qty.toString(), order.price?.toString()]
  log.info({ clientOrderId, venue, symbol, side, type, qty, price }, 'dry run: order not sent')
  bus.emit('order.submitted', { type: 'order.submitted', order, tsEvent })
  bus.emit('order.dryRunSkipped', { type: 'order.dryRunSkipped', order, tsEvent })
}

/**
 * A cancel the venue answered with an order it did not cancel (`v`, as the venue has it: still resting, or matched
 * before the cancel). A resolved cancel would read as done, so the cancel fails with this.
 */
export function notCanceledError(v: Order): StateError {
  const cid = v.clientOrderId
  return new StateError(`Order "${cid}" was not cancelled: the venue has it ${v.status}`, {
    details: { clientOrderId: cid, venueStatus: v.status, venueFilledQty: v.filledQty.toString() },
  })
}

/** The dry-run event of the live executor. */
interface DryRunEvents {
  'order.dryRunSkipped': [e: { type: 'order.dryRunSkipped'; order: Order; tsEvent: number }]
}
