import type { RiskRejection } from '../types.js'
import { checkConfidence } from './checkConfidence.js'
import { checkCorrelation } from './checkCorrelation.js'
import { checkEntryPrice } from './checkEntryPrice.js'
import { checkEquity } from './checkEquity.js'
import { checkInstrumentState } from './checkInstrumentState.js'
import { checkLeverage } from './checkLeverage.js'
import { checkMargin } from './checkMargin.js'
import { checkMarketData } from './checkMarketData.js'
import { checkMaxOpenPositions } from './checkMaxOpenPositions.js'
import { checkMaxPositionsPerInstrument } from './checkMaxPositionsPerInstrument.js'
import { checkOrderRate } from './checkOrderRate.js'
import { checkPositionConflict } from './checkPositionConflict.js'
import { checkPositionInput } from './checkPositionInput.js'
import { checkRewardRisk } from './checkRewardRisk.js'
import { checkStop } from './checkStop.js'
import { checkStopDistance } from './checkStopDistance.js'
import { checkStrategyLimits } from './checkStrategyLimits.js'
import { checkTakeProfit } from './checkTakeProfit.js'
import { checkTradingHalted } from './checkTradingHalted.js'
import { checkTradingReducing } from './checkTradingReducing.js'
import type { RiskCheckContext } from './RiskCheckContext.js'

/** One pre-trade check: `undefined` lets the signal through, a {@link RiskRejection} denies it. */
export type RiskCheckFn = (ctx: RiskCheckContext) => RiskRejection | undefined

/** A check in {@link RISK_CHECKS} and the signals it applies to. */
export interface RiskCheck {
  readonly check: RiskCheckFn
  /** `ANY`: every signal. `ENTRY`: skipped for exits (reduce-only orders never add exposure). */
  readonly appliesTo: 'ANY' | 'ENTRY'
}

/**
 * The pre-trade checks `RiskManager.evaluate` runs, in order, after {@link readRiskInputs}; the first rejection
 * wins. Then an EXIT is closed reduce-only and an ENTRY is sized, capped and rounded. A new check is one file in
 * `src/risk/checks/` and one line here. Checks only read (the order-rate check may trip its breaker); nothing is
 * counted before every check passed.
 */
export const RISK_CHECKS: readonly RiskCheck[] = [
  { check: checkTradingHalted, appliesTo: 'ANY' },
  { check: checkInstrumentState, appliesTo: 'ANY' },
  { check: checkPositionInput, appliesTo: 'ANY' },
  { check: checkTradingReducing, appliesTo: 'ENTRY' },
  { check: checkEquity, appliesTo: 'ENTRY' },
  { check: checkMarketData, appliesTo: 'ENTRY' },
  { check: checkPositionConflict, appliesTo: 'ENTRY' },
  { check: checkMaxOpenPositions, appliesTo: 'ENTRY' },
  { check: checkMaxPositionsPerInstrument, appliesTo: 'ENTRY' },
  { check: checkStrategyLimits, appliesTo: 'ENTRY' },
  { check: checkLeverage, appliesTo: 'ENTRY' },
  { check: checkMargin, appliesTo: 'ENTRY' },
  { check: checkEntryPrice, appliesTo: 'ENTRY' },
  { check: checkStop, appliesTo: 'ENTRY' },
  { check: checkStopDistance, appliesTo: 'ENTRY' },
  { check: checkTakeProfit, appliesTo: 'ENTRY' },
  { check: checkRewardRisk, appliesTo: 'ENTRY' },
  { check: checkCorrelation, appliesTo: 'ENTRY' },
  { check: checkConfidence, appliesTo: 'ENTRY' },
  { check: checkOrderRate, appliesTo: 'ENTRY' },
]

/**
 * Runs `checks` in order on one decision and returns the first rejection, or `undefined` when all passed.
 *
 * @example
 * ```ts
 * const denied = runRiskChecks(ctx) // RISK_CHECKS by default
 * if (denied !== undefined) return err(denied)
 * ```
 */
export function runRiskChecks(
  ctx: RiskCheckContext,
  checks: readonly RiskCheck[] = RISK_CHECKS,
): RiskRejection | undefined {
  const isExit = ctx.signal.intent === 'EXIT'
  for (const { check, appliesTo } of checks) {
    if (isExit && appliesTo === 'ENTRY') continue
    const r = check(ctx)
    if (r !== undefined) return r
  }
  return undefined
}
