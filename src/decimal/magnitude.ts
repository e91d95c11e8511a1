import type { Decimal } from './Decimal.js'

/**
 * `|x|` without a copy: `x` itself when it is not negative (decimal.js's `abs` always copies); the same value as
 * `x.abs()`, a −0 included (it becomes +0).
 *
 * @example
 * ```ts
 * magnitude(qty) === qty // true for a long position's quantity
 * ```
 */
export function magnitude(x: Decimal): Decimal {
  return x.isNegative() ? x.neg() : x
}
