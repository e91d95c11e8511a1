import fc from 'fast-check'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { type Candle, ManualClock } from '../core/index.js'
import { isTradekitError, ValidationError } from '../errors/index.js'
import {
  CandleAggregator,
  type CandleAggregatorConfig,
  TIMEFRAMES,
  timeframeEnd,
  timeframeStart,
} from './index.js'

/** Calls of `timeframeEnd` (one per interval walked), and a limit past which it throws: a walk that cannot end. */
const walked = vi.hoisted(() => ({ calls: 0, limit: Number.POSITIVE_INFINITY }))
vi.mock('./timeframe.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('./timeframe.js')>()
  return {
    ...real,
    timeframeEnd: (tf: Parameters<typeof real.timeframeEnd>[0], t: number): number => {
      if (++walked.calls > walked.limit) throw new Error(`walked more than ${walked.limit} intervals`)
      return real.timeframeEnd(tf, t)
    },
  }
})

const MIN = 60_000
const T0 = Date.UTC(2024, 0, 1, 10, 0) // a minute boundary

let open: CandleAggregator[] = []
afterEach(() => {
  for (const a of open) a.dispose()
  open = []
  walked.limit = Number.POSITIVE_INFINITY
})

/** Runs `fn` allowing at most `limit` more interval steps. */
function walking<T>(limit: number, fn: () => T): T {
  walked.calls = 0
  walked.limit = limit
  try {
    return fn()
  } finally {
    walked.limit = Number.POSITIVE_INFINITY
  }
}

function make(config: CandleAggregatorConfig): { agg: CandleAggregator; out: Candle[] } {
  const agg = new CandleAggregator(config)
  open.push(agg)
  const out: Candle[] = []
  agg.events.on('candle', (c) => out.push(c))
  return { agg, out }
}

let id = 0
const trade = (price: number, qty: number, tsEvent: number, tradeId = String(++id)) => ({
  price,
  qty,
  tsEvent,
  tradeId,
})

describe('timeframes are aligned to UTC like the exchanges', () => {
  it.each([
    ['1s', Date.UTC(2024, 0, 1, 10, 42, 7, 500), Date.UTC(2024, 0, 1, 10, 42, 7)],
    ['1m', Date.UTC(2024, 0, 1, 10, 42, 7), Date.UTC(2024, 0, 1, 10, 42)],
    ['15m', Date.UTC(2024, 0, 1, 10, 44), Date.UTC(2024, 0, 1, 10, 30)],
    ['4h', Date.UTC(2024, 0, 1, 10, 42), Date.UTC(2024, 0, 1, 8)],
    ['1d', Date.UTC(2024, 0, 1, 23, 59), Date.UTC(2024, 0, 1)],
    [
      '3d',
      Date.UTC(2024, 0, 1, 12),
      Math.floor(Date.UTC(2024, 0, 1, 12) / (3 * 86_400_000)) * 3 * 86_400_000,
    ],
    ['1w', Date.UTC(2024, 0, 3, 12), Date.UTC(2024, 0, 1)], // Wednesday -> Monday 2024-01-01
    ['1w', Date.UTC(2023, 11, 31, 23), Date.UTC(2023, 11, 25)], // Sunday -> the Monday before
    ['1M', Date.UTC(2024, 1, 29, 23), Date.UTC(2024, 1, 1)],
  ] as const)('%s: %i -> %i', (tf, t, start) => {
    expect(timeframeStart(tf, t)).toBe(start)
  })

  it('1M buckets the years 0 to 99 in their own century (Date.UTC would read them as 1900 to 1999)', () => {
    const utc = (y: number, m: number, d: number) => new Date(0).setUTCFullYear(y, m, d)
    expect(timeframeStart('1M', utc(50, 5, 10))).toBe(utc(50, 5, 1))
    expect(timeframeEnd('1M', utc(99, 11, 1))).toBe(utc(100, 0, 1))
  })

  it('interval ends', () => {
    expect(timeframeEnd('1M', Date.UTC(2024, 1, 1))).toBe(Date.UTC(2024, 2, 1)) // leap February
    expect(timeframeEnd('1M', Date.UTC(2024, 11, 1))).toBe(Date.UTC(2025, 0, 1))
    expect(timeframeEnd('1w', Date.UTC(2024, 0, 1))).toBe(Date.UTC(2024, 0, 8))
    expect(timeframeEnd('1h', T0)).toBe(T0 + 3_600_000)
  })
})

describe('CandleAggregator: trades -> candles', () => {
  it('builds OHLCV and closes a candle when a trade of a later interval arrives', () => {
    const { agg, out } = make({ timeframe: '1m', venue: 'binance', symbol: 'BTCUSDT', fillGaps: false })
    expect(agg.addTrade(trade(100, 1, T0 + 1000))).toBe('applied')
    agg.addTrade(trade(105, 2, T0 + 2000))
    agg.addTrade(trade(99, 1, T0 + 3000))
    agg.addTrade(trade(101, 0.5, T0 + 59_999))
    expect(out).toHaveLength(0)
    expect(agg.current).toMatchObject({
      open: 100,
      high: 105,
      low: 99,
      close: 101,
      volume: 4.5,
      isClosed: false,
    })
    agg.addTrade(trade(102, 1, T0 + MIN))
    expect(out).toEqual([
      {
        venue: 'binance',
        symbol: 'BTCUSDT',
        interval: '1m',
        openTime: T0,
        closeTime: T0 + MIN - 1,
        open: 100,
        high: 105,
        low: 99,
        close: 101,
        volume: 4.5,
        isClosed: true,
      },
    ])
    expect(agg.current?.openTime).toBe(T0 + MIN)
  })

  it('closes on the time boundary driven by the clock, after closeDelayMs', () => {
    const clock = new ManualClock(T0)
    const { agg, out } = make({ timeframe: '1m', clock, closeDelayMs: 500, fillGaps: false })
    agg.addTrade(trade(100, 1, T0 + 10_000))
    clock.advanceTo(T0 + MIN + 200)
    expect(out).toHaveLength(0)
    // a trade of the closing minute arriving within the grace period still counts
    expect(agg.addTrade(trade(110, 1, T0 + 59_900))).toBe('applied')
    clock.advanceTo(T0 + MIN + 499)
    expect(out).toHaveLength(0)
    clock.advanceTo(T0 + MIN + 500)
    expect(out).toHaveLength(1)
    expect(out[0]).toMatchObject({ high: 110, close: 110, volume: 2 })
    // after the close: late, dropped, counted
    expect(agg.addTrade(trade(120, 1, T0 + 59_950))).toBe('late')
    expect(agg.stats.late).toBe(1)
    expect(agg.current).toBeUndefined()
    expect(clock.pendingTimers).toBe(0)
  })

  it('with fillGaps, the clock emits flat candles for quiet intervals; the next trade replaces the placeholder', () => {
    const clock = new ManualClock(T0)
    const { agg, out } = make({ timeframe: '1m', clock })
    agg.addTrade(trade(100, 1, T0 + 5000))
    agg.addTrade(trade(104, 1, T0 + 6000))
    clock.advanceTo(T0 + 3 * MIN)
    expect(out.map((c) => [c.openTime - T0, c.open, c.high, c.low, c.close, c.volume])).toEqual([
      [0, 100, 104, 100, 104, 2],
      [MIN, 104, 104, 104, 104, 0],
      [2 * MIN, 104, 104, 104, 104, 0],
    ])
    agg.addTrade(trade(90, 3, T0 + 3 * MIN + 1))
    expect(agg.current).toMatchObject({ open: 90, high: 90, low: 90, close: 90, volume: 3 })
  })

  it('without a clock, a gap is filled with flat candles when the next trade arrives (capped by maxGapCandles)', () => {
    const { agg, out } = make({ timeframe: '1m', maxGapCandles: 2 })
    agg.addTrade(trade(100, 1, T0))
    agg.addTrade(trade(101, 1, T0 + 5 * MIN + 7))
    expect(out.map((c) => [c.openTime - T0, c.close, c.volume])).toEqual([
      [0, 100, 1],
      [MIN, 100, 0],
      [2 * MIN, 100, 0],
    ])
    expect(agg.stats.skippedGapCandles).toBe(2)
    agg.flush()
    expect(out.at(-1)).toMatchObject({ openTime: T0 + 5 * MIN, close: 101, isClosed: true })
  })

  it('a gap of billions of intervals costs maxGapCandles candles of work: the rest are counted, not walked', () => {
    const { agg, out } = make({ timeframe: '1s', maxGapCandles: 5 })
    agg.addTrade(trade(100, 1, T0))
    const far = Date.UTC(9000, 0, 1) // 2.2e11 seconds later
    walking(5 + 10, () => agg.addTrade(trade(101, 1, far)))
    expect(out.map((c) => c.openTime - T0)).toEqual([0, 1000, 2000, 3000, 4000, 5000])
    expect(agg.stats.skippedGapCandles).toBe((far - T0) / 1000 - 1 - 5)
    expect(agg.current).toMatchObject({ openTime: far, open: 101 })
  })

  it.each([
    // 1w: the week of Monday 2026-01-05 closed, next trade 100 years later: the whole weeks between are empty
    [
      '1w',
      Date.UTC(2026, 0, 5),
      Date.UTC(2126, 0, 7),
      Math.floor((Date.UTC(2126, 0, 7) - Date.UTC(2026, 0, 5)) / (7 * 86_400_000)) - 1,
    ],
    // 1M: January 2026 closed, next trade in March 2126: February 2026 … February 2126 are empty
    ['1M', Date.UTC(2026, 0, 15), Date.UTC(2126, 2, 15), 100 * 12 + 1],
  ] as const)('%s: a gap of calendar intervals is counted arithmetically', (tf, first, next, empty) => {
    const { agg, out } = make({ timeframe: tf, maxGapCandles: 2 })
    agg.addTrade(trade(100, 1, first))
    walking(2 + 10, () => agg.addTrade(trade(101, 1, next)))
    expect(out).toHaveLength(1 + 2)
    expect(out[1]?.openTime).toBe(timeframeEnd(tf, timeframeStart(tf, first)))
    expect(agg.stats.skippedGapCandles).toBe(empty - 2)
    expect(agg.current?.openTime).toBe(timeframeStart(tf, next))
  })

  it('fillGaps: false leaves gaps empty', () => {
    const { agg, out } = make({ timeframe: '1m', fillGaps: false })
    agg.addTrade(trade(100, 1, T0))
    agg.addTrade(trade(101, 1, T0 + 5 * MIN))
    expect(out.map((c) => c.openTime - T0)).toEqual([0])
  })

  it('drops duplicate trade ids and merges out-of-order trades by their time', () => {
    const { agg } = make({ timeframe: '1m' })
    agg.addTrade(trade(100, 1, T0 + 30_000, 'a'))
    expect(agg.addTrade(trade(100, 1, T0 + 30_000, 'a'))).toBe('duplicate')
    agg.addTrade(trade(95, 1, T0 + 10_000, 'b')) // earlier: becomes the open
    agg.addTrade(trade(97, 1, T0 + 50_000, 'c')) // latest: the close
    agg.addTrade(trade(99, 1, T0 + 40_000, 'd')) // in between: neither
    expect(agg.current).toMatchObject({ open: 95, high: 100, low: 95, close: 97, volume: 4 })
    expect(agg.stats).toMatchObject({ applied: 4, duplicates: 1 })
  })

  it('rejects invalid trades with a ValidationError and changes nothing', () => {
    const { agg } = make({ timeframe: '1m' })
    agg.addTrade(trade(100, 1, T0))
    const before = agg.current
    for (const bad of [
      trade(Number.NaN, 1, T0),
      trade(0, 1, T0),
      trade(-1, 1, T0),
      trade(100, -1, T0),
      trade(100, Number.POSITIVE_INFINITY, T0),
      trade(100, 1, Number.NaN),
      trade(2e154, 1, T0), // beyond the indicators' 1e30 bound
      trade(100, 1e300, T0),
    ]) {
      try {
        agg.addTrade(bad)
        expect.unreachable()
      } catch (e) {
        expect(isTradekitError(e) && e.code).toBe('VALIDATION_FAILED')
      }
    }
    expect(agg.current).toEqual(before)
    expect(agg.stats.applied).toBe(1)
  })

  it('refuses a time outside the years 0000 to 9999 (µs or ns epochs) on every timeframe, changing nothing', () => {
    const micros = (T0 + MIN) * 1000 // Binance timeUnit=MICROSECOND: year 55 970 read as ms
    for (const tf of TIMEFRAMES) {
      for (const t of [micros, 9e15, -9e15, Date.UTC(10000, 0, 1), -62_167_219_200_001]) {
        expect(() => timeframeStart(tf, t)).toThrow(ValidationError)
      }
      const last = Date.UTC(9999, 11, 31, 23, 59, 59, 999)
      expect(Number.isFinite(timeframeEnd(tf, timeframeStart(tf, last)))).toBe(true)
      expect(timeframeStart(tf, -62_167_219_200_000)).toBeLessThanOrEqual(-62_167_219_200_000)
      const { agg, out } = make({ timeframe: tf })
      agg.addTrade(trade(100, 1, T0))
      expect(() => agg.addTrade(trade(1, 5, micros))).toThrow(/outside the years 0000 to 9999/)
      expect(() =>
        agg.addCandle({ openTime: micros, open: 1, high: 1, low: 1, close: 1, volume: 1 }),
      ).toThrow(ValidationError)
      expect(agg.current).toMatchObject({ openTime: timeframeStart(tf, T0), low: 100, volume: 1 })
      expect(out).toEqual([])
    }
  })

  it('1M: a finite tsEvent beyond the Date range is refused', () => {
    const { agg } = make({ timeframe: '1M' })
    agg.addTrade(trade(100, 1, Date.UTC(2026, 0, 1)))
    expect(() => agg.addTrade(trade(1, 5, 9e15))).toThrow(ValidationError)
    expect(agg.current?.low).toBe(100)
  })

  it('1M: a first trade beyond the Date range does not wedge the aggregator', () => {
    const { agg, out } = make({ timeframe: '1M' })
    expect(() => agg.addTrade(trade(1, 1, 9e15))).toThrow(ValidationError)
    for (let m = 0; m < 4; m++) agg.addTrade(trade(100, 1, Date.UTC(2026, m, 15)))
    expect(out.map((c) => c.openTime)).toEqual([
      Date.UTC(2026, 0, 1),
      Date.UTC(2026, 1, 1),
      Date.UTC(2026, 2, 1),
    ])
    expect(Number.isNaN(agg.current?.openTime)).toBe(false)
  })

  it('dispose stops the timer', () => {
    const clock = new ManualClock(T0)
    const { agg } = make({ timeframe: '1m', clock })
    agg.addTrade(trade(100, 1, T0))
    expect(clock.pendingTimers).toBe(1)
    agg.dispose()
    expect(clock.pendingTimers).toBe(0)
  })

  it('rejects an unknown timeframe with a ConfigError', () => {
    // @ts-expect-error not a timeframe
    expect(() => new CandleAggregator({ timeframe: '7m' })).toThrow(/timeframe/)
  })
})

describe('CandleAggregator: candles -> higher timeframe', () => {
  const minute = (i: number, o: number, h: number, l: number, c: number, v: number, isClosed = true) => ({
    venue: 'binance',
    symbol: 'ETHUSDT',
    interval: '1m',
    openTime: T0 + i * MIN,
    closeTime: T0 + (i + 1) * MIN - 1,
    open: o,
    high: h,
    low: l,
    close: c,
    volume: v,
    isClosed,
  })

  it('merges 60 one-minute candles into a 1h candle, closing it with the last minute', () => {
    const { agg, out } = make({ timeframe: '1h', venue: 'binance', symbol: 'ETHUSDT' })
    for (let i = 0; i < 60; i++)
      agg.addCandle(minute(i, 100 + i, 101 + i + (i === 17 ? 50 : 0), 99 + i, 100.5 + i, 2))
    expect(out).toHaveLength(1)
    expect(out[0]).toMatchObject({
      interval: '1h',
      openTime: T0,
      closeTime: T0 + 60 * MIN - 1,
      open: 100,
      high: 168,
      low: 99,
      close: 159.5,
      volume: 120,
      isClosed: true,
    })
  })

  it('ignores forming candles, drops duplicates and late candles', () => {
    const { agg, out } = make({ timeframe: '5m' })
    expect(agg.addCandle(minute(0, 10, 11, 9, 10, 1, false))).toBe('partial')
    expect(agg.addCandle(minute(0, 10, 11, 9, 10, 1))).toBe('applied')
    expect(agg.addCandle(minute(0, 10, 11, 9, 10, 1))).toBe('duplicate')
    expect(agg.addCandle(minute(2, 10, 12, 10, 11, 1))).toBe('applied')
    expect(agg.addCandle(minute(1, 10, 10, 8, 9, 1))).toBe('applied') // out of order, same 5m interval
    expect(agg.current).toMatchObject({ open: 10, high: 12, low: 8, close: 11, volume: 3 })
    expect(agg.addCandle(minute(5, 11, 11, 11, 11, 1))).toBe('applied') // next interval closes the first
    expect(out).toHaveLength(1)
    expect(agg.addCandle(minute(4, 11, 11, 11, 11, 1))).toBe('late')
    expect(() => agg.addCandle({ ...minute(6, 1, 1, 2, 1, 1) })).toThrow(/below low/)
  })
})

describe('CandleAggregator properties', () => {
  it('the arrival order of the trades of one interval does not change the candle', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.record({
            dt: fc.integer({ min: 0, max: MIN - 1 }),
            price: fc.double({ min: 1, max: 1000, noNaN: true }),
            qty: fc.integer({ min: 0, max: 100 }),
          }),
          { minLength: 1, maxLength: 40, selector: (t) => t.dt },
        ),
        fc.integer(),
        (trades, seed) => {
          const sorted = [...trades].sort((a, b) => a.dt - b.dt)
          const shuffled = fc.sample(fc.shuffledSubarray(trades, { minLength: trades.length }), {
            numRuns: 1,
            seed,
          })[0]!
          const run = (ts: typeof trades) => {
            const agg = new CandleAggregator({ timeframe: '1m' })
            ts.forEach((t, i) => {
              agg.addTrade({ price: t.price, qty: t.qty, tsEvent: T0 + t.dt, tradeId: `${t.dt}:${i}` })
            })
            return agg.current
          }
          const a = run(sorted)!
          const b = run(shuffled)!
          expect(b.open).toBe(sorted[0]!.price)
          expect(b.close).toBe(sorted.at(-1)!.price)
          expect(b.high).toBe(a.high)
          expect(b.low).toBe(a.low)
          expect(b.volume).toBe(a.volume) // integer quantities: exact in any order
        },
      ),
    )
  })
})
