import { z } from 'zod'
import { parseConfig } from '../core/index.js'
import type { Indicator, PriceInput } from './types.js'
import { MAX_PERIOD, readPrice } from './validate.js'

/** Schema of {@link BollingerBandsConfig}: `period` 20 and `stdDev` 2 by default. */
export const BollingerBandsConfigSchema = z
  .object({
    period: z.number().int().min(1).max(MAX_PERIOD).default(20),
    stdDev: z.number().min(0).max(1e6).default(2),
  })
  .strict()

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
 * `variance = mean(x²) - mean(x)²`, and σ = 0 when that variance is below 1e-8 (`TA_IS_ZERO_OR_NEG`).
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
  readonly #buf: Float64Array
  #idx = 0
  #sum = 0
  #sumSq = 0
  #count = 0
  #value: BollingerBandsValue | undefined = undefined
  #pIdx = 0
  #pSum = 0
  #pSumSq = 0
  #pOld = 0
  #pValue: BollingerBandsValue | undefined = undefined

  constructor(config: BollingerBandsConfig = {}) {
    const c = parseConfig(BollingerBandsConfigSchema, config, 'BollingerBands')
    this.period = c.period
    this.stdDev = c.stdDev
    this.lookback = c.period - 1
    this.#buf = new Float64Array(c.period)
  }

  /** Adds a price (or a candle's close) and returns `{ upper, middle, lower }`, or `undefined` while warming up. */
  update(input: PriceInput): BollingerBandsValue | undefined {
    const x = readPrice('BollingerBands', input)
    this.#pIdx = this.#idx
    this.#pSum = this.#sum
    this.#pSumSq = this.#sumSq
    this.#pOld = this.#buf[this.#idx]!
    this.#pValue = this.#value
    return this.#step(x)
  }

  /** Revises the latest input. */
  replace(input: PriceInput): BollingerBandsValue | undefined {
    if (this.#count === 0) return this.update(input)
    const x = readPrice('BollingerBands', input)
    this.#idx = this.#pIdx
    this.#sum = this.#pSum
    this.#sumSq = this.#pSumSq
    this.#buf[this.#idx] = this.#pOld
    this.#value = this.#pValue
    this.#count--
    return this.#step(x)
  }

  #step(x: number): BollingerBandsValue | undefined {
    const p = this.period
    const buf = this.#buf
    let idx = this.#idx
    this.#sum += x
    this.#sumSq += x * x
    buf[idx] = x
    idx++
    if (idx === p) idx = 0
    this.#idx = idx
    if (++this.#count < p) return undefined
    const mean = this.#sum / p
    let variance = this.#sumSq / p
    const t = buf[idx]!
    this.#sum -= t
    this.#sumSq -= t * t
    variance -= mean * mean
    const d = variance < 0.00000001 ? 0 : Math.sqrt(variance) * this.stdDev
    const v: BollingerBandsValue = { upper: mean + d, middle: mean, lower: mean - d }
    this.#value = v
    return v
  }

  /** Forgets all inputs. */
  reset(): void {
    this.#buf.fill(0)
    this.#idx = 0
    this.#sum = 0
    this.#sumSq = 0
    this.#count = 0
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
    return this.#count
  }
}
