/** Property tests (fast-check) of invariants every correct implementation must satisfy. */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ADX, ATR, BollingerBands, type CandleInput, CCI, DMI, EMA, MACD, RSI, SMA, StdDev } from './index.js'
import { makeCandles } from './testing/data.js'

const price = fc.double({ min: 0.0001, max: 1e6, noNaN: true, noDefaultInfinity: true })
const prices = fc.array(price, { minLength: 1, maxLength: 200 })
const period = fc.integer({ min: 1, max: 30 })
const candle: fc.Arbitrary<CandleInput> = fc
  .tuple(
    price,
    fc.double({ min: 0, max: 0.2, noNaN: true }),
    fc.double({ min: 0, max: 1, noNaN: true }),
    fc.double({ min: 0, max: 1, noNaN: true }),
    fc.double({ min: 0, max: 1e6, noNaN: true }),
  )
  .map(([low, spread, o, c, volume]) => {
    const high = low * (1 + spread)
    return { open: low + (high - low) * o, high, low, close: low + (high - low) * c, volume }
  })
  .filter((c) => c.open >= c.low && c.open <= c.high && c.close >= c.low && c.close <= c.high)

describe('properties', () => {
  it('the SMA and EMA of a constant series are that constant', () => {
    fc.assert(
      fc.property(price, period, fc.integer({ min: 1, max: 100 }), (x, p, n) => {
        const sma = new SMA(p)
        const ema = new EMA(p)
        for (let i = 0; i < p + n; i++) {
          sma.update(x)
          ema.update(x)
        }
        expect(Math.abs(sma.value! - x)).toBeLessThanOrEqual(1e-9 * x)
        expect(Math.abs(ema.value! - x)).toBeLessThanOrEqual(1e-9 * x)
      }),
    )
  })

  it('a low-priced instrument gets the same oscillators and scaled σ / ATR as the same moves at 100', () => {
    // ×2⁻³⁴ is exact in binary floating point (every sum, product and square root scales exactly) and puts the
    // prices near 6e-9, where a fixed 1e-8 cut-off would zero RSI, σ, CCI and the DIs.
    const scale = 2 ** -34
    for (const seed of [5, 6]) {
      const candles = makeCandles(300, seed, 100)
      const low = candles.map((c) => ({
        open: c.open * scale,
        high: c.high * scale,
        low: c.low * scale,
        close: c.close * scale,
        volume: c.volume,
      }))
      const run = (cs: CandleInput[]) => {
        const [rsi, sd, bb, cci, dmi, adx, atr] = [
          new RSI(14),
          new StdDev(20),
          new BollingerBands({ period: 20, stdDev: 2 }),
          new CCI(20),
          new DMI(14),
          new ADX(14),
          new ATR(14),
        ] as const
        return cs.map((c) => ({
          rsi: rsi.update(c),
          sd: sd.update(c),
          bb: bb.update(c),
          cci: cci.update(c),
          dmi: dmi.update(c),
          adx: adx.update(c),
          atr: atr.update(c),
        }))
      }
      const at100 = run(candles)
      const tiny = run(low)
      const times = (v: number | undefined) => (v === undefined ? undefined : v * scale)
      const bands = (v: ReturnType<BollingerBands['update']>) =>
        v && { upper: v.upper * scale, middle: v.middle * scale, lower: v.lower * scale }
      expect(tiny).toEqual(at100.map((v) => ({ ...v, sd: times(v.sd), bb: bands(v.bb), atr: times(v.atr) })))
    }
  })

  it('RSI stays within [0, 100]', () => {
    fc.assert(
      fc.property(prices, fc.integer({ min: 2, max: 30 }), (xs, p) => {
        const rsi = new RSI(p)
        for (const x of xs) {
          const v = rsi.update(x)
          if (v !== undefined) {
            expect(v).toBeGreaterThanOrEqual(0)
            expect(v).toBeLessThanOrEqual(100)
          }
        }
      }),
    )
  })

  it('Bollinger upper >= middle >= lower, and σ >= 0', () => {
    fc.assert(
      fc.property(prices, period, fc.double({ min: 0, max: 5, noNaN: true }), (xs, p, k) => {
        const bb = new BollingerBands({ period: p, stdDev: k })
        const sd = new StdDev(p)
        for (const x of xs) {
          const v = bb.update(x)
          const s = sd.update(x)
          if (v !== undefined) {
            expect(v.upper).toBeGreaterThanOrEqual(v.middle)
            expect(v.middle).toBeGreaterThanOrEqual(v.lower)
            expect(s).toBeGreaterThanOrEqual(0)
          }
        }
      }),
    )
  })

  it('ATR is never negative and never above the largest true range seen', () => {
    fc.assert(
      fc.property(fc.array(candle, { minLength: 2, maxLength: 100 }), period, (cs, p) => {
        const atr = new ATR(p)
        let maxTr = 0
        let prevClose: number | undefined
        for (const c of cs) {
          if (prevClose !== undefined)
            maxTr = Math.max(maxTr, c.high - c.low, Math.abs(c.high - prevClose), Math.abs(c.low - prevClose))
          prevClose = c.close
          const v = atr.update(c)
          if (v !== undefined) {
            expect(v).toBeGreaterThanOrEqual(0)
            expect(v).toBeLessThanOrEqual(maxTr * (1 + 1e-12))
          }
        }
      }),
    )
  })

  it('replace then update equals a fresh run over the final inputs', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(price, price, fc.boolean()), { minLength: 1, maxLength: 120 }),
        (steps) => {
          const mk = () => [
            new SMA(5),
            new EMA(7),
            new RSI(6),
            new MACD({ fast: 3, slow: 8, signal: 4 }),
            new BollingerBands({ period: 6, stdDev: 2 }),
          ]
          const streamed = mk()
          const fresh = mk()
          const finals: number[] = []
          for (const [draft, final, revise] of steps) {
            // an in-progress candle: first seen at `draft`, maybe revised, finally closed at `final`
            for (const ind of streamed) ind.update(draft)
            if (revise) for (const ind of streamed) ind.replace((draft + final) / 2)
            for (const ind of streamed) ind.replace(final)
            finals.push(final)
          }
          for (const x of finals) for (const ind of fresh) ind.update(x)
          streamed.forEach((ind, i) => {
            expect(ind.value).toEqual(fresh[i]!.value)
          })
        },
      ),
    )
  })

  it('candle indicators: replace then update equals a fresh run over the final candles (ADX, DMI, ATR)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(candle, candle, fc.boolean()), { minLength: 1, maxLength: 80 }),
        (steps) => {
          const mk = () => [new ADX(4), new DMI(4), new ATR(4)]
          const streamed = mk()
          const fresh = mk()
          const finals: CandleInput[] = []
          for (const [draft, final, revise] of steps) {
            for (const ind of streamed) ind.update(draft)
            if (revise) for (const ind of streamed) ind.replace(draft)
            for (const ind of streamed) ind.replace(final)
            finals.push(final)
          }
          for (const c of finals) for (const ind of fresh) ind.update(c)
          streamed.forEach((ind, i) => {
            expect(ind.value).toEqual(fresh[i]!.value)
            expect(ind.count).toBe(fresh[i]!.count)
          })
        },
      ),
    )
  })
})
