import { EMA } from './EMA.js'
import type { Indicator, PriceInput } from './types.js'
import { checkPeriod, readPrice } from './validate.js'

/**
 * A weighted sum of chained EMAs of one period: `Σ weights[i] * e[i]`, where `e[0] = EMA(x)` and each
 * `e[i] = EMA(e[i-1])` starts on the first value of the one before (TA-Lib's chaining): the body of DEMA and TEMA.
 * Summed left to right from the first EMA, so DEMA's `2a − b` and TEMA's `3a − 3b + c` come out to the bit.
 * Warm-up (lookback): `weights.length * (period - 1)` inputs.
 */
export abstract class EmaBlend implements Indicator<PriceInput, number> {
  /** EMA period. */
  readonly period: number
  /** TA-Lib lookback: one `period - 1` per chained EMA. */
  readonly lookback: number
  readonly #name: string
  readonly #emas: EMA[]
  readonly #weights: readonly number[]
  #count = 0
  #value = Number.NaN
  #pValue = Number.NaN

  protected constructor(name: string, period: number, weights: readonly number[]) {
    this.period = checkPeriod(name, 'period', period)
    this.lookback = weights.length * (period - 1)
    this.#name = name
    this.#emas = weights.map(() => new EMA(period))
    this.#weights = weights
  }

  /** Adds a price (or a candle's close) and returns the average, or `undefined` while warming up. */
  update(input: PriceInput): number | undefined {
    const x = readPrice(this.#name, input)
    this.#pValue = this.#value
    return this.#step(x, false)
  }

  /** Revises the latest input. */
  replace(input: PriceInput): number | undefined {
    if (this.#count === 0) return this.update(input)
    const x = readPrice(this.#name, input)
    this.#value = this.#pValue
    this.#count--
    return this.#step(x, true)
  }

  // Whether an inner EMA is fed depends only on the count, so on replace it was fed on the replaced step too.
  #step(x: number, revise: boolean): number | undefined {
    this.#count++
    let v = 0
    let input = x
    for (let i = 0; i < this.#emas.length; i++) {
      const ema = this.#emas[i] as EMA
      const e = revise ? ema.replace(input) : ema.update(input)
      if (e === undefined) return undefined
      v += (this.#weights[i] as number) * e
      input = e
    }
    this.#value = v
    return v
  }

  /** Forgets all inputs. */
  reset(): void {
    for (const ema of this.#emas) ema.reset()
    this.#count = 0
    this.#value = Number.NaN
    this.#pValue = Number.NaN
  }

  /** Latest average, or `undefined` while warming up. */
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
