import { describe, expect, it, vi } from 'vitest'
import { ManualClock } from '../core/clock.js'
import type { ExecutionClient } from '../core/ports.js'
import { Decimal } from '../decimal/index.js'
import { PaperTrader, Portfolio } from '../execution/index.js'
import { book, btc, candle, trade } from './__fixtures__/market.js'
import { MarketCache } from './MarketCache.js'
import { MarketDataFanout } from './MarketDataFanout.js'

function env() {
  const clock = new ManualClock(0)
  const portfolio = new Portfolio({ balances: { USDT: '10000' }, instruments: [btc], clock })
  const cache = new MarketCache({ instruments: [btc], atr: { period: 14 }, onDataError: () => undefined })
  return { clock, portfolio, cache, fanout: new MarketDataFanout(portfolio, cache) }
}

describe('MarketDataFanout', () => {
  it('marks the account once per event when a PaperTrader books into it, and the paper still fills', async () => {
    const { clock, portfolio, cache, fanout } = env()
    const paper = new PaperTrader({ instruments: [btc], portfolio, clock, fallbackSlippageBps: 0 })
    fanout.addExecutor(paper)
    const marks = vi.spyOn(portfolio, 'mark')
    fanout.onCandle(candle(0, 100))
    fanout.onTrade(trade(101, 60_000))
    fanout.onBook(book(101, 103, 61_000))
    expect(marks).toHaveBeenCalledTimes(3)
    expect(cache.snapshot('binance', 'BTCUSDT')?.price.toNumber()).toBe(102)
    // The paper venue saw the book: a market buy walks it.
    const order = paper.submit({
      clientOrderId: 'a1',
      venue: 'binance',
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'MARKET',
      qty: new Decimal('1'),
      strategyId: 's1',
    })
    await clock.advanceAsync(0)
    expect((await order).status).toBe('FILLED')
    expect(portfolio.position('binance', 'BTCUSDT')?.qty.toFixed()).toBe('1')
  })

  it('lets a PaperTrader with its own account mark that account; the engine account is marked once too', () => {
    const { clock, portfolio, fanout } = env()
    const paper = new PaperTrader({ instruments: [btc], balances: { USDT: '10000' }, clock })
    fanout.addExecutor(paper)
    const engineMarks = vi.spyOn(portfolio, 'mark')
    const paperMarks = vi.spyOn(paper.portfolio, 'mark')
    fanout.onCandle(candle(0, 100))
    expect(engineMarks).toHaveBeenCalledTimes(1)
    expect(paperMarks).toHaveBeenCalledTimes(1)
  })

  it('marks the account once for a client without a market-data port (live)', () => {
    const { portfolio, fanout } = env()
    const live = { venues: ['binance'] } as Pick<ExecutionClient, 'venues'>
    fanout.addExecutor(live as ExecutionClient)
    const marks = vi.spyOn(portfolio, 'mark')
    fanout.onTrade(trade(100, 1))
    expect(marks).toHaveBeenCalledTimes(1)
  })

  it('knows per venue whether the books show our orders: not where the first executor of the venue simulates it', () => {
    const { clock, fanout } = env()
    const paper = new PaperTrader({ instruments: [btc], balances: { USDT: '1' }, clock })
    expect(paper.isSimulated).toBe(true)
    fanout.addExecutor(paper)
    fanout.addExecutor({ venues: ['binance', 'polymarket'] } as Pick<
      ExecutionClient,
      'venues'
    > as ExecutionClient)
    expect(fanout.booksShowOwnOrders('binance')).toBe(false) // signals and quotes go to the paper venue
    expect(fanout.booksShowOwnOrders('polymarket')).toBe(true) // a live executor (no isSimulated)
    expect(fanout.booksShowOwnOrders('kraken')).toBe(true) // no executor, no orders: nothing to take out
  })
})

describe('PaperTrader as a MarketDataConsumer (hand-wired, no engine)', () => {
  it('marks its own portfolio by default and not with { mark: false }', () => {
    const clock = new ManualClock(0)
    const paper = new PaperTrader({ instruments: [btc], balances: { USDT: '10000' }, clock })
    expect(paper.marketData).toBe(paper)
    expect(paper.booksFillsInto(paper.portfolio)).toBe(true)
    expect(paper.booksFillsInto(new Portfolio({ balances: { USDT: '1' } }))).toBe(false)
    const marks = vi.spyOn(paper.portfolio, 'mark')
    paper.onCandle(candle(0, 100))
    paper.onTrade(trade(100, 1))
    paper.onBook(book(99, 101, 2))
    expect(marks).toHaveBeenCalledTimes(3)
    paper.onCandle(candle(1, 100), { mark: false })
    paper.onTrade(trade(100, 3), { mark: false })
    paper.onBook(book(99, 101, 4), { mark: false })
    expect(marks).toHaveBeenCalledTimes(3)
  })
})
