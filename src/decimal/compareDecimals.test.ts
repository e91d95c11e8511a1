import { describe, expect, it } from 'vitest'
import { SeededRandom } from '../core/random.js'
import {
  areOpposite,
  compareDecimals,
  equalDecimals,
  greaterThan,
  isAboveZero,
  lessThan,
  productFits,
} from './compareDecimals.js'
import { Decimal } from './Decimal.js'

function randomDecimal(rng: SeededRandom): Decimal {
  const r = () => rng.next()
  const digits = Array.from({ length: 1 + Math.floor(r() * 45) }, () => Math.floor(r() * 10)).join('')
  const exp = Math.floor(r() * 40) - 20
  const sign = r() < 0.3 ? '-' : ''
  return new Decimal(`${sign}${digits}e${exp}`)
}

describe('compareDecimals', () => {
  it('equals decimal.js cmp on 10^4 random pairs (near and far values, zeros, signs)', {
    timeout: 120_000,
  }, () => {
    const rng = new SeededRandom(20)
    const r = () => rng.next()
    for (let i = 0; i < 10_000; i++) {
      const x = randomDecimal(rng)
      const pick = r()
      const y =
        pick < 0.2 ? x : pick < 0.4 ? x.plus(new Decimal(`1e${-Math.floor(r() * 45)}`)) : randomDecimal(rng)
      expect(compareDecimals(x, y)).toBe(x.cmp(y))
      expect(lessThan(x, y)).toBe(x.lt(y))
      expect(greaterThan(x, y)).toBe(x.gt(y))
      expect(equalDecimals(x, y)).toBe(x.eq(y))
      expect(isAboveZero(x)).toBe(x.gt(0))
    }
  })

  it('handles zero, negative zero, NaN and infinities like decimal.js', { timeout: 120_000 }, () => {
    const vals = ['0', '-0', '1', '-1', 'NaN', 'Infinity', '-Infinity', '0.0000001', '1e-30'].map(
      (v) => new Decimal(v),
    )
    for (const x of vals) for (const y of vals) expect(compareDecimals(x, y)).toStrictEqual(x.cmp(y))
    for (const x of vals) expect(isAboveZero(x)).toBe(x.gt(0))
  })
})

describe('areOpposite', () => {
  it('is x.plus(y) being zero, for non-zero x and y, on 10^4 random pairs (half of them x and −x)', () => {
    const rng = new SeededRandom(77)
    let opposite = 0
    for (let i = 0; i < 10_000; i++) {
      const x = randomDecimal(rng)
      const y = rng.next() < 0.5 ? x.neg() : rng.next() < 0.5 ? randomDecimal(rng) : x.plus('1e-30').neg()
      if (x.isZero() || y.isZero()) {
        expect(areOpposite(x, y)).toBe(false)
        continue
      }
      const want = x.plus(y).isZero()
      if (want) opposite++
      expect(areOpposite(x, y), `case ${i}: ${x} ${y}`).toBe(want)
    }
    expect(opposite).toBeGreaterThan(4_000)
    expect(areOpposite(new Decimal(Number.NaN), new Decimal(Number.NaN))).toBe(false)
    expect(areOpposite(new Decimal(Number.POSITIVE_INFINITY), new Decimal(Number.NEGATIVE_INFINITY))).toBe(
      false,
    )
  })
})

describe('productFits', () => {
  it('is x.sd() + y.sd() <= 40 on 10^4 random pairs (short and long digits)', () => {
    const rng = new SeededRandom(78)
    let fits = 0
    for (let i = 0; i < 10_000; i++) {
      const x = randomDecimal(rng)
      const y = randomDecimal(rng)
      const want = x.sd() + y.sd() <= 40
      if (want) fits++
      expect(productFits(x, y), `case ${i}: ${x} ${y}`).toBe(want)
    }
    expect(fits).toBeGreaterThan(1_000)
    expect(fits).toBeLessThan(9_000)
  })
})
