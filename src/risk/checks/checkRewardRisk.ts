import { lessThan } from '../../decimal/compareDecimals.js'
import { magnitude } from '../../decimal/magnitude.js'
import { toScaled } from '../../decimal/scaled.js'
import { ONE_SCALED, rewardBelowRiskOf } from '../rewardBelowRisk.js'
import { positive } from '../sizing.js'
import { RiskReason, type RiskRejection, rejection, str } from '../types.js'
import type { RiskCheckContext } from './RiskCheckContext.js'

/**
 * With a stop and a take-profit, reward:risk (take-profit distance ÷ stop distance) is at least `minRewardRisk`.
 *
 * @example
 * ```ts
 * checkRewardRisk(ctx)?.code // 'REWARD_RISK_TOO_LOW' for a 2.00 stop and a 1.00 target (default min 1)
 * ```
 */
export function checkRewardRisk(ctx: RiskCheckContext): RiskRejection | undefined {
  const min = ctx.cfg.minRewardRisk
  const choice = ctx.stop()
  const entryR = ctx.entry()
  if (min <= 0 || ctx.signal.takeProfitPrice === undefined) return undefined
  const tp = positive('takeProfitPrice', ctx.signal.takeProfitPrice)
  const distance = ctx.stopDistance()
  if (!choice.ok || !entryR.ok || !tp.ok || choice.value.stop === undefined || distance === undefined)
    return undefined
  const entry = entryR.value
  const minRewardRisk = min === 1 ? undefined : ctx.limits.minRewardRisk
  const scaledMin = minRewardRisk === undefined ? ONE_SCALED : ctx.limits.minRewardRiskScaled
  const below = rewardBelowRiskOf(toScaled(tp.value), ctx.entryScaled(), ctx.stopDistanceScaled(), scaledMin)
  if (below === false) return undefined
  const diff = tp.value.minus(entry)
  const reward = magnitude(diff)
  const minRisk = minRewardRisk === undefined ? distance : distance.times(minRewardRisk) // × 1 is exact: skip it
  if (!lessThan(reward, minRisk)) return undefined
  return rejection(
    RiskReason.REWARD_RISK_TOO_LOW,
    `Reward:risk "${reward.div(distance).toFixed(4)}" is below ${min}`,
    {
      reward: str(reward),
      risk: str(distance),
      rewardRisk: str(reward.div(distance)),
      minRewardRisk: min,
    },
  )
}
