import { describe, expect, it } from 'vitest'
import { compareDecimals, equalDecimals, greaterThan, isAboveZero, lessThan } from './compareDecimals.js'
import { Decimal } from './Decimal.js'

/** Seeded generator (mulberry32): the same cases on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function randomDecimal(r: () => number): Decimal {
  const digits = Array.from({ length: 1 + Math.floor(r() * 45) }, () => Math.floor(r() * 10)).join('')
  const exp = Math.floor(r() * 40) - 20
  const sign = r() < 0.3 ? '-' : ''
  return new Decimal(`${sign}${digits}e${exp}`)
}

describe('compareDecimals', () => {
  it('equals decimal.js cmp on 10^4 random pairs (near and far values, zeros, signs)', () => {
    const r = rng(20)
    for (let i = 0; i < 10_000; i++) {
      const x = randomDecimal(r)
      const pick = r()
      const y =
        pick < 0.2 ? x : pick < 0.4 ? x.plus(new Decimal(`1e${-Math.floor(r() * 45)}`)) : randomDecimal(r)
      expect(compareDecimals(x, y)).toBe(x.cmp(y))
      expect(lessThan(x, y)).toBe(x.lt(y))
      expect(greaterThan(x, y)).toBe(x.gt(y))
      expect(equalDecimals(x, y)).toBe(x.eq(y))
      expect(isAboveZero(x)).toBe(x.gt(0))
    }
  })

  it('handles zero, negative zero, NaN and infinities like decimal.js', () => {
    const vals = ['0', '-0', '1', '-1', 'NaN', 'Infinity', '-Infinity', '0.0000001', '1e-30'].map(
      (v) => new Decimal(v),
    )
    for (const x of vals) for (const y of vals) expect(compareDecimals(x, y)).toStrictEqual(x.cmp(y))
    for (const x of vals) expect(isAboveZero(x)).toBe(x.gt(0))
  })
})
