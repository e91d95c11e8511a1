import { RiskReason, type RiskRejection, rejection } from '../types.js'
import type { RiskCheckContext } from './RiskCheckContext.js'

/**
 * An entry needs equity above zero.
 *
 * @example
 * ```ts
 * checkEquity(ctx)?.code // 'INVALID_INPUT' when account.equity is 0
 * ```
 */
export function checkEquity(ctx: RiskCheckContext): RiskRejection | undefined {
  if (!ctx.equity.isZero() && !ctx.equity.isNegative()) return undefined
  return rejection(RiskReason.INVALID_INPUT, `Equity "${ctx.equity.toFixed()}" is not above zero`)
}
