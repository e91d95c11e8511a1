import type { RiskRejection } from '../types.js'
import type { RiskCheckContext } from './RiskCheckContext.js'

/**
 * The global and per-instrument order-rate windows have room for one more entry (a full window also trips the
 * configured breaker action). Only checks: the approval is counted when the order is approved.
 *
 * @example
 * ```ts
 * checkOrderRate(ctx)?.code // 'ORDER_RATE_LIMITED' for the 11th entry on one instrument within a minute
 * ```
 */
export function checkOrderRate(ctx: RiskCheckContext): RiskRejection | undefined {
  return ctx.guard.checkOrderRate(ctx.key, ctx.now)
}
