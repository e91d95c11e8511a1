import { RollingWindow } from './RollingWindow.js'
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
  readonly #w: RollingWindow
  #value = Number.NaN
  #pValue = Number.NaN

  constructor(period: number) {
    this.period = checkPeriod('StdDev', 'period', period)
    this.lookback = period - 1
    this.#w = new RollingWindow(period, { squares: true })
  }

  /** Adds a price (or a candle's close) and returns σ, or `undefined` while warming up. */
  update(input: PriceInput): number | undefined {
    const x = readPrice('StdDev', input)
    this.#pValue = this.#value
    return this.#step(x)
  }

  /** Revises the latest input. */
  replace(input: PriceInput): number | undefined {
    if (this.#w.count === 0) return this.update(input)
    const x = readPrice('StdDev', input)
    this.#w.undo()
    this.#value = this.#pValue
    return this.#step(x)
  }

  #step(x: number): number | undefined {
    const p = this.period
    const w = this.#w
    if (!w.push(x)) return undefined
    const mean = w.sum / p
    const meanSq = w.sumSq / p
    w.dropOldest()
    const variance = meanSq - mean * mean
    const v = variance < 0.00000001 ? 0 : Math.sqrt(variance)
    this.#value = v
    return v
  }

  /** Forgets all inputs. */
  reset(): void {
    this.#w.reset()
    this.#value = Number.NaN
    this.#pValue = Number.NaN
  }

  /** Latest σ, or `undefined` while warming up. */
  get value(): number | undefined {
    return this.#w.count > this.lookback ? this.#value : undefined
  }
  /** True once `period` inputs were seen. */
  get isReady(): boolean {
    return this.#w.count > this.lookback
  }
  /** Inputs accepted so far. */
  get count(): number {
    return this.#w.count
  }
}
