import { DirectionalMovement } from './DirectionalMovement.js'
import type { CandleInput, Indicator } from './types.js'
import { checkCandle, checkPeriod } from './validate.js'

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
  readonly #dm: DirectionalMovement
  #value: DMIValue | undefined = undefined
  #pValue: DMIValue | undefined = undefined

  constructor(period: number) {
    this.period = checkPeriod('DMI', 'period', period, 2)
    this.lookback = period
    this.#dm = new DirectionalMovement(period)
  }

  /** Adds a candle and returns `{ plusDI, minusDI }`, or `undefined` while warming up. */
  update(input: CandleInput): DMIValue | undefined {
    const c = checkCandle('DMI', input)
    this.#pValue = this.#value
    return this.#emit(this.#dm.update(c))
  }

  /** Revises the latest candle. */
  replace(input: CandleInput): DMIValue | undefined {
    if (this.#dm.count === 0) return this.update(input)
    const c = checkCandle('DMI', input)
    this.#value = this.#pValue
    return this.#emit(this.#dm.replace(c))
  }

  #emit(ready: boolean): DMIValue | undefined {
    if (!ready) return undefined
    const { pdm, mdm, tr } = this.#dm
    // tr is a smoothed sum of true ranges (>= 0): 0 only when flat, however low the price (no 1e-8 cut-off)
    const v: DMIValue = !(tr > 0)
      ? { plusDI: 0, minusDI: 0 }
      : { plusDI: 100 * (pdm / tr), minusDI: 100 * (mdm / tr) }
    this.#value = v
    return v
  }

  /** Forgets all inputs. */
  reset(): void {
    this.#dm.reset()
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
    return this.#dm.count
  }
}
