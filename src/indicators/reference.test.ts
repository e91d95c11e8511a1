/**
 * Every indicator against the test-only reference implementations of TA-Lib's algorithms
 * (testing/talibReference.ts), over several seeded random series, to 1e-9 from the very first value.
 */
import { describe, expect, it } from 'vitest'
import {
  ATR,
  BollingerBands,
  type CandleInput,
  EMA,
  type Indicator,
  MACD,
  RSI,
  SMA,
  StdDev,
  TrueRange,
} from './index.js'
import { firstMismatch, makeCandles, toBars } from './testing/data.js'
import * as ref from './testing/talibReference.js'

const SERIES = [
  { name: 'random walk around 100', candles: makeCandles(600, 1, 100) },
  { name: 'random walk around 60000', candles: makeCandles(600, 7, 60_000) },
  { name: 'random walk around 0.5', candles: makeCandles(600, 42, 0.5) },
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
})
