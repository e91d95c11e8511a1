/** Property tests (fast-check) of invariants every correct implementation must satisfy. */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ADX, ATR, BollingerBands, type CandleInput, DMI, EMA, MACD, RSI, SMA, StdDev } from './index.js'

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
