import { RiskReason, type RiskRejection, rejection } from '../types.js'
import type { RiskCheckContext } from './RiskCheckContext.js'

/**
 * Correlation: same-direction open positions in the instrument's group scale the size by `correlation.scale[n]`
 * (applied by the sizing); beyond the table the entry is denied.
 *
 * @example
 * ```ts
 * checkCorrelation(ctx)?.code // 'CORRELATION_LIMIT' with 3 majors already long (default scale [1, 0.7, 0.5])
 * ```
 */
export function checkCorrelation(ctx: RiskCheckContext): RiskRejection | undefined {
  if (ctx.correlation() !== undefined) return undefined
  const { group, sameDirectionInGroup } = ctx.exposure()
  return rejection(
    RiskReason.CORRELATION_LIMIT,
    `${sameDirectionInGroup} positions in group "${group}" already point ${ctx.long ? 'long' : 'short'}`,
    {
      group: group ?? null,
      sameDirection: sameDirectionInGroup,
      maxSameDirection: ctx.cfg.correlation.scale.length - 1,
    },
  )
}
