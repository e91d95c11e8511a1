import type { Indicator, PriceInput } from './types.js'
import { checkPeriod, readPrice } from './validate.js'

/**
 * Simple moving average: the mean of the last `period` inputs (TA-Lib `SMA`).
 *
 * Running sum, exactly as TA-Lib: add the new input, divide by `period`, then subtract the oldest input.
 * Warm-up (lookback): `period - 1` inputs. O(1) time and memory per update.
 *
 * @example
 * ```ts
 * const sma = new SMA(20)
 * for (const c of candles) sma.update(c) // numbers or candles (close)
 * if (sma.isReady) console.log(sma.value)
 * ```
 */
export class SMA implements Indicator<PriceInput, number> {
  /** Window length. */
  readonly period: number
  /** TA-Lib lookback: `period - 1`. */
  readonly lookback: number
  readonly #buf: Float64Array
  #idx = 0
  #sum = 0
  #count = 0
  #value = Number.NaN
  #pIdx = 0
  #pSum = 0
  #pOld = 0
  #pValue = Number.NaN

  constructor(period: number) {
    this.period = checkPeriod('SMA', 'period', period)
    this.lookback = period - 1
    this.#buf = new Float64Array(period)
  }

  /** Adds a price (or a candle's close) and returns the average, or `undefined` while warming up. */
  update(input: PriceInput): number | undefined {
    const x = readPrice('SMA', input)
    this.#pIdx = this.#idx
    this.#pSum = this.#sum
    this.#pOld = this.#buf[this.#idx]!
    this.#pValue = this.#value
    return this.#step(x)
  }

  /** Revises the latest input. */
  replace(input: PriceInput): number | undefined {
    if (this.#count === 0) return this.update(input)
    const x = readPrice('SMA', input)
    this.#idx = this.#pIdx
    this.#sum = this.#pSum
    this.#buf[this.#idx] = this.#pOld
    this.#value = this.#pValue
    this.#count--
    return this.#step(x)
  }

  #step(x: number): number | undefined {
    const buf = this.#buf
    let idx = this.#idx
    this.#sum += x
    buf[idx] = x
    idx++
    if (idx === this.period) idx = 0
    this.#idx = idx
    if (++this.#count < this.period) return undefined
    const v = this.#sum / this.period
    this.#sum -= buf[idx]!
    this.#value = v
    return v
  }

  /** Forgets all inputs. */
  reset(): void {
    this.#buf.fill(0)
    this.#idx = 0
    this.#sum = 0
    this.#count = 0
    this.#value = Number.NaN
    this.#pValue = Number.NaN
  }

  /** Latest average, or `undefined` while warming up. */
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
