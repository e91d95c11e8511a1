import { describe, expect, it } from 'vitest'
import { SeededRandom } from '../core/random.js'
import { Decimal } from './Decimal.js'
import { minus, plus } from './plusMinus.js'
import { randomDecimal } from './randomDecimal.js'

const SPECIAL = ['0', '-0', 'NaN', 'Infinity', '-Infinity'].map((v) => new Decimal(v))

/** A random operand: mostly decimals of 1–45 digits (some beyond the precision), sometimes a zero or a special. */
function operand(r: SeededRandom, other: Decimal | undefined): Decimal {
  const u = r.next()
  if (other !== undefined && u < 0.15) return other.neg() // x and −x
  if (other !== undefined && u < 0.3) return other // x and x
  if (u < 0.45) return SPECIAL[r.int(0, SPECIAL.length - 1)] as Decimal
  const x = randomDecimal(r, r.int(1, 45), -20, 20)
  return r.next() < 0.5 ? x.neg() : x
}

/** A decimal.js value's digits, exponent and sign (so a zero's sign counts). */
const key = (a: Decimal) => JSON.stringify({ s: a.s, e: a.e, d: a.d })

describe('plus and minus (property)', () => {
  it('equal x.plus(y) and x.minus(y), sign of zero included, on 10^4 random pairs', () => {
    const r = new SeededRandom(2026)
    let kept = 0
    for (let i = 0; i < 10_000; i++) {
      const x = operand(r, undefined)
      const y = operand(r, x)
      expect(key(plus(x, y)), `${x} + ${y}`).toBe(key(x.plus(y)))
      expect(key(minus(x, y)), `${x} − ${y}`).toBe(key(x.minus(y)))
      if (plus(x, y) === x || plus(x, y) === y || minus(x, y) === x) kept++
    }
    expect(kept).toBeGreaterThan(500) // the copies it saves are not a rare case
  })
})
