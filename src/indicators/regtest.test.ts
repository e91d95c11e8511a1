/**
 * Expected values published by TA-Lib's own regression tests on its reference series
 * (src/tools/ta_regtest/test_data.c, TA_SREF_close_daily_ref_0_PRIV), printed there to 2 or 4 decimals:
 * ta_test_func/test_rsi.c and ta_test_func/test_macd.c. The MACD case pins TA-Lib's seeding of the fast EMA.
 * ta_test_func/test_adx.c prints PLUS_DI, MINUS_DI and ADX as whole numbers (the output index counts from the first
 * value: PLUS_DI's out[0] is bar 14, ADX's out[0] is bar 27); the high/low/close series are test_data.c's.
 */
import { describe, expect, it } from 'vitest'
import { ADX, batch, DMI, MACD, RSI } from './index.js'
import { TALIB_REF_CLOSE, TALIB_REF_HIGH, TALIB_REF_LOW } from './testing/talibRegtestData.js'

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

  it('DMI(14) and ADX(14), test_adx.c: +DI/-DI from bar 14 (lookback 14), ADX from bar 27', () => {
    const bars = TALIB_REF_CLOSE.map((close, i) => ({
      open: close,
      high: TALIB_REF_HIGH[i]!,
      low: TALIB_REF_LOW[i]!,
      close,
      volume: 1,
    }))
    const dmi = batch(new DMI(14), bars)
    const adx = batch(new ADX(14), bars)
    // test_adx.c: begIdx 14 and 252 - 14 values for PLUS_DI / MINUS_DI; begIdx 27 for ADX.
    expect(dmi.findIndex((v) => v !== undefined)).toBe(14)
    expect(dmi.filter((v) => v !== undefined)).toHaveLength(252 - 14)
    expect(adx.findIndex((v) => v !== undefined)).toBe(27)
    // Printed as whole numbers: each value must round to the one TA-Lib's test expects.
    const whole = (v: number | undefined, want: number): void => expect(Math.abs(v! - want)).toBeLessThan(0.5)
    const out = (i: number) => dmi[14 + i]
    whole(out(0)?.plusDI, 20)
    whole(out(13)?.plusDI, 22)
    whole(out(14)?.plusDI, 20)
    whole(out(237)?.plusDI, 21)
    whole(out(0)?.minusDI, 30)
    whole(out(14)?.minusDI, 25)
    whole(out(237)?.minusDI, 21)
    whole(adx[27]?.adx, 23)
    whole(adx[28]?.adx, 22)
    whole(adx[27 + 223]?.adx, 17)
    whole(adx[27 + 224]?.adx, 16)
    // ADX's own DIs are the same numbers, from its first value on.
    expect(adx[27]?.plusDI).toBe(dmi[27]?.plusDI)
  })
})
