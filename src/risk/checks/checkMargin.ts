import { plus } from '../../decimal/plusMinus.js'
import { RiskReason, type RiskRejection, rejection, str } from '../types.js'
import type { RiskCheckContext } from './RiskCheckContext.js'

/**
 * Free margin is above zero, after the margin of approved entries the snapshot does not list yet.
 *
 * @example
 * ```ts
 * checkMargin(ctx)?.code // 'INSUFFICIENT_MARGIN' when account.freeMargin is 0
 * ```
 */
export function checkMargin(ctx: RiskCheckContext): RiskRejection | undefined {
  if (!ctx.freeMargin.isZero() && !ctx.freeMargin.isNegative()) return undefined
  const reserved = ctx.reservedMargin
  if (reserved === undefined) {
    return rejection(
      RiskReason.INSUFFICIENT_MARGIN,
      `Free margin "${ctx.freeMargin.toFixed()}" is not above zero`,
      { freeMargin: str(ctx.freeMargin) },
    )
  }
  const free = plus(ctx.freeMargin, reserved) // the snapshot's
  return rejection(
    RiskReason.INSUFFICIENT_MARGIN,
    `Free margin "${free.toFixed()}" less "${reserved.toFixed()}" for approved entries not listed yet is not above zero`,
    { freeMargin: str(free), reservedMargin: str(reserved) },
  )
}
