/**
 * How the engine presents market data to strategies and risk: whether the books show the strategies' own orders (a
 * PaperTrader's never do, a live venue's do), the time a group leg is judged at (its stalest book), and closed candles
 * that repeat or go back (one `candle.ignored` each, counted in health() and the metrics).
 */
import { describe, expect, it } from 'vitest'
import { ManualClock } from '../core/clock.js'
import { TypedEmitter } from '../core/events.js'
import { type ExecutionClient, type ExecutionEvents, ORDER_EVENTS } from '../core/ports.js'
import type { BookSnapshot, Instrument } from '../core/types.js'
import { Decimal } from '../decimal/index.js'
import { PaperTrader, Portfolio } from '../execution/index.js'
import { RiskManager } from '../risk/index.js'
import {
  type CandleIgnoredEvent,
  ComplementArbitrage,
  EmaCrossover,
  SpreadQuoter,
  type Strategy,
} from '../strategies/index.js'
import { btc, candle, Feed } from './__fixtures__/market.js'
import { TradingEngine } from './TradingEngine.js'

/** A live-like client around a paper venue: an executor without `isSimulated`, as an OrderExecutor would be. */
function liveLike(paper: PaperTrader): ExecutionClient {
  const bus = new TypedEmitter<ExecutionEvents>()
  for (const n of ORDER_EVENTS) paper.events.on(n, (e) => bus.emit(n, e as never))
  return {
    venues: paper.venues,
    events: bus,
    submit: (i) => paper.submit(i),
    cancel: (c) => paper.cancel(c),
    cancelAll: (f) => paper.cancelAll(f),
    openOrders: (f) => paper.openOrders(f),
    shutdown: (o) => paper.shutdown(o),
  }
}

const book = (t: number, bids: [number, number][], asks: [number, number][]): BookSnapshot => ({
  venue: 'binance',
  symbol: 'BTCUSDT',
  bids,
  asks,
  tsEvent: t,
})

describe('TradingEngine: whether the books show the strategies own orders', () => {
  /** What a strategy's context answers under an engine whose executor is `paper` itself or a live-like client. */
  async function answer(live: boolean): Promise<boolean[]> {
    const clock = new ManualClock(0)
    const portfolio = new Portfolio({ balances: { USDT: '1000' }, instruments: [btc], clock })
    const paper = new PaperTrader({ instruments: [btc], portfolio, clock })
    const seen: boolean[] = []
    const probe: Strategy = {
      id: 'probe',
      requirements: { instruments: [btc], books: true },
      onBook: (b, ctx) => void seen.push(ctx.booksShowOwnOrders(b.venue)),
    }
    const feed = new Feed()
    const engine = new TradingEngine({
      clock,
      feeds: [{ name: 'f', venue: 'binance', source: feed }],
      strategies: [probe],
      risk: new RiskManager({ clock }),
      executors: [live ? liveLike(paper) : paper],
      portfolio,
      instruments: [btc],
      feedHealth: { checkIntervalMs: 0 },
    })
    await engine.start()
    feed.bus.emit('book', book(0, [[99, 1]], [[101, 1]]))
    await engine.stop()
    return seen
  }

  it('a PaperTrader simulates the venue: its books never show our orders; a live executor’s do', async () => {
    expect(await answer(false)).toEqual([false])
    expect(await answer(true)).toEqual([true])
  })

  it('live: a SpreadQuoter takes its resting quotes out of the venue’s book, so they do not move its reference', async () => {
    const clock = new ManualClock(0)
    // A perpetual: the venue (a paper account) takes asks without a holding to sell.
    const perp: Instrument = { ...btc, kind: 'perpetual' }
    const portfolio = new Portfolio({ balances: { USDT: '10000' }, instruments: [perp], clock })
    const paper = new PaperTrader({ instruments: [perp], balances: { USDT: '10000' }, clock })
    const feed = new Feed()
    const engine = new TradingEngine({
      clock,
      feeds: [{ name: 'f', venue: 'binance', source: feed }],
      strategies: [
        new SpreadQuoter({
          venue: 'binance',
          symbol: 'BTCUSDT',
          size: '1',
          spreadBps: 100,
          priceSource: 'microprice',
        }),
      ],
      risk: new RiskManager({ clock, requireStop: false }),
      executors: [liveLike(paper)],
      portfolio,
      instruments: [perp],
      feedHealth: { checkIntervalMs: 0 },
    })
    const placed: string[] = []
    engine.events.on('order.submitted', (e) => placed.push(`${e.order.side} ${e.order.price?.toFixed()}`))
    const play = async (b: BookSnapshot): Promise<void> => {
      paper.onBook(b)
      feed.bus.emit('book', b)
      for (let i = 0; i < 6; i++) await clock.advanceAsync(0)
    }
    await engine.start()
    // Microprice (99 × 1 + 101 × 5) / 6 = 100.67: the quotes rest 1 % away, at 99.66 and 101.68.
    await play(book(0, [[99, 5]], [[101, 1]]))
    expect(placed).toEqual(['SELL 101.68', 'BUY 99.66'])
    await clock.advanceAsync(2_000)
    // The venue's book now shows them. Counted as others' size the microprice would be (99.66 + 101) / 2 = 100.33, and
    // the quotes would move; taken out, the reference is 100.67 again and nothing is re-placed.
    await play(
      book(
        2_000,
        [
          [99.66, 1],
          [99, 5],
        ],
        [
          [101, 1],
          [101.68, 1],
        ],
      ),
    )
    expect(placed).toEqual(['SELL 101.68', 'BUY 99.66'])
    await engine.stop()
  })
})

const outcome = (symbol: string): Instrument => ({
  venue: 'polymarket',
  symbol,
  base: symbol,
  quote: 'pUSD',
  kind: 'outcome',
  tickSize: new Decimal('0.01'),
  stepSize: new Decimal('0.01'),
  minQty: new Decimal('5'),
})

describe('TradingEngine: a group leg is judged at the time of the data it was decided on', () => {
  it('a fresh YES book paired with a NO book 60 s old is denied as stale, though a NO trade kept its price fresh', async () => {
    const [yes, no] = [outcome('YES'), outcome('NO')]
    const clock = new ManualClock(0)
    const portfolio = new Portfolio({
      accountCurrency: 'pUSD',
      balances: { pUSD: '1000' },
      instruments: [yes, no],
      clock,
    })
    const paper = new PaperTrader({ instruments: [yes, no], portfolio, clock })
    const feed = new Feed()
    const engine = new TradingEngine({
      clock,
      feeds: [{ name: 'pm', venue: 'polymarket', source: feed, staleAfterMs: 600_000 }],
      strategies: [new ComplementArbitrage({ yesTokenId: 'YES', noTokenId: 'NO', margin: 0.02 })],
      risk: new RiskManager({
        clock,
        maxDataAgeMs: 5_000,
        requireStop: false,
        sizing: { method: 'fixedNotional', notional: '20' },
      }),
      executors: [paper],
      portfolio,
      instruments: [yes, no],
      feedHealth: { checkIntervalMs: 0 },
    })
    const denied: string[] = []
    const submitted: string[] = []
    const signalTimes: number[] = []
    engine.events.on('order.denied', (e) => denied.push(`${e.signal.symbol} ${e.code}`))
    engine.events.on('order.submitted', (e) => submitted.push(e.order.symbol))
    engine.events.on('signal', (s) => signalTimes.push(s.tsEvent))
    await engine.start()
    const pm = (symbol: string, t: number, bid: number, ask: number): BookSnapshot => ({
      venue: 'polymarket',
      symbol,
      bids: [[bid, 100]],
      asks: [[ask, 100]],
      tsEvent: t,
    })
    feed.bus.emit('book', pm('NO', 0, 0.49, 0.5))
    await clock.advanceAsync(58_000)
    // A NO trade: the engine's price of NO is fresh again, but the strategy's NO asks are still the book of 0 s.
    feed.bus.emit('trade', {
      venue: 'polymarket',
      symbol: 'NO',
      tradeId: 'n1',
      price: 0.5,
      qty: 10,
      side: 'BUY',
      tsEvent: 58_000,
    })
    await clock.advanceAsync(2_000)
    // YES at 0.45 + NO at 0.50 = 0.95: a 5-cent edge, if the NO asks still stood.
    feed.bus.emit('book', pm('YES', 60_000, 0.44, 0.45))
    for (let i = 0; i < 6; i++) await clock.advanceAsync(0)
    expect(signalTimes).toEqual([0, 0]) // both legs carry the older book's time
    expect(denied).toEqual(['YES STALE_MARKET_DATA', 'NO GROUP_DENIED'])
    expect(submitted).toEqual([])
    // Both books fresh: the same pair trades.
    feed.bus.emit('book', pm('NO', 60_000, 0.49, 0.5))
    await clock.advanceAsync(5_000) // past the cooldown
    feed.bus.emit('book', pm('YES', 65_000, 0.44, 0.45))
    for (let i = 0; i < 6; i++) await clock.advanceAsync(0)
    expect(signalTimes.slice(2)).toEqual([60_000, 60_000])
    expect(submitted.sort()).toEqual(['NO', 'YES'])
    await engine.stop()
  })
})

describe('TradingEngine: closed candles that repeat or go back', () => {
  it('emits candle.ignored once per candle whatever the number of strategies, and counts them', async () => {
    const clock = new ManualClock(0)
    const portfolio = new Portfolio({ balances: { USDT: '1000' }, instruments: [btc], clock })
    const paper = new PaperTrader({ instruments: [btc], portfolio, clock })
    const feed = new Feed()
    const ema = (id: string) =>
      new EmaCrossover({ id, venue: 'binance', symbol: 'BTCUSDT', interval: '1m', fast: 2, slow: 3 })
    const engine = new TradingEngine({
      clock,
      feeds: [{ name: 'f', venue: 'binance', source: feed }],
      strategies: [ema('a'), ema('b')],
      risk: new RiskManager({ clock }),
      executors: [paper],
      portfolio,
      instruments: [btc],
      feedHealth: { checkIntervalMs: 0 },
    })
    const ignored: CandleIgnoredEvent[] = []
    engine.events.on('candle.ignored', (e) => ignored.push(e))
    await engine.start()
    expect(engine.metrics()).toMatch(/tradekit_candles_ignored_total 0\n/)
    await clock.advanceAsync(180_000)
    for (const c of [candle(0, 100), candle(1, 101), candle(1, 105), candle(0, 99), candle(2, 102)])
      feed.bus.emit('candle', c)
    expect(ignored.map((e) => [e.reason, e.candle.openTime, e.lastOpenTime])).toEqual([
      ['repeated', 60_000, 60_000],
      ['stale', 0, 60_000],
    ])
    expect(ignored.every((e) => e.type === 'candle.ignored' && e.tsEvent === 180_000)).toBe(true)
    expect(engine.health().ignoredCandles).toBe(2)
    expect(engine.metrics()).toMatch(/tradekit_candles_ignored_total 2\n/)
    await engine.stop()
  })
})
