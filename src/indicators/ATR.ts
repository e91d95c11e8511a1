import { trueRange } from './TrueRange.js'
import type { CandleInput, Indicator } from './types.js'
import { checkCandle, checkPeriod } from './validate.js'

/**
 * Average true range, Wilder's smoothing (TA-Lib `ATR`).
 *
 * The first candle only provides a previous close (TA-Lib's true range has a lookback of 1). The first ATR is
 * the simple mean of the first `period` true ranges; then `atr = (atr * (period - 1) + tr) / period`.
 * Warm-up (lookback): `period` candles. O(1).
 *
 * @example
 * ```ts
 * const atr = new ATR(14)
 * for (const c of candles) atr.update(c)
 * const stopDistance = 2 * (atr.value ?? 0)
 * ```
 */
export class ATR implements Indicator<CandleInput, number> {
  /** Smoothing period. */
  readonly period: number
  /** TA-Lib lookback: `period`. */
  readonly lookback: number
  #prevClose = 0
  #atr = 0
  #count = 0
  #value = Number.NaN
  #pPrevClose = 0
  #pAtr = 0
  #pValue = Number.NaN

  constructor(period: number) {
    this.period = checkPeriod('ATR', 'period', period)
    this.lookback = period
  }

  /** Adds a candle and returns the ATR, or `undefined` while warming up. */
  update(input: CandleInput): number | undefined {
    const c = checkCandle('ATR', input)
    this.#pPrevClose = this.#prevClose
    this.#pAtr = this.#atr
    this.#pValue = this.#value
    return this.#step(c)
  }

  /** Revises the latest candle. */
  replace(input: CandleInput): number | undefined {
    if (this.#count === 0) return this.update(input)
    const c = checkCandle('ATR', input)
    this.#prevClose = this.#pPrevClose
    this.#atr = this.#pAtr
    this.#value = this.#pValue
    this.#count--
    return this.#step(c)
  }

  #step(c: CandleInput): number | undefined {
    const n = ++this.#count
    const pc = this.#prevClose
    this.#prevClose = c.close
    if (n === 1) return undefined
    const tr = trueRange(c.high, c.low, pc)
    const p = this.period
    if (n > p + 1) {
      let a = this.#atr * (p - 1)
      a += tr
      a /= p
      this.#atr = a
      this.#value = a
      return a
    }
    this.#atr += tr
    if (n <= p) return undefined
    const a = this.#atr / p
    this.#atr = a
    this.#value = a
    return a
  }

  /** Forgets all inputs. */
  reset(): void {
    this.#prevClose = 0
    this.#atr = 0
    this.#count = 0
    this.#value = Number.NaN
    this.#pValue = Number.NaN
  }

  /** Latest ATR, or `undefined` while warming up. */
  get value(): number | undefined {
    return this.#count > this.lookback ? this.#value : undefined
  }
  /** True once `period + 1` candles were seen. */
  get isReady(): boolean {
    return this.#count > this.lookback
  }
  /** Candles accepted so far. */
  get count(): number {
    return this.#count
  }
}
