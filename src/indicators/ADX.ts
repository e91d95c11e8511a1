import type { CandleInput, Indicator } from './types.js'
import { checkCandle, checkPeriod, isZero } from './validate.js'

/** One ADX output. */
export interface ADXValue {
  /** Average directional index, 0…100. */
  readonly adx: number
  /** +DI, 0…100 (TA-Lib `PLUS_DI`); 0 when the smoothed true range is 0. */
  readonly plusDI: number
  /** −DI, 0…100 (TA-Lib `MINUS_DI`); 0 when the smoothed true range is 0. */
  readonly minusDI: number
}

/**
 * Average directional index with +DI and −DI (TA-Lib `ADX`, `PLUS_DI`, `MINUS_DI`). The DIs come with the ADX, from
 * its first value on; for +DI/−DI from the first candle they exist (index `period`, as TA-Lib), use {@link DMI}.
 *
 * TA-Lib's arithmetic: +DM/−DM (only the larger move counts, and only if positive) and the true range are summed
 * over the first `period - 1` moves, then smoothed Wilder's way as sums (`s = s - s / period + x`);
 * DI = 100 × DM / TR; DX = 100 × |−DI − +DI| / (−DI + +DI). The first ADX is the mean of the first `period` DX
 * values, then `adx = (adx * (period - 1) + dx) / period`. A DX is skipped when TR or DI+ + DI− is below 1e-8.
 * Warm-up (lookback): `2 * period - 1` candles (27 for 14). O(1). Each value is a fresh object.
 *
 * @example
 * ```ts
 * const adx = new ADX(14)
 * const v = adx.update(candle)
 * if (v && v.adx > 25 && v.plusDI > v.minusDI) console.log('strong uptrend')
 * ```
 */
export class ADX implements Indicator<CandleInput, ADXValue> {
  /** Smoothing period (at least 2). */
  readonly period: number
  /** TA-Lib lookback: `2 * period - 1`. */
  readonly lookback: number
  #prevHigh = 0
  #prevLow = 0
  #prevClose = 0
  #pdm = 0
  #mdm = 0
  #tr = 0
  #sumDX = 0
  #adx = 0
  #count = 0
  #value: ADXValue | undefined = undefined
  readonly #saved = new Float64Array(9)
  #pValue: ADXValue | undefined = undefined

  constructor(period: number) {
    this.period = checkPeriod('ADX', 'period', period, 2)
    this.lookback = 2 * period - 1
  }

  /** Adds a candle and returns `{ adx, plusDI, minusDI }`, or `undefined` while warming up. */
  update(input: CandleInput): ADXValue | undefined {
    const c = checkCandle('ADX', input)
    const s = this.#saved
    s[0] = this.#prevHigh
    s[1] = this.#prevLow
    s[2] = this.#prevClose
    s[3] = this.#pdm
    s[4] = this.#mdm
    s[5] = this.#tr
    s[6] = this.#sumDX
    s[7] = this.#adx
    this.#pValue = this.#value
    return this.#step(c)
  }

  /** Revises the latest candle. */
  replace(input: CandleInput): ADXValue | undefined {
    if (this.#count === 0) return this.update(input)
    const c = checkCandle('ADX', input)
    const s = this.#saved
    this.#prevHigh = s[0]!
    this.#prevLow = s[1]!
    this.#prevClose = s[2]!
    this.#pdm = s[3]!
    this.#mdm = s[4]!
    this.#tr = s[5]!
    this.#sumDX = s[6]!
    this.#adx = s[7]!
    this.#value = this.#pValue
    this.#count--
    return this.#step(c)
  }

  #step(c: CandleInput): ADXValue | undefined {
    const i = this.#count++
    const high = c.high
    const low = c.low
    const p = this.period
    if (i === 0) {
      this.#prevHigh = high
      this.#prevLow = low
      this.#prevClose = c.close
      return undefined
    }
    const diffP = high - this.#prevHigh
    const diffM = this.#prevLow - low
    const pc = this.#prevClose
    this.#prevHigh = high
    this.#prevLow = low
    this.#prevClose = c.close
    let mdm = this.#mdm
    let pdm = this.#pdm
    if (i >= p) {
      mdm -= mdm / p
      pdm -= pdm / p
    }
    if (diffM > 0 && diffP < diffM) mdm += diffM
    else if (diffP > 0 && diffP > diffM) pdm += diffP
    this.#mdm = mdm
    this.#pdm = pdm
    let t = high - low
    const a = Math.abs(high - pc)
    if (a > t) t = a
    const b = Math.abs(low - pc)
    if (b > t) t = b
    const tr = i >= p ? this.#tr - this.#tr / p + t : this.#tr + t
    this.#tr = tr
    if (i < p) return undefined
    let plusDI = 0
    let minusDI = 0
    let dx = -1
    if (!isZero(tr)) {
      minusDI = 100 * (mdm / tr)
      plusDI = 100 * (pdm / tr)
      const sum = minusDI + plusDI
      if (!isZero(sum)) dx = 100 * (Math.abs(minusDI - plusDI) / sum)
    }
    if (i < 2 * p - 1) {
      if (dx >= 0) this.#sumDX += dx
      return undefined
    }
    if (i === 2 * p - 1) {
      if (dx >= 0) this.#sumDX += dx
      this.#adx = this.#sumDX / p
    } else if (dx >= 0) {
      this.#adx = (this.#adx * (p - 1) + dx) / p
    }
    const v: ADXValue = { adx: this.#adx, plusDI, minusDI }
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
    this.#sumDX = 0
    this.#adx = 0
    this.#count = 0
    this.#value = undefined
    this.#pValue = undefined
  }

  /** Latest `{ adx, plusDI, minusDI }`, or `undefined` while warming up. */
  get value(): ADXValue | undefined {
    return this.#value
  }
  /** True once `2 * period` candles were seen. */
  get isReady(): boolean {
    return this.#value !== undefined
  }
  /** Candles accepted so far. */
  get count(): number {
    return this.#count
  }
}
