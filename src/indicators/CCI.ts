import type { CandleInput } from './types.js'
import { checkCandle } from './validate.js'
import { WindowIndicator } from './WindowIndicator.js'

/**
 * Commodity channel index (Lambert; TA-Lib `CCI`): `(TP - mean(TP)) / (0.015 * meanDeviation(TP))` over `period`
 * candles, with TP = (high + low + close) / 3; 0 for a flat window (every TP equal, the deviation 0). Unlike TA-Lib,
 * which returns 0 whenever the numerator or the deviation is below 1e-8 (`TA_IS_ZERO`), low-priced instruments get
 * the definition's value.
 *
 * The mean absolute deviation has no running form, so each update costs O(period) like TA-Lib's (which sums its
 * circular buffer in the same order, kept here); memory is O(period). Warm-up (lookback): `period - 1` candles.
 *
 * @example
 * ```ts
 * const cci = new CCI(20)
 * for (const c of candles) cci.update(c)
 * ```
 */
export class CCI extends WindowIndicator<CandleInput> {
  constructor(period: number) {
    super('CCI', period, { minPeriod: 2 })
  }

  /** @internal The typical price: (high + low + close) / 3. */
  protected read(input: CandleInput): number {
    const c = checkCandle('CCI', input)
    return (c.high + c.low + c.close) / 3
  }

  /** @internal */
  protected compute(last: number): number {
    const p = this.period
    // The mean is summed afresh over the window, as TA-Lib does (not from the running sum).
    const buf = this.window.values
    const first = buf[0]!
    let avg = 0
    let isFlat = true
    for (let j = 0; j < p; j++) {
      const tp = buf[j]!
      avg += tp
      if (tp !== first) isFlat = false
    }
    // A flat window: its deviation is 0 and its computed mean may be an ulp off every TP (rounding), so no ratio.
    if (isFlat) return 0
    avg /= p
    let dev = 0
    for (let j = 0; j < p; j++) dev += Math.abs(buf[j]! - avg)
    // not flat: dev > 0 (some TP differs from the mean), unless subnormal TPs underflow it
    return dev > 0 ? (last - avg) / (0.015 * (dev / p)) : 0
  }
}
