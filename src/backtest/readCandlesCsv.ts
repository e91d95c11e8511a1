import type { Candle } from '../core/types.js'
import { ValidationError } from '../errors/index.js'
import { type CandleLabels, toCandle } from './sources.js'

/**
 * Streams candles from a CSV file, line by line (memory stays flat whatever the file size). Accepts a header row
 * with `openTime,open,high,low,close,volume[,closeTime]` (any order, extra columns ignored) or Binance's headerless
 * kline CSV (`open_time,open,high,low,close,volume,close_time,...`). Throws a ValidationError naming the line on
 * a bad row. Node only: absent from the browser build of `tradekit/backtest`.
 *
 * @example
 * ```ts
 * const report = await backtester.run(readCandlesCsv('btc-1m.csv', { venue: 'binance', symbol: 'BTCUSDT', interval: '1m' }))
 * ```
 */
export async function* readCandlesCsv(path: string, labels: CandleLabels): AsyncGenerator<Candle> {
  const { createReadStream } = await import('node:fs')
  const { createInterface } = await import('node:readline')
  const rl = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY })
  let cols: Record<string, number> | undefined
  let lineNo = 0
  try {
    for await (const raw of rl) {
      lineNo++
      const line = raw.trim()
      if (line === '') continue
      const cells = line.split(',')
      if (lineNo === 1 && Number.isNaN(Number(cells[0]))) {
        cols = Object.fromEntries(cells.map((c, i) => [c.trim().replace(/^"|"$/g, ''), i]))
        for (const need of ['openTime', 'open', 'high', 'low', 'close', 'volume']) {
          if (cols[need] === undefined)
            throw new ValidationError(`CSV header lacks "${need}"`, { field: need })
        }
        continue
      }
      const at = (name: string, fallback: number): unknown => cells[cols?.[name] ?? fallback]
      yield toCandle(
        {
          openTime: at('openTime', 0),
          open: at('open', 1),
          high: at('high', 2),
          low: at('low', 3),
          close: at('close', 4),
          volume: at('volume', 5),
          closeTime:
            cols === undefined ? cells[6] : cols.closeTime === undefined ? undefined : cells[cols.closeTime],
        },
        labels,
        lineNo,
      )
    }
  } finally {
    rl.close()
  }
}
