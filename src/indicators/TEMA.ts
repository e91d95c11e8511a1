import { EMA } from './EMA.js'
import type { Indicator, PriceInput } from './types.js'
import { checkPeriod, readPrice } from './validate.js'

/**
 * Triple exponential moving average (TA-Lib `TEMA`): `3 * e1 - 3 * e2 + e3` with `e1 = EMA(x)`, `e2 = EMA(e1)`,
 * `e3 = EMA(e2)` (TA-Lib EMAs, each starting on the first value of the previous one).
 * Warm-up (lookback): `3 * (period - 1)` inputs.
 *
 * @example
 * ```ts
 * const tema = new TEMA(20)
 * for (const x of closes) tema.update(x)
 * ```
 */
export class TEMA implements Indicator<PriceInput, number> {
  /** EMA period. */
  readonly period: number
  /** TA-Lib lookback: `3 * (period - 1)`. */
  readonly lookback: number
  readonly #e1: EMA
  readonly #e2: EMA
  readonly #e3: EMA
  #count = 0
  #value = Number.NaN
  #pValue = Number.NaN

  constructor(period: number) {
    this.period = checkPeriod('TEMA', 'period', period)
    this.lookback = 3 * (period - 1)
    this.#e1 = new EMA(period)
    this.#e2 = new EMA(period)
    this.#e3 = new EMA(period)
  }

  /** Adds a price (or a candle's close) and returns the TEMA, or `undefined` while warming up. */
  update(input: PriceInput): number | undefined {
    const x = readPrice('TEMA', input)
    this.#pValue = this.#value
    return this.#step(x, false)
  }

  /** Revises the latest input. */
  replace(input: PriceInput): number | undefined {
    if (this.#count === 0) return this.update(input)
    const x = readPrice('TEMA', input)
    this.#value = this.#pValue
    this.#count--
    return this.#step(x, true)
  }

  #step(x: number, revise: boolean): number | undefined {
    this.#count++
    const a = revise ? this.#e1.replace(x) : this.#e1.update(x)
    if (a === undefined) return undefined
    const b = revise ? this.#e2.replace(a) : this.#e2.update(a)
    if (b === undefined) return undefined
    const c = revise ? this.#e3.replace(b) : this.#e3.update(b)
    if (c === undefined) return undefined
    const v = 3 * a - 3 * b + c
    this.#value = v
    return v
  }

  /** Forgets all inputs. */
  reset(): void {
    this.#e1.reset()
    this.#e2.reset()
    this.#e3.reset()
    this.#count = 0
    this.#value = Number.NaN
    this.#pValue = Number.NaN
  }

  /** Latest TEMA, or `undefined` while warming up. */
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
