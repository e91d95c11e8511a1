import { areOpposite, equalDecimals, withinPrecision } from './compareDecimals.js'
import { Decimal } from './Decimal.js'
import { sumOf } from './words.js'

const ZERO = /* @__PURE__ */ new Decimal(0)

/** Whether `x` is finite and not zero (decimal.js keeps no digits for ±Infinity and NaN, a 0 word for zero). */
const finiteNonZero = (x: Decimal): boolean => x.d !== null && x.d !== undefined && x.d[0] !== 0

/**
 * `x.plus(y)` without the copies decimal.js makes of a value the sum leaves as it is: `0 + y` is `y` itself and
 * `x + 0` is `x` (when it needs no rounding: at most 35 digits), and `x + (−x)` is +0 (tradekit rounds half-even, so
 * decimal.js's zero sum is +0 too). Always equal in value to `x.plus(y)`; a zero sum of zeros is left to decimal.js
 * (its sign).
 *
 * @example
 * ```ts
 * plus(ZERO, qty) === qty // true: no copy
 * ```
 */
export function plus(x: Decimal, y: Decimal): Decimal {
  if (finiteNonZero(y)) {
    if (x.isZero() && withinPrecision(y)) return y
  } else if (y.isZero() && finiteNonZero(x) && withinPrecision(x)) return x
  return areOpposite(x, y) ? ZERO : sumOf(x, y, 1)
}

/**
 * `x.minus(y)` without the copies decimal.js makes: `x − 0` is `x` itself (at most 35 digits) and `x − x` is +0.
 * Always equal in value to `x.minus(y)`.
 *
 * @example
 * ```ts
 * minus(qty, ZERO) === qty // true: no copy
 * ```
 */
export function minus(x: Decimal, y: Decimal): Decimal {
  if (finiteNonZero(x)) {
    if (y.isZero() && withinPrecision(x)) return x
    if (equalDecimals(x, y)) return ZERO
  }
  return sumOf(x, y, -1)
}
