import { describe, expect, it } from 'vitest'
import { SeededRandom } from '../core/random.js'
import { Decimal } from './Decimal.js'
import { randomDecimal } from './randomDecimal.js'
import { productOf, sumOf } from './words.js'

const SPECIAL = ['0', '-0', 'NaN', 'Infinity', '-Infinity'].map((v) => new Decimal(v))

/**
 * A random operand: decimals of 1–50 digits (some beyond the precision) at exponents from 10^-30 to 10^30 (so word
 * alignments, carries across words and operands far apart all occur), sometimes −x, x, a special or a long integer.
 */
function operand(r: SeededRandom, other: Decimal | undefined): Decimal {
  const u = r.next()
  if (other !== undefined && u < 0.1) return other.neg() // x − x, x + (−x)
  if (other !== undefined && u < 0.15) return other
  if (other?.d?.[0] && u < 0.25) return other.plus(new Decimal(`1e${other.e - r.int(0, 45)}`)) // borrows
  if (u < 0.3) return SPECIAL[r.int(0, SPECIAL.length - 1)] as Decimal
  const x =
    u < 0.4
      ? new Decimal(`${'9'.repeat(r.int(1, 30))}e${r.int(-10, 10)}`)
      : randomDecimal(r, r.int(1, 50), -30, 30)
  return r.next() < 0.5 ? x.neg() : x
}

/** A decimal.js value's digits, exponent and sign (so a zero's sign counts), and its constructor. */
const key = (a: Decimal) => JSON.stringify({ s: a.s, e: a.e, d: a.d, own: a.constructor === Decimal })

describe('sumOf and productOf: decimal.js digit for digit', () => {
  it('sumOf(x, y, ±1) equals x.plus(y) and x.minus(y) on 10^4 random pairs', () => {
    const r = new SeededRandom(7)
    let exact = 0
    for (let i = 0; i < 10_000; i++) {
      const x = operand(r, undefined)
      const y = operand(r, x)
      expect(key(sumOf(x, y, 1)), `${x} + ${y}`).toBe(key(x.plus(y)))
      expect(key(sumOf(x, y, -1)), `${x} − ${y}`).toBe(key(x.minus(y)))
      if (x.d?.[0] && y.d?.[0] && x.plus(y).sd() <= 40) exact++
    }
    expect(exact).toBeGreaterThan(3000) // most pairs take the word path, not decimal.js's
  })

  it('productOf(x, y) equals x.times(y) on 10^4 random pairs', () => {
    const r = new SeededRandom(8)
    for (let i = 0; i < 10_000; i++) {
      const x = operand(r, undefined)
      const y = r.next() < 0.5 ? operand(r, x) : randomDecimal(r, r.int(1, 8), -8, 8)
      expect(key(productOf(x, y)), `${x} × ${y}`).toBe(key(x.times(y)))
    }
  })

  it('carries and borrows across every word', () => {
    const cases: [string, string][] = [
      ['9999999.9999999', '0.0000001'],
      ['99999999999999', '1'],
      ['10000000000000', '-1'],
      ['1', '-1e-39'],
      ['1e7', '-1e-33'],
      ['-0.5', '0.50000001'],
      ['123456789.123456789', '-123456789.123456788'],
    ]
    for (const [a, b] of cases) {
      const [x, y] = [new Decimal(a), new Decimal(b)]
      expect(key(sumOf(x, y, 1)), `${a} + ${b}`).toBe(key(x.plus(y)))
      expect(key(sumOf(y, x, -1)), `${b} − ${a}`).toBe(key(y.minus(x)))
      expect(key(productOf(x, y)), `${a} × ${b}`).toBe(key(x.times(y)))
    }
  })

  it("leaves another constructor's values to decimal.js (its precision)", () => {
    const Short = Decimal.clone({ precision: 5 })
    const x = new Short('1.23456')
    const y = new Decimal('1.1')
    expect(sumOf(x, y, 1).toString()).toBe(x.plus(y).toString())
    expect(productOf(x, y).toString()).toBe('1.358')
  })
})
