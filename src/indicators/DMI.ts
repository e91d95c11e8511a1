import type { CandleInput, Indicator } from './types.js'
import { checkCandle, checkPeriod, isZero } from './validate.js'

/** One DMI output. */
export interface DMIValue {
  /** +DI, 0…100 (TA-Lib `PLUS_DI`); 0 when the smoothed true range is 0. */
  readonly plusDI: number
  /** −DI, 0…100 (TA-Lib `MINUS_DI`); 0 when the smoothed true range is 0. */
  readonly minusDI: number
}

/**
 * Directional movement index: +DI and −DI from the first candle they exist (TA-Lib `PLUS_DI` and `MINUS_DI`), where
 * {@link ADX} reports them only once its own average is ready (`2 * period - 1` candles later).
 *
 * TA-Lib's arithmetic, the same as {@link ADX}'s: +DM/−DM (only the larger move counts, and only if positive) and the
 * true range are summed over the first `period - 1` moves, then smoothed Wilder's way as sums (`s = s - s / period + x`);
 * DI = 100 × DM / TR. Warm-up (lookback): `period` candles, so the first value comes with the candle at index `period`
 * (0-based: index 14 for period 14, as TA-Lib's `PLUS_DI`; ADX's first is at index 27). O(1).
 * Each value is a fresh object.
 *
 * @example
 * ```ts
 * const dmi = new DMI(14)
 * const v = dmi.update(candle)
 * if (v && v.plusDI > v.minusDI) console.log('buyers lead')
 * ```
 */
export class DMI implements Indicator<CandleInput, DMIValue> {
  /** Smoothing period (at least 2). */
  readonly period: number
  /** TA-Lib lookback of `PLUS_DI` / `MINUS_DI`: `period`. */
  readonly lookback: number
  #prevHigh = 0
  #prevLow = 0
  #prevClose = 0
  #pdm = 0
  #mdm = 0
  #tr = 0
  #count = 0
  #value: DMIValue | undefined = undefined
  readonly #saved = new Float64Array(6)
  #pValue: DMIValue | undefined = undefined

  constructor(period: number) {
    this.period = checkPeriod('DMI', 'period', period, 2)
    this.lookback = period
  }

  /** Adds a candle and returns `{ plusDI, minusDI }`, or `undefined` while warming up. */
  update(input: CandleInput): DMIValue | undefined {
    const c = checkCandle('DMI', input)
    const s = this.#saved
    s[0] = this.#prevHigh
    s[1] = this.#prevLow
    s[2] = this.#prevClose
    s[3] = this.#pdm
    s[4] = this.#mdm
    s[5] = this.#tr
    this.#pValue = this.#value
    return this.#step(c)
  }

  /** Revises the latest candle. */
  replace(input: CandleInput): DMIValue | undefined {
    if (this.#count === 0) return this.update(input)
    const c = checkCandle('DMI', input)
    const s = this.#saved
    this.#prevHigh = s[0]!
    this.#prevLow = s[1]!
    this.#prevClose = s[2]!
    this.#pdm = s[3]!
    this.#mdm = s[4]!
    this.#tr = s[5]!
    this.#value = this.#pValue
    this.#count--
    return this.#step(c)
  }

  #step(c: CandleInput): DMIValue | undefined {
    const i = this.#count++
    const p = this.period
    if (i === 0) {
      this.#prevHigh = c.high
      this.#prevLow = c.low
      this.#prevClose = c.close
      return undefined
    }
    const diffP = c.high - this.#prevHigh
    const diffM = this.#prevLow - c.low
    const pc = this.#prevClose
    this.#prevHigh = c.high
    this.#prevLow = c.low
    this.#prevClose = c.close
    if (i >= p) {
      this.#mdm -= this.#mdm / p
      this.#pdm -= this.#pdm / p
    }
    if (diffM > 0 && diffP < diffM) this.#mdm += diffM
    else if (diffP > 0 && diffP > diffM) this.#pdm += diffP
    const t = Math.max(c.high - c.low, Math.abs(c.high - pc), Math.abs(c.low - pc))
    this.#tr = i >= p ? this.#tr - this.#tr / p + t : this.#tr + t
    if (i < p) return undefined
    const tr = this.#tr
    const v: DMIValue = isZero(tr)
      ? { plusDI: 0, minusDI: 0 }
      : { plusDI: 100 * (this.#pdm / tr), minusDI: 100 * (this.#mdm / tr) }
    this.#value = v
    return v
  }

  /** Forgets all inputs. */
  reset(): void {
    this.#prevHigh = 0
    this.#prevLow = 0
    this.#prevClose = 0
    this.#pdm = 0
    this.#mdm = 0
    this.#tr = 0
    this.#count = 0
    this.#value = undefined
    this.#pValue = undefined
  }

  /** Latest `{ plusDI, minusDI }`, or `undefined` while warming up. */
  get value(): DMIValue | undefined {
    return this.#value
  }
  /** True once `period + 1` candles were seen. */
  get isReady(): boolean {
    return this.#value !== undefined
  }
  /** Candles accepted so far. */
  get count(): number {
    return this.#count
  }
}
