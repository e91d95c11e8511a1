import { RiskReason, type RiskRejection, rejection } from '../types.js'
import type { RiskCheckContext } from './RiskCheckContext.js'

/**
 * A new instrument may not push the open positions (plus instruments with pending entries) to `maxOpenPositions`.
 *
 * @example
 * ```ts
 * checkMaxOpenPositions(ctx)?.code // 'MAX_OPEN_POSITIONS' with 10 positions open elsewhere (default max 10)
 * ```
 */
export function checkMaxOpenPositions(ctx: RiskCheckContext): RiskRejection | undefined {
  const { totalOpen, hasPosition, entryOrdersHere } = ctx.exposure()
  const max = ctx.cfg.maxOpenPositions
  if (hasPosition || entryOrdersHere > 0 || totalOpen < max) return undefined
  return rejection(RiskReason.MAX_OPEN_POSITIONS, `${totalOpen} positions open (max ${max})`, {
    openPositions: totalOpen,
    maxOpenPositions: max,
  })
}
