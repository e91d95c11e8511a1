import { describe, expect, it } from 'vitest'
import { SeededRandom } from '../core/random.js'
import { Decimal } from './Decimal.js'
import { plusProduct } from './plusProduct.js'

/** The shared seeded generator (mulberry32): the same cases on every run. */
function random(seed: number): () => number {
  const r = new SeededRandom(seed)
  return () => r.next()
}

/** A decimal of 1–`maxDigits` random digits (zeros frequent) whose first digit has an exponent in [minExp, maxExp]. */
function decimalOf(rnd: () => number, maxDigits: number, minExp: number, maxExp: number): Decimal {
  const digits = 1 + Math.floor(rnd() * maxDigits)
  let s = String(1 + Math.floor(rnd() * 9))
  for (let i = 1; i < digits; i++) s += String(rnd() < 0.25 ? 0 : Math.floor(rnd() * 10))
  const exp = minExp + Math.floor(rnd() * (maxExp - minExp + 1))
  return new Decimal(`${s}e${exp - digits + 1}`)
}

/** `plusProduct` against decimal.js: the same sign, exponent, base-10^7 words and text. */
function expectSame(sum: Decimal, qty: Decimal, price: Decimal): void {
  const got = plusProduct(sum, qty, price)
  const want = sum.plus(qty.times(price))
  const fields = (x: Decimal) => ({ s: x.s, e: x.e, d: x.d === null ? null : [...x.d], str: x.toString() })
  expect(fields(got), `${sum} + ${qty} × ${price}`).toEqual(fields(want))
}

describe('plusProduct: sum.plus(qty.times(price)), digit for digit', () => {
  it('on 10⁴ equity-like cases: cash with fee decimals + quantity at step size × price (tick-size or full-precision)', () => {
    const rnd = random(2020)
    for (let i = 0; i < 10_000; i++) {
      const cash = new Decimal(1 + Math.floor(rnd() * 1e16)).div(10 ** Math.floor(rnd() * 12))
      const qty = new Decimal(1 + Math.floor(rnd() * 1e8)).div(10 ** Math.floor(rnd() * 9))
      const price =
        rnd() < 0.5
          ? new Decimal(1 + Math.floor(rnd() * 1e9)).div(10 ** Math.floor(rnd() * 9))
          : new Decimal(rnd() * 10 ** Math.floor(rnd() * 7))
      if (!price.isZero()) expectSame(cash, qty, price)
    }
  })

  it('on 10⁴ cases of any magnitude, 1–30 digits each (products and sums past 40 digits: decimal.js rounds them)', () => {
    const rnd = random(2021)
    for (let i = 0; i < 10_000; i++)
      expectSame(decimalOf(rnd, 30, -30, 30), decimalOf(rnd, 22, -25, 25), decimalOf(rnd, 22, -25, 25))
  })

  it('leaves zero, negative and non-finite operands to decimal.js', () => {
    const values = ['0', '-0', '-12.5', '12.5', '0.0000001', '9999999.9999999', 'Infinity', '-Infinity']
    for (const a of values)
      for (const b of values)
        for (const c of values) {
          const [x, y, z] = [new Decimal(a), new Decimal(b), new Decimal(c)]
          expect(plusProduct(x, y, z).toString(), `${a} + ${b} × ${c}`).toBe(x.plus(y.times(z)).toString())
        }
    expect(plusProduct(new Decimal(1), new Decimal(Number.NaN), new Decimal(2)).isNaN()).toBe(true)
  })

  it('computes exactly across word boundaries and carries', () => {
    const cases: Array<[string, string, string]> = [
      ['9999999.9999999', '1', '0.0000001'],
      ['0.0000001', '9999999', '9999999'],
      ['1', '0.5', '0.5'],
      ['99999999999999', '99999999999999', '99999999999999'],
      ['1e-20', '3', '7e-21'],
      ['12345678901234567890.1234567890123456789', '1', '1e-19'],
      ['1e30', '1', '1e-10'],
    ]
    for (const [a, b, c] of cases) expectSame(new Decimal(a), new Decimal(b), new Decimal(c))
  })
})
