/**
 * Every indicator against the test-only reference implementations of TA-Lib's algorithms
 * (testing/talibReference.ts), over several seeded random series, to 1e-9 from the very first value.
 */
import { describe, expect, it } from 'vitest'
import {
  ADX,
  ATR,
  BollingerBands,
  batch,
  type CandleInput,
  CCI,
  DEMA,
  DMI,
  Donchian,
  EMA,
  type Indicator,
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
import { firstMismatch, makeCandles, toBars } from './testing/data.js'
import * as ref from './testing/talibReference.js'

const SERIES = [
  { name: 'random walk around 100', candles: makeCandles(600, 1, 100) },
  { name: 'random walk around 60000', candles: makeCandles(600, 7, 60_000) },
  { name: 'random walk around 0.5', candles: makeCandles(600, 42, 0.5) },
  // ×2⁻³⁴ (exact): prices near 6e-9, where TA-Lib's fixed 1e-8 cut-offs would zero RSI, σ, CCI and the DIs
  {
    name: 'random walk around 100, scaled to 6e-9',
    candles: makeCandles(600, 9, 100).map((c) => ({
      ...c,
      open: c.open * 2 ** -34,
      high: c.high * 2 ** -34,
      low: c.low * 2 ** -34,
      close: c.close * 2 ** -34,
    })),
  },
]

/** Streams `candles` through `ind` and returns one column of the output per key. */
function stream<Out>(
  ind: Indicator<CandleInput, Out>,
  candles: readonly CandleInput[],
  pick: (v: Out) => number,
): (number | undefined)[] {
  return candles.map((c) => {
    const v = ind.update(c)
    return v === undefined ? undefined : pick(v)
  })
}

const id = (v: number): number => v

function check(got: (number | undefined)[], want: number[]): void {
  const i = firstMismatch(got, want)
  expect(i, i < 0 ? '' : `first mismatch at index ${i}: got ${got[i]}, want ${want[i]}`).toBe(-1)
}

describe.each(SERIES)('TA-Lib reference: $name', ({ candles }) => {
  const b = toBars(candles)

  it.each([2, 5, 20, 50])('SMA(%i)', (p) => {
    check(stream(new SMA(p), candles, id), ref.refSMA(b.close, p))
  })
  it.each([2, 5, 20, 50])('EMA(%i)', (p) => {
    check(stream(new EMA(p), candles, id), ref.refEMA(b.close, p))
  })
  it.each([2, 9, 14, 30])('RSI(%i)', (p) => {
    check(stream(new RSI(p), candles, id), ref.refRSI(b.close, p))
  })
  it('TrueRange', () => {
    check(stream(new TrueRange(), candles, id), ref.refTRANGE(b))
  })
  it.each([1, 5, 14, 30])('ATR(%i)', (p) => {
    check(stream(new ATR(p), candles, id), ref.refATR(b, p))
  })
  it.each([
    [12, 26, 9],
    [5, 35, 5],
    [3, 10, 16],
    [8, 8, 1],
  ])('MACD(%i, %i, %i)', (fast, slow, signal) => {
    const want = ref.refMACD(b.close, fast, slow, signal)
    const mk = (): MACD => new MACD({ fast, slow, signal })
    check(
      stream(mk(), candles, (v) => v.macd),
      want.macd,
    )
    check(
      stream(mk(), candles, (v) => v.signal),
      want.signal,
    )
    check(
      stream(mk(), candles, (v) => v.histogram),
      want.histogram,
    )
  })
  it.each([
    [20, 2],
    [5, 1],
    [10, 2.5],
  ])('BollingerBands(%i, %f)', (period, stdDev) => {
    const want = ref.refBBANDS(b.close, period, stdDev)
    const mk = (): BollingerBands => new BollingerBands({ period, stdDev })
    check(
      stream(mk(), candles, (v) => v.upper),
      want.upper,
    )
    check(
      stream(mk(), candles, (v) => v.middle),
      want.middle,
    )
    check(
      stream(mk(), candles, (v) => v.lower),
      want.lower,
    )
  })
  it.each([5, 20])('StdDev(%i)', (p) => {
    check(stream(new StdDev(p), candles, id), ref.refSTDDEV(b.close, p))
  })

  it.each([2, 5, 20])('WMA(%i)', (p) => {
    check(stream(new WMA(p), candles, id), ref.refWMA(b.close, p))
  })
  it.each([2, 5, 20])('DEMA(%i)', (p) => {
    check(stream(new DEMA(p), candles, id), ref.refDEMA(b.close, p))
  })
  it.each([2, 5, 20])('TEMA(%i)', (p) => {
    check(stream(new TEMA(p), candles, id), ref.refTEMA(b.close, p))
  })
  it.each([1, 10, 30])('ROC(%i)', (p) => {
    check(stream(new ROC(p), candles, id), ref.refROC(b.close, p))
  })
  it('OBV', () => {
    check(stream(new OBV(), candles, id), ref.refOBV(b))
  })
  it.each([2, 14, 20])('CCI(%i)', (p) => {
    check(stream(new CCI(p), candles, id), ref.refCCI(b, p))
  })
  it.each([2, 14, 30])('MFI(%i)', (p) => {
    check(stream(new MFI(p), candles, id), ref.refMFI(b, p))
  })
  it.each([2, 14, 25])('ADX(%i) with +DI and -DI', (p) => {
    const want = ref.refADX(b, p)
    const adx = (): ADX => new ADX(p)
    check(
      stream(adx(), candles, (v) => v.adx),
      want.adx,
    )
    // +DI/-DI are reported with the ADX, i.e. from the ADX's first value on
    const from = 2 * p - 1
    const mask = (xs: number[]): number[] => xs.map((v, i) => (i >= from ? v : Number.NaN))
    check(
      stream(adx(), candles, (v) => v.plusDI),
      mask(want.plusDI),
    )
    check(
      stream(adx(), candles, (v) => v.minusDI),
      mask(want.minusDI),
    )
  })
  it.each([2, 14, 25])(
    'DMI(%i): +DI and -DI from their first value (index %i), as PLUS_DI / MINUS_DI',
    (p) => {
      const want = ref.refADX(b, p)
      const plus = stream(new DMI(p), candles, (v) => v.plusDI)
      const minus = stream(new DMI(p), candles, (v) => v.minusDI)
      // TA-Lib's lookback for PLUS_DI / MINUS_DI is the period: the first value is at index `p`, not `2p - 1`.
      expect(plus.findIndex((v) => v !== undefined)).toBe(p)
      check(plus, want.plusDI)
      check(minus, want.minusDI)
    },
  )
  it.each([
    [14, 3, 3],
    [5, 3, 3],
    [5, 1, 1],
    [21, 5, 4],
  ])('Stochastic(%i, %i, %i)', (kPeriod, kSlowing, dPeriod) => {
    const want = ref.refSTOCH(b, kPeriod, kSlowing, dPeriod)
    const mk = (): Stochastic => new Stochastic({ kPeriod, kSlowing, dPeriod })
    check(
      stream(mk(), candles, (v) => v.k),
      want.k,
    )
    check(
      stream(mk(), candles, (v) => v.d),
      want.d,
    )
  })
  it.each([1, 5, 20])('Donchian(%i)', (p) => {
    const want = ref.refDonchian(b, p)
    for (const key of ['upper', 'middle', 'lower'] as const) {
      check(
        stream(new Donchian(p), candles, (v) => v[key]),
        want[key],
      )
    }
  })
  it.each([
    [20, 10, 2],
    [5, 14, 1.5],
  ])('KeltnerChannels(%i, %i, %f)', (period, atrPeriod, multiplier) => {
    const want = ref.refKeltner(b, period, atrPeriod, multiplier)
    for (const key of ['upper', 'middle', 'lower'] as const) {
      check(
        stream(new KeltnerChannels({ period, atrPeriod, multiplier }), candles, (v) => v[key]),
        want[key],
      )
    }
  })
  it.each([1, 3, 20])('rolling VWAP(%i)', (p) => {
    check(stream(new VWAP({ period: p }), candles, id), ref.refRollingVWAP(b, p))
  })
  it('batch() equals streaming', () => {
    expect(batch(new SMA(7), b.close)).toEqual(stream(new SMA(7), candles, id))
  })
})
