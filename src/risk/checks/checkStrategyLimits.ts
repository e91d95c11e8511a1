import { readDecimal } from '../sizing.js'
import { RiskReason, type RiskRejection, rejection } from '../types.js'
import type { RiskCheckContext } from './RiskCheckContext.js'

/**
 * The signal's strategy stays within its own limits (`strategyLimits[strategyId]`): a new instrument may not push
 * its open positions to `maxOpenPositions`. Needs the snapshot's `strategyPositions`, each readable, when the strategy
 * is limited.
 *
 * @example
 * ```ts
 * checkStrategyLimits(ctx)?.code // 'MAX_OPEN_POSITIONS' when 'ema' already holds its 2 (strategyLimits.ema.maxOpenPositions 2)
 * ```
 */
export function checkStrategyLimits(ctx: RiskCheckContext): RiskRejection | undefined {
  const strategyId = ctx.signal.strategyId
  const limits = ctx.cfg.strategyLimits[strategyId]
  if (limits === undefined) return undefined
  const own = ctx.account.strategyPositions
  if (own === undefined) {
    return rejection(
      RiskReason.INVALID_INPUT,
      `Limits of strategy "${strategyId}" need its positions (AccountSnapshot.strategyPositions)`,
      { strategyId },
    )
  }
  for (const p of own) {
    if (readDecimal(p.qty) === undefined) {
      return rejection(RiskReason.INVALID_INPUT, `Invalid strategy position qty "${String(p.qty)}"`, {
        strategyId,
        symbol: p.symbol,
      })
    }
  }
  const max = limits.maxOpenPositions
  if (max === undefined) return undefined
  const open = own.filter((p) => !p.qty.isZero())
  const here = open.some((p) => p.venue === ctx.inst.venue && p.symbol === ctx.inst.symbol)
  if (here || open.length < max) return undefined
  return rejection(
    RiskReason.MAX_OPEN_POSITIONS,
    `Strategy "${strategyId}" holds ${open.length} positions (max ${max})`,
    {
      strategyId,
      openPositions: open.length,
      maxOpenPositions: max,
    },
  )
}
