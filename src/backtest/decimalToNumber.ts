import type { Decimal } from '../decimal/index.js'
import { productError } from '../decimal/productError.js'

/** 10^0 … 10^22: every one an exact double. */
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i)
/** 2^53: below it every integer is an exact double. */
const EXACT_INTEGERS = 2 ** 53

/**
 * `d.toNumber()` without building the decimal string: a value of at most 15–16 significant digits whose power of
 * ten is within 10^±22 is its digits as an exact integer, multiplied or divided once by an exact power of ten: one
 * correctly rounded operation, the very double the string would parse to (Clinger's fast path). A longer value is
 * summed exactly enough in two doubles to know which double it rounds to (see `longDigits`); what that cannot decide
 * (within 2^-96 of halfway between two doubles) is parsed from its digits, and what is not finite goes through
 * `toNumber()`. Reads decimal.js's documented digit representation: `d` (base 10^7 words, the first without leading
 * zeros), `e` (exponent of the first digit), `s`.
 */
export function decimalToNumber(x: Decimal): number {
  const d = x.d
  if (d === null || d === undefined || d.length === 0 || !Number.isFinite(x.e)) return x.toNumber()
  const n = d.length
  const first = d[0] as number
  if (first === 0) return x.s < 0 ? -0 : 0
  // Digits of the first word (1-7), then 7 per word; the last word's trailing zeros are dropped.
  let digits =
    first < 10
      ? 1
      : first < 100
        ? 2
        : first < 1e3
          ? 3
          : first < 1e4
            ? 4
            : first < 1e5
              ? 5
              : first < 1e6
                ? 6
                : 7
  let m: number
  if (n === 1) {
    m = first
    while (m % 10 === 0) {
      m /= 10
      digits--
    }
  } else {
    m = first
    for (let i = 1; i < n - 1; i++) m = m * 1e7 + (d[i] as number)
    let last = d[n - 1] as number
    let width = 7
    while (last % 10 === 0) {
      last /= 10
      width--
    }
    m = m * POW10[width]! + last
    digits += 7 * (n - 2) + width
  }
  const k = x.e - digits + 1
  // Not below 2^53 (some partial sum may have rounded) or no exact power of ten: more digits than a double holds.
  if (!(m < EXACT_INTEGERS) || k > 22 || k < -22) {
    const v = longDigits(d, x.e)
    if (v === undefined) return parsed(d, x.e, x.s)
    return x.s < 0 ? -v : v
  }
  const v = k >= 0 ? m * POW10[k]! : m / POW10[-k]!
  return x.s < 0 ? -v : v
}

/** 10^-p as two doubles whose exact sum is within 2^-104 × 10^-p of it, p = 0 … 60 (computed once, exactly). */
const NEG_POW10 = Array.from({ length: 61 }, (_, p) => negPow10(p))
const NEG_HI = Float64Array.from(NEG_POW10, ([hi]) => hi)
const NEG_LO = Float64Array.from(NEG_POW10, ([, lo]) => lo)
const bits = new DataView(new ArrayBuffer(8))

/**
 * The correctly rounded double of the positive digits `d` (up to 8 words) at exponent `e`, from a double-double sum
 * of its 14-digit word pairs times powers of ten (error below 2^-96 of the value): the double nearest to that sum is
 * returned only when the sum is farther than the error from halfway between two doubles, so it is the one the
 * digits round to; `undefined` otherwise (or out of range), for the string parse to decide.
 */
function longDigits(d: readonly number[], e: number): number | undefined {
  const n = d.length
  if (n > 8) return undefined
  const top = Math.floor(e / 7) // word exponent of d[0]: word i is worth d[i] × 10^(7 × (top - i))
  let hi = 0
  let lo = 0
  for (let i = 0; i < n; i += 2) {
    const pair = i + 1 < n
    const a = pair ? (d[i] as number) * 1e7 + (d[i + 1] as number) : (d[i] as number)
    const p = 7 * (top - i - (pair ? 1 : 0))
    if (p > 22 || p < -60) return undefined
    const ph = p >= 0 ? (POW10[p] as number) : (NEG_HI[-p] as number)
    const pl = p >= 0 ? 0 : (NEG_LO[-p] as number)
    // a × ph exactly as prod + err (Dekker), then a × pl (already ~2^-53 of the term).
    const prod = a * ph
    const err = productError(a, ph, prod) + a * pl
    // hi + prod exactly as sum + carry (Knuth's two-sum).
    const sum = hi + prod
    const back = sum - hi
    lo += hi - (sum - back) + (prod - back) + err
    hi = sum
  }
  const r = hi + lo
  const back = r - hi
  const t = hi - (r - back) + (lo - back) // hi + lo = r + t exactly
  bits.setFloat64(0, r)
  const exp = (bits.getUint16(0) >> 4) & 0x7ff
  if (exp === 0 || exp === 0x7ff) return undefined
  const ulp = 2 ** (exp - 1075)
  const powerOfTwo = (bits.getUint32(0) & 0xfffff) === 0 && bits.getUint32(4) === 0
  const margin = r * 2 ** -96
  const half = t >= 0 || !powerOfTwo ? ulp / 2 : ulp / 4
  return Math.abs(t) + margin < half ? r : undefined
}

/** 10^-p as [hi, lo]: hi the double nearest to it, lo the rest to 2^-104 (from exact integers). */
function negPow10(p: number): readonly [number, number] {
  if (p === 0) return [1, 0]
  const hi = Number(`1e-${p}`)
  // hi = m × 2^q exactly, m a 53-bit integer.
  let q = Math.floor(Math.log2(hi)) - 52
  if (hi / 2 ** q >= EXACT_INTEGERS) q++
  else if (hi / 2 ** q < EXACT_INTEGERS / 2) q--
  const m = BigInt(hi / 2 ** q)
  // 10^-p - hi = (2^-q - m × 10^p) / (10^p × 2^-q), scaled by 2^120 to keep 53 bits in the integer quotient.
  const ten = 10n ** BigInt(p)
  const num = (1n << BigInt(-q)) - m * ten
  return [hi, Number((num << 120n) / ten) * 2 ** (q - 120)]
}

/** The value of digits `d` (base 10^7 words), exponent `e` and sign `s`, parsed from `<digits>e<exponent>`. */
function parsed(d: readonly number[], e: number, s: number): number {
  let str = String(d[0])
  for (let i = 1; i < d.length; i++) str += String(1e7 + (d[i] as number)).slice(1)
  const v = Number(`${str}e${e - str.length + 1}`)
  return s < 0 ? -v : v
}
