import { CandleDataError } from '../CandleDataError.js'

/** Where each candle field sits in a row (column indexes); `volume` and `closeTime` may be absent. */
export interface CandleColumns {
  readonly openTime: number
  readonly open: number
  readonly high: number
  readonly low: number
  readonly close: number
  readonly volume: number | undefined
  readonly closeTime: number | undefined
}

/**
 * Header names each field is recognised by, compared lowercased without spaces, `_`, `-` or other punctuation
 * (`Open time`, `open_time` and `openTime` are all `opentime`), first match wins:
 * tradekit's own (`openTime`, `closeTime`), Binance public data (`open_time`, `close_time`, and the spelled-out
 * `Open time` of its README), TradingView exports (`time`, `Volume`), ccxt-style (`timestamp`) and common spreadsheet
 * names (`date`, `datetime`, `vol`).
 */
export const CANDLE_HEADER_ALIASES = {
  openTime: ['opentime', 'timestamp', 'time', 'datetime', 'date', 'ts', 't'],
  open: ['open', 'o', 'openprice'],
  high: ['high', 'h', 'highprice'],
  low: ['low', 'l', 'lowprice'],
  close: ['close', 'c', 'closeprice'],
  volume: ['volume', 'vol', 'v', 'basevolume'],
  closeTime: ['closetime'],
} as const satisfies Record<keyof CandleColumns, readonly string[]>

/** Positional layout of a headerless row: Binance klines and ccxt OHLCV (`time, open, high, low, close, volume`). */
export function positionalColumns(width: number): CandleColumns {
  return {
    openTime: 0,
    open: 1,
    high: 2,
    low: 3,
    close: 4,
    volume: width > 5 ? 5 : undefined,
    // Binance klines carry the close time in the 7th column; a 6-column ccxt row has none.
    closeTime: width > 6 ? 6 : undefined,
  }
}

const norm = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]/g, '')

/**
 * Maps a header row to column indexes through {@link CANDLE_HEADER_ALIASES}. A file without a time, open, high, low
 * or close column is a {@link CandleDataError} naming the header line and the names it looked for.
 */
export function headerColumns(header: readonly string[], line: number): CandleColumns {
  const names = header.map(norm)
  const find = (field: keyof CandleColumns): number | undefined => {
    for (const alias of CANDLE_HEADER_ALIASES[field]) {
      const i = names.indexOf(alias)
      if (i !== -1) return i
    }
    return undefined
  }
  const need = (field: keyof CandleColumns): number => {
    const i = find(field)
    if (i === undefined) {
      const looked = CANDLE_HEADER_ALIASES[field].join('", "')
      throw new CandleDataError(
        line,
        field,
        `the header has no ${field} column (looked for "${looked}"; found "${header.join('", "')}")`,
      )
    }
    return i
  }
  return {
    openTime: need('openTime'),
    open: need('open'),
    high: need('high'),
    low: need('low'),
    close: need('close'),
    volume: find('volume'),
    closeTime: find('closeTime'),
  }
}
