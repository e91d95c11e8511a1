import type { CandleInput } from './types.js'

/**
 * The Wilder-smoothed sums behind {@link DMI} and {@link ADX} (internal): +DM, −DM and the true range, summed over
 * the first `period - 1` moves, then smoothed as sums (`s = s - s / period + x`), TA-Lib's arithmetic. Only the
 * larger move counts, and only if positive. Keeps one step of history so the latest candle can be revised.
 */
export class DirectionalMovement {
  /** Smoothed +DM. */
  pdm = 0
  /** Smoothed −DM. */
  mdm = 0
  /** Smoothed true range. */
  tr = 0
  /** Candles accepted so far. */
  count = 0
  readonly #period: number
  #prevHigh = 0
  #prevLow = 0
  #prevClose = 0
  readonly #saved = new Float64Array(7)

  constructor(period: number) {
    this.#period = period
  }

  /** Adds a candle (already validated); true once the sums cover `period` moves (DI values exist). */
  update(c: CandleInput): boolean {
    const s = this.#saved
    s[0] = this.#prevHigh
    s[1] = this.#prevLow
    s[2] = this.#prevClose
    s[3] = this.pdm
    s[4] = this.mdm
    s[5] = this.tr
    s[6] = this.count
    return this.#step(c)
  }

  /** Revises the latest candle (the first candle when none was seen). */
  replace(c: CandleInput): boolean {
    if (this.count === 0) return this.update(c)
    const s = this.#saved
    this.#prevHigh = s[0]!
    this.#prevLow = s[1]!
    this.#prevClose = s[2]!
    this.pdm = s[3]!
    this.mdm = s[4]!
    this.tr = s[5]!
    this.count = s[6]!
    return this.#step(c)
  }

  /** Forgets all inputs. */
  reset(): void {
    this.#prevHigh = 0
    this.#prevLow = 0
    this.#prevClose = 0
    this.pdm = 0
    this.mdm = 0
    this.tr = 0
    this.count = 0
  }

  #step(c: CandleInput): boolean {
    const i = this.count++
    const p = this.#period
    const high = c.high
    const low = c.low
    if (i === 0) {
      this.#prevHigh = high
      this.#prevLow = low
      this.#prevClose = c.close
      return false
    }
    const diffP = high - this.#prevHigh
    const diffM = this.#prevLow - low
    const pc = this.#prevClose
    this.#prevHigh = high
    this.#prevLow = low
    this.#prevClose = c.close
    let mdm = this.mdm
    let pdm = this.pdm
    if (i >= p) {
      mdm -= mdm / p
      pdm -= pdm / p
    }
    if (diffM > 0 && diffP < diffM) mdm += diffM
    else if (diffP > 0 && diffP > diffM) pdm += diffP
    this.mdm = mdm
    this.pdm = pdm
    let t = high - low
    const a = Math.abs(high - pc)
    if (a > t) t = a
    const b = Math.abs(low - pc)
    if (b > t) t = b
    this.tr = i >= p ? this.tr - this.tr / p + t : this.tr + t
    return i >= p
  }
}
