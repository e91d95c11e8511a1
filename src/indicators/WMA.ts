import type { Indicator, PriceInput } from './types.js'
import { checkPeriod, readPrice } from './validate.js'

/**
 * Weighted moving average (TA-Lib `WMA`): weights 1…`period`, the newest input heaviest, divided by
 * `period * (period + 1) / 2`.
 *
 * TA-Lib's O(1) recurrence: keep the weighted sum and the plain sum of the window; each step adds `x * period`,
 * outputs, then subtracts the plain sum. Warm-up (lookback): `period - 1` inputs.
 *
 * @example
 * ```ts
 * const wma = new WMA(10)
 * for (const x of closes) wma.update(x)
 * ```
 */
export class WMA implements Indicator<PriceInput, number> {
  /** Window length. */
  readonly period: number
  /** TA-Lib lookback: `period - 1`. */
  readonly lookback: number
  readonly #divider: number
  readonly #buf: Float64Array
  #idx = 0
  #sub = 0
  #sum = 0
  #trailing = 0
  #count = 0
  #value = Number.NaN
  #pIdx = 0
  #pSub = 0
  #pSum = 0
  #pTrailing = 0
  #pOld = 0
  #pValue = Number.NaN

  constructor(period: number) {
    this.period = checkPeriod('WMA', 'period', period)
    this.lookback = period - 1
    this.#divider = (period * (period + 1)) / 2
    this.#buf = new Float64Array(period)
  }

  /** Adds a price (or a candle's close) and returns the WMA, or `undefined` while warming up. */
  update(input: PriceInput): number | undefined {
    const x = readPrice('WMA', input)
    this.#pIdx = this.#idx
    this.#pSub = this.#sub
    this.#pSum = this.#sum
    this.#pTrailing = this.#trailing
    this.#pOld = this.#buf[this.#idx]!
    this.#pValue = this.#value
    return this.#step(x)
  }

  /** Revises the latest input. */
  replace(input: PriceInput): number | undefined {
    if (this.#count === 0) return this.update(input)
    const x = readPrice('WMA', input)
    this.#idx = this.#pIdx
    this.#sub = this.#pSub
    this.#sum = this.#pSum
    this.#trailing = this.#pTrailing
    this.#buf[this.#idx] = this.#pOld
    this.#value = this.#pValue
    this.#count--
    return this.#step(x)
  }

  #step(x: number): number | undefined {
    const p = this.period
    const n = ++this.#count
    const buf = this.#buf
    buf[this.#idx] = x
    this.#idx = this.#idx + 1 === p ? 0 : this.#idx + 1
    if (n < p) {
      this.#sub += x
      this.#sum += x * n
      return undefined
    }
    this.#sub += x
    this.#sub -= this.#trailing
    this.#sum += x * p
    this.#trailing = buf[this.#idx]!
    const v = this.#sum / this.#divider
    this.#sum -= this.#sub
    this.#value = v
    return v
  }

  /** Forgets all inputs. */
  reset(): void {
    this.#buf.fill(0)
    this.#idx = 0
    this.#sub = 0
    this.#sum = 0
    this.#trailing = 0
    this.#count = 0
    this.#value = Number.NaN
    this.#pValue = Number.NaN
  }

  /** Latest WMA, or `undefined` while warming up. */
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
