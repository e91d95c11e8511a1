import type { Candle } from '../core/types.js'
import { CandleDataError } from './CandleDataError.js'
import { CsvParser, type CsvRecord } from './candles/CsvParser.js'
import { type CandleColumns, headerColumns, positionalColumns } from './candles/candleColumns.js'
import { impossibleIsoDate, toEpochMs } from './candles/toEpochMs.js'
import { type CandleLabels, candlesFromJson, toCandle } from './sources.js'

/**
 * Streams candles from a candle file, detecting its layout (memory stays flat whatever the CSV size):
 * - CSV (RFC 4180: quoted cells, `""`, CRLF or LF) with a header row, columns in any order, extra columns ignored,
 *   names matched through aliases: tradekit's `openTime,open,high,low,close,volume[,closeTime]`, Binance public data
 *   futures files (`open_time,…,close_time,…`), TradingView exports (`time,open,high,low,close[,Volume]`),
 *   `timestamp`/`date`/`datetime`, any case, `_` or spaces (see `CANDLE_HEADER_ALIASES`);
 * - headerless CSV: Binance public data klines (`open time, open, high, low, close, volume, close time, …`) or ccxt
 *   OHLCV rows (`timestamp, open, high, low, close, volume`);
 * - JSON (the file starts with `[`): see {@link candlesFromJson} (ccxt `fetchOHLCV` arrays, Binance klines, objects).
 *
 * Each time cell is placed in time on its own: epoch seconds, milliseconds, microseconds or nanoseconds (told apart
 * by size: Binance public spot files use microseconds from 2025 and milliseconds before, both read right, even mixed)
 * or ISO 8601 (UTC without a zone; a date or time that does not exist, like `2025-02-30` or `24:00`, is refused, not
 * rolled over); candles carry epoch ms. Every row has as many cells as the header (or, headerless, as the first row:
 * Binance klines have 12). A row that cannot be placed in time, a row of another width, a missing column or a bad
 * value is a `CandleDataError` (a `ValidationError`) naming the line. Node only: absent from the browser build
 * of `tradekit/backtest`.
 *
 * @example
 * ```ts
 * // BTCUSDT-1m-2025-01.csv from data.binance.vision (headerless, microseconds) or a TradingView export: same call.
 * const report = await backtester.run(readCandlesCsv('BTCUSDT-1m-2025-01.csv', { venue: 'binance', symbol: 'BTCUSDT', interval: '1m' }))
 * ```
 */
export async function* readCandlesCsv(path: string, labels: CandleLabels): AsyncGenerator<Candle> {
  const { createReadStream } = await import('node:fs')
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 16 })
  const parser = new CsvParser()
  let cols: CandleColumns | undefined
  // Every data row has the width of the header, or of the first row of a headerless file: a short row would shift
  // columns or lose its close time (then made up from the interval), a long one holds cells of unknown meaning.
  let width = 0
  let widthOf = ''
  let first = true
  const toRow = (r: CsvRecord): Candle | undefined => {
    const cells = r.cells.map((c) => c.trim())
    if (cols === undefined) {
      width = cells.length
      // The first record is a header unless its first cell is a time (or an ISO date that does not exist).
      if (toEpochMs(cells[0]) === undefined && impossibleIsoDate(cells[0]) === undefined) {
        cols = headerColumns(cells, r.line)
        widthOf = `the header on line ${r.line}`
        return undefined
      }
      cols = positionalColumns(cells.length)
      widthOf = `the first row, line ${r.line}`
    } else if (cells.length !== width) {
      throw new CandleDataError(
        r.line,
        'csv',
        `row has ${cells.length} cells, expected ${width} (as ${widthOf})`,
      )
    }
    const c = cols
    const at = (i: number | undefined): string | undefined => (i === undefined ? undefined : (cells[i] ?? ''))
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
      r.line,
    )
  }
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      if (first) {
        first = false
        if (/^\uFEFF?\s*[[{]/.test(chunk)) {
          yield* await readJson(chunk, stream as AsyncIterable<string>, labels)
          return
        }
      }
      for (const r of parser.push(chunk)) {
        const candle = toRow(r)
        if (candle !== undefined) yield candle
      }
    }
    for (const r of parser.end()) {
      const candle = toRow(r)
      if (candle !== undefined) yield candle
    }
  } finally {
    stream.destroy()
  }
}

/** Reads the rest of a JSON candle file (JSON cannot be streamed row by row without a streaming JSON parser). */
async function readJson(head: string, rest: AsyncIterable<string>, labels: CandleLabels): Promise<Candle[]> {
  let text = head
  for await (const chunk of rest) text += chunk
  return candlesFromJson(text.replace(/^\uFEFF/, ''), labels)
}
