import { Decimal } from './Decimal.js'
import { BASE, digitsOf, fromWords, MAX_WORDS, multiplyWords, PRECISION, SHORT } from './words.js'

/** Scratch words of the product and of the sum (reused: nothing allocated until the result's digits). */
const prod = new Float64Array(2 * MAX_WORDS)
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
  multiplyWords(qd, pd, prod)
  const pFirst = prod[0] === 0 ? 1 : 0
  if (n - 1 - pFirst >= SHORT && digitsOf(prod, pFirst, n - 1) > PRECISION) return sum.plus(qty.times(price))
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
  if (last - first >= SHORT && digitsOf(out, first, last) > PRECISION) return sum.plus(qty.times(price))
  return fromWords(1, top - first, out, first, last)
}
