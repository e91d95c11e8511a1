import { isAboveZero, lessThan } from '../decimal/compareDecimals.js'
import type { Decimal } from '../decimal/index.js'
import type { Instrument } from './types.js'

/**
 * Whether no order on `inst` can have quantity `qty` (either sign): less than one step, or less than its `minQty`.
 * Zero is below it too.
 *
 * @example
 * ```ts
 * belowOrderMinimum(new Decimal('0.00000889'), btcusdt) // true: a step and minQty of 0.00001
 * ```
 */
export function belowOrderMinimum(
  qty: Decimal,
  inst: Pick<Instrument, 'stepSize'> & { readonly minQty?: Decimal | undefined },
): boolean {
  const abs = qty.isNegative() ? qty.abs() : qty // no copy of a quantity already positive
  // compareDecimals, not lt/gt: decimal.js copies (or parses) its argument on every comparison.
  if (lessThan(abs, inst.stepSize)) return true
  const min = inst.minQty
  return min !== undefined && isAboveZero(min) && lessThan(abs, min)
}

/**
 * Whether a position of `qty` on `inst` is dust: a spot or outcome-token holding, not flat, but less than one step of
 * the instrument, so no order can sell it (what Binance spot leaves after an exit when a buy's fee was taken in the
 * base asset: the exit sells whole steps). It is not an open position: a `Portfolio` lists it only in `position()`,
 * flagged `dust`. A holding of whole steps below `minQty` is not dust (a later buy makes it sellable, and on Polymarket
 * `minQty` is the market's minimum order size: shares a strategy must still see). A perpetual position is never dust:
 * it holds margin and its PnL moves with the price, however small it is.
 *
 * @example
 * ```ts
 * isDust(new Decimal('0.00000889'), btcusdt) // true
 * isDust(new Decimal(0), btcusdt) // false: flat
 * ```
 */
export function isDust(qty: Decimal, inst: Pick<Instrument, 'stepSize' | 'kind'>): boolean {
  if (inst.kind === 'perpetual' || qty.isZero()) return false
  return lessThan(qty.isNegative() ? qty.abs() : qty, inst.stepSize)
}
