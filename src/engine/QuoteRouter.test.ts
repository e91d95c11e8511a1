import { describe, expect, it } from 'vitest'
import { ManualClock, type TimerHandle } from '../core/clock.js'
import type { QuoteLevel } from '../core/quotes.js'
import type { BookSnapshot, Fill } from '../core/types.js'
import { Decimal } from '../decimal/index.js'
import { PaperTrader, Portfolio } from '../execution/index.js'
import { RiskManager, type RiskManagerConfig } from '../risk/index.js'
import type { Strategy, StrategyContext } from '../strategies/index.js'
import { btc, Feed } from './__fixtures__/market.js'
import type { EngineQuotingConfig } from './QuoteRouter.js'
import { TradingEngine } from './TradingEngine.js'

/** Quotes one bid (and any extra levels) below the best bid's price on every book. */
class Bidder implements Strategy {
  readonly id = 'bidder'
  readonly requirements = { instruments: [{ venue: 'binance', symbol: 'BTCUSDT' }], books: true }
  readonly fills: Fill[] = []
  extra: QuoteLevel[] = []
  onBook(b: BookSnapshot, ctx: StrategyContext): void {
    const px = new Decimal((b.bids[0]?.[0] ?? 100) + 0.5)
    ctx.quote({
      venue: 'binance',
      levels: [{ symbol: 'BTCUSDT', side: 'BUY', price: px, qty: new Decimal('0.1') }, ...this.extra],
    })
  }
  onFill(f: Fill): void {
    this.fills.push(f)
  }
}

/** Quotes 0.1 BTC `offset` above the best bid on every book: two of them are two makers on one instrument. */
class OffsetBidder implements Strategy {
  readonly requirements = { instruments: [{ venue: 'binance', symbol: 'BTCUSDT' }], books: true }
  constructor(
    readonly id: string,
    readonly offset: number,
  ) {}
  onBook(b: BookSnapshot, ctx: StrategyContext): void {
    const px = new Decimal((b.bids[0]?.[0] ?? 100) + this.offset)
    ctx.quote({
      venue: 'binance',
      levels: [{ symbol: 'BTCUSDT', side: 'BUY', price: px, qty: new Decimal('0.1') }],
    })
  }
}

/** A clock whose timers fire a millisecond early, as Node's may by `Date.now()` (counted from the loop turn's start). */
class EarlyTimersClock extends ManualClock {
  override setTimeout(fn: () => void, ms: number): TimerHandle {
    return super.setTimeout(fn, Math.max(0, ms - 1))
  }
}

async function setup(
  quotes: RiskManagerConfig['quotes'] = {},
  quoting: EngineQuotingConfig = {},
  clock: ManualClock = new ManualClock(1_000),
) {
  const portfolio = new Portfolio({ balances: { USDT: '100000' }, instruments: [btc], clock })
  const paper = new PaperTrader({ instruments: [btc], portfolio, clock })
  const risk = new RiskManager({ clock, quotes })
  const feed = new Feed()
  const bidder = new Bidder()
  const engine = new TradingEngine({
    clock,
    feeds: [{ name: 'f', venue: 'binance', source: feed }],
    strategies: [bidder],
    risk,
    executors: [paper],
    portfolio,
    instruments: [btc],
    feedHealth: { checkIntervalMs: 0 },
    quoting,
  })
  await engine.start()
  const book = async (bid: number, ask: number): Promise<void> => {
    feed.bus.emit('book', {
      venue: 'binance',
      symbol: 'BTCUSDT',
      bids: [[bid, 1]],
      asks: [[ask, 1]],
      tsEvent: clock.now(),
    })
    for (let i = 0; i < 10; i++) await clock.advanceAsync(0)
  }
  const resting = () => paper.openOrders().map((o) => `${o.side} ${o.price?.toFixed()} ${o.timeInForce}`)
  return { clock, paper, risk, feed, engine, bidder, book, resting }
}

describe('TradingEngine quote path', () => {
  it('a stated set rests post-only and follows the book; fills reach the strategy', async () => {
    const env = await setup()
    await env.book(100, 102)
    expect(env.resting()).toEqual(['BUY 100.5 POST_ONLY'])
    await env.book(101, 103)
    expect(env.resting()).toEqual(['BUY 101.5 POST_ONLY'])
    // Someone sells through our bid.
    env.feed.bus.emit('trade', {
      venue: 'binance',
      symbol: 'BTCUSDT',
      tradeId: 't1',
      price: 101,
      qty: 1,
      side: 'SELL',
      tsEvent: env.clock.now(),
    })
    for (let i = 0; i < 10; i++) await env.clock.advanceAsync(0)
    expect(env.bidder.fills.map((f) => f.price.toFixed())).toEqual(['101.5'])
    await env.engine.stop()
  })

  it('pulls every quote when trading leaves ACTIVE and quotes again once it is back', async () => {
    const env = await setup()
    await env.book(100, 102)
    env.risk.halt('test')
    for (let i = 0; i < 10; i++) await env.clock.advanceAsync(0)
    expect(env.resting()).toEqual([])
    await env.book(100, 102)
    expect(env.resting()).toEqual([])
    env.risk.resume({ note: 'test' })
    await env.book(100, 102)
    expect(env.resting()).toEqual(['BUY 100.5 POST_ONLY'])
    await env.engine.stop()
  })

  it('pulls a restricted instrument, and a denied set rests nothing', async () => {
    const env = await setup({ maxLevels: 1 })
    await env.book(100, 102)
    env.risk.setInstrumentState('binance', 'BTCUSDT', 'REDUCING', { code: 'FEED_UNHEALTHY', reason: 'stale' })
    for (let i = 0; i < 10; i++) await env.clock.advanceAsync(0)
    expect(env.resting()).toEqual([])
    env.risk.setInstrumentState('binance', 'BTCUSDT', 'ACTIVE', { code: 'OK', reason: 'ok' })
    await env.book(100, 102)
    expect(env.resting()).toEqual(['BUY 100.5 POST_ONLY'])
    env.bidder.extra = [{ symbol: 'BTCUSDT', side: 'BUY', price: new Decimal(99), qty: new Decimal('0.1') }]
    await env.book(100, 102) // two levels > maxLevels 1: denied as a whole
    expect(env.resting()).toEqual([])
    await env.engine.stop()
  })

  it('re-quotes a recovered instrument once it stayed ACTIVE for healthyForMs, with no new book, even when the timer fires early', async () => {
    for (const clock of [new ManualClock(1_000), new EarlyTimersClock(1_000)]) {
      const env = await setup({}, { healthyForMs: 1_000 }, clock)
      await env.book(100, 102)
      expect(env.resting()).toEqual(['BUY 100.5 POST_ONLY'])
      env.risk.setInstrumentState('binance', 'BTCUSDT', 'REDUCING', {
        code: 'FEED_UNHEALTHY',
        reason: 'stale',
      })
      for (let i = 0; i < 10; i++) await clock.advanceAsync(0)
      expect(env.resting()).toEqual([])
      env.risk.setInstrumentState('binance', 'BTCUSDT', 'ACTIVE', { code: 'OK', reason: 'ok' })
      await env.book(100, 102) // within the healthy period: held
      await clock.advanceAsync(900)
      expect(env.resting()).toEqual([])
      // The book stays quiet: the router re-routes the last set itself when the period ends.
      await clock.advanceAsync(100)
      for (let i = 0; i < 10; i++) await clock.advanceAsync(0)
      expect(env.resting(), clock.constructor.name).toEqual(['BUY 100.5 POST_ONLY'])
      await env.engine.stop()
    }
  })

  it('an instrument that flaps during its healthy period waits out the period of its last recovery', async () => {
    const env = await setup({}, { healthyForMs: 1_000 })
    await env.book(100, 102)
    const state = (s: 'ACTIVE' | 'REDUCING') =>
      env.risk.setInstrumentState('binance', 'BTCUSDT', s, {
        code: s === 'ACTIVE' ? 'OK' : 'FEED_UNHEALTHY',
        reason: s,
      })
    state('REDUCING')
    state('ACTIVE')
    await env.clock.advanceAsync(600)
    state('REDUCING')
    state('ACTIVE') // held until 1 600 ms from here
    await env.clock.advanceAsync(500) // the first recovery's timer fires: still held
    for (let i = 0; i < 10; i++) await env.clock.advanceAsync(0)
    expect(env.resting()).toEqual([])
    await env.clock.advanceAsync(500)
    for (let i = 0; i < 10; i++) await env.clock.advanceAsync(0)
    expect(env.resting()).toEqual(['BUY 100.5 POST_ONLY'])
    await env.engine.stop()
  })

  it('two makers on one instrument cannot together rest bids beyond maxInventory', async () => {
    const clock = new ManualClock(1_000)
    const portfolio = new Portfolio({ balances: { USDT: '100000' }, instruments: [btc], clock })
    const paper = new PaperTrader({ instruments: [btc], portfolio, clock })
    const risk = new RiskManager({ clock, quotes: { maxInventory: '0.1' } })
    const feed = new Feed()
    const engine = new TradingEngine({
      clock,
      feeds: [{ name: 'f', venue: 'binance', source: feed }],
      strategies: [new OffsetBidder('a', 0.5), new OffsetBidder('b', 0.25)],
      risk,
      executors: [paper],
      portfolio,
      instruments: [btc],
      feedHealth: { checkIntervalMs: 0 },
    })
    await engine.start()
    const book = async (): Promise<string> => {
      feed.bus.emit('book', {
        venue: 'binance',
        symbol: 'BTCUSDT',
        bids: [[100, 1]],
        asks: [[102, 1]],
        tsEvent: clock.now(),
      })
      for (let i = 0; i < 10; i++) await clock.advanceAsync(0)
      const bids = paper.openOrders().filter((o) => o.side === 'BUY')
      return bids.reduce((s, o) => s.plus(o.qty), new Decimal(0)).toFixed()
    }
    expect(await book()).toBe('0.1') // observed '0.2'
    // Restated (each maker sees the other's quote resting now): still one maker's worth, and no flapping.
    expect(await book()).toBe('0.1')
    expect(await book()).toBe('0.1')
    await engine.stop()
  })

  it("counts the account's other open orders on the instrument, never the maker's own quotes", async () => {
    const env = await setup({ maxInventory: '0.2' })
    // An order placed by hand rests a bid of 0.14: the maker's bid of 0.1 gets the 0.06 left, and keeps it once resting.
    await env.paper.submit({
      clientOrderId: 'h1',
      strategyId: 'host',
      venue: 'binance',
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      qty: new Decimal('0.14'),
      price: new Decimal(90),
    })
    const quoted = () =>
      env.paper
        .openOrders()
        .filter((o) => o.clientOrderId !== 'h1')
        .map((o) => `${o.side} ${o.qty.toFixed()}`)
    await env.book(100, 102)
    expect(quoted()).toEqual(['BUY 0.06'])
    await env.book(101, 103)
    expect(quoted()).toEqual(['BUY 0.06'])
    await env.engine.stop()
  })
})
