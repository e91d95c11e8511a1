import { ValidationError } from '../errors/index.js'

/**
 * A candle file (CSV or JSON) holds a row tradekit cannot use: a time it cannot place (neither epoch seconds,
 * milliseconds, microseconds, nanoseconds nor an ISO 8601 date) or that does not exist (`2025-02-30`), a missing
 * column, a CSV row of another width than the header or first row, a bad price, or broken quoting.
 * `line` is the 1-based line of the file (CSV) or the 1-based row of the array (JSON) where the bad row starts;
 * `field` names the column. Its `code` is `VALIDATION_FAILED`, like every {@link ValidationError}.
 *
 * @example
 * ```ts
 * try {
 *   for await (const c of readCandlesCsv('btc.csv', labels)) candles.push(c)
 * } catch (e) {
 *   if (e instanceof CandleDataError) console.error(`btc.csv line ${e.line} (${e.field}): ${e.message}`)
 * }
 * ```
 */
export class CandleDataError extends ValidationError {
  override name = 'CandleDataError'
  /** 1-based line (CSV) or array row (JSON) where the bad row starts; 0 when the data has no lines. */
  readonly line: number
  constructor(line: number, field: string, message: string, value?: unknown) {
    super(line > 0 ? `Line ${line}: ${message}` : message, {
      field,
      details: { line, ...(value !== undefined ? { value: String(value).slice(0, 80) } : {}) },
    })
    this.line = line
  }
}
