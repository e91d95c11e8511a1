import { lessThan } from '../../decimal/compareDecimals.js'
import type { Scaled } from '../../decimal/scaled.js'
import { productsSign } from '../quotientCell.js'
import { RiskReason, type RiskRejection, rejection, str } from '../types.js'
import type { RiskCheckContext } from './RiskCheckContext.js'

const ONE: Scaled = { m: 1, p: 0 }

/**
 * The stop is at least `minStopDistanceFraction × entry` and `minStopTicks × tick` away from the entry.
 *
 * @example
 * ```ts
 * checkStopDistance(ctx)?.code // 'STOP_TOO_TIGHT' for a stop 0.01 below a 100 entry
 * ```
 */
export function checkStopDistance(ctx: RiskCheckContext): RiskRejection | undefined {
  const choice = ctx.stop()
  const entryR = ctx.entry()
  const distance = ctx.stopDistance()
  if (!choice.ok || !entryR.ok || choice.value.stop === undefined || distance === undefined) return undefined
  const stop = choice.value.stop
  const entry = entryR.value
  const fraction = ctx.limits.minStopFraction
  const minByTicks = ctx.minStopByTicks()
  // distance < entry × fraction, decided on exact scaled-integer products when they fit (the Decimal product then
  // is exact too), else on the Decimal product.
  const byProducts = productsSign(
    ctx.stopDistanceScaled(),
    ONE,
    ctx.entryScaled(),
    ctx.limits.minStopFractionScaled,
  )
  const belowFraction = byProducts !== undefined ? byProducts < 0 : lessThan(distance, entry.times(fraction))
  if (!belowFraction && !lessThan(distance, minByTicks)) return undefined
  const minByFraction = entry.times(fraction)
  return rejection(RiskReason.STOP_TOO_TIGHT, `Stop distance "${distance.toFixed()}" is below the minimum`, {
    entryPrice: str(entry),
    stopPrice: str(stop),
    stopDistance: str(distance),
    stopDistanceFraction: str(distance.div(entry)),
    minStopDistanceFraction: ctx.cfg.minStopDistanceFraction,
    minStopDistance: str(minByFraction),
    minStopTicks: ctx.cfg.minStopTicks,
    tickSize: str(ctx.tick),
  })
}
