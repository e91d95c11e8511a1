import { MinMaxWindow } from './MinMaxWindow.js'
import type { CandleInput, Indicator } from './types.js'
import { checkCandle, checkPeriod } from './validate.js'

/** One Donchian channel output. */
export interface DonchianValue {
  /** Highest high of the window. */
  readonly upper: number
  /** `(upper + lower) / 2`. */
  readonly middle: number
  /** Lowest low of the window. */
  readonly lower: number
}

/**
 * Donchian channel: highest high and lowest low of the last `period` candles (TA-Lib `MAX(high)` / `MIN(low)`),
 * and their midpoint. The current candle is included. Warm-up (lookback): `period - 1` candles. Monotonic deques:
 * O(1) amortised per update, `replace` O(period). Each value is a fresh object.
 *
 * @example
 * ```ts
 * const dc = new Donchian(20)
 * const v = dc.update(candle)
 * if (v && candle.close >= v.upper) console.log('20-bar breakout')
 * ```
 */
export class Donchian implements Indicator<CandleInput, DonchianValue> {
  /** Window length. */
  readonly period: number
  /** Lookback: `period - 1`. */
  readonly lookback: number
  readonly #win: MinMaxWindow
  #count = 0
  #value: DonchianValue | undefined = undefined
  #pValue: DonchianValue | undefined = undefined

  constructor(period: number) {
    this.period = checkPeriod('Donchian', 'period', period)
    this.lookback = period - 1
    this.#win = new MinMaxWindow(period)
  }

  /** Adds a candle and returns `{ upper, middle, lower }`, or `undefined` while warming up. */
  update(input: CandleInput): DonchianValue | undefined {
    const c = checkCandle('Donchian', input)
    this.#pValue = this.#value
    return this.#step(c)
  }

  /** Revises the latest candle. */
  replace(input: CandleInput): DonchianValue | undefined {
    if (this.#count === 0) return this.update(input)
    const c = checkCandle('Donchian', input)
    this.#value = this.#pValue
    this.#count--
    this.#win.undo()
    return this.#step(c)
  }

  #step(c: CandleInput): DonchianValue | undefined {
    this.#count++
    this.#win.push(c.high, c.low)
    if (this.#count < this.period) return undefined
    const upper = this.#win.max
    const lower = this.#win.min
    const v: DonchianValue = { upper, middle: (upper + lower) / 2, lower }
    this.#value = v
    return v
  }

  /** Forgets all inputs. */
  reset(): void {
    this.#win.reset()
    this.#count = 0
    this.#value = undefined
    this.#pValue = undefined
  }

  /** Latest channel, or `undefined` while warming up. */
  get value(): DonchianValue | undefined {
    return this.#value
  }
  /** True once `period` candles were seen. */
  get isReady(): boolean {
    return this.#value !== undefined
  }
  /** Candles accepted so far. */
  get count(): number {
    return this.#count
  }
}
