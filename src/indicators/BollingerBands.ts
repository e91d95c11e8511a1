import * as z from 'zod/mini'
import { parseConfig } from '../core/config.js'
import { RollingWindow } from './RollingWindow.js'
import type { Indicator, PriceInput } from './types.js'
import { MAX_PERIOD, readPrice } from './validate.js'

/** Schema of {@link BollingerBandsConfig}: `period` 20 and `stdDev` 2 by default. */
export const BollingerBandsConfigSchema = z.strictObject({
  period: z._default(/* @__PURE__ */ z.int().check(z.minimum(1), z.maximum(MAX_PERIOD)), 20),
  stdDev: z._default(/* @__PURE__ */ z.number().check(z.minimum(0), z.maximum(1e6)), 2),
})

/** Options of {@link BollingerBands}. */
export type BollingerBandsConfig = z.input<typeof BollingerBandsConfigSchema>

/** One Bollinger Bands output. */
export interface BollingerBandsValue {
  /** `middle + stdDev * σ`. */
  readonly upper: number
  /** SMA of the last `period` inputs. */
  readonly middle: number
  /** `middle - stdDev * σ`. */
  readonly lower: number
}

/**
 * Bollinger Bands (TA-Lib `BBANDS` with an SMA middle band).
 *
 * σ is the population standard deviation, computed as TA-Lib does from running sums:
 * `variance = mean(x²) - mean(x)²`; σ = 0 for a flat window (every input equal) or when rounding leaves the variance
 * at or below 0, with no fixed 1e-8 cut-off (TA-Lib's `TA_IS_ZERO_OR_NEG` zeroed low-priced instruments' bands).
 * Warm-up (lookback): `period - 1` inputs. O(1). Each value is a fresh object.
 *
 * @example
 * ```ts
 * const bb = new BollingerBands({ period: 20, stdDev: 2 })
 * const v = bb.update(close)
 * if (v && close < v.lower) console.log('below the lower band')
 * ```
 */
export class BollingerBands implements Indicator<PriceInput, BollingerBandsValue> {
  /** Window length. */
  readonly period: number
  /** Band width in standard deviations. */
  readonly stdDev: number
  /** TA-Lib lookback: `period - 1`. */
  readonly lookback: number
  readonly #w: RollingWindow
  #value: BollingerBandsValue | undefined = undefined
  #pValue: BollingerBandsValue | undefined = undefined

  constructor(config: BollingerBandsConfig = {}) {
    const c = parseConfig(BollingerBandsConfigSchema, config, 'BollingerBands')
    this.period = c.period
    this.stdDev = c.stdDev
    this.lookback = c.period - 1
    this.#w = new RollingWindow(c.period, { squares: true })
  }

  /** Adds a price (or a candle's close) and returns `{ upper, middle, lower }`, or `undefined` while warming up. */
  update(input: PriceInput): BollingerBandsValue | undefined {
    const x = readPrice('BollingerBands', input)
    this.#pValue = this.#value
    return this.#step(x)
  }

  /** Revises the latest input. */
  replace(input: PriceInput): BollingerBandsValue | undefined {
    if (this.#w.count === 0) return this.update(input)
    const x = readPrice('BollingerBands', input)
    this.#w.undo()
    this.#value = this.#pValue
    return this.#step(x)
  }

  #step(x: number): BollingerBandsValue | undefined {
    const p = this.period
    const w = this.#w
    if (!w.push(x)) return undefined
    const mean = w.sum / p
    let variance = w.sumSq / p
    w.dropOldest()
    variance -= mean * mean
    const d = w.isFlat || !(variance > 0) ? 0 : Math.sqrt(variance) * this.stdDev
    const v: BollingerBandsValue = { upper: mean + d, middle: mean, lower: mean - d }
    this.#value = v
    return v
  }

  /** Forgets all inputs. */
  reset(): void {
    this.#w.reset()
    this.#value = undefined
    this.#pValue = undefined
  }

  /** Latest bands, or `undefined` while warming up. */
  get value(): BollingerBandsValue | undefined {
    return this.#value
  }
  /** True once `period` inputs were seen. */
  get isReady(): boolean {
    return this.#value !== undefined
  }
  /** Inputs accepted so far. */
  get count(): number {
    return this.#w.count
  }
}
