import { compareDecimals } from '../decimal/compareDecimals.js'
import type { Decimal } from '../decimal/index.js'
import { type BigScaled, fromScaled, pow10, type Scaled, toScaled } from '../decimal/scaled.js'
import type { RawSize } from './RawSize.js'

const MAX = Number.MAX_SAFE_INTEGER
const MAX_BIG = BigInt(MAX)

/**
 * 10^0 … 10^400 as bigints: the exponent differences bigints take on. Values further apart (a hostile 1e-9000000
 * beside a price) are left to decimal.js, which would otherwise make this build a bigint of millions of digits.
 */
const POW10_BIG = Array.from({ length: 401 }, (_, i) => 10n ** BigInt(i))

/**
 * The sign of `left − right` (both ≥ 0) when decimal.js's 40-digit arithmetic is sure to find the same: `undefined`
 * when they are equal or differ by less than 10^-35 of the larger (a 40-digit quotient or product, rounded twice, is
 * within 10^-39 of the exact one, so only such a near tie could come out another way).
 */
function clearSign(left: bigint, right: bigint): number | undefined {
  if (left === right) return undefined
  const gap = left > right ? left - right : right - left
  const larger = left > right ? left : right
  if (gap * POW10_BIG[35]! <= larger) return undefined
  return left > right ? 1 : -1
}

/**
 * {@link clearSign} of `left × 10^lp` and `right × 10^rp` (both ≥ 0); `undefined` as well when their exponents
 * are more than 400 apart (see `POW10_BIG`).
 */
function clearSignAt(left: bigint, lp: number, right: bigint, rp: number): number | undefined {
  const scale = POW10_BIG[lp > rp ? lp - rp : rp - lp]
  if (scale === undefined) return undefined
  return lp > rp ? clearSign(left * scale, right) : clearSign(left, right * scale)
}

/** The decimal digits of a positive safe integer (at most 16). */
function digitCount(n: number): number {
  let digits = 1
  while (digits < 16 && n >= (pow10(digits) as number)) digits++
  return digits
}

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
  return quotientCellOf(toScaled(limit), toScaled(price), k)
}

/** {@link quotientCell} of values already read as scaled integers (`undefined`: a value that does not fit). */
export function quotientCellOf(
  l: Scaled | undefined,
  p: Scaled | undefined,
  k: number,
): QuotientCell | undefined {
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
    const unit = 10 ** (40 - digitCount(n)) // the gaps in units of 10^-k, times 10^(40 − D), against den
    if (r * unit <= 20 * den || (den - r) * unit <= 20 * den) return undefined
  }
  return { n, exact: r === 0, k }
}

/**
 * {@link quotientCellOf} of values read as bigints (up to 140 digits, see `toBigScaled`): the same cell, declined in
 * the same cases, where a safe integer could not hold a value or a scaled product.
 *
 * @example
 * ```ts
 * quotientCellOfBig(toBigScaled(new Decimal('12345.671234567891')), toBigScaled(new Decimal('64123.45')), 5)
 * // { n: 19252, exact: false, k: 5 }
 * ```
 */
export function quotientCellOfBig(
  l: BigScaled | undefined,
  p: BigScaled | undefined,
  k: number,
): QuotientCell | undefined {
  if (l === undefined || p === undefined || l.m <= 0n || p.m <= 0n) return undefined
  const shift = l.p + k - p.p
  const scale = POW10_BIG[shift < 0 ? -shift : shift]
  if (scale === undefined) return undefined
  const num = shift >= 0 ? l.m * scale : l.m
  const den = shift >= 0 ? p.m : p.m * scale
  const q = num / den // floor: both positive
  const r = num - q * den
  if (q < 1n || q > MAX_BIG) return undefined
  const n = Number(q)
  if (r !== 0n) {
    // As in quotientCellOf, in exact integers: both gaps to the cell's edges must exceed 20 units of the 40th digit.
    const unit = POW10_BIG[40 - digitCount(n)] as bigint
    if (r * unit <= 20n * den || (den - r) * unit <= 20n * den) return undefined
  }
  return { n, exact: r === 0n, k }
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
  return compareCellTo(cell, toScaled(v))
}

/** {@link compareCell} with `v` already read as a scaled integer (`undefined`: it does not fit). */
export function compareCellTo(cell: QuotientCell, s: Scaled | undefined): number | undefined {
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

/**
 * The sign of `n × 10^-k × price − v` (`n` ≥ 0 a safe integer, `price` > 0), exact in scaled integers; `undefined`
 * when a value does not fit a safe integer (then the caller multiplies the Decimals). The product of two values of at
 * most 16 digits has at most 32, so decimal.js's 40-digit product is exact too and compares the same.
 *
 * @example
 * ```ts
 * compareGridProduct(78124, 5, new Decimal('64000.25'), new Decimal(50000)) // -1 (0.78124 × 64000.25 < 50000)
 * ```
 */
export function compareGridProduct(n: number, k: number, price: Decimal, v: Decimal): number | undefined {
  return gridProductSign(n, k, toScaled(price), toScaled(v))
}

/** {@link compareGridProduct} of values already read as scaled integers (`undefined`: a value that does not fit). */
export function gridProductSign(
  n: number,
  k: number,
  sp: Scaled | undefined,
  sv: Scaled | undefined,
): number | undefined {
  if (sp === undefined || sv === undefined || sp.m <= 0 || n < 0) return undefined
  let left = n * sp.m
  let right = sv.m
  const lp = sp.p - k
  if (lp > sv.p) {
    const scale = pow10(lp - sv.p)
    if (scale === undefined) return undefined
    left *= scale
  } else if (sv.p > lp) {
    const scale = pow10(sv.p - lp)
    if (scale === undefined) return undefined
    right *= scale
  }
  // A product above 2^53 is not exact: its double is at least 2^53, so it is caught here.
  if (left > MAX || right > MAX || right < -MAX) return undefined
  return left > right ? 1 : left < right ? -1 : 0
}

/**
 * {@link gridProductSign} of values read as bigints (up to 140 digits): the sign of `n × 10^-k × price − v`,
 * `undefined` for a tie or a near tie (see `clearSign`: decimal.js's 40-digit product of long values might round
 * across it, or onto `v`), which the caller's Decimals decide.
 *
 * @example
 * ```ts
 * const [price, v] = [new Decimal('64123.45'), new Decimal('12345.671234567891')].map(toBigScaled)
 * gridProductSignBig(19252, 5, price, v) // -1: 0.19252 × 64123.45 < 12345.671234567891
 * ```
 */
export function gridProductSignBig(
  n: number,
  k: number,
  sp: BigScaled | undefined,
  sv: BigScaled | undefined,
): number | undefined {
  if (sp === undefined || sv === undefined || sp.m <= 0n || n < 0) return undefined
  if (sv.m < 0n) return 1 // n × 10^-k × price ≥ 0 > v
  return clearSignAt(BigInt(n) * sp.m, sp.p - k, sv.m, sv.p)
}

/**
 * The sign of `a × b − c × d` (all > 0), exact in scaled integers; `undefined` when a product does not fit a safe
 * integer, or when the two are equal (then a 40-digit quotient times a price may round either way: the caller
 * computes it as before). Decides `raw × price > cap` for `raw = num ÷ den` as `num × price > cap × den`.
 *
 * @example
 * ```ts
 * compareProducts(new Decimal(800), new Decimal('64000.25'), new Decimal(50000), new Decimal(640)) // 1
 * ```
 */
export function compareProducts(a: Decimal, b: Decimal, c: Decimal, d: Decimal): number | undefined {
  return productsSign(toScaled(a), toScaled(b), toScaled(c), toScaled(d))
}

/** {@link compareProducts} of values already read as scaled integers (`undefined`: a value that does not fit). */
export function productsSign(
  sa: Scaled | undefined,
  sb: Scaled | undefined,
  sc: Scaled | undefined,
  sd: Scaled | undefined,
): number | undefined {
  if (sa === undefined || sb === undefined || sc === undefined || sd === undefined) return undefined
  if (sa.m <= 0 || sb.m <= 0 || sc.m <= 0 || sd.m <= 0) return undefined
  let left = sa.m * sb.m
  let right = sc.m * sd.m
  const lp = sa.p + sb.p
  const rp = sc.p + sd.p
  if (lp > rp) {
    const scale = pow10(lp - rp)
    if (scale === undefined) return undefined
    left *= scale
  } else if (rp > lp) {
    const scale = pow10(rp - lp)
    if (scale === undefined) return undefined
    right *= scale
  }
  // A product above 2^53 is not exact: its double is at least 2^53, so it is caught here.
  if (left > MAX || right > MAX || left === right) return undefined
  return left > right ? 1 : -1
}

/**
 * {@link productsSign} of values read as bigints (up to 140 digits): the sign of `a × b − c × d` (all > 0),
 * `undefined` when the two are equal or a near tie (see `clearSign`), as the caller's 40-digit Decimals decide those.
 *
 * @example
 * ```ts
 * const big = (v: string) => toBigScaled(new Decimal(v))
 * const [num, price, cap, den] = ['12345.671234567891', '64123.45', '50000', '96'].map(big)
 * productsSignBig(num, price, cap, den) // 1: num × price > cap × den
 * ```
 */
export function productsSignBig(
  sa: BigScaled | undefined,
  sb: BigScaled | undefined,
  sc: BigScaled | undefined,
  sd: BigScaled | undefined,
): number | undefined {
  if (sa === undefined || sb === undefined || sc === undefined || sd === undefined) return undefined
  if (sa.m <= 0n || sb.m <= 0n || sc.m <= 0n || sd.m <= 0n) return undefined
  return clearSignAt(sa.m * sb.m, sa.p + sb.p, sc.m * sd.m, sc.p + sd.p)
}

/**
 * The size being capped: a Decimal, or a quotient known only by its {@link QuotientCell} until a comparison the cell
 * cannot decide (or a message) needs the divided Decimal, which its {@link RawSize} then computes exactly as before.
 *
 * @example
 * ```ts
 * const size = GridQuantity.quotient(cell, new RawSize(limit, price))
 * if (size.compare(step) < 0) reject(size.decimal())
 * ```
 */
export class GridQuantity {
  #qty: Decimal | undefined
  #cell: QuotientCell | undefined
  #quotient: RawSize | undefined

  private constructor(qty: Decimal | undefined, cell: QuotientCell | undefined, quotient?: RawSize) {
    this.#qty = qty
    this.#cell = cell
    this.#quotient = quotient
  }

  /** A size that is a Decimal already. */
  static of(qty: Decimal): GridQuantity {
    return new GridQuantity(qty, undefined)
  }

  /** The quotient `quotient.value` (divided on first read), placed in `cell`. */
  static quotient(cell: QuotientCell, quotient: RawSize): GridQuantity {
    return new GridQuantity(undefined, cell, quotient)
  }

  /** The cell, while the size is still known by it alone. */
  get cell(): QuotientCell | undefined {
    return this.#cell
  }

  /** The size as a Decimal (divided now if it was a cell). */
  decimal(): Decimal {
    if (this.#qty === undefined) {
      this.#qty = (this.#quotient as RawSize).value
      this.#cell = undefined
    }
    return this.#qty
  }

  /** The sign of `size − v` (`scaled`: `v` already read as a scaled integer, when the caller has it). */
  compare(v: Decimal, scaled?: Scaled): number {
    if (this.#cell !== undefined) {
      const sign = compareCellTo(this.#cell, scaled ?? toScaled(v))
      if (sign !== undefined) return sign
    }
    return compareDecimals(this.decimal(), v)
  }
}

/**
 * `roundToIncrement(v, step, 'DOWN', origin)` (`v` ≥ `origin` ≥ 0, `step` > 0) in exact scaled integers:
 * `floor((v − origin) ÷ step) × step + origin`; `undefined` when a value does not fit a safe integer (then the caller
 * rounds with Decimals). Equal to the Decimal rounding: the quotient of two safe integers is never within the 40th
 * digit's rounding of an integer it is not.
 *
 * @example
 * ```ts
 * floorToStep(new Decimal('0.1'), new Decimal('0.01'), new Decimal('0.005'))?.toString() // '0.095'
 * ```
 */
export function floorToStep(v: Decimal, step: Decimal, origin?: Decimal): Decimal | undefined {
  const sv = toScaled(v)
  const ss = toScaled(step)
  const so = origin === undefined ? { m: 0, p: 0 } : toScaled(origin)
  if (sv === undefined || ss === undefined || so === undefined || ss.m <= 0 || sv.m <= 0 || so.m < 0)
    return undefined
  // One exponent for the three: the smallest (zero counts as any).
  let p = sv.p < ss.p ? sv.p : ss.p
  if (so.m !== 0 && so.p < p) p = so.p
  const a = atExponent(sv.m, sv.p, p)
  const s = atExponent(ss.m, ss.p, p)
  const o = so.m === 0 ? 0 : atExponent(so.m, so.p, p)
  if (a === undefined || s === undefined || o === undefined || a < o) return undefined
  const rest = a - o
  const r = o + (rest - (rest % s)) // exact: every term is a safe integer below `a`
  return r > 0 ? fromScaled(r, p) : undefined
}

/** `m × 10^(from − to)` as a safe integer (`from` ≥ `to`), or undefined. */
function atExponent(m: number, from: number, to: number): number | undefined {
  const scale = pow10(from - to)
  if (scale === undefined) return undefined
  const x = m * scale
  return x > MAX ? undefined : x
}
