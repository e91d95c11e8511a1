import { RiskReason, type RiskRejection, rejection, str } from '../types.js'
import type { RiskCheckContext } from './RiskCheckContext.js'

/**
 * Free margin is above zero.
 *
 * @example
 * ```ts
 * checkMargin(ctx)?.code // 'INSUFFICIENT_MARGIN' when account.freeMargin is 0
 * ```
 */
export function checkMargin(ctx: RiskCheckContext): RiskRejection | undefined {
  if (!ctx.freeMargin.isZero() && !ctx.freeMargin.isNegative()) return undefined
  return rejection(
    RiskReason.INSUFFICIENT_MARGIN,
    `Free margin "${ctx.freeMargin.toFixed()}" is not above zero`,
    {
      freeMargin: str(ctx.freeMargin),
    },
  )
}
