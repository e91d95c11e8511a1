import { ValidationError } from '../errors/index.js'

const S = 1000
const M = 60 * S
const H = 60 * M
const D = 24 * H

/** Candle timeframes, as Binance names its kline intervals. `1M` is a calendar month. */
export const TIMEFRAMES = [
  '1s',
  '1m',
  '3m',
  '5m',
  '15m',
  '30m',
  '1h',
  '2h',
  '4h',
  '6h',
  '8h',
  '12h',
  '1d',
  '3d',
  '1w',
  '1M',
] as const
/** One of {@link TIMEFRAMES}. */
export type Timeframe = (typeof TIMEFRAMES)[number]

const FIXED_MS: Record<Exclude<Timeframe, '1M'>, number> = {
  '1s': S,
  '1m': M,
  '3m': 3 * M,
  '5m': 5 * M,
  '15m': 15 * M,
  '30m': 30 * M,
  '1h': H,
  '2h': 2 * H,
  '4h': 4 * H,
  '6h': 6 * H,
  '8h': 8 * H,
  '12h': 12 * H,
  '1d': D,
  '3d': 3 * D,
  '1w': 7 * D,
}
/** 1970-01-01 was a Thursday; weeks start on Monday 00:00 UTC, 4 days later. */
const WEEK_OFFSET = 4 * D

/** 00:00 UTC on the first of `month` (0-based, may overflow into the next year) of `year`, years 0–99 included. */
const monthStart = (year: number, month: number): number => new Date(0).setUTCFullYear(year, month, 1)

/** Earliest time a timeframe accepts: 0000-01-01T00:00:00Z (`Date.UTC(0, 0, 1)` would read the year as 1900). */
export const MIN_TIME = -62_167_219_200_000
/**
 * First time a timeframe refuses: 10000-01-01T00:00:00Z. Every interval of a time below it (a month of year 9999
 * included) starts and ends inside the JavaScript Date range, so no bound is ever NaN; epoch times in microseconds
 * (1.7e15 today) or nanoseconds land beyond it and are refused, not bucketed in year 57 000.
 */
export const MAX_TIME = 253_402_300_800_000

/**
 * True when `s` is a supported timeframe.
 *
 * @example
 * ```ts
 * isTimeframe('15m') // true
 * isTimeframe('7m')  // false
 * ```
 */
export function isTimeframe(s: unknown): s is Timeframe {
  return typeof s === 'string' && (TIMEFRAMES as readonly string[]).includes(s)
}

/**
 * Open time (epoch ms, UTC) of the `timeframe` interval containing `t`. Intervals are aligned like the exchanges':
 * to the UTC epoch grid for fixed lengths up to `3d`, to Monday 00:00 UTC for `1w`, to the first of the month for
 * `1M`. Throws a ValidationError, on every timeframe, unless `t` is a time of the years 0000 to 9999 UTC
 * (`MIN_TIME` ≤ t < `MAX_TIME`).
 *
 * @example
 * ```ts
 * timeframeStart('1h', Date.UTC(2024, 0, 1, 10, 42)) // Date.UTC(2024, 0, 1, 10)
 * ```
 */
export function timeframeStart(timeframe: Timeframe, t: number): number {
  checkTime(t, 't')
  if (timeframe === '1M') {
    const d = new Date(t)
    return monthStart(d.getUTCFullYear(), d.getUTCMonth())
  }
  const ms = FIXED_MS[timeframe]
  if (timeframe === '1w') return Math.floor((t - WEEK_OFFSET) / ms) * ms + WEEK_OFFSET
  return Math.floor(t / ms) * ms
}

/**
 * Open time of the interval after the one that opens at `openTime` (its exclusive end).
 *
 * @example
 * ```ts
 * timeframeEnd('1h', Date.UTC(2026, 0, 1, 10)) // Date.UTC(2026, 0, 1, 11)
 * timeframeEnd('1M', Date.UTC(2026, 0, 1))     // Date.UTC(2026, 1, 1)
 * ```
 */
export function timeframeEnd(timeframe: Timeframe, openTime: number): number {
  if (timeframe === '1M') {
    const d = new Date(openTime)
    return monthStart(d.getUTCFullYear(), d.getUTCMonth() + 1)
  }
  return openTime + FIXED_MS[timeframe]
}

/**
 * Throws a ValidationError naming `field` unless `t` is a finite epoch-ms time of the years 0000 to 9999 UTC.
 *
 * @internal
 */
export function checkTime(t: number, field: string, name = 'Time'): void {
  if (typeof t === 'number' && t >= MIN_TIME && t < MAX_TIME) return // false for NaN
  const what =
    typeof t !== 'number' || !Number.isFinite(t)
      ? 'is not a finite number'
      : 'is outside the years 0000 to 9999 UTC (an epoch time in µs or ns, not ms?)'
  throw new ValidationError(`${name} "${String(t)}" ${what}`, { field })
}

/**
 * Number of `timeframe` intervals from the one opening at `from` up to the one opening at `to` (both open times,
 * `from <= to`): the number of steps of {@link timeframeEnd} from `from` to `to`, computed without taking them.
 *
 * @internal
 */
export function timeframeCount(timeframe: Timeframe, from: number, to: number): number {
  if (!(to > from)) return 0
  if (timeframe === '1M') {
    const a = new Date(from)
    const b = new Date(to)
    return (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + b.getUTCMonth() - a.getUTCMonth()
  }
  return Math.ceil((to - from) / FIXED_MS[timeframe])
}
