import { RiskReason, type RiskRejection, rejection } from '../types.js'
import type { RiskCheckContext } from './RiskCheckContext.js'

/**
 * The position plus open entry orders on this instrument stay below `maxPositionsPerInstrument` (1: no pyramiding).
 *
 * @example
 * ```ts
 * checkMaxPositionsPerInstrument(ctx)?.code // 'MAX_POSITIONS_PER_INSTRUMENT' when already long (default max 1)
 * ```
 */
export function checkMaxPositionsPerInstrument(ctx: RiskCheckContext): RiskRejection | undefined {
  const { hasPosition, entryOrdersHere } = ctx.exposure()
  const max = ctx.cfg.maxPositionsPerInstrument
  const here = (hasPosition ? 1 : 0) + entryOrdersHere
  if (here < max) return undefined
  return rejection(
    RiskReason.MAX_POSITIONS_PER_INSTRUMENT,
    `${here} positions/entries on "${ctx.key}" (max ${max})`,
    {
      onInstrument: here,
      maxPositionsPerInstrument: max,
    },
  )
}
