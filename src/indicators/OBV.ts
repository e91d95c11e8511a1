import type { CandleInput, Indicator } from './types.js'
import { checkCandle } from './validate.js'

/**
 * On-balance volume (TA-Lib `OBV`): starts at the first candle's volume (TA-Lib's convention, not 0), then adds
 * the volume on an up close and subtracts it on a down close. Warm-up (lookback): 0. O(1).
 *
 * @example
 * ```ts
 * const obv = new OBV()
 * for (const c of candles) obv.update(c)
 * ```
 */
export class OBV implements Indicator<CandleInput, number> {
  /** TA-Lib lookback: 0. */
  readonly lookback = 0
  #obv = 0
  #prevClose = 0
  #count = 0
  #value = Number.NaN
  #pObv = 0
  #pPrevClose = 0
  #pValue = Number.NaN

  /** Adds a candle and returns the OBV. */
  update(input: CandleInput): number | undefined {
    const c = checkCandle('OBV', input)
    this.#pObv = this.#obv
    this.#pPrevClose = this.#prevClose
    this.#pValue = this.#value
    return this.#step(c)
  }

  /** Revises the latest candle. */
  replace(input: CandleInput): number | undefined {
    if (this.#count === 0) return this.update(input)
    const c = checkCandle('OBV', input)
    this.#obv = this.#pObv
    this.#prevClose = this.#pPrevClose
    this.#value = this.#pValue
    this.#count--
    return this.#step(c)
  }

  #step(c: CandleInput): number {
    const close = c.close
    if (++this.#count === 1) this.#obv = c.volume
    else if (close > this.#prevClose) this.#obv += c.volume
    else if (close < this.#prevClose) this.#obv -= c.volume
    this.#prevClose = close
    this.#value = this.#obv
    return this.#obv
  }

  /** Forgets all inputs. */
  reset(): void {
    this.#obv = 0
    this.#prevClose = 0
    this.#count = 0
    this.#value = Number.NaN
    this.#pValue = Number.NaN
  }

  /** Latest OBV, or `undefined` before the first candle. */
  get value(): number | undefined {
    return this.#count > this.lookback ? this.#value : undefined
  }
  /** True from the first candle on. */
  get isReady(): boolean {
    return this.#count > this.lookback
  }
  /** Candles accepted so far. */
  get count(): number {
    return this.#count
  }
}
