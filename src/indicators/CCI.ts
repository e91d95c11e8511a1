import { RollingWindow } from './RollingWindow.js'
import type { CandleInput, Indicator } from './types.js'
import { checkCandle, checkPeriod, isZero } from './validate.js'

/**
 * Commodity channel index (TA-Lib `CCI`): `(TP - mean(TP)) / (0.015 * meanDeviation(TP))` over `period` candles,
 * with TP = (high + low + close) / 3; 0 when the numerator or the deviation is below 1e-8 (`TA_IS_ZERO`).
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
export class CCI implements Indicator<CandleInput, number> {
  /** Window length (at least 2). */
  readonly period: number
  /** TA-Lib lookback: `period - 1`. */
  readonly lookback: number
  readonly #w: RollingWindow
  #value = Number.NaN
  #pValue = Number.NaN

  constructor(period: number) {
    this.period = checkPeriod('CCI', 'period', period, 2)
    this.lookback = period - 1
    this.#w = new RollingWindow(period)
  }

  /** Adds a candle and returns the CCI, or `undefined` while warming up. */
  update(input: CandleInput): number | undefined {
    const c = checkCandle('CCI', input)
    this.#pValue = this.#value
    return this.#step(c)
  }

  /** Revises the latest candle. */
  replace(input: CandleInput): number | undefined {
    if (this.#w.count === 0) return this.update(input)
    const c = checkCandle('CCI', input)
    this.#w.undo()
    this.#value = this.#pValue
    return this.#step(c)
  }

  #step(c: CandleInput): number | undefined {
    const p = this.period
    const last = (c.high + c.low + c.close) / 3
    if (!this.#w.push(last)) return undefined
    // The mean is summed afresh over the window, as TA-Lib does (not from the running sum).
    const buf = this.#w.values
    let avg = 0
    for (let j = 0; j < p; j++) avg += buf[j]!
    avg /= p
    let dev = 0
    for (let j = 0; j < p; j++) dev += Math.abs(buf[j]! - avg)
    const num = last - avg
    const v = !isZero(num) && !isZero(dev) ? num / (0.015 * (dev / p)) : 0
    this.#value = v
    return v
  }

  /** Forgets all inputs. */
  reset(): void {
    this.#w.reset()
    this.#value = Number.NaN
    this.#pValue = Number.NaN
  }

  /** Latest CCI, or `undefined` while warming up. */
  get value(): number | undefined {
    return this.#w.count > this.lookback ? this.#value : undefined
  }
  /** True once `period` candles were seen. */
  get isReady(): boolean {
    return this.#w.count > this.lookback
  }
  /** Candles accepted so far. */
  get count(): number {
    return this.#w.count
  }
}
