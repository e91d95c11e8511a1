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
 * `1M`.
 *
 * @example
 * ```ts
 * timeframeStart('1h', Date.UTC(2024, 0, 1, 10, 42)) // Date.UTC(2024, 0, 1, 10)
 * ```
 */
export function timeframeStart(timeframe: Timeframe, t: number): number {
  if (!Number.isFinite(t))
    throw new ValidationError(`Time "${String(t)}" is not a finite number`, { field: 't' })
  if (timeframe === '1M') {
    const d = new Date(t)
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)
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
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)
  }
  return openTime + FIXED_MS[timeframe]
}
