import { plus } from '../../decimal/plusMinus.js'
import { RiskReason, type RiskRejection, rejection, str } from '../types.js'
import type { RiskCheckContext } from './RiskCheckContext.js'

/**
 * Free margin is above zero, after the margin of approved entries the snapshot does not list yet; for a spot or
 * outcome-token buy, its quote asset's free cash too (when the snapshot lists `freeCash`).
 *
 * @example
 * ```ts
 * checkMargin(ctx)?.code // 'INSUFFICIENT_MARGIN' when account.freeMargin is 0
 * ```
 */
export function checkMargin(ctx: RiskCheckContext): RiskRejection | undefined {
  if (!ctx.freeMargin.isZero() && !ctx.freeMargin.isNegative()) return undefined
  const cash = ctx.cashBound
  if (cash !== undefined) {
    const less =
      cash.reserved === undefined
        ? ''
        : ` less "${cash.reserved.toFixed()}" for approved entries not listed yet`
    return rejection(
      RiskReason.INSUFFICIENT_MARGIN,
      `Free "${cash.asset}" cash "${cash.free.toFixed()}"${less} is not above zero: a buy of "${ctx.inst.symbol}" pays in "${cash.asset}"`,
      {
        asset: cash.asset,
        freeCash: str(cash.free),
        ...(cash.reserved === undefined ? {} : { reservedCash: str(cash.reserved) }),
      },
    )
  }
  const reserved = ctx.reservedMargin
  if (reserved === undefined) {
    return rejection(
      RiskReason.INSUFFICIENT_MARGIN,
      `Free margin "${ctx.freeMargin.toFixed()}" is not above zero`,
      { freeMargin: str(ctx.freeMargin) },
    )
  }
  const free = plus(ctx.freeMargin, reserved) // the snapshot's
  return rejection(
    RiskReason.INSUFFICIENT_MARGIN,
    `Free margin "${free.toFixed()}" less "${reserved.toFixed()}" for approved entries not listed yet is not above zero`,
    { freeMargin: str(free), reservedMargin: str(reserved) },
  )
}
