import type { RiskRejection } from '../types.js'
import type { RiskCheckContext } from './RiskCheckContext.js'

/**
 * The position on the signal's instrument is readable (a finite decimal quantity): exits and the entry checks use it.
 *
 * @example
 * ```ts
 * checkPositionInput(ctx)?.code // 'INVALID_INPUT' for a position qty of NaN
 * ```
 */
export function checkPositionInput(ctx: RiskCheckContext): RiskRejection | undefined {
  const r = ctx.position()
  return r.ok ? undefined : r.error
}
