import type { Decimal } from './Decimal.js'

/**
 * `x.cmp(y)` without the copy decimal.js makes of its argument on every comparison (a constructor call and an array
 * copy): the same sign, exponent and digit walk on the two values as they are. NaN and ±Infinity go to decimal.js.
 * For hot paths (sizing, fills), where comparisons of two Decimals are most of the work.
 *
 * @example
 * ```ts
 * compareDecimals(new Decimal('1.5'), new Decimal('2')) // -1
 * ```
 */
export function compareDecimals(x: Decimal, y: Decimal): number {
  const xd = x.d
  const yd = y.d
  if (!xd || !yd) return x.cmp(y)
  const xs = x.s
  const ys = y.s
  // Either zero?
  if (!xd[0] || !yd[0]) return xd[0] ? xs : yd[0] ? -ys : 0
  if (xs !== ys) return xs
  if (x.e !== y.e) return x.e > y.e !== xs < 0 ? 1 : -1
  const xdL = xd.length
  const ydL = yd.length
  for (let i = 0, j = xdL < ydL ? xdL : ydL; i < j; ++i) {
    const a = xd[i] as number
    const b = yd[i] as number
    if (a !== b) return a > b !== xs < 0 ? 1 : -1
  }
  return xdL === ydL ? 0 : xdL > ydL !== xs < 0 ? 1 : -1
}

/** `x < y` for two Decimals (see {@link compareDecimals}). */
export function lessThan(x: Decimal, y: Decimal): boolean {
  return compareDecimals(x, y) < 0
}

/** `x > y` for two Decimals (see {@link compareDecimals}). */
export function greaterThan(x: Decimal, y: Decimal): boolean {
  return compareDecimals(x, y) > 0
}

/** `x == y` for two Decimals (see {@link compareDecimals}). */
export function equalDecimals(x: Decimal, y: Decimal): boolean {
  return compareDecimals(x, y) === 0
}

/** `x > 0` without building a Decimal zero (NaN: false, +Infinity: true, like `x.gt(0)`). */
export function isAboveZero(x: Decimal): boolean {
  return x.s === 1 && x.d?.[0] !== 0
}

/** Finite and above zero (`x.isFinite() && x.gt(0)` without building a Decimal zero). */
export function isFinitePositive(x: Decimal): boolean {
  return x.isFinite() && isAboveZero(x)
}

/**
 * Whether `x` has at most 35 significant digits (5 limbs of 7), so decimal.js's rounding of a result to 40 digits
 * leaves it as it is: `x + 0`, `x − 0` and `x × 1` are then `x` itself, and a hot path may skip them.
 */
export function withinPrecision(x: Decimal): boolean {
  return (x.d?.length ?? 6) <= 5
}

/** Whether `x = −y`, both finite and non-zero (`x.plus(y)` is then +0), without building `−y`. */
export function areOpposite(x: Decimal, y: Decimal): boolean {
  const xd = x.d
  const yd = y.d
  if (!xd || !yd || !xd[0] || !yd[0] || x.s !== -y.s || x.e !== y.e || xd.length !== yd.length) return false
  for (let i = 0; i < xd.length; i++) if (xd[i] !== yd[i]) return false
  return true
}

/**
 * Whether `x × y` is exact at decimal.js's 40 digits, `x.sd() + y.sd() <= 40`: from the limbs first (7 digits each at
 * most), walking the digits only when they might not fit.
 */
export function productFits(x: Decimal, y: Decimal): boolean {
  const a = x.d?.length
  const b = y.d?.length
  if (a !== undefined && b !== undefined && (a + b) * 7 <= 40) return true
  return x.sd() + y.sd() <= 40
}
