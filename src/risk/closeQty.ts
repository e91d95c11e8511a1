import { belowOrderMinimum } from '../core/dust.js'
import type { Instrument } from '../core/types.js'
import { isAboveZero } from '../decimal/compareDecimals.js'
import { Decimal, roundToIncrement } from '../decimal/index.js'
import { floorToStep } from './quotientCell.js'

const ZERO = new Decimal(0)

/**
 * The quantity a closing order (an EXIT, a kill-switch flatten) can send for `qty` of a position: rounded down to the
 * step measured from `minQty`, as entries are (`capQuantity`) and as Binance checks LOT_SIZE
 * (`(qty − minQty) % stepSize == 0`); zero when less than `minQty` (or one step) is left.
 *
 * @example
 * ```ts
 * closeQty(new Decimal('0.1'), { stepSize: new Decimal('0.01'), minQty: new Decimal('0.005') }) // 0.095
 * ```
 */
export function closeQty(
  qty: Decimal,
  inst: Pick<Instrument, 'stepSize'> & { readonly minQty?: Decimal | undefined },
): Decimal {
  if (belowOrderMinimum(qty, inst)) return ZERO
  const abs = qty.isNegative() ? qty.abs() : qty // no copy of a quantity already positive
  const min = inst.minQty !== undefined && isAboveZero(inst.minQty) ? inst.minQty : undefined
  // Exact scaled integers when every value fits one (issue 20), else the Decimal rounding: the same quantity.
  return floorToStep(abs, inst.stepSize, min) ?? roundToIncrement(abs, inst.stepSize, 'DOWN', min)
}
