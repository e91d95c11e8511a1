import * as z from 'zod/mini'
import { parseConfig } from '../core/config.js'
import { MinMaxWindow } from './MinMaxWindow.js'
import { SMA } from './SMA.js'
import type { CandleInput, Indicator } from './types.js'
import { checkCandle, MAX_PERIOD } from './validate.js'

const period = /* @__PURE__ */ z.int().check(z.minimum(1), z.maximum(MAX_PERIOD))

/** Schema of {@link StochasticConfig}: `kPeriod` 14, `kSlowing` 3, `dPeriod` 3 by default. */
export const StochasticConfigSchema = z.strictObject({
  kPeriod: z._default(period, 14),
  kSlowing: z._default(period, 3),
  dPeriod: z._default(period, 3),
})

/** Options of {@link Stochastic}. */
export type StochasticConfig = z.input<typeof StochasticConfigSchema>

/** One Stochastic output. */
export interface StochasticValue {
  /** Slow %K: SMA(`kSlowing`) of the fast %K. */
  readonly k: number
  /** %D: SMA(`dPeriod`) of the slow %K. */
  readonly d: number
}

/**
 * Slow stochastic oscillator (TA-Lib `STOCH` with SMA slowing, its default).
 *
 * Fast %K = `(close - lowestLow) / ((highestHigh - lowestLow) / 100)` over `kPeriod` candles (0 when the range is
 * 0); %K = SMA(`kSlowing`) of fast %K; %D = SMA(`dPeriod`) of %K. Both are returned from the same candle, like
 * TA-Lib. Warm-up (lookback): `kPeriod + kSlowing + dPeriod - 3` candles. Highest/lowest use monotonic deques
 * (O(1) amortised per update; `replace` costs O(kPeriod)). Each value is a fresh object.
 *
 * @example
 * ```ts
 * const stoch = new Stochastic({ kPeriod: 14, kSlowing: 3, dPeriod: 3 })
 * const v = stoch.update(candle)
 * if (v && v.k > 80 && v.k < v.d) console.log('overbought and turning')
 * ```
 */
export class Stochastic implements Indicator<CandleInput, StochasticValue> {
  /** Look-back of the highest high / lowest low. */
  readonly kPeriod: number
  /** SMA period applied to the fast %K. */
  readonly kSlowing: number
  /** SMA period of %D. */
  readonly dPeriod: number
  /** TA-Lib lookback: `kPeriod + kSlowing + dPeriod - 3`. */
  readonly lookback: number
  readonly #win: MinMaxWindow
  readonly #smaK: SMA
  readonly #smaD: SMA
  #count = 0
  #value: StochasticValue | undefined = undefined
  #pValue: StochasticValue | undefined = undefined

  constructor(config: StochasticConfig = {}) {
    const c = parseConfig(StochasticConfigSchema, config, 'Stochastic')
    this.kPeriod = c.kPeriod
    this.kSlowing = c.kSlowing
    this.dPeriod = c.dPeriod
    this.lookback = c.kPeriod - 1 + (c.kSlowing - 1) + (c.dPeriod - 1)
    this.#win = new MinMaxWindow(c.kPeriod)
    this.#smaK = new SMA(c.kSlowing)
    this.#smaD = new SMA(c.dPeriod)
  }

  /** Adds a candle and returns `{ k, d }`, or `undefined` while warming up. */
  update(input: CandleInput): StochasticValue | undefined {
    const c = checkCandle('Stochastic', input)
    this.#pValue = this.#value
    return this.#step(c, false)
  }

  /** Revises the latest candle. */
  replace(input: CandleInput): StochasticValue | undefined {
    if (this.#count === 0) return this.update(input)
    const c = checkCandle('Stochastic', input)
    this.#value = this.#pValue
    this.#count--
    this.#win.undo()
    return this.#step(c, true)
  }

  #step(c: CandleInput, revise: boolean): StochasticValue | undefined {
    this.#count++
    const win = this.#win
    win.push(c.high, c.low)
    if (win.pushed < this.kPeriod) return undefined
    const lowest = win.min
    const diff = (win.max - lowest) / 100
    const fastK = diff !== 0 ? (c.close - lowest) / diff : 0
    const k = revise ? this.#smaK.replace(fastK) : this.#smaK.update(fastK)
    if (k === undefined) return undefined
    const d = revise ? this.#smaD.replace(k) : this.#smaD.update(k)
    if (d === undefined) return undefined
    const v: StochasticValue = { k, d }
    this.#value = v
    return v
  }

  /** Forgets all inputs. */
  reset(): void {
    this.#win.reset()
    this.#smaK.reset()
    this.#smaD.reset()
    this.#count = 0
    this.#value = undefined
    this.#pValue = undefined
  }

  /** Latest `{ k, d }`, or `undefined` while warming up. */
  get value(): StochasticValue | undefined {
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
