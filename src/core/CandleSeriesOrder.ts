import type { Candle } from './types.js'

/** One candle series and the open time of its last candle. */
interface Series {
  readonly venue: string
  readonly symbol: string
  readonly interval: string
  openTime: number
}

/**
 * The open time of the last candle of each series (venue, symbol, interval): tells a candle that opens a new bar from
 * one that repeats the last or goes back in time. Series are tracked apart, so instruments and intervals may
 * interleave; a single-series stream never builds a key.
 *
 * @example
 * ```ts
 * const order = new CandleSeriesOrder()
 * order.advance(candle) // undefined: a new bar, recorded
 * order.advance(candle) // its open time: a repeat, not recorded
 * ```
 */
export class CandleSeriesOrder {
  readonly #series = new Map<string, Series>()
  /** The series of the previous candle. */
  #current: Series | undefined

  /**
   * Records `c` and returns `undefined` when it opens after the last candle of its series; otherwise records nothing
   * and returns that last open time (`-Infinity` when the series has none and `c`'s open time is not a number).
   */
  advance(c: Pick<Candle, 'venue' | 'symbol' | 'interval' | 'openTime'>): number | undefined {
    let s = this.#current
    if (s === undefined || s.symbol !== c.symbol || s.interval !== c.interval || s.venue !== c.venue) {
      const key = `${c.venue}\u0000${c.symbol}\u0000${c.interval}`
      s = this.#series.get(key)
      if (s === undefined) {
        s = { venue: c.venue, symbol: c.symbol, interval: c.interval, openTime: Number.NEGATIVE_INFINITY }
        this.#series.set(key, s)
      }
      this.#current = s
    }
    if (c.openTime > s.openTime) {
      s.openTime = c.openTime
      return undefined
    }
    return s.openTime
  }
}
