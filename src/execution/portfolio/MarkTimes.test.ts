import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../core/clock.js'
import type { BookSnapshot, Candle, Trade } from '../../core/types.js'
import { Decimal } from '../../decimal/index.js'
import { Portfolio } from '../Portfolio.js'
import { BTCUSDT, testFill } from '../testing/fixtures.js'
import { MarkTimes } from './MarkTimes.js'

const { venue, symbol } = BTCUSDT
const trade = (price: number, tsEvent: number): Trade =>
  ({ venue, symbol, price, qty: 1, side: 'BUY', tradeId: `t${tsEvent}`, tsEvent }) as Trade
const book = (bid: number, ask: number, tsEvent: number): BookSnapshot => ({
  venue,
  symbol,
  bids: [[bid, 1]],
  asks: [[ask, 1]],
  tsEvent,
})
const candle = (close: number, closeTime: number, isClosed = true): Candle =>
  ({
    venue,
    symbol,
    interval: '1m',
    open: close,
    high: close,
    low: close,
    close,
    volume: 1,
    openTime: closeTime - 59_999,
    closeTime,
    isClosed,
    tsEvent: closeTime,
  }) as Candle

/** A portfolio holding 1 BTC bought at 100 (equity moves 1:1 with the mark), its clock at `now`. */
function holding(now = 100_000) {
  const clock = new ManualClock(now)
  const p = new Portfolio({ balances: { USDT: '1000' }, instruments: [BTCUSDT], clock })
  const r = p.applyFill(testFill(BTCUSDT, 'BUY', '1', '100', { tsEvent: 0, fee: new Decimal(0) }))
  if (!r.ok) throw r.error
  return { p, clock }
}

describe('MarkTimes', () => {
  it('refuses and counts an event older than the newest that marked the instrument; an explicit mark is taken', () => {
    const t = new MarkTimes()
    expect(t.admit('a', 2_000, 5_000)).toBe(true)
    expect(t.admit('a', 2_000, 5_000)).toBe(true) // as old: not older
    expect(t.admit('a', 1_999, 5_000)).toBe(false)
    expect(t.admit('b', 1_000, 5_000)).toBe(true) // another instrument
    expect(t.admit('a', undefined, 5_001)).toBe(true)
    expect(t.markedAt('a')).toBe(5_001)
    expect(t.stale).toBe(1)
  })

  it('does not let a held time in the future freeze the marks', () => {
    const t = new MarkTimes()
    expect(t.admit('a', 9_000, 5_000)).toBe(true) // a bad stamp, ahead of the clock
    expect(t.admit('a', 5_000, 5_000)).toBe(true)
    expect(t.stale).toBe(0)
  })
})

describe('Portfolio marks never go back in time', () => {
  it('a late trade, book or closed candle does not move the mark (nor equity); each is counted', () => {
    const { p } = holding()
    p.onTrade(trade(110, 50_000))
    expect(p.equity().toString()).toBe('1010')
    p.onTrade(trade(90, 49_000)) // delivered after a newer one (a replay, a lagging second feed)
    p.onBook(book(89, 91, 49_500))
    p.onCandle(candle(95, 49_999))
    expect(p.equity().toString()).toBe('1010')
    expect(p.position(venue, symbol)?.markPrice?.toString()).toBe('110')
    expect(p.staleMarks).toBe(3)
    p.onBook(book(119, 121, 50_000)) // as new as the last: taken
    expect(p.equity().toString()).toBe('1020')
    p.onCandle(candle(130, 59_999))
    expect(p.equity().toString()).toBe('1030')
    expect(p.staleMarks).toBe(3)
  })

  it('a late event refused while flat is not applied later either', () => {
    const clock = new ManualClock(100_000)
    const p = new Portfolio({ balances: { USDT: '1000' }, instruments: [BTCUSDT], clock })
    p.onTrade(trade(110, 50_000))
    p.onTrade(trade(90, 49_000)) // refused, not kept as a pending mark
    expect(p.applyFill(testFill(BTCUSDT, 'BUY', '1', '100', { tsEvent: 0, fee: new Decimal(0) })).ok).toBe(
      true,
    )
    expect(p.position(venue, symbol)?.markPrice?.toString()).toBe('110')
    expect(p.staleMarks).toBe(1)
  })

  it('a forming candle is taken as it comes and orders nothing: the venue’s newer trades still mark', () => {
    const { p } = holding(100_000)
    p.onTrade(trade(104, 99_000))
    p.onCandle(candle(105, 159_999, false)) // its close as of the kline's event time, which it does not carry
    expect(p.equity().toString()).toBe('1005')
    p.onTrade(trade(106, 99_500)) // sent after that kline, delivered after it: not refused
    expect(p.equity().toString()).toBe('1006')
    p.onTrade(trade(103, 98_000)) // older than the trade that marked: refused
    expect(p.equity().toString()).toBe('1006')
    expect(p.staleMarks).toBe(1)
  })

  it('an explicit mark is always taken; with an event time it is ordered like the market events', () => {
    const { p } = holding()
    p.onTrade(trade(110, 50_000))
    p.mark(venue, symbol, '97')
    expect(p.equity().toString()).toBe('997')
    p.mark(venue, symbol, '96', 40_000)
    expect(p.equity().toString()).toBe('997')
    p.mark(venue, symbol, 98, 50_001)
    expect(p.equity().toString()).toBe('998')
    expect(p.staleMarks).toBe(1)
  })

  it('a stamp ahead of the clock does not freeze the marks', () => {
    const { p } = holding(100_000)
    p.onTrade(trade(110, 900_000)) // a bad stamp
    p.onTrade(trade(111, 99_000))
    expect(p.equity().toString()).toBe('1011')
    expect(p.staleMarks).toBe(0)
  })
})
