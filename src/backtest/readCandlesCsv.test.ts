import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import type { Candle } from '../core/types.js'
import { isTradekitError } from '../errors/index.js'
import { CandleDataError } from './CandleDataError.js'
import { readCandlesCsv } from './readCandlesCsv.js'
import { candlesFromJson } from './sources.js'

const fixture = (name: string) => fileURLToPath(new URL(`./__fixtures__/candles/${name}`, import.meta.url))
const labels = { venue: 'binance', symbol: 'BTCUSDT', interval: '1m' }
const T2025 = Date.UTC(2025, 0, 1)

async function read(path: string): Promise<Candle[]> {
  const out: Candle[] = []
  for await (const c of readCandlesCsv(path, labels)) out.push(c)
  return out
}

async function failure(path: string): Promise<CandleDataError> {
  try {
    await read(path)
  } catch (e) {
    if (e instanceof CandleDataError) return e
    throw e
  }
  throw new Error(`${path} was read without an error`)
}

const times = (cs: Candle[]) => cs.map((c) => [c.openTime, c.closeTime])

describe('readCandlesCsv: real layouts', () => {
  it('Binance public spot file since 2025: headerless, microseconds → the right minute, not the year 56971', async () => {
    const cs = await read(fixture('binance-spot-BTCUSDT-1m-2025-01-01.csv'))
    expect(times(cs)).toEqual([
      [T2025, T2025 + 59_999],
      [T2025 + 60_000, T2025 + 119_999],
      [T2025 + 120_000, T2025 + 179_999],
    ])
    expect(cs[0]).toMatchObject({
      open: 93576,
      high: 93610.93,
      low: 93537.5,
      close: 93610.93,
      volume: 8.21827,
    })
    expect(cs[0]?.isClosed).toBe(true)
    expect(new Date(cs[2]?.openTime as number).toISOString()).toBe('2025-01-01T00:02:00.000Z')
  })

  it('Binance public spot file before 2025: headerless, milliseconds', async () => {
    const cs = await read(fixture('binance-spot-BTCUSDT-1m-2024-01-01.csv'))
    const t = Date.UTC(2024, 0, 1)
    expect(times(cs)).toEqual([
      [t, t + 59_999],
      [t + 60_000, t + 119_999],
    ])
    expect(cs.map((c) => c.close)).toEqual([42298.61, 42320])
  })

  it('Binance public USD-M futures file: open_time/close_time header, extra columns ignored', async () => {
    const cs = await read(fixture('binance-um-BTCUSDT-1m-2025-01-01.csv'))
    expect(times(cs)).toEqual([
      [T2025, T2025 + 59_999],
      [T2025 + 60_000, T2025 + 119_999],
    ])
    expect(cs.map((c) => [c.open, c.close, c.volume])).toEqual([
      [93548.8, 93560, 120.412],
      [93560, 93590.3, 98.207],
    ])
  })

  it('ccxt fetchOHLCV arrays saved as JSON (ms numbers); closeTime from the interval', async () => {
    const cs = await read(fixture('ccxt-ohlcv-BTCUSDT-1m.json'))
    expect(times(cs)).toEqual([
      [T2025, T2025 + 59_999],
      [T2025 + 60_000, T2025 + 119_999],
      [T2025 + 120_000, T2025 + 179_999],
    ])
    expect(cs.map((c) => c.close)).toEqual([93610.93, 93643.24, 93583.99])
  })

  it('TradingView export with UNIX time (seconds), CRLF, a Volume column and an extra plot column', async () => {
    const cs = await read(fixture('tradingview-BINANCE_BTCUSDT-1-unix.csv'))
    expect(times(cs)).toEqual([
      [T2025, T2025 + 59_999],
      [T2025 + 60_000, T2025 + 119_999],
    ])
    expect(cs.map((c) => c.volume)).toEqual([8.21827, 10.43218])
  })

  it('TradingView export with ISO time and a zone offset', async () => {
    const cs = await read(fixture('tradingview-BINANCE_BTCUSDT-1-iso.csv'))
    expect(cs.map((c) => c.openTime)).toEqual([T2025, T2025 + 60_000])
  })

  it('fully quoted spreadsheet CSV: aliases (Date, Vol), "" and a line break inside a cell', async () => {
    const cs = await read(fixture('quoted-spreadsheet.csv'))
    expect(cs.map((c) => [c.openTime, c.open, c.volume])).toEqual([
      [T2025, 93576, 8.21827],
      [T2025 + 60_000, 93610.93, 10.43218],
    ])
  })

  it('nanosecond timestamps', async () => {
    const cs = await read(fixture('nanoseconds.csv'))
    expect(cs.map((c) => c.openTime)).toEqual([T2025, T2025 + 60_000])
  })

  it('a time it cannot place is a CandleDataError naming the line, the column and the value', async () => {
    const e = await failure(fixture('bad-time.csv'))
    expect(e.line).toBe(3)
    expect(e.field).toBe('openTime')
    expect(e.message).toMatch(/^Line 3: cannot place openTime "01\/01\/2025 00:01" in time/)
    expect(isTradekitError(e, 'VALIDATION_FAILED')).toBe(true)
  })
})

describe('readCandlesCsv: layouts and errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tk-candles-'))
  const file = (name: string, text: string) => {
    const p = join(dir, name)
    writeFileSync(p, text)
    return p
  }

  it('reads a file mixing milliseconds and microseconds (a 2024 and a 2025 Binance file joined)', async () => {
    const p = file(
      'mixed.csv',
      '1735689540000,1,1,1,1,1,1735689599999\n1735689600000000,1,1,1,1,1,1735689659999999\n',
    )
    expect(times(await read(p))).toEqual([
      [T2025 - 60_000, T2025 - 1],
      [T2025, T2025 + 59_999],
    ])
  })

  it('a file without a time column names the header line and the names it looked for', async () => {
    const e = await failure(file('nohdr.csv', 'when,open,high,low,close\nx,1,1,1,1\n'))
    expect(e.line).toBe(1)
    expect(e.field).toBe('openTime')
    expect(e.message).toMatch(/header has no openTime column.*"opentime", "timestamp", "time"/)
  })

  it('a file without a volume column reads with volume 0', async () => {
    const cs = await read(file('novol.csv', 'time,open,high,low,close\n1735689600,1,2,0.5,1.5\n'))
    expect(cs[0]).toMatchObject({ openTime: T2025, volume: 0 })
  })

  it('names the line of a bad price, a missing cell, a close time before the open, a broken quote', async () => {
    const cases: Array<[string, number, string, RegExp]> = [
      [
        'openTime,open,high,low,close,volume\n\n1735689600000,1,2,0.5,1,1\n1735689660000,1,0.5,2,1,1\n',
        4,
        'high',
        /inconsistent OHLC/,
      ],
      [
        'openTime,open,high,low,close,volume\n1735689600000,1,2,0.5\n',
        2,
        'csv',
        /row has 4 cells, expected 6/,
      ],
      ['openTime,open,high,low,close,volume\n1735689600000,1,2,0.5,,1\n', 2, 'close', /invalid close ""/],
      ['1735689600000,1,2,0.5,1,1,1735689500000\n', 1, 'closeTime', /closeTime is before openTime/],
      ['1735689600000,1,2,0.5,1,1,-3\n', 1, 'closeTime', /cannot place closeTime "-3"/],
      ['openTime,open,high,low,close,volume\n"1735689600000,1,2,0.5,1,1\n', 2, 'csv', /never closed/],
      [
        'openTime,open,high,low,close,volume\r\n1735689600000,1,2,0.5,1,NaN\r\n',
        2,
        'volume',
        /invalid volume "NaN"/,
      ],
    ]
    for (const [i, [text, line, field, message]] of cases.entries()) {
      const e = await failure(file(`bad${i}.csv`, text))
      expect([e.line, e.field], text).toEqual([line, field])
      expect(e.message).toMatch(message)
    }
  })

  it('every row has the width of the first row (headerless) or of the header: Binance klines have 12 cells', async () => {
    const row = (minute: number, closeTime = true) =>
      [
        1735689600000 + minute * 60_000,
        1,
        2,
        0.5,
        1.5,
        3,
        ...(closeTime ? [1735689659999 + minute * 60_000] : []),
      ]
        .concat(closeTime ? [0, 0, 0, 0, 0] : [])
        .join(',')
    // A 12-cell kline file read whole; then a row that lost its close time (6 cells), a row with a 13th cell.
    expect(await read(file('klines.csv', `${row(0)}\n${row(1)}\n`))).toHaveLength(2)
    const short = await failure(file('short.csv', `${row(0)}\n${row(1)}\n${row(2, false)}\n`))
    expect([short.line, short.field, short.message]).toEqual([
      3,
      'csv',
      'Line 3: row has 6 cells, expected 12 (as the first row, line 1)',
    ])
    const long = await failure(file('long.csv', `${row(0)}\n${row(1)},7\n`))
    expect([long.line, long.field]).toEqual([2, 'csv'])
    expect(long.message).toMatch(/row has 13 cells, expected 12/)
    // A 6-cell (ccxt) file is fine as long as every row has 6.
    expect(await read(file('ccxt.csv', `${row(0, false)}\n${row(1, false)}\n`))).toHaveLength(2)
    const header = await failure(
      file('hdr.csv', 'openTime,open,high,low,close\n1735689600000,1,2,0.5,1\n1735689660000,1,2,0.5,1,9\n'),
    )
    expect([header.line, header.message]).toEqual([
      3,
      'Line 3: row has 6 cells, expected 5 (as the header on line 1)',
    ])
  })

  it('an empty close-time cell is a malformed row, not a close time made up from the interval', async () => {
    // Binance public data kline layout (open time, OHLCV, close time, 5 more): the 2nd row lost its close time.
    // A good row's close time is open + 59 999 ms; a made-up one would hide the damage, so the row is refused.
    const kline = (open: number, close: string) => `${open},1,2,0.5,1.5,3,${close},0,0,0,0,0`
    const headerless = await failure(
      file(
        'lost-close.csv',
        `${kline(1735689600000, '1735689659999')}
${kline(1735689660000, '')}
`,
      ),
    )
    expect([headerless.line, headerless.field]).toEqual([2, 'closeTime'])
    expect(headerless.message).toMatch(/cannot place closeTime "" in time/)
    const um =
      'open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore'
    const headed = await failure(
      file(
        'lost-close-um.csv',
        `${um}
${kline(1735689600000, '')}
`,
      ),
    )
    expect([headed.line, headed.field]).toEqual([2, 'closeTime'])
    expect(() => candlesFromJson([[1735689600000, '1', '2', '0.5', '1.5', '3', '', '0']], labels)).toThrow(
      /^Line 1: cannot place closeTime "" in time/,
    )
    // No close-time column at all (ccxt, TradingView): still openTime + interval − 1.
    expect(
      times(await read(file('no-close.csv', 'time,open,high,low,close\n1735689600,1,2,0.5,1.5\n'))),
    ).toEqual([[T2025, T2025 + 59_999]])
  })

  it('a price or volume that is not plain decimal text is refused, not read as a hex or binary literal', async () => {
    // Number('0x10') is 16 and Number('0b1') is 1: a cell like that is no price any candle file writes.
    const hdr = 'openTime,open,high,low,close,volume\n'
    const cases: Array<[string, string]> = [
      ['1735689600000,0x10,0x10,0x10,0x10,1', 'open'],
      ['1735689600000,1,2,0.5,1.5,0b11', 'volume'],
      ['1735689600000,1,2,0.5,0o1,1', 'close'],
    ]
    for (const [i, [row, field]] of cases.entries()) {
      const e = await failure(file(`radix${i}.csv`, `${hdr}${row}\n`))
      expect([e.line, e.field], row).toEqual([2, field])
    }
    expect(() => candlesFromJson([[1735689600000, '0x10', '0x10', '0x10', '0x10', '1']], labels)).toThrow(
      /^Line 1: invalid open "0x10"/,
    )
    // Plain decimals in every spelling candle files use still read: 93576.00, .5, 1e-3, a leading +.
    const ok = await read(file('decimals.csv', `${hdr}1735689600000,93576.00,+93580.5,93500,93577.,1e-3\n`))
    expect(ok[0]).toMatchObject({ open: 93576, high: 93580.5, low: 93500, close: 93577, volume: 0.001 })
  })

  it('refuses a date or time that does not exist instead of rolling it over (2025-02-30 is not 2025-03-02)', async () => {
    const hdr = 'time,open,high,low,close\n'
    const cases: Array<[string, RegExp]> = [
      ['2025-02-30', /openTime "2025-02-30" is no real time: day 30 does not exist in 2025-02 \(28 days\)/],
      ['2025-04-31 00:00:00', /day 31 does not exist in 2025-04/],
      ['2025-01-01T24:00:00', /hour 24 is out of range/],
      ['2025-01-01T23:60', /minute 60 is out of range/],
    ]
    for (const [i, [time, message]] of cases.entries()) {
      const e = await failure(
        file(`impossible${i}.csv`, `${hdr}2025-01-01T00:00:00Z,1,2,0.5,1\n${time},1,2,0.5,1\n`),
      )
      expect([e.line, e.field], time).toEqual([3, 'openTime'])
      expect(e.message).toMatch(message)
    }
    // Headerless, first row: still read as a (bad) row, not as a header.
    const first = await failure(file('impossible-first.csv', '2025-02-29T00:00:00Z,1,2,0.5,1,1\n'))
    expect([first.line, first.field]).toEqual([1, 'openTime'])
    expect(first.message).toMatch(/day 29 does not exist in 2025-02/)
    // 2024 is a leap year.
    expect((await read(file('leap.csv', `${hdr}2024-02-29,1,2,0.5,1\n`)))[0]?.openTime).toBe(
      Date.UTC(2024, 1, 29),
    )
    expect(() =>
      candlesFromJson('[{"time":"2025-06-31T00:00:00Z","open":1,"high":2,"low":0.5,"close":1}]', labels),
    ).toThrow(/^Line 1: openTime "2025-06-31T00:00:00Z" is no real time: day 31 does not exist in 2025-06/)
  })

  it('JSON: objects with aliases, Binance kline arrays (string prices, µs), and a bad row named by index', () => {
    const objs = candlesFromJson(
      '[{"timestamp":"2025-01-01T00:00:00Z","o":1,"h":2,"l":0.5,"c":1.5,"v":3}]',
      labels,
    )
    expect(objs[0]).toMatchObject({ openTime: T2025, close: 1.5, volume: 3 })
    const klines = candlesFromJson(
      [[1735689600000000, '1', '2', '0.5', '1.5', '10', 1735689659999999]],
      labels,
    )
    expect(times(klines)).toEqual([[T2025, T2025 + 59_999]])
    expect(() => candlesFromJson('[[1735689600000,1,2,0.5,1,1],[true,1,2,0.5,1,1]]', labels)).toThrow(
      /^Line 2: cannot place openTime "true" in time/,
    )
    expect(() => candlesFromJson('[{"open":1}]', labels)).toThrow(CandleDataError)
    expect(() => candlesFromJson('{"not":"an array"}', labels)).toThrow(/must be an array/)
    expect(() => candlesFromJson('[1,', labels)).toThrow(/does not parse/)
  })
})
