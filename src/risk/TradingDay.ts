import { ConfigError } from '../errors/index.js'

/** A calendar day in a time zone: its key (`YYYY-MM-DD`) and the epoch-ms range it covers. */
export interface TradingDayRange {
  /** Local calendar date, `YYYY-MM-DD`. */
  readonly key: string
  /** First epoch ms of the day (inclusive). */
  readonly start: number
  /** First epoch ms of the next day (exclusive). */
  readonly end: number
}

/** Longer than any calendar day, DST included (25 h), so `t ± SPAN` is always on another day. */
const SPAN_MS = 26 * 3_600_000
const DAY_MS = 86_400_000
/** 10000-01-01T00:00Z: up to there an ISO date is `YYYY-MM-DD`. */
const LAST_ISO_DAY_MS = 253_402_300_800_000

/**
 * Maps epoch-ms timestamps to calendar days in an IANA time zone (with `Intl`, no dependency), DST-correct.
 * The current day's range is cached, so the hot path is two comparisons; the boundaries are found by binary search
 * only when a new day begins.
 *
 * @example
 * ```ts
 * const day = new TradingDay('America/New_York')
 * day.rangeOf(Date.UTC(2026, 2, 8, 12)) // { key: '2026-03-08', start: …05:00Z, end: …04:00Z next day }
 * ```
 */
export class TradingDay {
  /** The IANA time zone. */
  readonly timeZone: string
  readonly #fmt: Intl.DateTimeFormat
  #cached: TradingDayRange | undefined

  constructor(timeZone = 'UTC') {
    if (!isValidTimeZone(timeZone)) {
      throw new ConfigError(`Unknown time zone "${timeZone}"`, [`timeZone: unknown time zone "${timeZone}"`])
    }
    this.timeZone = timeZone
    this.#fmt = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    })
  }

  /** The local calendar date of `ts`, `YYYY-MM-DD`. */
  keyOf(ts: number): string {
    return this.rangeOf(ts).key
  }

  /** The day containing `ts`, with its boundaries. */
  rangeOf(ts: number): TradingDayRange {
    const c = this.#cached
    if (c !== undefined && ts >= c.start && ts < c.end) return c
    if (this.timeZone === 'UTC' && ts >= 0 && ts < LAST_ISO_DAY_MS) {
      // UTC days are whole multiples of 24 h: no search through Intl (each format costs microseconds).
      const start = ts - (ts % DAY_MS)
      this.#cached = { key: new Date(start).toISOString().slice(0, 10), start, end: start + DAY_MS }
      return this.#cached
    }
    const key = this.#key(ts)
    // Smallest t with key(t) === key, and smallest t > ts with key(t) !== key (dates only move forward).
    let lo = ts - SPAN_MS
    let hi = ts
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2)
      if (this.#key(mid) === key) hi = mid
      else lo = mid
    }
    const start = hi
    lo = ts
    hi = ts + SPAN_MS
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2)
      if (this.#key(mid) === key) lo = mid
      else hi = mid
    }
    const range = { key, start, end: hi }
    this.#cached = range
    return range
  }

  #key(ts: number): string {
    // en-CA formats as YYYY-MM-DD; formatToParts keeps us independent of that detail.
    let y = ''
    let m = ''
    let d = ''
    for (const part of this.#fmt.formatToParts(ts)) {
      if (part.type === 'year') y = part.value
      else if (part.type === 'month') m = part.value
      else if (part.type === 'day') d = part.value
    }
    return `${y}-${m}-${d}`
  }
}

/** True when `Intl` knows the IANA time zone `tz`. */
export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz })
    return true
  } catch {
    return false
  }
}
