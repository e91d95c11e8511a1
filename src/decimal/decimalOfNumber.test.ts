import { describe, expect, it } from 'vitest'
import { syntheticCandles } from '../backtest/sources.js'
import { SeededRandom } from '../core/random.js'
import { Decimal } from './Decimal.js'
import { decimalOfNumber } from './decimalOfNumber.js'

/** The shared seeded generator (mulberry32): the same cases on every run. */
function random(seed: number): () => number {
  const r = new SeededRandom(seed)
  return () => r.next()
}

/** The same value, digit for digit, as decimal.js keeps it (sign, exponent, base-10^7 words) and prints it. */
function expectSame(v: number): void {
  const got = decimalOfNumber(v)
  const want = new Decimal(v)
  expect(
    { s: got.s, e: got.e, d: got.d === null ? null : [...got.d], str: got.toString() },
    String(v),
  ).toEqual({
    s: want.s,
    e: want.e,
    d: want.d === null ? null : [...want.d],
    str: want.toString(),
  })
}

describe('decimalOfNumber: new Decimal(v), digit for digit', () => {
  it('on 10⁴ prices and quantities: integers of 1–15 digits over 10^0 … 10^12', () => {
    const rnd = random(20)
    for (let i = 0; i < 10_000; i++) {
      const digits = 1 + Math.floor(rnd() * 15)
      const m = Math.floor(rnd() * 10 ** digits)
      expectSame(m / 10 ** Math.floor(rnd() * 13))
    }
  })

  it('on 10⁴ arbitrary doubles (random bits: 17-digit shortest forms, tiny and huge exponents)', () => {
    const rnd = random(21)
    const buf = new DataView(new ArrayBuffer(8))
    for (let i = 0; i < 10_000; i++) {
      buf.setUint32(0, Math.floor(rnd() * 2 ** 32))
      buf.setUint32(4, Math.floor(rnd() * 2 ** 32))
      const v = buf.getFloat64(0)
      if (Number.isNaN(v)) continue
      expectSame(v)
      expectSame(v / 1024) // the same digits at another exponent
    }
  })

  it('on 10⁴ products and sums of prices (the float noise a computed close carries)', () => {
    const rnd = random(22)
    for (let i = 0; i < 10_000; i++) {
      const a = Math.floor(rnd() * 1e7) / 100
      expectSame(a * (1 + (rnd() - 0.5) / 100))
      expectSame(a + 0.1 * Math.floor(rnd() * 10))
    }
  })

  it('on 10⁴ full-precision doubles from 10^-6 to 10^15 (what a synthetic or computed price looks like)', () => {
    const rnd = random(23)
    for (let i = 0; i < 10_000; i++) expectSame(rnd() * 10 ** (Math.floor(rnd() * 22) - 6))
  })

  it('on 2·10⁴ doubles of 16 and 17 shortest digits from 1 to 10^15 (read without String(v)), 15 or fewer beside them', () => {
    const rnd = random(25)
    for (let i = 0; i < 20_000; i++) {
      const v = (1 + rnd()) * 2 ** Math.floor(rnd() * 50)
      expectSame(v)
      // Next to it: the neighbouring doubles, and the same value cut to 15 digits (a shorter form, String(v) reads it).
      expectSame(v + v * 2 ** -52)
      expectSame(v - v * 2 ** -53)
      expectSame(Number(v.toPrecision(15)))
    }
  })

  it('around powers of two and of ten from 1 to 10^15 (uneven intervals, 10^k and its neighbours, rounding ties)', () => {
    for (let b = 0; b < 50; b++) for (let j = -20; j <= 20; j++) expectSame(2 ** b * (1 + j * 2 ** -52))
    for (let e = 0; e < 15; e++)
      for (let j = -20; j <= 20; j++) {
        expectSame(10 ** e * (1 + j * 2 ** -52))
        expectSame(10 ** e * (1 + j * 1e-15))
        expectSame(10 ** e + j / 2 ** 20)
      }
  })

  it('on the synthetic candles a benchmark replays (closes, highs and lows of full precision)', () => {
    for (const c of syntheticCandles(10_000, { venue: 'binance', symbol: 'BTCUSDT', interval: '1m' })) {
      expectSame(c.close)
      expectSame(c.high)
      expectSame(c.low)
    }
  })

  it('on a stream that switches between full-precision and tick-size numbers (either reading, the same digits)', () => {
    const rnd = random(24)
    for (let run = 0; run < 20; run++)
      for (let i = 0; i < 100; i++) {
        const tick = Math.floor(rnd() * 1e7) / 100
        expectSame(run % 2 === 0 ? tick * (1 + rnd() / 1e6) : tick)
      }
  })

  it('on the edges: zero, negative, non-finite, powers of ten, word boundaries, 2^50 and beyond', () => {
    const edges = [
      0,
      -0,
      1,
      -1,
      0.5,
      0.1,
      0.2,
      0.3,
      1e-7,
      3e-7,
      1.5e-8,
      1e-15,
      1e-16,
      1e-22,
      1e-300,
      5e-324,
      9999999,
      10_000_000,
      10_000_001,
      12_345_678.9,
      99_999_999_999_999,
      2 ** 50 - 1,
      2 ** 50,
      2 ** 53,
      2 ** 53 + 2,
      1e21,
      1e22,
      1.5e300,
      Number.MAX_VALUE,
      Number.MIN_VALUE,
      0.1 + 0.2,
      43_123.45,
      64_123.450_000_001,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.NaN,
      123_456.000_000_7,
      0.000_012_3,
    ]
    for (const v of edges) {
      if (Number.isNaN(v)) expect(decimalOfNumber(v).isNaN()).toBe(true)
      else expectSame(v)
    }
  })
})
