import type { Indicator, PriceInput } from './types.js'
import { checkPeriod, readPrice } from './validate.js'

/**
 * Rate of change in percent (TA-Lib `ROC`): `(x / x[period ago] - 1) * 100`, and 0 when the old value is 0.
 * Warm-up (lookback): `period` inputs. O(1).
 *
 * @example
 * ```ts
 * const roc = new ROC(10)
 * for (const x of closes) roc.update(x)
 * ```
 */
export class ROC implements Indicator<PriceInput, number> {
  /** How many inputs back the comparison goes. */
  readonly period: number
  /** TA-Lib lookback: `period`. */
  readonly lookback: number
  readonly #buf: Float64Array
  #idx = 0
  #count = 0
  #value = Number.NaN
  #pOld = 0
  #pValue = Number.NaN

  constructor(period: number) {
    this.period = checkPeriod('ROC', 'period', period)
    this.lookback = period
    this.#buf = new Float64Array(period)
  }

  /** Adds a price (or a candle's close) and returns the ROC, or `undefined` while warming up. */
  update(input: PriceInput): number | undefined {
    const x = readPrice('ROC', input)
    this.#pOld = this.#buf[this.#idx]!
    this.#pValue = this.#value
    return this.#step(x)
  }

  /** Revises the latest input. */
  replace(input: PriceInput): number | undefined {
    if (this.#count === 0) return this.update(input)
    const x = readPrice('ROC', input)
    this.#idx = this.#idx === 0 ? this.period - 1 : this.#idx - 1
    this.#buf[this.#idx] = this.#pOld
    this.#value = this.#pValue
    this.#count--
    return this.#step(x)
  }

  #step(x: number): number | undefined {
    const idx = this.#idx
    const old = this.#buf[idx]!
    this.#buf[idx] = x
    this.#idx = idx + 1 === this.period ? 0 : idx + 1
    if (++this.#count <= this.period) return undefined
    const v = old !== 0 ? (x / old - 1) * 100 : 0
    this.#value = v
    return v
  }

  /** Forgets all inputs. */
  reset(): void {
    this.#buf.fill(0)
    this.#idx = 0
    this.#count = 0
    this.#value = Number.NaN
    this.#pValue = Number.NaN
  }

  /** Latest ROC, or `undefined` while warming up. */
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
