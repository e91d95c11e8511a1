import { describe, expect, it } from 'vitest'
import { ManualClock } from '../core/clock.js'
import type { QuoteLevel, QuoteTargets } from '../core/quotes.js'
import type { Fill, Order, Position } from '../core/types.js'
import { Decimal } from '../decimal/index.js'
import { bookOfOthers, bookWithout, referencePrice } from './marketMaking/referencePrice.js'
import { SpreadQuoter, type SpreadQuoterConfig } from './SpreadQuoter.js'
import { StrategyRunner } from './StrategyRunner.js'

const show = (ls: QuoteLevel[]): string[] =>
  ls.map((l) => `${l.side} ${l.price.toFixed()} ${l.qty.toFixed()}`)
const make = (over: Partial<SpreadQuoterConfig> = {}) =>
  new SpreadQuoter({ venue: 'binance', symbol: 'BTCUSDT', size: '1', spreadBps: 10, ...over })

describe('SpreadQuoter', () => {
  it('quotes N levels each side at the spread plus the spacing around the reference', () => {
    const q = make({ levels: 2, levelSpacingBps: 5 })
    expect(show(q.levels(1000, 0))).toEqual(['SELL 1001 1', 'BUY 999 1', 'SELL 1001.5 1', 'BUY 998.5 1'])
  })

  it('skews toward the target position: long half the max → center 5 bps lower, bids ×0.5, asks ×1.5', () => {
    const q = make({ skew: { maxPosition: '4', priceBps: 10 } })
    // r = 2 / 4 = 0.5: center = 1000 × (1 − 0.5 × 10 bps) = 999.5.
    expect(show(q.levels(1000, 2))).toEqual(['SELL 1000.4995 1.5', 'BUY 998.5005 0.5'])
    // Short half the max: the mirror image.
    expect(show(q.levels(1000, -2))).toEqual(['SELL 1001.5005 0.5', 'BUY 999.4995 1.5'])
  })

  it('at or beyond the max position it stops quoting the side that grows it; a target position moves the neutral point', () => {
    const q = make({ skew: { maxPosition: '4', priceBps: 0 } })
    expect(show(q.levels(1000, 9))).toEqual(['SELL 1001 2'])
    expect(show(q.levels(1000, -4))).toEqual(['BUY 999 2'])
    const t = make({ skew: { maxPosition: '4', targetPosition: 2, priceBps: 0 } })
    expect(show(t.levels(1000, 2))).toEqual(['SELL 1001 1', 'BUY 999 1'])
  })

  it('widens the spread with volatility, never below spreadBps', () => {
    const q = make({ volatility: { window: 2, multiplier: 2 } })
    // stddev 1 on 1000 → 2 × 1 / 1000 = 20 bps > 10 bps.
    expect(show(q.levels(1000, 0, 1))).toEqual(['SELL 1002 1', 'BUY 998 1'])
    expect(show(q.levels(1000, 0, 0.1))).toEqual(['SELL 1001 1', 'BUY 999 1'])
  })

  it('widens with the volatility of a low-priced instrument (σ 1e-7 on 1.2e-5 mids: 2σ = 167 bps)', () => {
    const clock = new ManualClock(0)
    const q = make({ symbol: 'SHIBUSDT', volatility: { window: 20, multiplier: 2 }, refreshMs: 0 })
    const runner = new StrategyRunner(q, {
      clock,
      positions: () => [],
      openOrders: () => [],
      cancelOrders: async () => ({ canceled: [], failed: [] }),
    })
    const sets: QuoteTargets[] = []
    runner.events.on('quote.stated', (t) => sets.push(t))
    runner.start()
    for (let i = 0; i < 20; i++) {
      const mid = 1.2e-5 + (i % 2 === 0 ? 1e-7 : -1e-7)
      runner.book({
        venue: 'binance',
        symbol: 'SHIBUSDT',
        bids: [[mid - 1e-9, 1e6]],
        asks: [[mid + 1e-9, 1e6]],
        tsEvent: i,
      })
      clock.advance(1)
    }
    const last = sets.at(-1)!
    const mid = 1.2e-5 - 1e-7
    const ask = last.levels.find((l) => l.side === 'SELL')!.price.toNumber()
    expect(((ask - mid) / mid) * 10_000).toBeGreaterThan(150) // not the 10 bps floor
  })

  it('microprice leans toward the side with less size', () => {
    const b = {
      venue: 'x',
      symbol: 'y',
      bids: [[99, 3]] as [number, number][],
      asks: [[101, 1]] as [number, number][],
      tsEvent: 0,
    }
    expect(referencePrice(b, 'mid')).toBe(100)
    expect(referencePrice(b, 'microprice')).toBe(100.5)
  })

  it('the reference ignores our own resting quotes (a maker never chases itself)', () => {
    const own = (side: 'BUY' | 'SELL', price: number, qty: number, filled = 0): Order => ({
      clientOrderId: `${side}${price}`,
      venue: 'x',
      symbol: 'y',
      side,
      type: 'LIMIT',
      qty: new Decimal(qty),
      filledQty: new Decimal(filled),
      price: new Decimal(price),
      status: 'OPEN',
      tsCreated: 0,
      tsUpdated: 0,
    })
    const book = {
      venue: 'x',
      symbol: 'y',
      bids: [
        [100, 2],
        [99, 5],
      ] as [number, number][],
      asks: [
        [101, 1],
        [102, 4],
      ] as [number, number][],
      tsEvent: 0,
    }
    // Our bid is the whole best bid level; our ask is part of the best ask (2 of 3 open, 1 filled).
    const others = bookWithout(book, [own('BUY', 100, 2), own('SELL', 101, 3, 2.5)])
    expect(others.bids).toEqual([[99, 5]])
    expect(others.asks).toEqual([
      [101, 0.5],
      [102, 4],
    ])
    expect(referencePrice(others, 'mid')).toBe(100)
  })

  it('takes its own quotes out of a book only when the book shows them (live), never out of a paper venue’s', () => {
    const own: Order = {
      clientOrderId: 'q1',
      venue: 'binance',
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      qty: new Decimal(2),
      filledQty: new Decimal(0),
      price: new Decimal(100),
      status: 'OPEN',
      tsCreated: 0,
      tsUpdated: 0,
    }
    // Our bid of 2 at 100: the whole best bid of a live book; on a paper venue, 2 that other traders show there.
    const book = {
      venue: 'binance',
      symbol: 'BTCUSDT',
      bids: [
        [100, 2],
        [99, 5],
      ] as [number, number][],
      asks: [[101, 1]] as [number, number][],
      tsEvent: 0,
    }
    const quoted = (booksShowOwnOrders: boolean): string[] => {
      const runner = new StrategyRunner(make({ spreadBps: 100 }), {
        clock: new ManualClock(0),
        positions: () => [],
        openOrders: () => [own],
        cancelOrders: async () => ({ canceled: [], failed: [] }),
        booksShowOwnOrders: (venue) => (venue === 'binance' ? booksShowOwnOrders : true),
      })
      const sets: QuoteTargets[] = []
      runner.events.on('quote.stated', (t) => sets.push(t))
      runner.start()
      runner.book(book)
      return show(sets[0]?.levels as QuoteLevel[])
    }
    expect(quoted(true)).toEqual(['SELL 101 1', 'BUY 99 1']) // others' mid (99 + 101) / 2 = 100
    expect(quoted(false)).toEqual(['SELL 101.505 1', 'BUY 99.495 1']) // the book's mid 100.5, as shown
    const ctx = (shows: boolean) => ({ booksShowOwnOrders: () => shows, openOrders: () => [own] })
    expect(bookOfOthers(book, ctx(true)).bids).toEqual([[99, 5]])
    expect(bookOfOthers(book, ctx(false))).toBe(book)
  })

  it('restates every refreshMs, early on a move past the tolerance, and at once after a fill, with its position', () => {
    const clock = new ManualClock(0)
    let qty = new Decimal(0)
    const position = (): Position => ({
      venue: 'binance',
      symbol: 'BTCUSDT',
      qty,
      realizedPnl: new Decimal(0),
      unrealizedPnl: new Decimal(0),
    })
    const q = make({ refreshMs: 1000, refreshToleranceBps: 20, skew: { maxPosition: '2', priceBps: 0 } })
    const runner = new StrategyRunner(q, {
      clock,
      positions: () => [position()],
      openOrders: () => [],
      cancelOrders: async () => ({ canceled: [], failed: [] }),
    })
    const sets: QuoteTargets[] = []
    runner.events.on('quote.stated', (t) => sets.push(t))
    runner.start()
    const book = (mid: number) => ({
      venue: 'binance',
      symbol: 'BTCUSDT',
      bids: [[mid - 0.5, 1]] as [number, number][],
      asks: [[mid + 0.5, 1]] as [number, number][],
      tsEvent: clock.now(),
    })
    runner.book(book(1000))
    clock.advance(100)
    runner.book(book(1001)) // 10 bps: within tolerance, too soon
    expect(sets).toHaveLength(1)
    runner.book(book(1003)) // 30 bps: early restate
    expect(sets).toHaveLength(2)
    qty = new Decimal(1)
    runner.fill({} as Fill)
    runner.book(book(1003))
    expect(sets).toHaveLength(3)
    expect(show(sets[2]?.levels as QuoteLevel[])).toEqual(['SELL 1004.003 1.5', 'BUY 1001.997 0.5'])
    clock.advance(1000)
    runner.book(book(1003))
    expect(sets).toHaveLength(4)
  })
})
