import type { RiskRejection } from '../types.js'
import type { RiskCheckContext } from './RiskCheckContext.js'

/**
 * With `scaleByConfidence`, the signal's confidence (when given) is a number in [0, 1].
 *
 * @example
 * ```ts
 * checkConfidence(ctx)?.code // 'INVALID_INPUT' for confidence 1.5
 * ```
 */
export function checkConfidence(ctx: RiskCheckContext): RiskRejection | undefined {
  const r = ctx.confidence()
  return r.ok ? undefined : r.error
}
