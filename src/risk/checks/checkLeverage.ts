import { RiskReason, type RiskRejection, rejection } from '../types.js'
import type { RiskCheckContext } from './RiskCheckContext.js'

/**
 * The configured leverage lies within 1 and the instrument's `maxLeverage` (1 when absent).
 *
 * @example
 * ```ts
 * checkLeverage(ctx)?.code // 'LEVERAGE_OUT_OF_RANGE' for leverage 5 on a spot instrument
 * ```
 */
export function checkLeverage(ctx: RiskCheckContext): RiskRejection | undefined {
  const leverage = ctx.leverage()
  const maxLeverage = ctx.inst.maxLeverage ?? 1
  if (leverage >= 1 && leverage <= maxLeverage) return undefined
  return rejection(RiskReason.LEVERAGE_OUT_OF_RANGE, `Leverage ${leverage} is outside [1, ${maxLeverage}]`, {
    leverage,
    maxLeverage,
  })
}
