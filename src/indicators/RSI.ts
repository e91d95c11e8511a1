import type { Indicator, PriceInput } from './types.js'
import { checkPeriod, readPrice } from './validate.js'

/**
 * Relative strength index, Wilder's smoothing (TA-Lib `RSI`, classic, not Metastock).
 *
 * Average gain and loss are seeded with the simple mean of the first `period` changes, then smoothed as
 * `avg = (avg * (period - 1) + change) / period`. `RSI = 100 * avgGain / (avgGain + avgLoss)` (100 when only gains,
 * Wilder's definition), and 0 when `avgGain + avgLoss` is 0, i.e. the prices were flat (TA-Lib's convention). Unlike
 * TA-Lib's `TA_IS_ZERO` (below 1e-8), the test is exact: the averages are sums of |changes|, 0 only when flat, and a
 * low-priced instrument's averages are far below 1e-8. Warm-up (lookback): `period` inputs. O(1).
 *
 * @example
 * ```ts
 * const rsi = new RSI(14)
 * for (const close of closes) rsi.update(close)
 * if ((rsi.value ?? 50) > 70) console.log('overbought')
 * ```
 */
export class RSI implements Indicator<PriceInput, number> {
  /** Smoothing period (at least 2). */
  readonly period: number
  /** TA-Lib lookback: `period`. */
  readonly lookback: number
  #prev = 0
  #gain = 0
  #loss = 0
  #count = 0
  #value = Number.NaN
  #pPrev = 0
  #pGain = 0
  #pLoss = 0
  #pValue = Number.NaN

  constructor(period: number) {
    this.period = checkPeriod('RSI', 'period', period, 2)
    this.lookback = period
  }

  /** Adds a price (or a candle's close) and returns the RSI in [0, 100], or `undefined` while warming up. */
  update(input: PriceInput): number | undefined {
    const x = readPrice('RSI', input)
    this.#pPrev = this.#prev
    this.#pGain = this.#gain
    this.#pLoss = this.#loss
    this.#pValue = this.#value
    return this.#step(x)
  }

  /** Revises the latest input. */
  replace(input: PriceInput): number | undefined {
    if (this.#count === 0) return this.update(input)
    const x = readPrice('RSI', input)
    this.#prev = this.#pPrev
    this.#gain = this.#pGain
    this.#loss = this.#pLoss
    this.#value = this.#pValue
    this.#count--
    return this.#step(x)
  }

  #step(x: number): number | undefined {
    const n = ++this.#count
    const p = this.period
    const d = x - this.#prev
    this.#prev = x
    if (n === 1) return undefined
    let gain = this.#gain
    let loss = this.#loss
    if (n > p + 1) {
      loss *= p - 1
      gain *= p - 1
      if (d < 0) loss -= d
      else gain += d
      loss /= p
      gain /= p
    } else {
      if (d < 0) loss -= d
      else gain += d
      if (n <= p) {
        this.#gain = gain
        this.#loss = loss
        return undefined
      }
      loss /= p
      gain /= p
    }
    this.#gain = gain
    this.#loss = loss
    const t = gain + loss
    const v = t > 0 ? 100 * (gain / t) : 0
    this.#value = v
    return v
  }

  /** Forgets all inputs. */
  reset(): void {
    this.#prev = 0
    this.#gain = 0
    this.#loss = 0
    this.#count = 0
    this.#value = Number.NaN
    this.#pValue = Number.NaN
  }

  /** Latest RSI, or `undefined` while warming up. */
  get value(): number | undefined {
    return this.#count > this.lookback ? this.#value : undefined
  }
  /** True once `period + 1` inputs were seen. */
  get isReady(): boolean {
    return this.#count > this.lookback
  }
  /** Inputs accepted so far. */
  get count(): number {
    return this.#count
  }
}
