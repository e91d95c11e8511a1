import * as z from 'zod/mini'
import { parseConfig } from '../core/config.js'
import { ATR } from './ATR.js'
import { EMA } from './EMA.js'
import type { CandleInput, Indicator } from './types.js'
import { checkCandle, MAX_PERIOD } from './validate.js'

/** Schema of {@link KeltnerChannelsConfig}: `period` 20, `atrPeriod` 10, `multiplier` 2 by default. */
export const KeltnerChannelsConfigSchema = z.strictObject({
  period: z._default(/* @__PURE__ */ z.int().check(z.minimum(1), z.maximum(MAX_PERIOD)), 20),
  atrPeriod: z._default(/* @__PURE__ */ z.int().check(z.minimum(1), z.maximum(MAX_PERIOD)), 10),
  multiplier: z._default(/* @__PURE__ */ z.number().check(z.minimum(0), z.maximum(1e6)), 2),
})

/** Options of {@link KeltnerChannels}. */
export type KeltnerChannelsConfig = z.input<typeof KeltnerChannelsConfigSchema>

/** One Keltner Channels output. */
export interface KeltnerChannelsValue {
  /** `middle + multiplier × ATR`. */
  readonly upper: number
  /** EMA of the close. */
  readonly middle: number
  /** `middle - multiplier × ATR`. */
  readonly lower: number
}

/**
 * Keltner Channels (Chester Keltner, as modernised by Linda Raschke): an EMA(`period`) of the close, ± `multiplier`
 * × ATR(`atrPeriod`). The EMA and ATR are this module's TA-Lib-exact {@link EMA} and {@link ATR}. Values start
 * once both are ready: warm-up (lookback) `max(period - 1, atrPeriod)` candles. O(1). Each value is a fresh object.
 *
 * @example
 * ```ts
 * const kc = new KeltnerChannels({ period: 20, atrPeriod: 10, multiplier: 2 })
 * const v = kc.update(candle)
 * ```
 */
export class KeltnerChannels implements Indicator<CandleInput, KeltnerChannelsValue> {
  /** EMA period of the middle line. */
  readonly period: number
  /** ATR period. */
  readonly atrPeriod: number
  /** Band width in ATRs. */
  readonly multiplier: number
  /** Lookback: `max(period - 1, atrPeriod)`. */
  readonly lookback: number
  readonly #ema: EMA
  readonly #atr: ATR
  #count = 0
  #value: KeltnerChannelsValue | undefined = undefined
  #pValue: KeltnerChannelsValue | undefined = undefined

  constructor(config: KeltnerChannelsConfig = {}) {
    const c = parseConfig(KeltnerChannelsConfigSchema, config, 'KeltnerChannels')
    this.period = c.period
    this.atrPeriod = c.atrPeriod
    this.multiplier = c.multiplier
    this.lookback = Math.max(c.period - 1, c.atrPeriod)
    this.#ema = new EMA(c.period)
    this.#atr = new ATR(c.atrPeriod)
  }

  /** Adds a candle and returns `{ upper, middle, lower }`, or `undefined` while warming up. */
  update(input: CandleInput): KeltnerChannelsValue | undefined {
    const c = checkCandle('KeltnerChannels', input)
    this.#pValue = this.#value
    this.#count++
    return this.#out(this.#ema.update(c.close), this.#atr.update(c))
  }

  /** Revises the latest candle. */
  replace(input: CandleInput): KeltnerChannelsValue | undefined {
    if (this.#count === 0) return this.update(input)
    const c = checkCandle('KeltnerChannels', input)
    this.#value = this.#pValue
    return this.#out(this.#ema.replace(c.close), this.#atr.replace(c))
  }

  #out(mid: number | undefined, atr: number | undefined): KeltnerChannelsValue | undefined {
    if (mid === undefined || atr === undefined) return undefined
    const d = this.multiplier * atr
    const v: KeltnerChannelsValue = { upper: mid + d, middle: mid, lower: mid - d }
    this.#value = v
    return v
  }

  /** Forgets all inputs. */
  reset(): void {
    this.#ema.reset()
    this.#atr.reset()
    this.#count = 0
    this.#value = undefined
    this.#pValue = undefined
  }

  /** Latest channels, or `undefined` while warming up. */
  get value(): KeltnerChannelsValue | undefined {
    return this.#value
  }
  /** True once `lookback + 1` candles were seen. */
  get isReady(): boolean {
    return this.#value !== undefined
  }
  /** Candles accepted so far. */
  get count(): number {
    return this.#count
  }
}
