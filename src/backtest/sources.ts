import { SeededRandom } from '../core/random.js'
import type { Candle } from '../core/types.js'
import { ValidationError } from '../errors/index.js'
import { CandleDataError } from './CandleDataError.js'
import { headerColumns, positionalColumns } from './candles/candleColumns.js'
import { impossibleIsoDate, toEpochMs } from './candles/toEpochMs.js'

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

/** A plain decimal number as candle files write it (`93576.00`, `-1`, `.5`, `1e-8`); not `0x10`, `0b1` or `Infinity`. */
const DECIMAL_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/

function num(v: unknown, field: string, line: number): number {
  // Number() also reads hex, binary and octal literals (`0x10` is 16): a cell must be a plain decimal to be a price.
  const n =
    typeof v === 'number' ? v : typeof v === 'string' && DECIMAL_TEXT.test(v.trim()) ? Number(v) : Number.NaN
  if (!Number.isFinite(n)) throw new CandleDataError(line, field, `invalid ${field} "${String(v)}"`, v)
  return n
}

function time(v: unknown, field: string, line: number): number {
  const ms = toEpochMs(v)
  if (ms === undefined) {
    const impossible = impossibleIsoDate(v)
    if (impossible !== undefined) {
      throw new CandleDataError(line, field, `${field} "${String(v)}" is no real time: ${impossible}`, v)
    }
    throw new CandleDataError(
      line,
      field,
      `cannot place ${field} "${String(v)}" in time: expected epoch seconds, milliseconds, microseconds or nanoseconds, or an ISO 8601 date`,
      v,
    )
  }
  return ms
}

/**
 * A candle's close time lies one interval after its open time, less its time resolution (`openTime + interval - 1` in
 * ms, `- 1 s` in a file of seconds) or exactly one interval (a close stamped with the next open). Anything else means
 * the interval label does not fit the data (1h klines read as `1m`: every annualised statistic off by 60×).
 */
function checkSpan(spanMs: number, interval: string, line: number): void {
  const ms = intervalMs(interval)
  if (spanMs <= ms && spanMs >= ms - 1_000) return
  throw new CandleDataError(
    line,
    'closeTime',
    `closeTime is ${spanMs} ms after openTime: not a "${interval}" candle (${ms} ms); check the interval label`,
  )
}

/**
 * Builds a validated closed candle from loose fields (CSV cells, JSON values). Times may be epoch seconds,
 * milliseconds, microseconds or nanoseconds (told apart by size) or ISO 8601 strings (UTC without a zone; a date or
 * time that does not exist, like `2025-02-30` or `24:00`, is refused); they become epoch ms. Without `closeTime` (no
 * such column or key) it is `openTime + interval - 1`; a given one must lie one interval after `openTime` (less up to
 * 1 s of time resolution), or the interval label does not fit the data; without `volume` (a file with no volume column) it is 0. Prices
 * and volume are numbers or plain decimal text (`0x10` is refused). A bad field, an empty cell included, is a
 * {@link CandleDataError} naming `line`.
 *
 * @example
 * ```ts
 * const c = toCandle({ openTime: '2026-01-01T00:00:00Z', open: '100', high: '101', low: '99.5', close: '100.5', volume: '12' },
 *   { venue: 'binance', symbol: 'BTCUSDT', interval: '1m' })
 * c.openTime  // 1767225600000
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
    volume?: unknown
    closeTime?: unknown
  },
  labels: CandleLabels,
  line = 0,
): Candle {
  const openTime = time(fields.openTime, 'openTime', line)
  const open = num(fields.open, 'open', line)
  const high = num(fields.high, 'high', line)
  const low = num(fields.low, 'low', line)
  const close = num(fields.close, 'close', line)
  const volume = fields.volume === undefined ? 0 : num(fields.volume, 'volume', line)
  if (open <= 0 || high <= 0 || low <= 0 || close <= 0) {
    throw new CandleDataError(line, 'price', 'prices must be > 0')
  }
  if (high < low || open > high || open < low || close > high || close < low) {
    throw new CandleDataError(line, 'high', 'inconsistent OHLC')
  }
  if (volume < 0) throw new CandleDataError(line, 'volume', 'negative volume', volume)
  // Made up from the interval only when the data has no close time at all: an empty cell in a close-time column is a
  // malformed row (a kline that lost its close time), refused like any other empty cell.
  const closeTime =
    fields.closeTime === undefined
      ? openTime + intervalMs(labels.interval) - 1
      : time(fields.closeTime, 'closeTime', line)
  if (closeTime < openTime) throw new CandleDataError(line, 'closeTime', 'closeTime is before openTime')
  if (fields.closeTime !== undefined) checkSpan(closeTime - openTime, labels.interval, line)
  // Object.assign, not a leading spread: V8 adds keys after `{ ...labels` on a slow path (≈ 1 µs a candle).
  return Object.assign({}, labels, { openTime, closeTime, open, high, low, close, volume, isClosed: true })
}

/**
 * Reads candles from JSON: an array of arrays — ccxt OHLCV (`[timestamp, open, high, low, close, volume]`) or Binance
 * klines (`[openTime, "open", "high", "low", "close", "volume", closeTime, ...]`) — or of objects whose keys are
 * any of the CSV header names `readCandlesCsv` knows (`openTime`, `timestamp`, `time`, `open_time`, `o`, …).
 * Times as in {@link toCandle}; a bad row is a {@link CandleDataError} naming its 1-based index.
 *
 * @example
 * ```ts
 * const ohlcv = await exchange.fetchOHLCV('BTC/USDT', '1m') // ccxt
 * const candles = candlesFromJson(ohlcv, { venue: 'binance', symbol: 'BTCUSDT', interval: '1m' })
 * ```
 */
export function candlesFromJson(json: string | unknown, labels: CandleLabels): Candle[] {
  let data: unknown = json
  if (typeof json === 'string') {
    try {
      data = JSON.parse(json)
    } catch (e) {
      throw new CandleDataError(0, 'json', `candle JSON does not parse: ${(e as Error).message}`)
    }
  }
  if (!Array.isArray(data)) throw new CandleDataError(0, 'json', 'candle JSON must be an array')
  return data.map((row: unknown, i) => {
    if (Array.isArray(row)) {
      const c = positionalColumns(row.length)
      return toCandle(
        {
          openTime: row[c.openTime],
          open: row[c.open],
          high: row[c.high],
          low: row[c.low],
          close: row[c.close],
          volume: c.volume === undefined ? undefined : row[c.volume],
          closeTime: c.closeTime === undefined ? undefined : row[c.closeTime],
        },
        labels,
        i + 1,
      )
    }
    if (typeof row !== 'object' || row === null) {
      throw new CandleDataError(i + 1, 'json', 'a candle must be an array or an object', row)
    }
    const keys = Object.keys(row)
    const c = headerColumns(keys, i + 1)
    const at = (k: number | undefined): unknown =>
      k === undefined ? undefined : (row as Record<string, unknown>)[keys[k] as string]
    return toCandle(
      {
        openTime: at(c.openTime),
        open: at(c.open),
        high: at(c.high),
        low: at(c.low),
        close: at(c.close),
        volume: at(c.volume),
        closeTime: at(c.closeTime),
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
