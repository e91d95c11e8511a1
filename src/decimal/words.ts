import { Decimal } from './Decimal.js'

/** decimal.js's digit base: each element of `d` holds 7 decimal digits. */
export const BASE = 1e7
/** tradekit's Decimal precision (see Decimal.ts): a longer result would be rounded by decimal.js. */
export const PRECISION = 40
/** Most words of an operand handled here (a cash balance, a quantity, a price: a few words each). */
export const MAX_WORDS = 12
/** Most words whose digits cannot pass the precision (5 × 7 = 35 < 40): no need to count them. */
export const SHORT = 5
/** Exponents beyond this are left to decimal.js (its range checks, far from any amount of money). */
const MAX_EXPONENT = 1e6

/** decimal.js's own digit fields (documented read-only instance properties), written only on a fresh instance. */
interface Digits {
  s: number
  e: number
  d: number[]
}

/** Scratch words of a sum and of a product (reused: nothing is allocated until the result's digits). */
const scratch = new Float64Array(2 * MAX_WORDS + 2)

/**
 * Whether `x` is finite, non-zero, of at most {@link MAX_WORDS} words and of an ordinary exponent: an operand the word
 * arithmetic here takes (anything else goes to decimal.js).
 */
function isWordOperand(x: Decimal): boolean {
  const d = x.d
  return (
    d !== null &&
    d !== undefined &&
    d[0] !== 0 &&
    d.length <= MAX_WORDS &&
    x.e < MAX_EXPONENT &&
    x.e > -MAX_EXPONENT
  )
}

/**
 * `x + y` (`ySign` 1) or `x − y` (`ySign` −1), digit for digit what decimal.js's `plus` and `minus` return, without
 * their argument copy and rounding pass: the words are added (or subtracted) exactly, as scaled integers. A zero
 * result, a result of more than 40 significant digits (decimal.js would round it), or an operand that is zero, not
 * finite, long or of another Decimal constructor is left to decimal.js.
 *
 * @example
 * ```ts
 * sumOf(new Decimal('999999999800.205'), new Decimal('200.01'), -1).toString() // '999999999600.195'
 * ```
 */
export function sumOf(x: Decimal, y: Decimal, ySign: 1 | -1): Decimal {
  if (x.constructor !== Decimal || !isWordOperand(x) || !isWordOperand(y))
    return ySign === 1 ? x.plus(y) : x.minus(y)
  const xd = x.d
  const yd = y.d
  const nx = xd.length
  const ny = yd.length
  const xTop = Math.floor(x.e / 7)
  const yTop = Math.floor(y.e / 7)
  // Word k of the scratch has exponent top − k (base 10^7); word 0 takes the carry.
  const top = Math.max(xTop, yTop) + 1
  const len = top - Math.min(xTop - nx + 1, yTop - ny + 1) + 1
  if (len > scratch.length) return ySign === 1 ? x.plus(y) : x.minus(y)
  const w = scratch
  for (let k = 0; k < len; k++) w[k] = 0
  const ox = top - xTop
  for (let i = 0; i < nx; i++) w[ox + i] = xd[i] as number
  const oy = top - yTop
  const dir = x.s === y.s * ySign ? 1 : -1 // add the magnitudes, or subtract |y| from |x|
  for (let j = 0; j < ny; j++) w[oy + j] = (w[oy + j] as number) + dir * (yd[j] as number)
  // Each word back into 0 ≤ word < 10^7, carrying (or borrowing) from the end.
  let carry = 0
  for (let k = len - 1; k >= 0; k--) {
    const t = (w[k] as number) + carry
    carry = t >= BASE ? 1 : t < 0 ? -1 : 0
    w[k] = t - carry * BASE
  }
  let s = x.s
  if (carry < 0) {
    // |y| > |x|: the words hold 10^(7·len) − |x − y|; the magnitude is their complement, of the other sign.
    s = -s
    let borrow = 0
    for (let k = len - 1; k >= 0; k--) {
      const t = -(w[k] as number) - borrow
      borrow = t < 0 ? 1 : 0
      w[k] = t + borrow * BASE
    }
  }
  let first = 0
  while (first < len && w[first] === 0) first++
  if (first === len) return ySign === 1 ? x.plus(y) : x.minus(y) // a zero: its sign is decimal.js's to decide
  let last = len - 1
  while (w[last] === 0) last--
  if (last - first >= SHORT && digitsOf(w, first, last) > PRECISION)
    return ySign === 1 ? x.plus(y) : x.minus(y)
  return fromWords(s, top - first, w, first, last)
}

/**
 * `x × y`, digit for digit what decimal.js's `times` returns, without its argument copy and rounding pass: the words
 * are multiplied exactly. A result of more than 40 significant digits, or an operand that is zero, not finite, long
 * or of another Decimal constructor, is left to decimal.js.
 *
 * @example
 * ```ts
 * productOf(new Decimal('20000'), new Decimal('0.01')).toString() // '200'
 * ```
 */
export function productOf(x: Decimal, y: Decimal): Decimal {
  if (x.constructor !== Decimal || !isWordOperand(x) || !isWordOperand(y)) return x.times(y)
  const w = scratch
  const n = multiplyWords(x.d, y.d, w)
  const first = w[0] === 0 ? 1 : 0
  let last = n - 1
  while (w[last] === 0) last--
  if (last - first >= SHORT && digitsOf(w, first, last) > PRECISION) return x.times(y)
  return fromWords(x.s * y.s, Math.floor(x.e / 7) + Math.floor(y.e / 7) + 1 - first, w, first, last)
}

/**
 * Multiplies word arrays as decimal.js's `times` does, into `out` (word 0 is the carry word, words of exponent
 * `top(a) + top(b) + 1` downwards); returns the product's length in words.
 */
export function multiplyWords(a: readonly number[], b: readonly number[], out: Float64Array): number {
  const na = a.length
  const nb = b.length
  const n = na + nb
  for (let k = 0; k < n; k++) out[k] = 0
  for (let i = nb - 1; i >= 0; i--) {
    let carry = 0
    let k = na + i
    const y = b[i] as number
    for (; k > i; k--) {
      const t = (out[k] as number) + y * (a[k - i - 1] as number) + carry
      const c = Math.floor(t / BASE)
      out[k] = t - c * BASE
      carry = c
    }
    out[k] = carry
  }
  return n
}

/**
 * A fresh Decimal of sign `s` from words `w[first..last]` (no leading or trailing zero word), `w[first]` of exponent
 * `topExp` (base 10^7): the same shape as every Decimal (made by its constructor), given these digits.
 */
export function fromWords(s: number, topExp: number, w: Float64Array, first: number, last: number): Decimal {
  const d = wordsOf(w, first, last)
  const r = new Decimal(0) as Digits
  r.s = s
  r.e = 7 * topExp + digitCount(d[0] as number) - 1
  r.d = d
  return r as Decimal
}

/** Significant digits of words `w[first..last]` (no leading zero word; the last word's trailing zeros not counted). */
export function digitsOf(w: Float64Array, first: number, last: number): number {
  let l = last
  while (l > first && w[l] === 0) l--
  let tail = (w[l] as number) | 0 // an integer: its remainder is not a floating-point one
  let trailing = 0
  while (tail !== 0 && tail % 10 === 0) {
    tail = (tail / 10) | 0
    trailing++
  }
  return digitCount(w[first] as number) + 7 * (l - first) - trailing
}

/** Decimal digits of a word (1 to 7). */
export function digitCount(w: number): number {
  return w < 10 ? 1 : w < 100 ? 2 : w < 1e3 ? 3 : w < 1e4 ? 4 : w < 1e5 ? 5 : w < 1e6 ? 6 : 7
}

/**
 * Words `w[first..last]` as decimal.js keeps them: small integers, in an array of exactly their number (up to five;
 * an array grown by `push` reserves 17 slots, and a Decimal's digits live as long as the Decimal: 184 bytes for a
 * one-word value instead of 56).
 */
export function wordsOf(w: Float64Array, first: number, last: number): number[] {
  const a = w[first] as number
  switch (last - first) {
    case 0:
      return [a | 0]
    case 1:
      return [a | 0, (w[first + 1] as number) | 0]
    case 2:
      return [a | 0, (w[first + 1] as number) | 0, (w[first + 2] as number) | 0]
    case 3:
      return [a | 0, (w[first + 1] as number) | 0, (w[first + 2] as number) | 0, (w[first + 3] as number) | 0]
    case 4:
      return [
        a | 0,
        (w[first + 1] as number) | 0,
        (w[first + 2] as number) | 0,
        (w[first + 3] as number) | 0,
        (w[first + 4] as number) | 0,
      ]
  }
  const d: number[] = []
  for (let i = first; i <= last; i++) d.push((w[i] as number) | 0)
  return d
}
