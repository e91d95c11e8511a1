/**
 * Expected values published by TA-Lib's own regression tests on its reference series
 * (src/tools/ta_regtest/test_data.c, TA_SREF_close_daily_ref_0_PRIV), printed there to 2 or 4 decimals:
 * ta_test_func/test_rsi.c and ta_test_func/test_macd.c. The MACD case pins TA-Lib's seeding of the fast EMA.
 */
import { describe, expect, it } from 'vitest'
import { batch, MACD, RSI } from './index.js'
import { TALIB_REF_CLOSE } from './testing/talibRegtestData.js'

describe("TA-Lib's regression-test expectations", () => {
  it('the reference series has its 252 bars', () => {
    expect(TALIB_REF_CLOSE).toHaveLength(252)
  })

  it('RSI(14), test_rsi.c: first value at index 14 = 49.14, then 52.32, 46.07; last (251) = 49.63', () => {
    const out = batch(new RSI(14), TALIB_REF_CLOSE)
    expect(out.slice(0, 14).every((v) => v === undefined)).toBe(true)
    // test_rsi.c prints 2 decimals (truncated: the full value at index 14 is 49.1473...)
    const near = (v: number | undefined, want: number): void => expect(Math.abs(v! - want)).toBeLessThan(0.01)
    near(out[14], 49.14)
    near(out[15], 52.32)
    near(out[16], 46.07)
    near(out[251], 49.63)
  })

  it('MACD(12, 26, 9), test_macd.c: first value at index 33: macd -1.9738, signal -2.7071', () => {
    const out = batch(new MACD({ fast: 12, slow: 26, signal: 9 }), TALIB_REF_CLOSE)
    expect(out.slice(0, 33).every((v) => v === undefined)).toBe(true)
    const first = out[33]!
    expect(first.macd).toBeCloseTo(-1.9738, 4)
    expect(first.signal).toBeCloseTo(-2.7071, 4)
    expect(first.histogram).toBeCloseTo(-1.9738 - -2.7071, 4)
  })
})
