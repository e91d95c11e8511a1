/**
 * Short series computed by hand (the arithmetic is written out next to each expectation) and a published table.
 */
import { describe, expect, it } from 'vitest'
import type { Candle } from '../core/index.js'
import { isTradekitError } from '../errors/index.js'
import {
  ADX,
  ATR,
  BollingerBands,
  CCI,
  DEMA,
  DMI,
  Donchian,
  EMA,
  KeltnerChannels,
  MACD,
  MFI,
  OBV,
  ROC,
  RSI,
  SMA,
  StdDev,
  Stochastic,
  TEMA,
  TrueRange,
  VWAP,
  WMA,
} from './index.js'

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

describe('hand-computed series (continued)', () => {
  it('WMA(3): weights 1, 2, 3 over 6', () => {
    const wma = new WMA(3)
    // (1*1 + 2*2 + 3*3)/6 = 14/6; (2*1 + 3*2 + 10*3)/6 = 38/6
    const out = [1, 2, 3, 10].map((x) => wma.update(x))
    expect(out[2]).toBeCloseTo(14 / 6, 12)
    expect(out[3]).toBeCloseTo(38 / 6, 12)
  })

  it('DEMA(2) and TEMA(2) of a straight line equal the line (no lag), after 2 and 3 warm-up inputs', () => {
    const dema = new DEMA(2)
    const tema = new TEMA(2)
    const d = [1, 2, 3, 4, 5, 6].map((x) => dema.update(x))
    const t = [1, 2, 3, 4, 5, 6].map((x) => tema.update(x))
    expect(d.slice(0, 2)).toEqual([undefined, undefined])
    // EMA(2), k = 2/3: e1 = 1.5, 2.5, 3.5, ...; e2 seeded (1.5 + 2.5)/2 = 2, then 3; e3 seeded (2 + 3)/2 = 2.5
    expect(d[2]).toBeCloseTo(2 * 2.5 - 2, 12)
    expect(d[5]).toBeCloseTo(6, 12)
    expect(t.slice(0, 3)).toEqual([undefined, undefined, undefined])
    expect(t[3]).toBeCloseTo(3 * 3.5 - 3 * 3 + 2.5, 12)
    expect(t[5]).toBeCloseTo(6, 12)
  })

  it('ROC(2): (x / x[-2] - 1) * 100; 0 when the old value is 0', () => {
    const roc = new ROC(2)
    const out = [100, 50, 110, 0, 99].map((x) => roc.update(x))
    expect(out.slice(0, 2)).toEqual([undefined, undefined])
    expect(out[2]).toBeCloseTo(10, 12)
    expect(out[3]).toBe(-100)
    expect(out[4]).toBeCloseTo(-10, 12)
    const roc1 = new ROC(1)
    expect([0, 5].map((x) => roc1.update(x))).toEqual([undefined, 0])
  })

  it('OBV starts at the first volume (TA-Lib) and adds/subtracts on up/down closes', () => {
    const obv = new OBV()
    const bars = [bar(10, 10, 10, 5), bar(11, 11, 11, 3), bar(9, 9, 9, 2), bar(9, 9, 9, 7)]
    expect(bars.map((b) => obv.update(b))).toEqual([5, 8, 6, 6])
  })

  it('Stochastic(3, 1, 1) is the raw %K; (3, 2, 2) smooths it', () => {
    const bars = [bar(10, 8, 9), bar(12, 9, 11), bar(11, 10, 10), bar(13, 11, 13), bar(14, 12, 12)]
    const raw = new Stochastic({ kPeriod: 3, kSlowing: 1, dPeriod: 1 })
    const k = bars.map((b) => raw.update(b)?.k)
    // idx2: HH 12, LL 8 -> (10-8)/4*100 = 50; idx3: HH 13, LL 9 -> (13-9)/4*100 = 100; idx4: HH 14, LL 10 -> 50
    expect(k).toEqual([undefined, undefined, 50, 100, 50])
    const slow = new Stochastic({ kPeriod: 3, kSlowing: 2, dPeriod: 2 })
    const v = bars.map((b) => slow.update(b))
    // slow %K: idx3 (50+100)/2 = 75, idx4 (100+50)/2 = 75; %D idx4: (75+75)/2 = 75
    expect(v.slice(0, 4)).toEqual([undefined, undefined, undefined, undefined])
    expect(v[4]).toEqual({ k: 75, d: 75 })
  })

  it('Donchian(2) includes the current candle', () => {
    const dc = new Donchian(2)
    const out = [bar(10, 8, 9), bar(12, 9, 11), bar(11, 10, 10)].map((b) => dc.update(b))
    expect(out).toEqual([
      undefined,
      { upper: 12, middle: 10, lower: 8 },
      { upper: 12, middle: 10.5, lower: 9 },
    ])
  })

  it('CCI(3): TP 2, 4, 6 -> mean 4, mean deviation 4/3, CCI = 2 / (0.015 * 4/3) = 100', () => {
    const cci = new CCI(3)
    const out = [bar(2, 2, 2), bar(4, 4, 4), bar(6, 6, 6)].map((b) => cci.update(b))
    expect(out[2]).toBeCloseTo(100, 9)
  })

  it('MFI(2): flows TP×volume split by the TP direction', () => {
    const mfi = new MFI(2)
    // TP 10, 12 (up, flow 24), 11 (down, flow 11*3 = 33), 11 (flat, nothing)
    const out = [bar(10, 10, 10, 1), bar(12, 12, 12, 2), bar(11, 11, 11, 3), bar(11, 11, 11, 4)].map((b) =>
      mfi.update(b),
    )
    expect(out[0]).toBeUndefined()
    expect(out[1]).toBeUndefined()
    expect(out[2]).toBeCloseTo((100 * 24) / (24 + 33), 12)
    expect(out[3]).toBe(0) // window holds the down flow 33 and the flat bar: 0 positive
  })

  it('session VWAP restarts at 00:00 UTC and rejects out-of-order candles', () => {
    const vwap = new VWAP()
    const day = 86_400_000
    const t0 = Date.UTC(2024, 0, 1, 22)
    const c = (tp: number, volume: number, openTime: number) => ({ ...bar(tp, tp, tp, volume), openTime })
    expect(vwap.update(c(10, 1, t0))).toBe(10)
    expect(vwap.update(c(20, 3, t0 + 3_600_000))).toBe((10 + 60) / 4)
    expect(vwap.update(c(30, 1, t0 + 2 * 3_600_000))).toBe(30) // 2024-01-02 00:00: new session
    expect(() => vwap.update(c(30, 1, t0))).toThrow(/before the previous/)
    expect(vwap.update(c(40, 0, t0 + 2 * 3_600_000 + 60_000))).toBe(30) // zero volume leaves it
    const offset = new VWAP({ sessionMs: day, sessionOffsetMs: 13.5 * 3_600_000 }) // sessions from 13:30 UTC
    offset.update(c(10, 1, Date.UTC(2024, 0, 1, 13)))
    expect(offset.update(c(20, 1, Date.UTC(2024, 0, 1, 14)))).toBe(20)
  })

  it('KeltnerChannels waits for both the EMA and the ATR', () => {
    const kc = new KeltnerChannels({ period: 2, atrPeriod: 2, multiplier: 1 })
    expect(kc.lookback).toBe(2)
    const bars = [bar(10, 8, 9), bar(11, 9, 10), bar(14, 10, 13)]
    const out = bars.map((b) => kc.update(b))
    // EMA(2): seed (9+10)/2 = 9.5 at idx1, then (13-9.5)*2/3+9.5 = 11.8333; ATR(2) at idx2 = (2+4)/2 = 3
    expect(out[1]).toBeUndefined()
    expect(out[2]!.middle).toBeCloseTo(9.5 + 3.5 * (2 / 3), 12)
    expect(out[2]!.upper - out[2]!.middle).toBeCloseTo(3, 12)
  })
})

describe('low-priced instruments: the definitions, no fixed 1e-8 cut-off', () => {
  it('RSI of a strictly rising series is 100, whatever the price scale', () => {
    const rsi = new RSI(14)
    let v: number | undefined
    for (let i = 0; i < 20; i++) v = rsi.update(0.00001234 + i * 1e-8)
    expect(v).toBeCloseTo(100, 6)
  })

  it('population σ of 0.1 / 0.1001 alternating is 5e-5 (StdDev and the Bollinger band width)', () => {
    const sd = new StdDev(20)
    const bb = new BollingerBands({ period: 20, stdDev: 2 })
    let s: number | undefined
    let b: ReturnType<BollingerBands['update']>
    for (let i = 0; i < 20; i++) {
      const x = 0.1 + (i % 2) * 0.0001
      s = sd.update(x)
      b = bb.update(x)
    }
    expect(s).toBeCloseTo(0.00005, 9)
    expect(b!.upper - b!.middle).toBeCloseTo(0.0001, 9)
  })

  it('CCI of a steadily rising low-priced series is 111.1', () => {
    const cci = new CCI(5)
    let v: number | undefined
    for (let i = 0; i < 6; i++) {
      const p = 0.00001 + i * 3e-9
      v = cci.update({ open: p, high: p, low: p, close: p, volume: 1 })
    }
    // TP window +0, +3, +6, +9, +12 (×1e-9 over 1e-5): last − mean = 6e-9, mean deviation 3.6e-9
    expect(v).toBeCloseTo(111.111, 2)
  })

  it('+DI of a low-priced series stepping up one 1e-9 tick a bar is 100, ADX too (TR sums stay below 1e-8)', () => {
    const dmi = new DMI(5)
    const adx = new ADX(5)
    let d: ReturnType<DMI['update']>
    let a: ReturnType<ADX['update']>
    for (let i = 0; i < 12; i++) {
      const p = 0.000001 + i * 1e-9
      d = dmi.update(bar(p, p, p))
      a = adx.update(bar(p, p, p))
    }
    expect(d).toEqual({ plusDI: 100, minusDI: 0 })
    expect(a?.adx).toBe(100)
  })

  it('σ and CCI are 0 only for a truly flat window: 0.1 repeated (never an exact sum) vs one 1e-6 step', () => {
    const flat = [new StdDev(5), new CCI(5)] as const
    const step = [new StdDev(5), new CCI(5)] as const
    let f: (number | undefined)[] = []
    let s: (number | undefined)[] = []
    for (let i = 0; i < 12; i++) {
      const x = 0.1
      const y = i >= 9 ? 0.1 + 1e-6 : 0.1
      f = [flat[0].update(x), flat[1].update(bar(x, x, x))]
      s = [step[0].update(y), step[1].update(bar(y, y, y))]
    }
    expect(f).toEqual([0, 0])
    // the window holds 0.1, 0.1, 0.1+1e-6 ×3: σ = 1e-6·√(6/25), CCI = (0.4e-6) / (0.015 · 0.48e-6)
    expect(Math.abs(s[0]! / (1e-6 * Math.sqrt(6 / 25)) - 1)).toBeLessThan(1e-4)
    expect(s[1]).toBeCloseTo(0.4 / (0.015 * 0.48), 4)
  })
})

describe('input magnitude', () => {
  it('StdDev and BollingerBands refuse a finite price beyond 1e30 (its square would overflow) and stay finite', () => {
    const sd = new StdDev(3)
    const bb = new BollingerBands({ period: 3 })
    for (const x of [1, 2, 3]) {
      sd.update(x)
      bb.update(x)
    }
    for (const huge of [2e154, -2e154, 1e31]) {
      expect(() => sd.update(huge)).toThrow(
        expect.objectContaining({ code: 'VALIDATION_FAILED', field: 'input' }),
      )
      expect(() => bb.update({ open: huge, high: huge, low: huge, close: huge, volume: 1 })).toThrow(
        expect.objectContaining({ code: 'VALIDATION_FAILED', field: 'high' }),
      )
    }
    expect(sd.update(4)).toBeCloseTo(Math.sqrt(2 / 3), 12)
    expect(bb.update(4)?.middle).toBe(3)
    expect(new SMA(1).update(1e30)).toBe(1e30) // the bound itself is accepted
  })
})

describe('warm-up lengths equal TA-Lib lookbacks', () => {
  it.each([
    ['SMA(20)', new SMA(20), 19],
    ['EMA(20)', new EMA(20), 19],
    ['WMA(20)', new WMA(20), 19],
    ['DEMA(20)', new DEMA(20), 38],
    ['TEMA(20)', new TEMA(20), 57],
    ['RSI(14)', new RSI(14), 14],
    ['ATR(14)', new ATR(14), 14],
    ['TrueRange', new TrueRange(), 1],
    ['MACD(12,26,9)', new MACD(), 33],
    ['BollingerBands(20)', new BollingerBands(), 19],
    ['StdDev(20)', new StdDev(20), 19],
    ['Stochastic(14,3,3)', new Stochastic(), 17],
    ['Stochastic(5,3,3)', new Stochastic({ kPeriod: 5 }), 8],
    ['ADX(14)', new ADX(14), 27],
    ['DMI(14)', new DMI(14), 14],
    ['CCI(14)', new CCI(14), 13],
    ['ROC(10)', new ROC(10), 10],
    ['OBV', new OBV(), 0],
    ['MFI(14)', new MFI(14), 14],
    ['Donchian(20)', new Donchian(20), 19],
    ['KeltnerChannels(20,10)', new KeltnerChannels(), 19],
    ['VWAP rolling 20', new VWAP({ period: 20 }), 19],
    ['VWAP session', new VWAP(), 0],
  ])('%s: lookback %i', (_name, ind, lookback) => {
    expect(ind.lookback).toBe(lookback)
  })
})

describe('configuration errors', () => {
  it.each([
    () => new SMA(0),
    () => new SMA(2.5),
    () => new EMA(Number.NaN),
    () => new RSI(1),
    () => new ADX(1),
    () => new MACD({ fast: 26, slow: 12 }),
    () => new BollingerBands({ period: 20, stdDev: -1 }),
    // @ts-expect-error unknown option
    () => new BollingerBands({ period: 20, deviations: 2 }),
    () => new Stochastic({ kPeriod: 0 }),
    () => new VWAP({ period: 0 }),
  ])('rejects bad parameters with a ConfigError (%#)', (make) => {
    try {
      make()
      expect.unreachable()
    } catch (e) {
      expect(isTradekitError(e) && e.code).toBe('CONFIG_INVALID')
    }
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

describe('core Candle input', () => {
  it("accepts tradekit's core Candle (a superset of the OHLCV fields) everywhere a candle is expected", () => {
    const c: Candle = {
      venue: 'binance',
      symbol: 'BTCUSDT',
      interval: '1m',
      openTime: 0,
      closeTime: 59_999,
      open: 10,
      high: 12,
      low: 9,
      close: 11,
      volume: 3,
      isClosed: true,
    }
    expect(new SMA(1).update(c)).toBe(11)
    expect(new OBV().update(c)).toBe(3)
    expect(new VWAP().update(c)).toBeCloseTo((12 + 9 + 11) / 3, 12)
    expect(new ATR(1).update(c)).toBeUndefined()
  })
})
