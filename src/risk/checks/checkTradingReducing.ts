import { RiskReason, type RiskRejection, rejection, StateChangeReason, TradingState } from '../types.js'
import type { RiskCheckContext } from './RiskCheckContext.js'

/**
 * Global trading state REDUCING: entries are denied (`COOLDOWN` during a losing-streak cooldown), exits pass.
 *
 * @example
 * ```ts
 * checkTradingReducing(ctx)?.code // 'TRADING_REDUCING' after risk.guard.reduce('news')
 * ```
 */
export function checkTradingReducing(ctx: RiskCheckContext): RiskRejection | undefined {
  if (ctx.guard.stateAt(ctx.now) !== TradingState.REDUCING) return undefined
  const s = ctx.guard.status()
  const cooldown = s.reason === StateChangeReason.CONSECUTIVE_LOSSES && s.cooldownUntil !== undefined
  return rejection(
    cooldown ? RiskReason.COOLDOWN : RiskReason.TRADING_REDUCING,
    cooldown
      ? `Entries paused after ${s.consecutiveLosses} losses in a row`
      : `Trading is REDUCING (${s.reason}): only exits are allowed`,
    {
      stateReason: s.reason,
      since: s.since,
      cooldownUntil: s.cooldownUntil ?? null,
      consecutiveLosses: s.consecutiveLosses,
    },
  )
}
