import { SeededRandom } from '../core/random.js'
import type { Candle } from '../core/types.js'
import { ValidationError } from '../errors/index.js'

/** Where candles for a backtest come from: an iterable or async iterable of candles, consumed as a stream. */
export type CandleSource = Iterable<Candle> | AsyncIterable<Candle>

/** What the candle readers need to label the candles they produce. */
export interface CandleLabels {
  readonly venue: string
  readonly symbol: string
  readonly interval: string
}

const INTERVAL_MS: Record<string, number> = {
  '1s': 1_000,
  '1m': 60_000,
  '3m': 180_000,
  '5m': 300_000,
  '15m': 900_000,
  '30m': 1_800_000,
  '1h': 3_600_000,
  '2h': 7_200_000,
  '4h': 14_400_000,
  '6h': 21_600_000,
  '8h': 28_800_000,
  '12h': 43_200_000,
  '1d': 86_400_000,
  '3d': 259_200_000,
  '1w': 604_800_000,
}

/**
 * Length of an interval label in ms (`1m` → 60 000); throws a ValidationError for an unknown label.
 *
 * @example
 * ```ts
 * intervalMs('1m') // 60000
 * intervalMs('4h') // 14400000
 * ```
 */
export function intervalMs(interval: string): number {
  const ms = INTERVAL_MS[interval]
  if (ms === undefined) throw new ValidationError(`Unknown interval "${interval}"`, { field: 'interval' })
  return ms
}

function num(v: unknown, field: string, line: number): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN
  if (!Number.isFinite(n))
    throw new ValidationError(`Line ${line}: invalid ${field} "${String(v)}"`, { field })
  return n
}

/**
 * Builds a validated closed candle from loose fields (CSV cells, JSON objects).
 *
 * @example
 * ```ts
 * const c = toCandle({ openTime: 1767225600000, open: '100', high: '101', low: '99.5', close: '100.5', volume: '12' },
 *   { venue: 'binance', symbol: 'BTCUSDT', interval: '1m' })
 * c.closeTime // openTime + 60 000 - 1
 * ```
 */
export function toCandle(
  fields: {
    openTime: unknown
    open: unknown
    high: unknown
    low: unknown
    close: unknown
    volume: unknown
    closeTime?: unknown
  },
  labels: CandleLabels,
  line = 0,
): Candle {
  const openTime = num(fields.openTime, 'openTime', line)
  const open = num(fields.open, 'open', line)
  const high = num(fields.high, 'high', line)
  const low = num(fields.low, 'low', line)
  const close = num(fields.close, 'close', line)
  const volume = num(fields.volume, 'volume', line)
  if (open <= 0 || high <= 0 || low <= 0 || close <= 0) {
    throw new ValidationError(`Line ${line}: prices must be > 0`, { field: 'price' })
  }
  if (high < low || open > high || open < low || close > high || close < low) {
    throw new ValidationError(`Line ${line}: inconsistent OHLC`, { field: 'high' })
  }
  if (volume < 0) throw new ValidationError(`Line ${line}: negative volume`, { field: 'volume' })
  const closeTime =
    fields.closeTime === undefined || fields.closeTime === ''
      ? openTime + intervalMs(labels.interval) - 1
      : num(fields.closeTime, 'closeTime', line)
  return { ...labels, openTime, closeTime, open, high, low, close, volume, isClosed: true }
}

/**
 * Reads candles from JSON: an array of objects with `openTime, open, high, low, close, volume[, closeTime]`, or
 * Binance kline arrays (`[openTime, "open", "high", "low", "close", "volume", closeTime, ...]`).
 *
 * @example
 * ```ts
 * const klines = await (await fetch('https://api.binance.com/api/v3/klines?symbol=BTCUSDT&interval=1m')).text()
 * const candles = candlesFromJson(klines, { venue: 'binance', symbol: 'BTCUSDT', interval: '1m' })
 * ```
 */
export function candlesFromJson(json: string | unknown, labels: CandleLabels): Candle[] {
  const data: unknown = typeof json === 'string' ? JSON.parse(json) : json
  if (!Array.isArray(data)) throw new ValidationError('Candle JSON must be an array', { field: 'json' })
  return data.map((row, i) => {
    if (Array.isArray(row)) {
      return toCandle(
        {
          openTime: row[0],
          open: row[1],
          high: row[2],
          low: row[3],
          close: row[4],
          volume: row[5],
          closeTime: row[6],
        },
        labels,
        i + 1,
      )
    }
    const o = (row ?? {}) as Record<string, unknown>
    return toCandle(
      {
        openTime: o.openTime,
        open: o.open,
        high: o.high,
        low: o.low,
        close: o.close,
        volume: o.volume,
        closeTime: o.closeTime,
      },
      labels,
      i + 1,
    )
  })
}

/**
 * A deterministic synthetic candle series (seeded geometric random walk with regime changes) for demos, tests and
 * benchmarks. Generated lazily: `count` can be millions without memory growth.
 *
 * @example
 * ```ts
 * const source = syntheticCandles(1_000_000, { venue: 'sim', symbol: 'BTCUSDT', interval: '1m', seed: 7 })
 * const report = await backtester.run(source) // generated lazily: memory stays flat
 * ```
 */
export function* syntheticCandles(
  count: number,
  labels: CandleLabels & {
    readonly startTime?: number
    readonly startPrice?: number
    readonly seed?: number
  },
): Generator<Candle> {
  const step = intervalMs(labels.interval)
  let t = labels.startTime ?? Date.UTC(2025, 0, 1)
  let price = labels.startPrice ?? 100
  const random = new SeededRandom(labels.seed ?? 42)
  const rand = (): number => random.next()
  let drift = 0
  const { venue, symbol, interval } = labels
  for (let i = 0; i < count; i++) {
    if (i % 200 === 0) drift = (rand() - 0.5) * 0.002
    const open = price
    const r = drift + (rand() - 0.5) * 0.01
    const close = Math.max(0.01, open * (1 + r))
    const high = Math.max(open, close) * (1 + rand() * 0.002)
    const low = Math.min(open, close) * (1 - rand() * 0.002)
    yield {
      venue,
      symbol,
      interval,
      openTime: t,
      closeTime: t + step - 1,
      open,
      high,
      low,
      close,
      volume: 1 + rand() * 10,
      isClosed: true,
    }
    price = close
    t += step
  }
}
