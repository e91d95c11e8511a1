import type { Decimal } from '../decimal/index.js'
import { pow10, toScaled } from '../decimal/scaled.js'

const MAX = Number.MAX_SAFE_INTEGER

/**
 * Where the 40-digit quotient `limit.div(price)` falls on the grid of `10^-k`, found with exact scaled integers instead
 * of the division: it lies in `[n, n + 1) × 10^-k`, and is `n × 10^-k` exactly when `exact`. Sizing needs no more
 * than that to round it down to the step, compare it with step-aligned limits and tell whether rounding changed it.
 */
export interface QuotientCell {
  /** `floor(limit × 10^k ÷ price)`, ≥ 1. */
  readonly n: number
  /** The quotient is exactly `n × 10^-k` (no remainder). */
  readonly exact: boolean
  readonly k: number
}

/**
 * The {@link QuotientCell} of `limit ÷ price` (both > 0) on the grid of `10^-k`, or `undefined` when the scaled path
 * does not apply: a value with more than a safe integer's digits, a quotient below `10^-k`, or a remainder so close to
 * a grid line that decimal.js's rounding at the 40th digit could land on it (then the caller divides as before).
 *
 * @example
 * ```ts
 * quotientCell(new Decimal('50000'), new Decimal('64000.25'), 5) // { n: 78124, exact: false, k: 5 }
 * ```
 */
export function quotientCell(limit: Decimal, price: Decimal, k: number): QuotientCell | undefined {
  const l = toScaled(limit)
  const p = toScaled(price)
  if (l === undefined || p === undefined || l.m <= 0 || p.m <= 0) return undefined
  // limit × 10^k ÷ price = num ÷ den, both safe integers.
  const shift = l.p + k - p.p
  const scale = pow10(shift < 0 ? -shift : shift)
  if (scale === undefined) return undefined
  const num = shift >= 0 ? l.m * scale : l.m
  const den = shift >= 0 ? p.m : p.m * scale
  if (num > MAX || den > MAX) return undefined
  const r = num % den // exact: fmod of two doubles is exact
  const n = (num - r) / den // exact: an integer multiple of den
  if (n < 1) return undefined
  if (r !== 0) {
    // The 40-digit quotient is within half a unit of its 40th digit, at most 10^(D − k − 40) with D the digits of n,
    // of the true one. It stays strictly inside the cell when both gaps exceed that (here with a margin of 20).
    let digits = 1
    while (digits < 16 && n >= (pow10(digits) as number)) digits++
    const unit = 10 ** (40 - digits) // the gaps in units of 10^-k, times 10^(40 − D), against den
    if (r * unit <= 20 * den || (den - r) * unit <= 20 * den) return undefined
  }
  return { n, exact: r === 0, k }
}

/**
 * The sign of `q − v`, `q` the quotient of `cell` and `v` ≥ 0 on its grid; `undefined` when `v` is off the grid of
 * `10^-k` or too large for a safe integer (then the caller compares the divided Decimal).
 *
 * @example
 * ```ts
 * compareCell({ n: 78124, exact: false, k: 5 }, new Decimal('0.00001')) // 1
 * ```
 */
export function compareCell(cell: QuotientCell, v: Decimal): number | undefined {
  const s = toScaled(v)
  if (s === undefined || s.m < 0) return undefined
  if (s.m === 0) return 1
  const up = s.p + cell.k
  if (up < 0) return undefined // finer than the grid
  const scale = pow10(up)
  if (scale === undefined) return undefined
  const vk = s.m * scale
  if (vk > MAX) return undefined
  if (vk < cell.n) return 1
  if (vk > cell.n) return -1
  return cell.exact ? 0 : 1
}
