import { describe, expect, it } from 'vitest'
import { ManualClock } from '../core/clock.js'
import type { QuoteLevel } from '../core/quotes.js'
import type { BookSnapshot } from '../core/types.js'
import { Decimal } from '../decimal/index.js'
import { PaperTrader, Portfolio } from '../execution/index.js'
import { RiskManager } from '../risk/index.js'
import { SpreadQuoter, type Strategy, type StrategyContext } from '../strategies/index.js'
import { btc, Feed } from './__fixtures__/market.js'
import { TradingEngine } from './TradingEngine.js'

/**
 * A TradingEngine quoting `maker` through a PaperTrader on BTCUSDT. With `followed`, the PaperTrader keeps an account
 * of its own and the engine's Portfolio only follows its events, as it follows a live executor's (no holds).
 */
async function rig(usdt: string, maker: Strategy, followed = false) {
  const clock = new ManualClock(1_000)
  const portfolio = new Portfolio({ balances: { USDT: usdt }, instruments: [btc], clock })
  const venueAccount = followed
    ? new Portfolio({ balances: { USDT: usdt }, instruments: [btc], clock })
    : portfolio
  const paper = new PaperTrader({ instruments: [btc], portfolio: venueAccount, clock })
  const risk = new RiskManager({ clock })
  const feed = new Feed()
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
  /** A one-level book of `bid`/`ask`, then the engine's reaction (`stepMs` a turn, ten turns). */
  const book = async (bid: number, ask: number, stepMs = 0) => {
    feed.bus.emit('book', {
      venue: 'binance',
      symbol: 'BTCUSDT',
      bids: [[bid, 5]],
      asks: [[ask, 5]],
      tsEvent: clock.now(),
    })
    for (let k = 0; k < 10; k++) await clock.advanceAsync(stepMs)
  }
  const resting = (side: string) => paper.openOrders().filter((o) => o.side === side)
  return { portfolio, paper, risk, engine, rejected, book, resting }
}

/** A strategy quoting `levels(book, n)` (the n-th set) on every book. */
function quoting(levels: (b: BookSnapshot, n: number) => QuoteLevel[]): Strategy {
  let n = 0
  return {
    id: 'mm',
    requirements: { instruments: [{ venue: 'binance', symbol: 'BTCUSDT' }], books: true },
    onBook: (b: BookSnapshot, ctx: StrategyContext) =>
      ctx.quote({ venue: 'binance', levels: levels(b, n++) }),
  }
}

const bid = (price: number, qty: string): QuoteLevel => ({
  symbol: 'BTCUSDT',
  side: 'BUY',
  price: new Decimal(price),
  qty: new Decimal(qty),
})

describe('TradingEngine: a spot maker quotes within what the account holds', () => {
  it('a flat account’s asks and the bids beyond its cash are cut, not sent to be refused: the breaker stays quiet', async () => {
    // 12 USDT and no BTC: bids may spend 95 % of it, 11.4 (marginSafetyFactor). One 0.06 bid at 99.9 costs 5.994,
    // the second at 99.8 gets the 5.406 left (0.05416 on the step), no ask can sell anything.
    const maker = new SpreadQuoter({
      venue: 'binance',
      symbol: 'BTCUSDT',
      size: '0.06',
      levels: 2,
      refreshMs: 0,
    })
    const v = await rig('12', maker)
    const trims = new Set<string>()
    v.risk.events.on('risk.quotesDecided', (e) => {
      for (const t of e.approved?.trimmed ?? []) trims.add(`${t.level.side} ${t.code}`)
    })
    for (let i = 0; i < 10; i++) await v.book(99.9, 100.1, 50)
    expect([...trims].sort()).toEqual(['BUY INSUFFICIENT_CASH', 'SELL INSUFFICIENT_HOLDINGS'])
    expect(v.resting('SELL')).toEqual([])
    // The next sets find both bids resting: their holds count the paper maker fee (0.1 %), which is not added back, so
    // the second bid is a little smaller (0.05405) and replaces the 0.05416 (a larger one kept would spend more).
    expect(v.resting('BUY').map((o) => o.qty.toFixed())).toEqual(['0.06', '0.05405'])
    // The market falls through the bids and stays there: they fill, and the asks sell what they bought, no more.
    for (let i = 0; i < 10; i++) await v.book(99.4, 99.6, 50)
    const held = v.portfolio.positionQty('binance', 'BTCUSDT')
    expect(held.toFixed()).toBe('0.11405')
    const asked = v.resting('SELL').reduce((a, o) => a.plus(o.qty.minus(o.filledQty)), new Decimal(0))
    expect(asked.toFixed()).toBe(held.toFixed())
    expect(v.rejected).toEqual([])
    expect(v.risk.state).toBe('ACTIVE')
    expect(v.portfolio.freeCash('USDT').isNegative()).toBe(false)
    await v.engine.stop()
  })

  it('on a venue the Portfolio only follows (no holds, as a live OrderExecutor), resting bids stay counted', async () => {
    // Two 7 BTC bids 1 and 2 below the best bid (about 1,380 USDT: more than the account has), restated on every book.
    const best = (b: BookSnapshot) => b.bids[0]?.[0] ?? 100
    const v = await rig(
      '1000',
      quoting((b) => [bid(best(b) - 1, '7'), bid(best(b) - 2, '7')]),
      true,
    )
    const costs: string[] = []
    v.risk.events.on('risk.quotesDecided', (e) => {
      const bids = (e.approved?.levels ?? []).filter((l) => l.side === 'BUY')
      costs.push(bids.reduce((a, l) => a.plus(l.qty.times(l.price)), new Decimal(0)).toFixed(0))
    })
    for (const b of [100, 101, 100.5]) await v.book(b, b + 5)
    expect(costs.length).toBeGreaterThanOrEqual(3)
    expect(costs.every((c) => new Decimal(c).lte(950))).toBe(true)
    expect(v.rejected).toEqual([])
    await v.engine.stop()
  })

  it('a resting bid larger than its new target is replaced, not kept: kept, it would spend more than the set approved', async () => {
    // First 1.1 at 99; then 1 at 99 (within the QuoteManager's 10 % size tolerance of the 1.1) and 0.5 at 98.
    const v = await rig(
      '150',
      quoting((_b, n) => (n === 0 ? [bid(99, '1.1')] : [bid(99, '1'), bid(98, '0.5')])),
    )
    for (let i = 0; i < 2; i++) await v.book(100, 101)
    expect(v.rejected).toEqual([])
    // Free cash 150 less the 1.1 bid's hold (108.9 and the 0.1 % maker fee), its 108.9 added back: 149.8911 × 0.95 =
    // 142.3965, 99 of it for 1 at 99 and 43.3965 at 98 (0.44282 on the step).
    expect(v.paper.openOrders().map((o) => `${o.qty.toFixed()} @ ${o.price?.toFixed()}`)).toEqual([
      '1 @ 99',
      '0.44282 @ 98',
    ])
    await v.engine.stop()
  })
})
