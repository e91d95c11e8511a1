import type { RiskRejection } from '../types.js'
import type { RiskCheckContext } from './RiskCheckContext.js'

/**
 * A LIMIT entry has a positive limit price that does not round to zero on the tick (MARKET entries use the price).
 *
 * @example
 * ```ts
 * checkEntryPrice(ctx)?.code // 'INVALID_INPUT' for a LIMIT signal without limitPrice
 * ```
 */
export function checkEntryPrice(ctx: RiskCheckContext): RiskRejection | undefined {
  const r = ctx.entry()
  return r.ok ? undefined : r.error
}
