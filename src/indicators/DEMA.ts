import { EMA } from './EMA.js'
import type { Indicator, PriceInput } from './types.js'
import { checkPeriod, readPrice } from './validate.js'

/**
 * Double exponential moving average (TA-Lib `DEMA`): `2 * EMA(x) - EMA(EMA(x))`, both TA-Lib EMAs (SMA-seeded);
 * the second EMA starts on the first value of the first. Warm-up (lookback): `2 * (period - 1)` inputs.
 *
 * @example
 * ```ts
 * const dema = new DEMA(20)
 * for (const x of closes) dema.update(x)
 * ```
 */
export class DEMA implements Indicator<PriceInput, number> {
  /** EMA period. */
  readonly period: number
  /** TA-Lib lookback: `2 * (period - 1)`. */
  readonly lookback: number
  readonly #e1: EMA
  readonly #e2: EMA
  #count = 0
  #value = Number.NaN
  #pValue = Number.NaN

  constructor(period: number) {
    this.period = checkPeriod('DEMA', 'period', period)
    this.lookback = 2 * (period - 1)
    this.#e1 = new EMA(period)
    this.#e2 = new EMA(period)
  }

  /** Adds a price (or a candle's close) and returns the DEMA, or `undefined` while warming up. */
  update(input: PriceInput): number | undefined {
    const x = readPrice('DEMA', input)
    this.#pValue = this.#value
    return this.#step(x, false)
  }

  /** Revises the latest input. */
  replace(input: PriceInput): number | undefined {
    if (this.#count === 0) return this.update(input)
    const x = readPrice('DEMA', input)
    this.#value = this.#pValue
    this.#count--
    return this.#step(x, true)
  }

  // Whether an inner EMA is fed depends only on the count, so on replace it was fed on the replaced step too.
  #step(x: number, revise: boolean): number | undefined {
    this.#count++
    const a = revise ? this.#e1.replace(x) : this.#e1.update(x)
    if (a === undefined) return undefined
    const b = revise ? this.#e2.replace(a) : this.#e2.update(a)
    if (b === undefined) return undefined
    const v = 2 * a - b
    this.#value = v
    return v
  }

  /** Forgets all inputs. */
  reset(): void {
    this.#e1.reset()
    this.#e2.reset()
    this.#count = 0
    this.#value = Number.NaN
    this.#pValue = Number.NaN
  }

  /** Latest DEMA, or `undefined` while warming up. */
  get value(): number | undefined {
    return this.#count > this.lookback ? this.#value : undefined
  }
  /** True once `lookback + 1` inputs were seen. */
  get isReady(): boolean {
    return this.#count > this.lookback
  }
  /** Inputs accepted so far. */
  get count(): number {
    return this.#count
  }
}
