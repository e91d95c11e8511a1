import { DirectionalMovement } from './DirectionalMovement.js'
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
 * values, then `adx = (adx * (period - 1) + dx) / period`. A DX is skipped when TR is 0 (a flat market; TA-Lib
 * skips below 1e-8, which silenced low-priced instruments) or DI+ + DI− is below 1e-8 (percentage points).
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
  readonly #dm: DirectionalMovement
  #sumDX = 0
  #adx = 0
  #value: ADXValue | undefined = undefined
  #pSumDX = 0
  #pAdx = 0
  #pValue: ADXValue | undefined = undefined

  constructor(period: number) {
    this.period = checkPeriod('ADX', 'period', period, 2)
    this.lookback = 2 * period - 1
    this.#dm = new DirectionalMovement(period)
  }

  /** Adds a candle and returns `{ adx, plusDI, minusDI }`, or `undefined` while warming up. */
  update(input: CandleInput): ADXValue | undefined {
    const c = checkCandle('ADX', input)
    this.#pSumDX = this.#sumDX
    this.#pAdx = this.#adx
    this.#pValue = this.#value
    return this.#emit(this.#dm.update(c))
  }

  /** Revises the latest candle. */
  replace(input: CandleInput): ADXValue | undefined {
    if (this.#dm.count === 0) return this.update(input)
    const c = checkCandle('ADX', input)
    this.#sumDX = this.#pSumDX
    this.#adx = this.#pAdx
    this.#value = this.#pValue
    return this.#emit(this.#dm.replace(c))
  }

  #emit(ready: boolean): ADXValue | undefined {
    if (!ready) return undefined
    const { pdm, mdm, tr } = this.#dm
    const i = this.#dm.count - 1
    const p = this.period
    let plusDI = 0
    let minusDI = 0
    let dx = -1
    // tr is a smoothed sum of true ranges (>= 0): 0 only when flat, however low the price (no 1e-8 cut-off); the
    // DIs are percentages, so TA-Lib's 1e-8 test on their sum is scale-free and kept
    if (tr > 0) {
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
    this.#dm.reset()
    this.#sumDX = 0
    this.#adx = 0
    this.#value = undefined
    this.#pSumDX = 0
    this.#pAdx = 0
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
    return this.#dm.count
  }
}
