import { greaterThan, lessThan } from '../../decimal/compareDecimals.js'
import { positive } from '../sizing.js'
import { RiskReason, type RiskRejection, rejection, str } from '../types.js'
import type { RiskCheckContext } from './RiskCheckContext.js'

/**
 * A take-profit, when given, is positive and on the winning side of the entry; with `requireTakeProfit` one is needed.
 *
 * @example
 * ```ts
 * checkTakeProfit(ctx)?.code // 'TAKE_PROFIT_WRONG_SIDE' for a BUY at 100 taking profit at 99
 * ```
 */
export function checkTakeProfit(ctx: RiskCheckContext): RiskRejection | undefined {
  const given = ctx.signal.takeProfitPrice
  if (given === undefined) {
    return ctx.cfg.requireTakeProfit
      ? rejection(RiskReason.MISSING_TAKE_PROFIT, 'A take-profit is required')
      : undefined
  }
  const tp = positive('takeProfitPrice', given)
  if (!tp.ok) return tp.error
  const entryR = ctx.entry()
  const choice = ctx.stop()
  if (!entryR.ok) return entryR.error
  const entry = entryR.value
  const long = ctx.long
  if (long ? greaterThan(tp.value, entry) : lessThan(tp.value, entry)) return undefined
  const hasStop = choice.ok && choice.value.stop !== undefined
  return rejection(
    RiskReason.TAKE_PROFIT_WRONG_SIDE,
    hasStop
      ? `Take-profit "${tp.value.toFixed()}" is not ${long ? 'above' : 'below'} entry "${entry.toFixed()}"`
      : `Take-profit "${tp.value.toFixed()}" is on the wrong side`,
    { entryPrice: str(entry), takeProfitPrice: str(tp.value), side: ctx.side },
  )
}
