import { describe, expect, it } from 'vitest'
import { ManualClock } from '../core/clock.js'
import type { BookSnapshot } from '../core/types.js'
import { Decimal } from '../decimal/index.js'
import { StateError } from '../errors/index.js'
import { PaperTrader, Portfolio } from '../execution/index.js'
import { RiskManager } from '../risk/index.js'
import type { Strategy, StrategyContext } from '../strategies/index.js'
import { btc, Feed } from './__fixtures__/market.js'
import { TradingEngine } from './TradingEngine.js'

/** Quotes one bid under the best bid on every book. */
class Bidder implements Strategy {
  readonly id = 'bidder'
  readonly requirements = { instruments: [{ venue: 'binance', symbol: 'BTCUSDT' }], books: true }
  onBook(b: BookSnapshot, ctx: StrategyContext): void {
    const px = new Decimal((b.bids[0]?.[0] ?? 100) + 0.5)
    ctx.quote({
      venue: 'binance',
      levels: [{ symbol: 'BTCUSDT', side: 'BUY', price: px, qty: new Decimal('0.1') }],
    })
  }
}

/**
 * An engine quoting on a PaperTrader whose cancels fail (always, or only until the engine stops) and whose open
 * orders survive the stop, as on a venue that keeps losing cancels; counts cancels and submits by phase.
 */
async function setup(cancelFails: 'always' | 'untilStop') {
  const clock = new ManualClock(1_000)
  const portfolio = new Portfolio({ balances: { USDT: '100000' }, instruments: [btc], clock })
  const paper = new PaperTrader({ instruments: [btc], portfolio, clock })
  const risk = new RiskManager({ clock })
  const feed = new Feed()
  const engine = new TradingEngine({
    clock,
    feeds: [{ name: 'f', venue: 'binance', source: feed }],
    strategies: [new Bidder()],
    risk,
    executors: [paper],
    portfolio,
    instruments: [btc],
    feedHealth: { checkIntervalMs: 0 },
    shutdown: { cancelOpenOrders: false },
  })
  const phase = { stopping: false, stopped: false }
  const calls = { cancelsAfterStop: 0, submitsWhileStopping: 0, errorsAfterStop: 0 }
  let duringStop: (() => void) | undefined
  const submit = paper.submit.bind(paper)
  paper.submit = (intent) => {
    if (phase.stopping) calls.submitsWhileStopping++
    return submit(intent)
  }
  const cancel = paper.cancel.bind(paper)
  paper.cancel = async (cid) => {
    if (phase.stopped) calls.cancelsAfterStop++
    if (phase.stopping) {
      duringStop?.()
      duringStop = undefined
    }
    if (cancelFails === 'untilStop' && phase.stopping) return cancel(cid)
    throw new StateError(`cancel of "${cid}" lost`)
  }
  engine.events.on('engine.stopped', () => {
    phase.stopped = true
  })
  engine.events.on('error', () => {
    if (phase.stopped) calls.errorsAfterStop++
  })
  await engine.start()
  feed.bus.emit('book', {
    venue: 'binance',
    symbol: 'BTCUSDT',
    bids: [[100, 1]],
    asks: [[102, 1]],
    tsEvent: 1_000,
  })
  for (let i = 0; i < 10; i++) await clock.advanceAsync(0)
  const stop = async () => {
    phase.stopping = true
    const p = engine.stop()
    let done = false
    void p.finally(() => {
      done = true
    })
    while (!done) await clock.advanceAsync(100)
    await p
  }
  return {
    clock,
    paper,
    risk,
    engine,
    calls,
    stop,
    onStop: (f: () => void) => {
      duringStop = f
    },
  }
}

describe('QuoteRouter.stop', () => {
  it('leaves no pull-retry timer behind: no cancel and no error after engine.stopped', async () => {
    const env = await setup('always')
    expect(env.paper.openOrders().map((o) => o.price?.toFixed())).toEqual(['100.5'])
    await env.stop()
    await env.clock.advanceAsync(60_000)
    expect(env.calls.cancelsAfterStop).toBe(0)
    expect(env.calls.errorsAfterStop).toBe(0)
  })

  it('trading or an instrument going ACTIVE while the engine stops re-quotes nothing', async () => {
    const env = await setup('untilStop')
    env.risk.halt('test') // pulls (the cancel fails: retried)
    env.risk.setInstrumentState('binance', 'BTCUSDT', 'REDUCING', { code: 'FEED_UNHEALTHY', reason: 'stale' })
    for (let i = 0; i < 10; i++) await env.clock.advanceAsync(0)
    env.onStop(() => {
      env.risk.resume({ note: 'test' })
      env.risk.setInstrumentState('binance', 'BTCUSDT', 'ACTIVE', { code: 'OK', reason: 'ok' })
    })
    await env.stop()
    await env.clock.advanceAsync(60_000)
    expect(env.paper.openOrders()).toEqual([])
    expect(env.calls.submitsWhileStopping).toBe(0)
    expect(env.calls.cancelsAfterStop).toBe(0)
  })
})
