import { describe, expect, it } from 'vitest'
import { SeededRandom } from '../core/random.js'
import { Decimal } from '../decimal/index.js'
import { decimalToNumber } from './decimalToNumber.js'

/** The shared seeded generator (mulberry32): the same cases on every run. */
function random(seed: number): () => number {
  const r = new SeededRandom(seed)
  return () => r.next()
}

/** A decimal string of 1–40 significant digits with up to 30 decimals, sometimes negative, sometimes huge or tiny. */
function decimalString(rnd: () => number): string {
  const digits = 1 + Math.floor(rnd() * 40)
  let s = ''
  for (let i = 0; i < digits; i++) s += String(Math.floor(rnd() * 10))
  const r = rnd()
  const point = Math.floor(rnd() * (digits + 1))
  let out =
    r < 0.8 ? `${s.slice(0, point) || '0'}.${s.slice(point) || '0'}` : `${s}e${Math.floor(rnd() * 80) - 40}`
  if (rnd() < 0.3) out = `-${out}`
  return out
}

describe('decimalToNumber', () => {
  it('is toNumber() exactly on 10⁴ random decimals (digits, scales, signs, exponents)', () => {
    const rnd = random(20)
    for (let i = 0; i < 10_000; i++) {
      const x = new Decimal(decimalString(rnd))
      expect(Object.is(decimalToNumber(x), x.toNumber()), x.toString()).toBe(true)
    }
  })

  it('is toNumber() exactly on equity-like sums: cash with fee decimals plus quantity × price', () => {
    const rnd = random(21)
    for (let i = 0; i < 10_000; i++) {
      const cash = new Decimal(Math.floor(rnd() * 1e15)).div(1e10)
      const qty = new Decimal(Math.floor(rnd() * 1e6)).div(1e5)
      const price = new Decimal(Math.floor(rnd() * 1e7)).div(100)
      const e = cash.plus(qty.times(price))
      expect(Object.is(decimalToNumber(e), e.toNumber()), e.toString()).toBe(true)
    }
  })

  it('is toNumber() exactly on 10⁴ values of 16–40 digits (more than a double holds) at exponents ±25', () => {
    const rnd = random(22)
    for (let i = 0; i < 10_000; i++) {
      const digits = 16 + Math.floor(rnd() * 25)
      let s = String(1 + Math.floor(rnd() * 9))
      for (let j = 1; j < digits; j++) s += String(Math.floor(rnd() * 10))
      const x = new Decimal(`${rnd() < 0.2 ? '-' : ''}${s}e${Math.floor(rnd() * 50) - 25 - digits + 1}`)
      expect(Object.is(decimalToNumber(x), x.toNumber()), x.toString()).toBe(true)
    }
  })

  it('is toNumber() exactly halfway between two doubles and a hair either side (ties to even)', () => {
    const rnd = random(23)
    for (let i = 0; i < 3000; i++) {
      const v = rnd() * 1e5 + 1
      const mid = new Decimal(v).plus(new Decimal(v + v * 2 ** -52)).div(2)
      for (const x of [mid, mid.plus('1e-30'), mid.minus('1e-30')])
        expect(Object.is(decimalToNumber(x), x.toNumber()), x.toString()).toBe(true)
    }
  })

  it('keeps zero, negative zero, the limits and non-finite values', () => {
    for (const s of [
      '0',
      '-0',
      '1e-400',
      '9.999e400',
      '1e308',
      '1.7976931348623157e308',
      '5e-324',
      '2e-324',
    ]) {
      const x = new Decimal(s)
      expect(Object.is(decimalToNumber(x), x.toNumber()), s).toBe(true)
    }
    for (const v of [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN]) {
      const x = new Decimal(v)
      expect(Object.is(decimalToNumber(x), x.toNumber()), String(v)).toBe(true)
    }
    for (const v of [1, 10, 1e7, 12_345_670, 2 ** 53, 2 ** 53 + 2, 0.1, 123.456]) {
      const x = new Decimal(v)
      expect(Object.is(decimalToNumber(x), x.toNumber()), String(v)).toBe(true)
    }
  })
})
