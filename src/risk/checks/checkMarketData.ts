import { RiskReason, type RiskRejection, rejection } from '../types.js'
import type { RiskCheckContext } from './RiskCheckContext.js'

/**
 * The latest price is positive and fresh: not older than `maxDataAgeMs`, not more than `maxClockSkewMs` ahead.
 *
 * @example
 * ```ts
 * checkMarketData(ctx)?.code // 'STALE_MARKET_DATA' for a price 6 s old (default max 5 s)
 * ```
 */
export function checkMarketData(ctx: RiskCheckContext): RiskRejection | undefined {
  const price = ctx.price()
  if (!price.ok) return price.error
  const ts = ctx.market.priceTs
  if (typeof ts !== 'number' || !Number.isFinite(ts)) {
    return rejection(RiskReason.INVALID_INPUT, `Invalid price time "${String(ts)}"`, { field: 'priceTs' })
  }
  const { maxDataAgeMs, maxClockSkewMs } = ctx.cfg
  const age = ctx.now - ts
  if (age <= maxDataAgeMs && -age <= maxClockSkewMs) return undefined
  return rejection(RiskReason.STALE_MARKET_DATA, `Price is ${age} ms old (max ${maxDataAgeMs} ms)`, {
    ageMs: age,
    maxDataAgeMs,
    maxClockSkewMs,
    priceTs: ts,
    now: ctx.now,
  })
}
