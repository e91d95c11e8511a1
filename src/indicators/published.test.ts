/**
 * Short series computed by hand (the arithmetic is written out next to each expectation) and a published table.
 */
import { describe, expect, it } from 'vitest'
import { ATR, BollingerBands, EMA, MACD, RSI, SMA, StdDev, TrueRange } from './index.js'

const bar = (high: number, low: number, close: number, volume = 1) => ({
  open: close,
  high,
  low,
  close,
  volume,
})

describe('hand-computed series', () => {
  it('SMA(3) of 1..5 is 2, 3, 4 after two warm-up inputs', () => {
    const sma = new SMA(3)
    expect([1, 2, 3, 4, 5].map((x) => sma.update(x))).toEqual([undefined, undefined, 2, 3, 4])
  })

  it('EMA(3) is seeded with the SMA, then k = 2/(3+1) = 0.5', () => {
    const ema = new EMA(3)
    // seed (2+4+6)/3 = 4; then (8-4)*0.5+4 = 6; (12-6)*0.5+6 = 9
    expect([2, 4, 6, 8, 12].map((x) => ema.update(x))).toEqual([undefined, undefined, 4, 6, 9])
  })

  it('RSI(2): seed averages, then Wilder smoothing', () => {
    const rsi = new RSI(2)
    // changes +1, +1: avgGain 1, avgLoss 0 -> 100; then -1: gain (1*1+0)/2 = 0.5, loss (0+1)/2 = 0.5 -> 50
    expect([1, 2, 3, 2].map((x) => rsi.update(x))).toEqual([undefined, undefined, 100, 50])
  })

  it('RSI of a flat series is 0 (TA-Lib: gain + loss is zero)', () => {
    const rsi = new RSI(3)
    expect([5, 5, 5, 5, 5].map((x) => rsi.update(x))).toEqual([undefined, undefined, undefined, 0, 0])
  })

  it('TrueRange and ATR(2) with gaps', () => {
    const bars = [bar(10, 8, 9), bar(11, 9, 10), bar(14, 10, 13), bar(13, 12, 12)]
    // TR: -, max(2, |11-9|, |9-9|) = 2, max(4, |14-10|, |10-10|) = 4, max(1, |13-13|, |12-13|) = 1
    const tr = new TrueRange()
    expect(bars.map((b) => tr.update(b))).toEqual([undefined, 2, 4, 1])
    // ATR(2): (2+4)/2 = 3, then (3*1 + 1)/2 = 2
    const atr = new ATR(2)
    expect(bars.map((b) => atr.update(b))).toEqual([undefined, undefined, 3, 2])
  })

  it('BollingerBands(3, 2) of 1, 2, 3: σ² = (1+4+9)/3 - 2² = 2/3', () => {
    const bb = new BollingerBands({ period: 3, stdDev: 2 })
    bb.update(1)
    bb.update(2)
    const v = bb.update(3)!
    const d = 2 * Math.sqrt(2 / 3)
    expect(v.middle).toBe(2)
    expect(v.upper).toBeCloseTo(2 + d, 12)
    expect(v.lower).toBeCloseTo(2 - d, 12)
    expect(new StdDev(3).update(1)).toBeUndefined()
  })

  it('MACD(2, 3, 2) seeds the fast EMA with the inputs that end where the slow seed ends (TA-Lib)', () => {
    const macd = new MACD({ fast: 2, slow: 3, signal: 2 })
    const out = [1, 5, 2, 8, 3].map((x) => macd.update(x))
    // idx 2: slow = (1+5+2)/3 = 8/3, fast = (5+2)/2 = 3.5 (not (1+5)/2), macd = 5/6
    // idx 3: fast = (8-3.5)*2/3+3.5 = 6.5, slow = (8-8/3)/2+8/3 = 16/3, macd = 7/6; signal = (5/6+7/6)/2 = 1
    // idx 4: fast = (3-6.5)*2/3+6.5 = 25/6, slow = (3-16/3)/2+16/3 = 25/6, macd = 0; signal = (0-1)*2/3+1 = 1/3
    expect(out.slice(0, 3)).toEqual([undefined, undefined, undefined])
    expect(out[3]!.macd).toBeCloseTo(7 / 6, 12)
    expect(out[3]!.signal).toBeCloseTo(1, 12)
    expect(out[3]!.histogram).toBeCloseTo(1 / 6, 12)
    expect(out[4]!.macd).toBeCloseTo(0, 12)
    expect(out[4]!.signal).toBeCloseTo(1 / 3, 12)
    expect(out[4]!.histogram).toBeCloseTo(-1 / 3, 12)
  })
})

describe('published tables', () => {
  it("RSI(14): StockCharts' ChartSchool worked example (its sheet rounds averages to 2 decimals, so ±0.1)", () => {
    // Source: StockCharts ChartSchool, "Relative Strength Index (RSI)", cs-rsi.xls.
    const closes = [
      44.34, 44.09, 44.15, 43.61, 44.33, 44.83, 45.1, 45.42, 45.84, 46.08, 45.89, 46.03, 45.61, 46.28, 46.28,
      46.0, 46.03, 46.41, 46.22, 45.64, 46.21, 46.25, 45.71, 46.45, 45.78, 45.35, 44.03, 44.18, 44.22, 44.57,
      43.42, 42.66, 43.13,
    ]
    const published = [
      70.53, 66.32, 66.55, 69.41, 66.36, 57.97, 62.93, 63.26, 56.06, 62.38, 54.71, 50.42, 39.99, 41.46, 41.87,
      45.46, 37.3, 33.08, 37.77,
    ]
    const rsi = new RSI(14)
    const got = closes.map((c) => rsi.update(c)).filter((v) => v !== undefined)
    expect(got).toHaveLength(published.length)
    got.forEach((v, i) => {
      expect(Math.abs(v - published[i]!)).toBeLessThan(0.1)
    })
  })
})
