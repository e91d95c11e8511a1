import { withinPrecision } from '../../decimal/compareDecimals.js'
import { Decimal } from '../../decimal/index.js'
import { product } from '../../decimal/product.js'

/**
 * The price a market order fills at without a book: `last × factor` (1 ± the fallback slippage) rounded half-up to
 * `tickSize`, at least one tick. A tick of 10^-k (0.01, 0.5 is not one) rounds to k decimal places: the same value as
 * `÷ tick, round, × tick` without the division, while the price has no more digits than the precision.
 *
 * @example
 * ```ts
 * fallbackFillPrice(new Decimal('100.004'), new Decimal('1.0005'), new Decimal('0.01')) // 100.05
 * ```
 */
export function fallbackFillPrice(last: Decimal, factor: Decimal, tickSize: Decimal): Decimal {
  const price = product(last, factor)
  const places = decimalPlacesOfPowerOfTen(tickSize)
  const rounded =
    places !== undefined && withinPrecision(price)
      ? price.toDecimalPlaces(places, Decimal.ROUND_HALF_UP)
      : price.div(tickSize).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).times(tickSize)
  return rounded.gt(0) ? rounded : tickSize
}

/** k when `tick` is 10^-k (k ≥ 0), else undefined. Reads decimal.js's digits: one word that is a power of ten. */
function decimalPlacesOfPowerOfTen(tick: Decimal): number | undefined {
  const d = tick.d
  if (tick.s !== 1 || d === null || d === undefined || d.length !== 1 || tick.e > 0) return undefined
  const w = d[0] as number
  // The single word holds 10^j (its other digits are zero): the value is 10^e.
  return w === 1 || w === 10 || w === 100 || w === 1e3 || w === 1e4 || w === 1e5 || w === 1e6
    ? -tick.e
    : undefined
}
