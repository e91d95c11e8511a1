import { describe, expect, it } from 'vitest'
import { ManualClock } from '../core/clock.js'
import type { BookSnapshot } from '../core/types.js'
import { Decimal } from '../decimal/index.js'
import { PaperTrader } from '../execution/index.js'
import { NO, YES } from '../execution/testing/fixtures.js'
import { RiskManager } from '../risk/index.js'
import type { Strategy, StrategyContext } from '../strategies/index.js'
import { Feed } from './__fixtures__/market.js'
import type { GroupEscalatedEvent } from './GroupRouter.js'
import { TradingEngine } from './TradingEngine.js'

/** Buys YES (marketable) and NO (resting below the ask) as one group, once. */
class Pair implements Strategy {
  readonly id = 'pair'
  readonly requirements = {
    instruments: [
      { venue: 'fake', symbol: YES.symbol },
      { venue: 'fake', symbol: NO.symbol },
    ],
    books: true,
  }
  #sent = false
  onBook(b: BookSnapshot, ctx: StrategyContext): void {
    if (this.#sent || b.symbol !== NO.symbol) return
    this.#sent = true
    for (const [symbol, px] of [
      [YES.symbol, '0.45'],
      [NO.symbol, '0.50'],
    ] as const) {
      ctx.signal({
        venue: 'fake',
        symbol,
        side: 'BUY',
        intent: 'ENTRY',
        orderType: 'LIMIT',
        limitPrice: new Decimal(px),
        maxQty: new Decimal(10),
        groupId: 'g1',
        reason: 'pair',
      })
    }
  }
}

const book = (symbol: string, bid: number, ask: number, tsEvent: number): BookSnapshot => ({
  venue: 'fake',
  symbol,
  bids: [[bid, 1000]],
  asks: [[ask, 1000]],
  tsEvent,
})

describe('TradingEngine: a group that cannot be brought flat escalates', () => {
  it('emits engine.groupEscalated and halts the exposed instrument in the RiskManager', async () => {
    const clock = new ManualClock(0)
    const paper = new PaperTrader({ instruments: [YES, NO], balances: { USDT: '10000' }, clock })
    const risk = new RiskManager({
      clock,
      sizing: { method: 'fixedNotional', notional: '100' },
      requireStop: false,
      maxDataAgeMs: 60_000,
    })
    const feed = new Feed()
    const engine = new TradingEngine({
      clock,
      feeds: [{ name: 'pm', venue: 'fake', source: feed, staleAfterMs: 600_000 }],
      strategies: [new Pair()],
      risk,
      executors: [paper],
      portfolio: paper.portfolio,
      instruments: [YES, NO],
      feedHealth: { checkIntervalMs: 0 },
      groups: {
        legTimeoutMs: 1_000,
        maxUnwindSlippageBps: 100,
        unwindRetryStepBps: 200,
        unwindSlippageCapBps: 500,
      },
    })
    const escalated: GroupEscalatedEvent[] = []
    const states: string[] = []
    engine.events.on('engine.groupEscalated', (e) => escalated.push(e))
    engine.events.on('risk.instrumentStateChanged', (e) => states.push(`${e.symbol} ${e.to} ${e.code}`))
    await engine.start()
    feed.bus.emit('book', book(YES.symbol, 0.44, 0.45, 0))
    feed.bus.emit('book', book(NO.symbol, 0.52, 0.53, 0))
    await clock.advanceAsync(0)
    // YES filled 10 at 0.45; the market for YES collapses to a 0.10 bid; the resting NO leg times out.
    feed.bus.emit('book', book(YES.symbol, 0.1, 0.45, 1))
    await clock.advanceAsync(1_000)
    await clock.advanceAsync(0)
    expect(escalated).toHaveLength(1)
    expect(escalated[0]?.outcome.status).toBe('FAILED')
    expect(escalated[0]?.exposures.map((x) => `${x.symbol} ${x.qty.toFixed()}`)).toEqual([`${YES.symbol} 10`])
    // No bound up to the 5 % cap reached the 0.10 bid: 1 %, 3 %, 5 %.
    expect(escalated[0]?.outcome.legs[0]?.unwindOrders).toHaveLength(3)
    expect(states).toContain(`${YES.symbol} HALTED GROUP_ESCALATED`)
    expect(engine.instrumentState('fake', YES.symbol)).toBe('HALTED')
    expect(paper.portfolio.position('fake', YES.symbol)?.qty.toFixed()).toBe('10')
    await engine.stop()
  })
})
