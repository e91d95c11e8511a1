import type { Decimal } from '../decimal/index.js'

/** 10^0 … 10^22: every one an exact double. */
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i)
/** 2^53: below it every integer is an exact double. */
const EXACT_INTEGERS = 2 ** 53

/**
 * `d.toNumber()` without building the decimal string: a value of at most 15–16 significant digits whose power of
 * ten is within 10^±22 is its digits as an exact integer, multiplied or divided once by an exact power of ten: one
 * correctly rounded operation, the very double the string would parse to (Clinger's fast path). Any other value
 * (more digits, a larger exponent, not finite) goes through `toNumber()`. Reads decimal.js's documented digit
 * representation: `d` (base 10^7 words, the first without leading zeros), `e` (exponent of the first digit), `s`.
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
  // Not below 2^53 (some partial sum may have rounded) or no exact power of ten: the digits parsed as a string.
  if (!(m < EXACT_INTEGERS) || k > 22 || k < -22) return parsed(d, x.e, x.s)
  const v = k >= 0 ? m * POW10[k]! : m / POW10[-k]!
  return x.s < 0 ? -v : v
}

/** The value of digits `d` (base 10^7 words), exponent `e` and sign `s`, parsed from `<digits>e<exponent>`. */
function parsed(d: readonly number[], e: number, s: number): number {
  let str = String(d[0])
  for (let i = 1; i < d.length; i++) str += String(1e7 + (d[i] as number)).slice(1)
  const v = Number(`${str}e${e - str.length + 1}`)
  return s < 0 ? -v : v
}
