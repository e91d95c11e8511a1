import { RollingWindow } from './RollingWindow.js'
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
  readonly #w: RollingWindow
  #value = Number.NaN
  #pValue = Number.NaN

  constructor(period: number) {
    this.period = checkPeriod('SMA', 'period', period)
    this.lookback = period - 1
    this.#w = new RollingWindow(period)
  }

  /** Adds a price (or a candle's close) and returns the average, or `undefined` while warming up. */
  update(input: PriceInput): number | undefined {
    const x = readPrice('SMA', input)
    this.#pValue = this.#value
    return this.#step(x)
  }

  /** Revises the latest input. */
  replace(input: PriceInput): number | undefined {
    if (this.#w.count === 0) return this.update(input)
    const x = readPrice('SMA', input)
    this.#w.undo()
    this.#value = this.#pValue
    return this.#step(x)
  }

  #step(x: number): number | undefined {
    const w = this.#w
    if (!w.push(x)) return undefined
    const v = w.sum / this.period
    w.dropOldest()
    this.#value = v
    return v
  }

  /** Forgets all inputs. */
  reset(): void {
    this.#w.reset()
    this.#value = Number.NaN
    this.#pValue = Number.NaN
  }

  /** Latest average, or `undefined` while warming up. */
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
