import type { JournalReconcileReport } from '../../core/journal.js'
import type { ExecutionEvents } from '../../core/ports.js'
import type { Balance, Order, Position } from '../../core/types.js'
import type { TradekitError } from '../../errors/index.js'
import type { ReconcileReport } from './Reconciler.js'
import type { ShadowComparison } from './shadow.js'

/** Events of an `OrderExecutor`: the shared {@link ExecutionEvents} plus live-only facts. */
export interface OrderExecutorEvents extends ExecutionEvents {
  /** Dry-run mode: what would have been sent. */
  'order.dryRunSkipped': [e: { type: 'order.dryRunSkipped'; order: Order; tsEvent: number }]
  /** A submit timed out or failed in transit: the order stays PENDING_NEW and is looked up by client id. */
  'order.outcomeUnresolved': [
    e: { type: 'order.outcomeUnresolved'; order: Order; error: TradekitError; tsEvent: number },
  ]
  /** State was reconciled over REST (at start and after each user-stream reconnect). */
  'orders.reconciled': [e: { type: 'orders.reconciled'; report: ReconcileReport; tsEvent: number }]
  /** A journal's last view was compared with the venue after a restart (`OrderExecutor.reconcileJournal`). */
  'orders.journalReconciled': [
    e: { type: 'orders.journalReconciled'; report: JournalReconcileReport; tsEvent: number },
  ]
  /** Balances or positions reported by the venue (stream or reconciliation). */
  'account.updated': [
    e: {
      type: 'account.updated'
      balances?: readonly Balance[]
      positions?: readonly Position[]
      tsEvent: number
    },
  ]
  /** Shadow mode: one order's live fill compared with the paper fill. */
  'shadow.compared': [e: { type: 'shadow.compared'; comparison: ShadowComparison; tsEvent: number }]
}
