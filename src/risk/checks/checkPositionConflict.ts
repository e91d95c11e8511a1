import { RiskReason, type RiskRejection, rejection, str } from '../types.js'
import type { RiskCheckContext } from './RiskCheckContext.js'

/**
 * No ENTRY against an open position on the other side: close it with an EXIT first.
 *
 * @example
 * ```ts
 * checkPositionConflict(ctx)?.code // 'POSITION_CONFLICT' for a BUY entry while short
 * ```
 */
export function checkPositionConflict(ctx: RiskCheckContext): RiskRejection | undefined {
  const posQty = ctx.positionQty()
  if (posQty === undefined || posQty.isZero() || posQty.isNegative() !== ctx.long) return undefined
  return rejection(
    RiskReason.POSITION_CONFLICT,
    `An ENTRY ${ctx.side} against an open position "${posQty.toFixed()}"`,
    { positionQty: str(posQty) },
  )
}
