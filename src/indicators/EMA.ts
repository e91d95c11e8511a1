import type { Indicator, PriceInput } from './types.js'
import { checkPeriod, readPrice } from './validate.js'

/**
 * Exponential moving average (TA-Lib `EMA`, default compatibility).
 *
 * Seeded with the SMA of the first `period` inputs, then `ema += (x - ema) * k` with `k = 2 / (period + 1)`.
 * Warm-up (lookback): `period - 1` inputs. O(1) time and memory.
 *
 * @example
 * ```ts
 * const ema = new EMA(21)
 * const v = ema.update(101.5) // undefined until the 21st input
 * ```
 */
export class EMA implements Indicator<PriceInput, number> {
  /** Number of inputs of the SMA seed; sets `k = 2 / (period + 1)`. */
  readonly period: number
  /** Smoothing factor `2 / (period + 1)`. */
  readonly k: number
  /** TA-Lib lookback: `period - 1`. */
  readonly lookback: number
  #sum = 0
  #ema = 0
  #count = 0
  #value: number | undefined = undefined
  #pSum = 0
  #pEma = 0
  #pValue: number | undefined = undefined

  constructor(period: number) {
    this.period = checkPeriod('EMA', 'period', period)
    this.k = 2 / (period + 1)
    this.lookback = period - 1
  }

  /** Adds a price (or a candle's close) and returns the EMA, or `undefined` while warming up. */
  update(input: PriceInput): number | undefined {
    const x = readPrice('EMA', input)
    this.#pSum = this.#sum
    this.#pEma = this.#ema
    this.#pValue = this.#value
    return this.#step(x)
  }

  /** Revises the latest input. */
  replace(input: PriceInput): number | undefined {
    if (this.#count === 0) return this.update(input)
    const x = readPrice('EMA', input)
    this.#sum = this.#pSum
    this.#ema = this.#pEma
    this.#value = this.#pValue
    this.#count--
    return this.#step(x)
  }

  #step(x: number): number | undefined {
    const n = ++this.#count
    if (n > this.period) {
      const e = (x - this.#ema) * this.k + this.#ema
      this.#ema = e
      this.#value = e
      return e
    }
    this.#sum += x
    if (n < this.period) return undefined
    const e = this.#sum / this.period
    this.#ema = e
    this.#value = e
    return e
  }

  /** Forgets all inputs. */
  reset(): void {
    this.#sum = 0
    this.#ema = 0
    this.#count = 0
    this.#value = undefined
    this.#pValue = undefined
  }

  /** Latest EMA, or `undefined` while warming up. */
  get value(): number | undefined {
    return this.#value
  }
  /** True once `period` inputs were seen. */
  get isReady(): boolean {
    return this.#value !== undefined
  }
  /** Inputs accepted so far. */
  get count(): number {
    return this.#count
  }
}
