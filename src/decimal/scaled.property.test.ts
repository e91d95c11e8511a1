import { describe, expect, it } from 'vitest'
import { SeededRandom } from '../core/random.js'
import { Decimal } from './Decimal.js'
import { fromScaled, toScaled } from './scaled.js'

// Issue 20: scaled integers stand in for Decimals on hot paths only if both conversions are exact and fromScaled
// builds the very representation decimal.js builds (sign, exponent, limbs), so nothing downstream can tell them apart.
const CASES = 10_000

/** A random decimal string: 1 to `digits` significant digits, a random sign, scaled by 10^[minExp, maxExp]. */
function decimalString(r: SeededRandom, digits: number, minExp: number, maxExp: number): string {
  const n = Array.from({ length: r.int(1, digits) }, (_, i) => (i === 0 ? r.int(1, 9) : r.int(0, 9))).join('')
  // Trailing zeros are common in prices and sizes: some cases end in a run of them.
  const zeros = r.next() < 0.3 ? '0'.repeat(r.int(1, 6)) : ''
  return `${r.next() < 0.3 ? '-' : ''}${n}${zeros}e${r.int(minExp, maxExp)}`
}

const parts = (d: Decimal) => ({ s: d.s, e: d.e, d: [...(d.d ?? [])], text: d.toString() })

describe('scaled integers (property)', () => {
  it(`toScaled then fromScaled rebuilds decimal.js's own value on ${CASES.toLocaleString('en-US')} random decimals`, () => {
    const r = new SeededRandom(20)
    let scaled = 0
    for (let i = 0; i < CASES; i++) {
      const x = new Decimal(decimalString(r, r.next() < 0.8 ? 15 : 25, -20, 20))
      const s = toScaled(x)
      if (s === undefined) continue
      scaled++
      expect(Number.isSafeInteger(s.m), `case ${i}: ${x}`).toBe(true)
      // m × 10^p is x, computed by decimal.js.
      expect(new Decimal(s.m).times(new Decimal(10).pow(s.p)).eq(x), `case ${i}: ${x}`).toBe(true)
      expect(parts(fromScaled(s.m, s.p)), `case ${i}: ${x}`).toEqual(parts(x))
    }
    expect(scaled).toBeGreaterThan(CASES / 2)
  })

  it(`fromScaled(m, p) equals new Decimal(m).times(10^p) on ${CASES.toLocaleString('en-US')} random non-zero safe integers`, () => {
    const r = new SeededRandom(21)
    for (let i = 0; i < CASES; i++) {
      const digits = r.int(1, 15)
      const m =
        (r.next() < 0.3 ? -1 : 1) * (1 + Math.floor(r.next() * 10 ** digits)) * (r.next() < 0.2 ? 10 : 1)
      const p = r.int(-30, 30)
      const expected = new Decimal(m).times(new Decimal(10).pow(p))
      expect(parts(fromScaled(m, p)), `case ${i}: ${m}e${p}`).toEqual(parts(expected))
    }
  })

  it('leaves what it cannot hold exactly to decimal.js', () => {
    expect(toScaled(new Decimal('12345678901234567'))).toBeUndefined() // 17 digits
    expect(toScaled(new Decimal('1.0000000000000000000001'))).toBeUndefined()
    expect(toScaled(new Decimal(Number.NaN))).toBeUndefined()
    expect(toScaled(new Decimal(Number.POSITIVE_INFINITY))).toBeUndefined()
    expect(toScaled(new Decimal(0))).toEqual({ m: 0, p: 0 })
    expect(toScaled(new Decimal('19999.5'))).toEqual({ m: 199995, p: -1 })
    expect(toScaled(new Decimal('-0.00012'))).toEqual({ m: -12, p: -5 })
  })
})
