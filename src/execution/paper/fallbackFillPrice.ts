import { Decimal } from '../../decimal/index.js'

/**
 * The price a market order fills at without a book: `last × factor` (1 ± the fallback slippage) rounded half-up to
 * `tickSize`, at least one tick.
 *
 * @example
 * ```ts
 * fallbackFillPrice(new Decimal('100.004'), new Decimal('1.0005'), new Decimal('0.01')) // 100.05
 * ```
 */
export function fallbackFillPrice(last: Decimal, factor: Decimal, tickSize: Decimal): Decimal {
  const rounded = last.times(factor).div(tickSize).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).times(tickSize)
  return rounded.gt(0) ? rounded : tickSize
}
