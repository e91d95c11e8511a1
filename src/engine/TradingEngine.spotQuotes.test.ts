import { describe, expect, it } from 'vitest'
import { ManualClock } from '../core/clock.js'
import type { BookSnapshot } from '../core/types.js'
import { Decimal } from '../decimal/index.js'
import { PaperTrader, Portfolio } from '../execution/index.js'
import { RiskManager } from '../risk/index.js'
import { SpreadQuoter, type Strategy, type StrategyContext } from '../strategies/index.js'
import { btc, Feed } from './__fixtures__/market.js'
import { TradingEngine } from './TradingEngine.js'

describe('TradingEngine: a spot maker quotes within what the account holds', () => {
  it('a flat account’s asks and the bids beyond its cash are cut, not sent to be refused: the breaker stays quiet', async () => {
    const clock = new ManualClock(1_000)
    // 12 USDT and no BTC: bids may spend 95 % of it, 11.4 (marginSafetyFactor; the rest pays the fee). One 0.06 bid at
    // 99.9 costs 5.994, the second at 99.8 gets the 5.406 left (0.05416 on the step), no ask can sell anything.
    const portfolio = new Portfolio({ balances: { USDT: '12' }, instruments: [btc], clock })
    const paper = new PaperTrader({ instruments: [btc], portfolio, clock })
    const risk = new RiskManager({ clock })
    const feed = new Feed()
    const maker = new SpreadQuoter({
      venue: 'binance',
      symbol: 'BTCUSDT',
      size: '0.06',
      levels: 2,
      refreshMs: 0,
    })
    const engine = new TradingEngine({
      clock,
      feeds: [{ name: 'f', venue: 'binance', source: feed }],
      strategies: [maker],
      risk,
      executors: [paper],
      portfolio,
      instruments: [btc],
      feedHealth: { checkIntervalMs: 0 },
    })
    const rejected: string[] = []
    paper.events.on('order.rejected', (e) => rejected.push(`${e.order.side} ${e.order.reason ?? ''}`))
    const trims = new Set<string>()
    risk.events.on('risk.quotesDecided', (e) => {
      for (const t of e.approved?.trimmed ?? []) trims.add(`${t.level.side} ${t.code}`)
    })
    await engine.start()
    const books = async (n: number, mid: (i: number) => number) => {
      for (let i = 0; i < n; i++) {
        const m = mid(i)
        feed.bus.emit('book', {
          venue: 'binance',
          symbol: 'BTCUSDT',
          bids: [[m - 0.1, 5]],
          asks: [[m + 0.1, 5]],
          tsEvent: clock.now(),
        })
        for (let k = 0; k < 10; k++) await clock.advanceAsync(50)
      }
    }
    const resting = (side: string) => paper.openOrders().filter((o) => o.side === side)
    await books(10, () => 100)
    expect([...trims].sort()).toEqual(['BUY INSUFFICIENT_CASH', 'SELL INSUFFICIENT_HOLDINGS'])
    expect(resting('SELL')).toEqual([])
    // The next sets find both bids resting: their holds count the paper maker fee (0.1 %), which is not added back, so
    // the second bid is a little smaller (0.05405) and replaces the 0.05416 (a larger one kept would spend more).
    expect(resting('BUY').map((o) => o.qty.toFixed())).toEqual(['0.06', '0.05405'])
    // The market falls through the bids and stays there: they fill, and the asks sell what they bought, no more.
    await books(10, () => 99.5)
    const held = portfolio.positionQty('binance', 'BTCUSDT')
    expect(held.toFixed()).toBe('0.11405')
    const asked = resting('SELL').reduce((a, o) => a.plus(o.qty.minus(o.filledQty)), new Decimal(0))
    expect(asked.toFixed()).toBe(held.toFixed())
    expect(rejected).toEqual([])
    expect(risk.state).toBe('ACTIVE')
    expect(portfolio.freeCash('USDT').isNegative()).toBe(false)
    await engine.stop()
  })

  it('on a venue the Portfolio only follows (no holds, as a live OrderExecutor), resting bids stay counted', async () => {
    const clock = new ManualClock(1_000)
    // The "venue": a PaperTrader with an account of its own; the engine's Portfolio follows its events, as it follows
    // a live executor's: its cash is only taken off by the open orders the snapshot lists.
    const venueAccount = new Portfolio({ balances: { USDT: '1000' }, instruments: [btc], clock })
    const venue = new PaperTrader({ instruments: [btc], portfolio: venueAccount, clock })
    const portfolio = new Portfolio({ balances: { USDT: '1000' }, instruments: [btc], clock })
    const risk = new RiskManager({ clock })
    const feed = new Feed()
    // Two 7 BTC bids 1 and 2 below the best bid (about 1,380 USDT: more than the account has), restated on every book.
    const maker: Strategy = {
      id: 'mm',
      requirements: { instruments: [{ venue: 'binance', symbol: 'BTCUSDT' }], books: true },
      onBook: (b: BookSnapshot, ctx: StrategyContext) => {
        const best = b.bids[0]?.[0] ?? 100
        const bid = (below: number) => ({
          symbol: 'BTCUSDT',
          side: 'BUY' as const,
          price: new Decimal(best - below),
          qty: new Decimal(7),
        })
        ctx.quote({ venue: 'binance', levels: [bid(1), bid(2)] })
      },
    }
    const engine = new TradingEngine({
      clock,
      feeds: [{ name: 'f', venue: 'binance', source: feed }],
      strategies: [maker],
      risk,
      executors: [venue],
      portfolio,
      instruments: [btc],
      feedHealth: { checkIntervalMs: 0 },
    })
    const rejected: string[] = []
    venue.events.on('order.rejected', (e) => rejected.push(`${e.order.side} ${e.order.reason ?? ''}`))
    const costs: string[] = []
    risk.events.on('risk.quotesDecided', (e) => {
      const bids = (e.approved?.levels ?? []).filter((l) => l.side === 'BUY')
      costs.push(bids.reduce((a, l) => a.plus(l.qty.times(l.price)), new Decimal(0)).toFixed(0))
    })
    await engine.start()
    for (const best of [100, 101, 100.5]) {
      feed.bus.emit('book', {
        venue: 'binance',
        symbol: 'BTCUSDT',
        bids: [[best, 1]],
        asks: [[best + 5, 1]],
        tsEvent: clock.now(),
      })
      for (let k = 0; k < 10; k++) await clock.advanceAsync(0)
    }
    expect(costs.length).toBeGreaterThanOrEqual(3)
    expect(costs.every((c) => new Decimal(c).lte(950))).toBe(true)
    expect(rejected).toEqual([])
    await engine.stop()
  })

  it('a resting bid larger than its new target is replaced, not kept: kept, it would spend more than the set approved', async () => {
    const clock = new ManualClock(1_000)
    const portfolio = new Portfolio({ balances: { USDT: '150' }, instruments: [btc], clock })
    const paper = new PaperTrader({ instruments: [btc], portfolio, clock })
    const risk = new RiskManager({ clock })
    const feed = new Feed()
    // First 1.1 at 99; then 1 at 99 (within the QuoteManager's 10 % size tolerance of the 1.1) and 0.5 at 98.
    let sets = 0
    const bid = (price: number, qty: string) => ({
      symbol: 'BTCUSDT',
      side: 'BUY' as const,
      price: new Decimal(price),
      qty: new Decimal(qty),
    })
    const maker: Strategy = {
      id: 'mm',
      requirements: { instruments: [{ venue: 'binance', symbol: 'BTCUSDT' }], books: true },
      onBook: (_b: BookSnapshot, ctx: StrategyContext) =>
        ctx.quote({
          venue: 'binance',
          levels: sets++ === 0 ? [bid(99, '1.1')] : [bid(99, '1'), bid(98, '0.5')],
        }),
    }
    const engine = new TradingEngine({
      clock,
      feeds: [{ name: 'f', venue: 'binance', source: feed }],
      strategies: [maker],
      risk,
      executors: [paper],
      portfolio,
      instruments: [btc],
      feedHealth: { checkIntervalMs: 0 },
    })
    const rejected: string[] = []
    paper.events.on('order.rejected', (e) =>
      rejected.push(`${e.order.qty} @ ${e.order.price}: ${e.order.reason}`),
    )
    await engine.start()
    for (let i = 0; i < 2; i++) {
      feed.bus.emit('book', {
        venue: 'binance',
        symbol: 'BTCUSDT',
        bids: [[100, 1]],
        asks: [[101, 1]],
        tsEvent: clock.now(),
      })
      for (let k = 0; k < 10; k++) await clock.advanceAsync(0)
    }
    expect(rejected).toEqual([])
    // Free cash 150 less the 1.1 bid's hold (108.9 and the 0.1 % maker fee), its 108.9 added back: 149.8911 × 0.95 =
    // 142.3965, 99 of it for 1 at 99 and 43.3965 at 98 (0.44282 on the step).
    expect(paper.openOrders().map((o) => `${o.qty.toFixed()} @ ${o.price?.toFixed()}`)).toEqual([
      '1 @ 99',
      '0.44282 @ 98',
    ])
    await engine.stop()
  })
})
