import { Decimal } from './Decimal.js'

/** decimal.js's digit base: each element of `d` holds 7 decimal digits. */
const BASE = 1e7
/** tradekit's Decimal precision (see Decimal.ts): a longer product or sum would be rounded by decimal.js. */
const PRECISION = 40
/** Most words handled here (operands of a few words: a cash balance, a quantity, a price). */
const MAX_WORDS = 12

/** decimal.js's own digit fields (documented read-only instance properties), written only on a fresh instance. */
interface Digits {
  s: number
  e: number
  d: number[]
}

/** Scratch words of the product and of the sum (reused: nothing allocated until the result's digits). */
const prod = new Float64Array(MAX_WORDS)
const out = new Float64Array(MAX_WORDS + 1)

/**
 * `sum.plus(qty.times(price))` digit for digit, for positive operands: the mark-to-market of a holding on every
 * candle. The product and the sum are computed on decimal.js's base-10^7 digits as its `times` and `plus` do, without
 * their argument copies and rounding passes; when decimal.js would round (a product or a sum of more than 40
 * significant digits), an operand is zero, negative or not finite, or the digits are longer than a few words, it
 * returns `sum.plus(qty.times(price))` itself.
 *
 * @example
 * ```ts
 * plusProduct(new Decimal('9876.5'), new Decimal('0.02345'), new Decimal('43123.45')).toString() // '10887.7449025'
 * ```
 */
export function plusProduct(sum: Decimal, qty: Decimal, price: Decimal): Decimal {
  const sd = sum.d
  const qd = qty.d
  const pd = price.d
  // tradekit's own constructor only: its precision is the one checked below.
  const own = sum.constructor === Decimal && qty.constructor === Decimal
  if (!own || sum.s !== 1 || qty.s !== 1 || price.s !== 1 || !sd || !qd || !pd || !sd[0] || !qd[0] || !pd[0])
    return sum.plus(qty.times(price))
  const nq = qd.length
  const np = pd.length
  const n = nq + np
  const ns = sd.length
  if (n > MAX_WORDS || ns > MAX_WORDS) return sum.plus(qty.times(price))
  // The product as decimal.js's times builds it: word 0 is the carry word, word j has exponent prodTop - j.
  for (let i = 0; i < n; i++) prod[i] = 0
  for (let i = np - 1; i >= 0; i--) {
    let carry = 0
    let k = nq + i
    const y = pd[i] as number
    for (; k > i; k--) {
      const t = (prod[k] as number) + y * (qd[k - i - 1] as number) + carry
      const c = Math.floor(t / BASE)
      prod[k] = t - c * BASE
      carry = c
    }
    prod[k] = carry
  }
  const pFirst = prod[0] === 0 ? 1 : 0
  if (digitsOf(prod, pFirst, n - 1) > PRECISION) return sum.plus(qty.times(price))
  const prodTop = Math.floor(qty.e / 7) + Math.floor(price.e / 7) + 1
  const sumTop = Math.floor(sum.e / 7)
  const top = Math.max(prodTop, sumTop) + 1 // a word for the carry
  const bottom = Math.min(prodTop - n + 1, sumTop - ns + 1)
  const len = top - bottom + 1
  if (len > MAX_WORDS + 1) return sum.plus(qty.times(price))
  let carry = 0
  for (let x = bottom; x <= top; x++) {
    const i = prodTop - x
    const j = sumTop - x
    const t = (i >= 0 && i < n ? (prod[i] as number) : 0) + (j >= 0 && j < ns ? (sd[j] as number) : 0) + carry
    carry = t >= BASE ? 1 : 0
    out[top - x] = t - carry * BASE
  }
  // decimal.js keeps no leading and no trailing zero words.
  let first = 0
  while (out[first] === 0) first++
  let last = len - 1
  while (out[last] === 0) last--
  if (digitsOf(out, first, last) > PRECISION) return sum.plus(qty.times(price))
  const d = words(out, first, last)
  // A fresh instance from the constructor (same shape as every Decimal), given these digits.
  const r = new Decimal(0) as Digits
  r.e = 7 * (top - first) + digitCount(d[0] as number) - 1
  r.d = d
  return r as Decimal
}

/** Significant digits of words `w[first..last]` (no leading zero word; the last word's trailing zeros not counted). */
function digitsOf(w: Float64Array, first: number, last: number): number {
  let l = last
  while (l > first && w[l] === 0) l--
  let tail = w[l] as number
  let trailing = 0
  while (tail !== 0 && tail % 10 === 0) {
    tail /= 10
    trailing++
  }
  return digitCount(w[first] as number) + 7 * (l - first) - trailing
}

/** Decimal digits of a word (1 to 7). */
function digitCount(w: number): number {
  return w < 10 ? 1 : w < 100 ? 2 : w < 1e3 ? 3 : w < 1e4 ? 4 : w < 1e5 ? 5 : w < 1e6 ? 6 : 7
}

/** Words `w[first..last]` as decimal.js keeps them: small integers, in an array of exactly their number. */
function words(w: Float64Array, first: number, last: number): number[] {
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
