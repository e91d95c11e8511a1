import { describe, expect, it } from 'vitest'
import { SeededRandom } from '../../core/random.js'
import { Decimal } from '../../decimal/index.js'
import { randomDecimal } from '../../decimal/randomDecimal.js'
import { fallbackFillPrice } from './fallbackFillPrice.js'

// Issue 20: a tick of 10^-k rounds the fallback fill price to k places instead of dividing by the tick. This property
// holds it equal to the division formula on 10^4 random prices, slippage factors and ticks.
const CASES = 10_000

describe('fallbackFillPrice (property)', () => {
  it(`equals (last × factor ÷ tick, rounded half-up) × tick on ${CASES.toLocaleString('en-US')} random cases`, () => {
    const r = new SeededRandom(24)
    const ticks = [
      '1',
      '0.1',
      '0.01',
      '0.001',
      '0.00001',
      '0.00000001',
      '0.000001',
      '10',
      '0.5',
      '0.25',
      '0.05',
      '5',
    ]
    let halves = 0
    for (let i = 0; i < CASES; i++) {
      const tick = new Decimal(ticks[r.int(0, ticks.length - 1)] as string)
      // Full-precision prices (a candle close), short ones, and prices exactly halfway between two ticks.
      const last =
        r.next() < 0.2
          ? tick.times(r.int(1, 1_000_000)).plus(tick.div(2))
          : r.next() < 0.5
            ? new Decimal(r.next() * 10 ** r.int(-3, 6))
            : randomDecimal(r, 30, -4, 7)
      const factor =
        r.next() < 0.2
          ? new Decimal(1)
          : new Decimal(1).plus(randomDecimal(r, 3, -4, -1).times(r.next() < 0.5 ? 1 : -1))
      const price = last.times(factor)
      const q = price.div(tick)
      if (q.minus(q.floor()).eq('0.5')) halves++
      const rounded = q.toDecimalPlaces(0, Decimal.ROUND_HALF_UP).times(tick)
      const expected = rounded.gt(0) ? rounded : tick
      const got = fallbackFillPrice(last, factor, tick)
      expect(
        `${got.toString()} ${got.e} ${got.d?.join(',')}`,
        `case ${i}: ${last} × ${factor} / ${tick}`,
      ).toBe(`${expected.toString()} ${expected.e} ${expected.d?.join(',')}`)
    }
    expect(halves).toBeGreaterThan(CASES / 100)
  })
})
