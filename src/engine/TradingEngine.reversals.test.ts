import { describe, expect, it } from 'vitest'
import { ManualClock } from '../core/clock.js'
import type { Fill, Side } from '../core/types.js'
import { Decimal } from '../decimal/index.js'
import { Portfolio } from '../execution/index.js'
import { testFill } from '../execution/testing/fixtures.js'
import { FakeExecutor } from '../risk/__fixtures__/builders.js'
import { RiskManager } from '../risk/index.js'
import { btc, Feed } from './__fixtures__/market.js'
import type { ClosedTrade } from './TradeLedger.js'
import { TradingEngine } from './TradingEngine.js'

const T0 = Date.UTC(2026, 0, 15, 12)
let n = 0
const fill = (side: Side, price: string): Fill =>
  testFill(btc, side, '1', price, {
    clientOrderId: `o${++n}`,
    tradeId: `t${n}`,
    fee: new Decimal('0.1'),
    feeAsset: 'USDT',
    tsEvent: T0 + n,
  })

/** An engine over a portfolio whose spot fills a venue may reverse (as Polymarket's outcome fills). */
async function setup() {
  const clock = new ManualClock(T0)
  const portfolio = new Portfolio({
    balances: { USDT: '10000' },
    instruments: [btc],
    clock,
    reversibleKinds: ['spot'],
  })
  const risk = new RiskManager({
    clock,
    breakers: { consecutiveLosses: { reduceAfter: 3, haltAfter: 10, cooldownMs: 60_000 } },
  })
  const engine = new TradingEngine({
    clock,
    feeds: [{ name: 'sim', venue: 'binance', source: new Feed(), staleAfterMs: 120_000 }],
    strategies: [],
    risk,
    executors: [new FakeExecutor(['binance'], [])],
    portfolio,
    instruments: [btc],
    feedHealth: { checkIntervalMs: 0 },
  })
  const closed: ClosedTrade[] = []
  const reopened: { trade: ClosedTrade; streakRestored: boolean }[] = []
  engine.events.on('trade.closed', (e) => closed.push(e.trade))
  engine.events.on('trade.reopened', (e) => reopened.push(e))
  engine.events.on('error', (e) => {
    throw e
  })
  await engine.start()
  const apply = (f: Fill): void => {
    const r = portfolio.applyFill(f)
    if (!r.ok) throw r.error
  }
  const reverse = (f: Fill): void => {
    const r = portfolio.reverseFill(f)
    if (!r.ok) throw r.error
  }
  const losses = () => risk.status().consecutiveLosses
  return { engine, risk, apply, reverse, closed, reopened, losses }
}

describe('TradingEngine: a venue reverses the fill that closed a trade', () => {
  it('the trade is open again and its loss leaves the losing streak; the real round trip counts when it closes', async () => {
    const t = await setup()
    t.apply(fill('BUY', '100'))
    const exit = fill('SELL', '90')
    t.apply(exit)
    expect(t.closed.map((c) => c.pnl.toFixed())).toEqual(['-10.2'])
    expect(t.losses()).toBe(1)
    t.reverse(exit)
    expect(t.reopened.map((e) => [e.trade.pnl.toFixed(), e.streakRestored])).toEqual([['-10.2', true]])
    expect(t.losses()).toBe(0)
    t.apply(fill('SELL', '105'))
    expect(t.closed.map((c) => c.pnl.toFixed())).toEqual(['-10.2', '4.8'])
    expect(t.losses()).toBe(0)
    await t.engine.stop()
  })

  it('after a resume cleared the streak, it stays cleared (streakRestored false)', async () => {
    const t = await setup()
    t.apply(fill('BUY', '100'))
    t.apply(fill('SELL', '95'))
    t.apply(fill('BUY', '100'))
    const exit = fill('SELL', '90')
    t.apply(exit)
    expect(t.losses()).toBe(2)
    t.risk.resume({ note: 'reviewed the losses' })
    expect(t.losses()).toBe(0)
    t.reverse(exit)
    expect(t.reopened.map((e) => [e.trade.pnl.toFixed(), e.streakRestored])).toEqual([['-10.2', false]])
    expect(t.losses()).toBe(0) // not the 1 from before the reversed loss: the host cleared it since
    await t.engine.stop()
  })
})
