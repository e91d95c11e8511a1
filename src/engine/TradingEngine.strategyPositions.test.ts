import { describe, expect, it } from 'vitest'
import { ManualClock } from '../core/clock.js'
import type { Side } from '../core/types.js'
import { PaperTrader, Portfolio } from '../execution/index.js'
import { RiskManager } from '../risk/index.js'
import type { Strategy, StrategyContext } from '../strategies/index.js'
import { btc, candle, Feed } from './__fixtures__/market.js'
import { TradingEngine } from './TradingEngine.js'

/** A strategy that sends the signals the test queues, one per candle. */
class Scripted implements Strategy {
  readonly requirements = { instruments: [{ venue: 'binance', symbol: 'BTCUSDT' }], candles: ['1m'] }
  readonly queue: Array<{ side: Side; intent: 'ENTRY' | 'EXIT' }> = []
  constructor(readonly id: string) {}
  onCandle(_c: unknown, ctx: StrategyContext): void {
    const next = this.queue.shift()
    if (next !== undefined) ctx.signal({ venue: 'binance', symbol: 'BTCUSDT', ...next, reason: 'scripted' })
  }
}

/**
 * Two strategies on one instrument, the engine's Portfolio booking the fills of a separate paper venue through
 * `attach` (as a live executor's are): only the engine's attribution tells the strategies apart.
 */
function setup() {
  const clock = new ManualClock(0)
  const portfolio = new Portfolio({ balances: { USDT: '100000' }, instruments: [btc], clock })
  const venue = new PaperTrader({
    instruments: [btc],
    balances: { USDT: '100000' },
    clock,
    fallbackSlippageBps: 0,
  })
  const risk = new RiskManager({
    clock,
    sizing: { method: 'fixedNotional', notional: '1000' },
    requireStop: false,
    maxPositionsPerInstrument: 3,
    maxDataAgeMs: 120_000,
  })
  const a = new Scripted('a')
  const b = new Scripted('b')
  const feed = new Feed()
  const engine = new TradingEngine({
    clock,
    feeds: [{ name: 'sim', venue: 'binance', source: feed, staleAfterMs: 120_000 }],
    strategies: [a, b],
    risk,
    executors: [venue],
    portfolio,
    instruments: [btc],
    feedHealth: { checkIntervalMs: 0 },
  })
  const denied: string[] = []
  engine.events.on('order.denied', (e) => denied.push(`${e.signal.strategyId} ${e.code}`))
  let i = 0
  const step = async () => {
    i++
    await clock.advanceAsync(60_000)
    feed.bus.emit('candle', candle(i - 1, 100))
    await clock.advanceAsync(0)
  }
  return { portfolio, engine, a, b, step, denied }
}

const qty = (p: Portfolio, sid?: string) => {
  const ps = sid === undefined ? p.positions() : p.strategyPositions(sid)
  return ps.find((x) => x.symbol === 'BTCUSDT')?.qty.toFixed() ?? '0'
}

describe('TradingEngine: positions per strategy', () => {
  it('two strategies share an instrument; an EXIT of one closes only its own share', async () => {
    const t = setup()
    await t.engine.start()
    t.a.queue.push({ side: 'BUY', intent: 'ENTRY' })
    t.b.queue.push({ side: 'BUY', intent: 'ENTRY' })
    await t.step()
    // 1000 USDT at 100 each: 10 BTC per strategy, 20 at the venue.
    expect(qty(t.portfolio)).toBe('20')
    expect(qty(t.portfolio, 'a')).toBe('10')
    expect(qty(t.portfolio, 'b')).toBe('10')
    t.a.queue.push({ side: 'SELL', intent: 'EXIT' })
    await t.step()
    expect(qty(t.portfolio)).toBe('10')
    expect(qty(t.portfolio, 'a')).toBe('0')
    expect(qty(t.portfolio, 'b')).toBe('10')
    // A holds nothing any more: a second EXIT of A is denied, B's share stays.
    t.a.queue.push({ side: 'SELL', intent: 'EXIT' })
    await t.step()
    expect(t.denied).toEqual(['a NO_POSITION_TO_REDUCE'])
    expect(qty(t.portfolio, 'b')).toBe('10')
    t.b.queue.push({ side: 'SELL', intent: 'EXIT' })
    await t.step()
    expect(qty(t.portfolio)).toBe('0')
    expect(qty(t.portfolio, 'b')).toBe('0')
    await t.engine.stop()
  })
})
