import { isLateEvent } from '../../core/lateEvent.js'
import type { BookSnapshot, Candle } from '../../core/types.js'
import { Decimal } from '../../decimal/index.js'

/** When one instrument was last marked, and the time of the newest market event that marked it. */
interface Times {
  /** When a price last marked it: the clock's time, or a fill's own time. */
  at: number
  /** Time of the newest market event (trade, book, candle) that marked it. */
  eventTs: number
}

/**
 * The Portfolio's mark times per instrument. A late market event (older by its own time than the newest one that
 * marked the instrument, as a reconnect's replay or a lagging second feed delivers) never moves a mark back in time:
 * it is refused and counted, as the engine's MarketCache refuses it for the price risk decides on.
 *
 * @example
 * ```ts
 * const times = new MarkTimes()
 * times.admit('binance\u0000BTCUSDT', 2_000, 5_000) // true: the first event
 * times.admit('binance\u0000BTCUSDT', 1_000, 5_000) // false: older than the one that marked it (times.stale === 1)
 * ```
 */
export class MarkTimes {
  readonly #times = new Map<string, Times>()
  #stale = 0

  /** Market events refused because they were older than the newest event that had marked their instrument. */
  get stale(): number {
    return this.#stale
  }

  /**
   * Records a mark of instrument `k` at `now` by a market event of time `eventTs` (`undefined`: an explicit mark, which
   * has no event time and is always taken). Returns false, and counts the event, when it is older than the newest event
   * that marked `k`, unless that one's time is ahead of `now` (a bad stamp would otherwise freeze the mark until the
   * clock reached it).
   */
  admit(k: string, eventTs: number | undefined, now: number): boolean {
    const t = this.#of(k, now)
    if (eventTs !== undefined) {
      if (isLateEvent(eventTs, t.eventTs, now)) {
        this.#stale++
        return false
      }
      t.eventTs = eventTs
    }
    t.at = now
    return true
  }

  /** When a price last marked `k` (`-Infinity`: never). */
  markedAt(k: string): number {
    return this.#times.get(k)?.at ?? Number.NEGATIVE_INFINITY
  }

  /** A fill of time `ts` marked `k` (it orders later fills, not market events: its time is the venue's or the clock's). */
  filled(k: string, ts: number): void {
    this.#of(k, ts).at = ts
  }

  #of(k: string, now: number): Times {
    let t = this.#times.get(k)
    if (t === undefined) {
      t = { at: now, eventTs: Number.NEGATIVE_INFINITY }
      this.#times.set(k, t)
    }
    return t
  }
}

/**
 * The time a candle's close is ordered by: a closed candle's close time; none for a forming one (`undefined`: taken
 * as it comes and ordering nothing), whose close is the price as of its venue's event time, which a candle does not
 * carry (stamping it with the local clock would refuse the venue's newer trades for as long as the network delay).
 */
export function candleMarkTime(c: Candle): number | undefined {
  return c.isClosed ? c.closeTime : undefined
}

/**
 * A book's mark: the mid of its best bid and ask, else the best price of its one side (`undefined`: an empty book).
 * The last mid is kept: the same top of book is not parsed into a Decimal again.
 */
export class BookMarks {
  #bid = Number.NaN
  #ask = Number.NaN
  #mid = new Decimal(0)

  /** The mark of `b`. */
  of(b: BookSnapshot): Decimal | number | undefined {
    const bid = b.bids[0]?.[0]
    const ask = b.asks[0]?.[0]
    if (bid === undefined || ask === undefined) return bid ?? ask
    if (bid !== this.#bid || ask !== this.#ask) {
      this.#mid = new Decimal(bid).plus(ask).div(2)
      this.#bid = bid
      this.#ask = ask
    }
    return this.#mid
  }
}
