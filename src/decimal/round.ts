import type { Decimal as DecimalJs } from 'decimal.js'
import { ValidationError } from '../errors/index.js'
import { Decimal, type DecimalLike } from './Decimal.js'
import { toDecimal } from './parse.js'

/** Direction used by {@link roundToIncrement}. */
export const RoundingMode = {
  /** Toward zero for positive values: a quantity never exceeds what was allowed. */
  DOWN: 'DOWN',
  /** Away from zero for positive values. */
  UP: 'UP',
  /** To the nearest multiple, ties away from zero. */
  NEAREST: 'NEAREST',
} as const
/** Union of {@link RoundingMode} values. */
export type RoundingMode = (typeof RoundingMode)[keyof typeof RoundingMode]

// Pure, so that a bundle that does not round drops it (and decimal.js with it).
const DECIMAL_MODE: Record<RoundingMode, DecimalJs.Rounding> = /* @__PURE__ */ (() => ({
  DOWN: Decimal.ROUND_FLOOR,
  UP: Decimal.ROUND_CEIL,
  NEAREST: Decimal.ROUND_HALF_UP,
}))()

/**
 * Rounds `value` to a multiple of `increment` (measured from `origin`, default 0), in exact decimal arithmetic.
 * DOWN and UP are floor and ceiling: DOWN never returns more than the input, UP never less.
 * Binance futures measure tick and step from `minPrice`/`minQty`; pass that as `origin`.
 *
 * @example
 * ```ts
 * roundToIncrement('101.237', '0.01', 'DOWN').toString() // '101.23'
 * ```
 */
export function roundToIncrement(
  value: DecimalLike,
  increment: DecimalLike,
  mode: RoundingMode,
  origin?: DecimalLike,
): Decimal {
  const v = toDecimal(value, { field: 'value' })
  const inc = toDecimal(increment, { field: 'increment' })
  if (inc.isNegative() || inc.isZero()) {
    throw new ValidationError(`Invalid increment "${inc.toString()}": must be greater than 0`, {
      field: 'increment',
    })
  }
  if (origin === undefined) return v.div(inc).toDecimalPlaces(0, DECIMAL_MODE[mode]).times(inc)
  const o = toDecimal(origin, { field: 'origin' })
  return v.minus(o).div(inc).toDecimalPlaces(0, DECIMAL_MODE[mode]).times(inc).plus(o)
}

/**
 * Rounds a price to the instrument's tick with an explicit mode. See {@link roundPriceForSide} for order prices.
 *
 * @example
 * ```ts
 * roundToTick('101.237', '0.01', 'NEAREST') // 101.24
 * roundToTick('101.237', '0.01', 'DOWN')    // 101.23
 * ```
 */
export function roundToTick(
  price: DecimalLike,
  tickSize: DecimalLike,
  mode: RoundingMode,
  origin?: DecimalLike,
): Decimal {
  return roundToIncrement(price, tickSize, mode, origin)
}

/**
 * Rounds a quantity down to the instrument's step: an order never exceeds what risk allowed.
 *
 * @example
 * ```ts
 * roundToStep('0.0123456', '0.00001') // 0.01234
 * ```
 */
export function roundToStep(qty: DecimalLike, stepSize: DecimalLike, origin?: DecimalLike): Decimal {
  return roundToIncrement(qty, stepSize, 'DOWN', origin)
}

/**
 * Rounds a limit price to the tick so it is never more aggressive than asked: a BUY rounds down, a SELL rounds up.
 *
 * @example
 * ```ts
 * roundPriceForSide('101.239', '0.01', 'BUY')  // 101.23
 * roundPriceForSide('101.231', '0.01', 'SELL') // 101.24
 * ```
 */
export function roundPriceForSide(
  price: DecimalLike,
  tickSize: DecimalLike,
  side: 'BUY' | 'SELL',
  origin?: DecimalLike,
): Decimal {
  return roundToIncrement(price, tickSize, side === 'BUY' ? 'DOWN' : 'UP', origin)
}

/**
 * Number of decimal places in an increment such as `"0.00100000"` (→ 3).
 *
 * @example
 * ```ts
 * decimalPlaces('0.00100000') // 3
 * ```
 */
export function decimalPlaces(increment: DecimalLike): number {
  return toDecimal(increment).decimalPlaces()
}

/**
 * Formats a decimal the way exchanges expect: plain notation, no exponent, no float noise, no trailing zeros
 * (or exactly `places` decimals when given, rounding toward zero).
 *
 * @example
 * ```ts
 * formatDecimal(new Decimal('1e-7'))  // '0.0000001'
 * formatDecimal('101.239', 2)         // '101.23'
 * ```
 */
export function formatDecimal(value: DecimalLike, places?: number): string {
  const d = toDecimal(value)
  if (places === undefined) return d.toFixed()
  if (!Number.isInteger(places) || places < 0) {
    throw new ValidationError(`Invalid decimal places "${places}"`, { field: 'places' })
  }
  return d.toFixed(places, Decimal.ROUND_DOWN)
}

/**
 * True when `value` is an exact multiple of `increment` measured from `origin`.
 *
 * @example
 * ```ts
 * isMultipleOf('101.25', '0.05') // true
 * isMultipleOf('101.26', '0.05') // false
 * ```
 */
export function isMultipleOf(value: DecimalLike, increment: DecimalLike, origin: DecimalLike = 0): boolean {
  const inc = toDecimal(increment)
  if (inc.lte(0)) return false
  return toDecimal(value).minus(toDecimal(origin)).mod(inc).isZero()
}
