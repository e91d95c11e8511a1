import type { Decimal } from '../decimal/index.js'
import type { StateChangeReason, TradingState } from './types.js'

/** Options of `TradingGuard.resume`. */
export interface ResumeOptions {
  /** Free text kept in the audit trail. */
  readonly note?: string
  /** Restart the drawdown measurement from the current equity (otherwise a drawdown still beyond the limit trips again on the next update). */
  readonly resetDrawdownPeak?: boolean
  /** Restart today's loss measurement from the current equity. */
  readonly resetDailyLoss?: boolean
}

/** A read-only view of a breaker's state and measurements. */
export interface TradingGuardStatus {
  readonly state: TradingState
  readonly reason: StateChangeReason
  readonly detail: string | undefined
  /** When the state last changed, epoch ms. */
  readonly since: number
  readonly peakEquity: Decimal | undefined
  readonly lastEquity: Decimal | undefined
  /** Local date of the current trading day. */
  readonly dayKey: string | undefined
  readonly dayStartEquity: Decimal | undefined
  readonly consecutiveLosses: number
  /** End of the losing-streak cooldown, epoch ms. */
  readonly cooldownUntil: number | undefined
  /** False until the persisted state was loaded (only when a store is configured). */
  readonly isReady: boolean
}
