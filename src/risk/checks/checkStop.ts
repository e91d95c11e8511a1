import { greaterThan, lessThan } from '../../decimal/compareDecimals.js'
import { RiskReason, type RiskRejection, rejection, str } from '../types.js'
import type { RiskCheckContext } from './RiskCheckContext.js'

/**
 * An entry has a stop (given, or `atrStopMultiplier × ATR` away) when `requireStop` or fixed-fractional sizing needs
 * one, and the stop lies on the losing side of the entry.
 *
 * @example
 * ```ts
 * checkStop(ctx)?.code // 'STOP_WRONG_SIDE' for a BUY at 100 with its stop at 101
 * ```
 */
export function checkStop(ctx: RiskCheckContext): RiskRejection | undefined {
  const choice = ctx.stop()
  if (!choice.ok) return choice.error
  const { stop } = choice.value
  if (stop === undefined) {
    if (ctx.cfg.requireStop || ctx.sizing().method === 'fixedFractional') {
      return rejection(RiskReason.MISSING_STOP, 'No stop given and no ATR to derive one', {
        requireStop: true,
      })
    }
    return undefined
  }
  const entry = ctx.entry()
  if (!entry.ok) return entry.error
  const long = ctx.long
  if (long ? lessThan(stop, entry.value) : greaterThan(stop, entry.value)) return undefined
  return rejection(
    RiskReason.STOP_WRONG_SIDE,
    `Stop "${stop.toFixed()}" is not ${long ? 'below' : 'above'} entry "${entry.value.toFixed()}"`,
    { entryPrice: str(entry.value), stopPrice: str(stop), side: ctx.side },
  )
}
