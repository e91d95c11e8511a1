import type { Indicator, PriceInput } from './types.js'
import { checkPeriod, readPrice } from './validate.js'

/**
 * Population standard deviation of the last `period` inputs (TA-Lib `STDDEV` with `nbDev = 1`).
 *
 * Running sums as TA-Lib: `variance = mean(x²) - mean(x)²`, and 0 when the variance is below 1e-8.
 * Warm-up (lookback): `period - 1` inputs. O(1).
 *
 * @example
 * ```ts
 * const sd = new StdDev(20)
 * for (const c of closes) sd.update(c)
 * ```
 */
export class StdDev implements Indicator<PriceInput, number> {
  /** Window length. */
  readonly period: number
  /** TA-Lib lookback: `period - 1`. */
  readonly lookback: number
  readonly #buf: Float64Array
  #idx = 0
  #sum = 0
  #sumSq = 0
  #count = 0
  #value = Number.NaN
  #pIdx = 0
  #pSum = 0
  #pSumSq = 0
  #pOld = 0
  #pValue = Number.NaN

  constructor(period: number) {
    this.period = checkPeriod('StdDev', 'period', period)
    this.lookback = period - 1
    this.#buf = new Float64Array(period)
  }

  /** Adds a price (or a candle's close) and returns σ, or `undefined` while warming up. */
  update(input: PriceInput): number | undefined {
    const x = readPrice('StdDev', input)
    this.#pIdx = this.#idx
    this.#pSum = this.#sum
    this.#pSumSq = this.#sumSq
    this.#pOld = this.#buf[this.#idx]!
    this.#pValue = this.#value
    return this.#step(x)
  }

  /** Revises the latest input. */
  replace(input: PriceInput): number | undefined {
    if (this.#count === 0) return this.update(input)
    const x = readPrice('StdDev', input)
    this.#idx = this.#pIdx
    this.#sum = this.#pSum
    this.#sumSq = this.#pSumSq
    this.#buf[this.#idx] = this.#pOld
    this.#value = this.#pValue
    this.#count--
    return this.#step(x)
  }

  #step(x: number): number | undefined {
    const p = this.period
    const buf = this.#buf
    let idx = this.#idx
    this.#sum += x
    this.#sumSq += x * x
    buf[idx] = x
    idx++
    if (idx === p) idx = 0
    this.#idx = idx
    if (++this.#count < p) return undefined
    const mean = this.#sum / p
    const meanSq = this.#sumSq / p
    const t = buf[idx]!
    this.#sum -= t
    this.#sumSq -= t * t
    const variance = meanSq - mean * mean
    const v = variance < 0.00000001 ? 0 : Math.sqrt(variance)
    this.#value = v
    return v
  }

  /** Forgets all inputs. */
  reset(): void {
    this.#buf.fill(0)
    this.#idx = 0
    this.#sum = 0
    this.#sumSq = 0
    this.#count = 0
    this.#value = Number.NaN
    this.#pValue = Number.NaN
  }

  /** Latest σ, or `undefined` while warming up. */
  get value(): number | undefined {
    return this.#count > this.lookback ? this.#value : undefined
  }
  /** True once `period` inputs were seen. */
  get isReady(): boolean {
    return this.#count > this.lookback
  }
  /** Inputs accepted so far. */
  get count(): number {
    return this.#count
  }
}
