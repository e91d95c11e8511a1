import { describe, expect, it } from 'vitest'
import type { CandleIgnoredEvent } from '../strategies/index.js'
import { book, btc, candle, trade } from './__fixtures__/market.js'
import { MarketCache } from './MarketCache.js'

function cache(interval?: string) {
  const errors: unknown[] = []
  const c = new MarketCache({
    instruments: [btc],
    atr: { period: 3, ...(interval !== undefined ? { interval } : {}) },
    onDataError: (e) => errors.push(e),
  })
  return { c, errors }
}

describe('MarketCache', () => {
  it('keeps the last price and its time from candles, trades and book mids', () => {
    const { c } = cache()
    expect(c.snapshot('binance', 'BTCUSDT')).toBeUndefined()
    c.onCandle(candle(0, 100))
    expect(c.snapshot('binance', 'BTCUSDT')?.price.toNumber()).toBe(100)
    expect(c.snapshot('binance', 'BTCUSDT')?.priceTs).toBe(59_999)
    c.onTrade(trade(101, 70_000))
    expect(c.snapshot('binance', 'BTCUSDT')?.price.toNumber()).toBe(101)
    c.onBook(book(102, 104, 80_000))
    const s = c.snapshot('binance', 'BTCUSDT')
    expect([s?.price.toNumber(), s?.priceTs, s?.instrument]).toEqual([103, 80_000, btc])
  })

  it("stamps a forming candle's close with the time it came, never with its close time still ahead", () => {
    let now = 10_000
    const c = new MarketCache({
      instruments: [btc],
      atr: { period: 3 },
      onDataError: () => {},
      now: () => now,
    })
    c.onCandle({ ...candle(0, 100), isClosed: false }) // closes at 59,999
    expect(c.snapshot('binance', 'BTCUSDT')?.priceTs).toBe(10_000)
    now = 70_000 // received late: its close time is the latest it can be as of
    c.onCandle({ ...candle(0, 101), isClosed: false })
    expect(c.snapshot('binance', 'BTCUSDT')?.priceTs).toBe(59_999)
    c.onCandle(candle(1, 102)) // a closed candle: its close time
    expect(c.snapshot('binance', 'BTCUSDT')?.priceTs).toBe(119_999)
  })

  it('never moves the price back in time: a late trade, book or closed candle is ignored for the price', () => {
    const { c } = cache()
    c.onTrade(trade(101, 70_000))
    c.onTrade(trade(90, 65_000)) // a late trade from before the one held
    c.onBook(book(80, 82, 60_000)) // a late book
    let s = c.snapshot('binance', 'BTCUSDT')
    expect([s?.price.toNumber(), s?.priceTs]).toEqual([101, 70_000])
    c.onCandle(candle(0, 95)) // closed at 59,999: counts for the ATR's bar order, not for the price
    s = c.snapshot('binance', 'BTCUSDT')
    expect([s?.price.toNumber(), s?.priceTs]).toEqual([101, 70_000])
    expect(c.stalePrices).toBe(3)
    expect(c.ignoredCandles).toBe(0)
    c.onBook(book(102, 104, 70_000)) // as recent as the held price: taken
    c.onTrade(trade(105, 71_000))
    s = c.snapshot('binance', 'BTCUSDT')
    expect([s?.price.toNumber(), s?.priceTs]).toEqual([105, 71_000])
    expect(c.stalePrices).toBe(3)
  })

  it('a held price stamped in the future (a bad stamp) does not freeze the price: the next event is taken', () => {
    const c = new MarketCache({
      instruments: [btc],
      atr: { period: 3 },
      onDataError: () => {},
      now: () => 100_000,
    })
    c.onTrade(trade(101, 99_000))
    c.onTrade(trade(500, 32_503_680_000_000)) // year 3000
    c.onTrade(trade(102, 99_500))
    const s = c.snapshot('binance', 'BTCUSDT')
    expect([s?.price.toNumber(), s?.priceTs, c.stalePrices]).toEqual([102, 99_500, 0])
  })

  it('ignores non-positive or non-finite prices and one-sided books', () => {
    const { c } = cache()
    c.onTrade(trade(100, 1))
    c.onTrade(trade(0, 2))
    c.onTrade(trade(Number.NaN, 3))
    c.onBook({ venue: 'binance', symbol: 'BTCUSDT', bids: [[99, 1]], asks: [], tsEvent: 4 })
    expect(c.snapshot('binance', 'BTCUSDT')?.priceTs).toBe(1)
  })

  it('has no snapshot for an unknown instrument, even with a price', () => {
    const { c } = cache()
    c.onTrade({ ...trade(5, 1), symbol: 'ETHUSDT' })
    expect(c.snapshot('binance', 'ETHUSDT')).toBeUndefined()
    expect(c.instrument('binance', 'BTCUSDT')).toBe(btc)
    expect([...c.instruments()]).toEqual([btc])
  })

  it('counts each closed bar once: a repeated or older closed candle moves neither the ATR nor the price', () => {
    const once = cache().c
    const noisy = cache().c
    const bars = [100, 104, 99, 103, 98].map((p, i) => candle(i, p))
    for (const b of bars) once.onCandle(b)
    bars.forEach((b, i) => {
      noisy.onCandle(b)
      noisy.onCandle(b) // a venue resending the closed kline
      if (i === 3) noisy.onCandle({ ...b, high: 1000 }) // a "correction" of a closed bar is not taken either
      if (i > 0) noisy.onCandle(bars[0]!) // a REST backfill overlapping the stream
    })
    const a = once.snapshot('binance', 'BTCUSDT')
    const b = noisy.snapshot('binance', 'BTCUSDT')
    expect(b?.atr).toBe(a?.atr)
    expect([b?.price.toNumber(), b?.priceTs]).toEqual([98, 4 * 60_000 + 59_999])
    expect(noisy.ignoredCandles).toBe(5 + 1 + 4)
    expect(once.ignoredCandles).toBe(0)
    noisy.onCandle(candle(5, 101)) // the next bar counts again
    expect(noisy.snapshot('binance', 'BTCUSDT')?.price.toNumber()).toBe(101)
  })

  it('reports each ignored closed candle to onCandleIgnored, as a StrategyRunner does', () => {
    const seen: CandleIgnoredEvent[] = []
    const c = new MarketCache({
      instruments: [btc],
      atr: { period: 3 },
      onDataError: () => undefined,
      onCandleIgnored: (e) => seen.push(e),
      now: () => 7,
    })
    for (const b of [
      candle(0, 100),
      candle(1, 101),
      candle(1, 102),
      candle(0, 99),
      candle(1, 101, { interval: '5m' }),
    ])
      c.onCandle(b)
    expect(seen.map((e) => [e.type, e.reason, e.candle.openTime, e.lastOpenTime, e.tsEvent])).toEqual([
      ['candle.ignored', 'repeated', 60_000, 60_000, 7],
      ['candle.ignored', 'stale', 0, 60_000, 7],
    ])
    expect(c.ignoredCandles).toBe(seen.length)
    expect(Object.isFrozen(seen[0])).toBe(true)
  })

  it('keeps ATR over closed candles of one interval (the first seen, or the configured one)', () => {
    const { c } = cache()
    for (let i = 0; i < 4; i++) c.onCandle(candle(i, 100 + i))
    c.onCandle(candle(4, 100, { interval: '5m', high: 1000, low: 1 })) // other interval: ignored
    c.onCandle(candle(5, 100, { isClosed: false, high: 1000, low: 1 })) // open candle: price only
    const atr = c.snapshot('binance', 'BTCUSDT')?.atr
    expect(atr).toBeGreaterThan(0)
    expect(atr).toBeLessThan(5)
    const only5m = cache('5m').c
    for (let i = 0; i < 4; i++) only5m.onCandle(candle(i, 100 + i))
    expect(only5m.snapshot('binance', 'BTCUSDT')?.atr).toBeUndefined()
  })
})
