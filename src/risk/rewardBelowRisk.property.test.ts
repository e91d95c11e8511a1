import { describe, expect, it } from 'vitest'
import { SeededRandom } from '../core/random.js'
import type { Decimal } from '../decimal/index.js'
import { randomDecimal } from '../decimal/randomDecimal.js'
import { rewardBelowRisk } from './rewardBelowRisk.js'

const CASES = 10_000

/** A random decimal (see randomDecimal), negative one time in five when `signed`. */
function dec(r: SeededRandom, digits: number, minExp: number, maxExp: number, signed = false): Decimal {
  const d = randomDecimal(r, digits, minExp, maxExp)
  return signed && r.next() < 0.2 ? d.neg() : d
}

/** checkRewardRisk's Decimal decision: `|tp − entry| < distance × min`. */
function reference(tp: Decimal, entry: Decimal, distance: Decimal, min: Decimal | undefined): boolean {
  const reward = tp.minus(entry).abs()
  return reward.lt(min === undefined ? distance : distance.times(min))
}

describe('rewardBelowRisk (scaled integers) equals the Decimal decision', () => {
  it(`on ${CASES} random prices, stops and take-profits (ties, long values, every magnitude)`, () => {
    const r = new SeededRandom(2020)
    let decided = 0
    for (let i = 0; i < CASES; i++) {
      const entry = dec(r, r.next() < 0.1 ? 22 : 9, -6, 8)
      const tp = r.next() < 0.1 ? entry : dec(r, r.next() < 0.1 ? 22 : 9, -6, 8)
      let distance = dec(r, r.next() < 0.1 ? 22 : 6, -8, 6, true)
      const min = r.next() < 0.5 ? undefined : dec(r, 4, -2, 2)
      // A tie on purpose now and then: the distance set so that distance × min is exactly the reward.
      if (r.next() < 0.1 && min === undefined) distance = tp.minus(entry).abs()
      const fast = rewardBelowRisk(tp, entry, distance, min)
      if (fast !== undefined) {
        decided++
        expect(fast, `${tp} ${entry} ${distance} ${min}`).toBe(reference(tp, entry, distance, min))
      }
    }
    // The scaled path decides most cases (it falls back only for values beyond a safe integer).
    expect(decided).toBeGreaterThan(CASES * 0.6)
  })
})
