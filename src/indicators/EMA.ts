import type { Indicator, PriceInput } from './types.js'
import { checkPeriod, MAX_INPUT, readPrice } from './validate.js'

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
  // the running sum of the seed while warming up, the EMA afterwards
  #ema = 0
  #count = 0
  #pEma = 0

  constructor(period: number) {
    this.period = checkPeriod('EMA', 'period', period)
    this.k = 2 / (period + 1)
    this.lookback = period - 1
  }

  /** Adds a price (or a candle's close) and returns the EMA, or `undefined` while warming up. */
  update(input: PriceInput): number | undefined {
    // the common case (a number within ±MAX_INPUT) is checked inline; readPrice validates everything else
    const x =
      typeof input === 'number' && -MAX_INPUT <= input && input <= MAX_INPUT ? input : readPrice('EMA', input)
    const e = this.#ema
    this.#pEma = e
    if (this.#count >= this.period) {
      this.#count++
      const v = (x - e) * this.k + e
      this.#ema = v
      return v
    }
    return this.#step(x)
  }

  /** Revises the latest input. */
  replace(input: PriceInput): number | undefined {
    if (this.#count === 0) return this.update(input)
    const x = readPrice('EMA', input)
    this.#ema = this.#pEma
    this.#count--
    return this.#step(x)
  }

  #step(x: number): number | undefined {
    const n = ++this.#count
    const p = this.period
    if (n > p) {
      const e = (x - this.#ema) * this.k + this.#ema
      this.#ema = e
      return e
    }
    this.#ema += x
    if (n < p) return undefined
    const e = this.#ema / p
    this.#ema = e
    return e
  }

  /** Forgets all inputs. */
  reset(): void {
    this.#ema = 0
    this.#pEma = 0
    this.#count = 0
  }

  /** Latest EMA, or `undefined` while warming up. */
  get value(): number | undefined {
    return this.#count > this.lookback ? this.#ema : undefined
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
