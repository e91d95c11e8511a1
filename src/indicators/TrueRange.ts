import type { CandleInput, Indicator } from './types.js'
import { checkCandle } from './validate.js'

/**
 * True range (TA-Lib `TRANGE`): `max(high - low, |high - prevClose|, |low - prevClose|)`.
 *
 * Like TA-Lib it needs the previous close, so the first candle gives no value. Warm-up (lookback): 1 candle.
 *
 * @example
 * ```ts
 * const tr = new TrueRange()
 * tr.update({ open: 10, high: 11, low: 9, close: 10, volume: 5 }) // undefined
 * tr.update({ open: 10, high: 13, low: 10, close: 12, volume: 5 }) // 3
 * ```
 */
export class TrueRange implements Indicator<CandleInput, number> {
  /** TA-Lib lookback: 1. */
  readonly lookback = 1
  #prevClose = 0
  #count = 0
  #value = Number.NaN
  #pPrevClose = 0
  #pValue = Number.NaN

  /** Adds a candle and returns its true range, or `undefined` for the first candle. */
  update(input: CandleInput): number | undefined {
    const c = checkCandle('TrueRange', input)
    this.#pPrevClose = this.#prevClose
    this.#pValue = this.#value
    return this.#step(c)
  }

  /** Revises the latest candle. */
  replace(input: CandleInput): number | undefined {
    if (this.#count === 0) return this.update(input)
    const c = checkCandle('TrueRange', input)
    this.#prevClose = this.#pPrevClose
    this.#value = this.#pValue
    this.#count--
    return this.#step(c)
  }

  #step(c: CandleInput): number | undefined {
    const pc = this.#prevClose
    this.#prevClose = c.close
    if (++this.#count === 1) return undefined
    const v = trueRange(c.high, c.low, pc)
    this.#value = v
    return v
  }

  /** Forgets all inputs. */
  reset(): void {
    this.#prevClose = 0
    this.#count = 0
    this.#value = Number.NaN
    this.#pValue = Number.NaN
  }

  /** Latest true range, or `undefined` before the second candle. */
  get value(): number | undefined {
    return this.#count > this.lookback ? this.#value : undefined
  }
  /** True from the second candle on. */
  get isReady(): boolean {
    return this.#count > this.lookback
  }
  /** Candles accepted so far. */
  get count(): number {
    return this.#count
  }
}

/**
 * TA-Lib's TRUE_RANGE macro, same comparison order.
 *
 * @example
 * ```ts
 * trueRange(105, 100, 98) // 7: the gap from the previous close counts
 * ```
 */
export function trueRange(high: number, low: number, prevClose: number): number {
  let r = high - low
  const a = Math.abs(high - prevClose)
  if (a > r) r = a
  const b = Math.abs(low - prevClose)
  if (b > r) r = b
  return r
}
