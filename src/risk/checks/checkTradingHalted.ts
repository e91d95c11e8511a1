import { RiskReason, type RiskRejection, rejection, TradingState } from '../types.js'
import type { RiskCheckContext } from './RiskCheckContext.js'

/**
 * Global trading state HALTED (a breaker, the kill switch or the host): nothing is approved, exits included.
 *
 * @example
 * ```ts
 * checkTradingHalted(ctx)?.code // 'TRADING_HALTED' after risk.halt('maintenance')
 * ```
 */
export function checkTradingHalted(ctx: RiskCheckContext): RiskRejection | undefined {
  if (ctx.guard.stateAt(ctx.now) !== TradingState.HALTED) return undefined
  const s = ctx.guard.status()
  return rejection(RiskReason.TRADING_HALTED, `Trading is HALTED (${s.reason})`, {
    stateReason: s.reason,
    since: s.since,
    detail: s.detail ?? null,
  })
}
