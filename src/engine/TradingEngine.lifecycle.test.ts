import { describe, expect, it } from 'vitest'
import { ManualClock } from '../core/clock.js'
import { type Listenable, TypedEmitter } from '../core/events.js'
import {
  type ExecutionClient,
  type ExecutionEvents,
  type MarketDataEvents,
  type MarketDataSource,
  ORDER_EVENTS,
} from '../core/ports.js'
import type { BookSnapshot, Fill } from '../core/types.js'
import { Decimal } from '../decimal/index.js'
import { PaperTrader, Portfolio } from '../execution/index.js'
import { RiskManager } from '../risk/index.js'
import type { Strategy } from '../strategies/index.js'
import { book, btc, candle, Feed } from './__fixtures__/market.js'
import { TradingEngine } from './TradingEngine.js'

/** A source that hands a new book listener the venue's current book at once (a snapshot on subscribe). */
class SnapshotFeed implements MarketDataSource {
  readonly bus = new TypedEmitter<MarketDataEvents>()
  readonly events: Listenable<MarketDataEvents>
  constructor(current: BookSnapshot) {
    const bus = this.bus
    const on = (name: keyof MarketDataEvents, fn: (...a: never[]) => void): unknown => {
      bus.on(name, fn as never)
      if (name === 'book') (fn as (b: BookSnapshot) => void)(current)
      return this.events
    }
    this.events = {
      on,
      once: bus.once.bind(bus),
      off: bus.off.bind(bus),
    } as unknown as Listenable<MarketDataEvents>
  }
}

const entry = { venue: 'binance', symbol: 'BTCUSDT', side: 'BUY', intent: 'ENTRY' } as const

function setup(
  strategies: Strategy[],
  source: MarketDataSource = new Feed(),
  over: { client?: ExecutionClient } = {},
) {
  const clock = new ManualClock(60_000)
  const portfolio = new Portfolio({ balances: { USDT: '10000' }, instruments: [btc], clock })
  const paper = new PaperTrader({ instruments: [btc], portfolio, clock, fallbackSlippageBps: 0 })
  const risk = new RiskManager({
    clock,
    sizing: { method: 'fixedFractional', riskFraction: 0.01 },
    maxDataAgeMs: 120_000,
  })
  const engine = new TradingEngine({
    clock,
    feeds: [{ name: 'sim', venue: 'binance', source, staleAfterMs: 120_000 }],
    strategies,
    risk,
    executors: [over.client ?? paper],
    portfolio,
    instruments: [btc],
    shutdown: { timeoutMs: 1_000 },
  })
  const seen: string[] = []
  engine.events.on('signal', (s) => seen.push(`signal ${s.reason}`))
  engine.events.on('engine.started', () => seen.push('started'))
  engine.events.on('order.submitted', (e) => seen.push(`submitted ${e.order.side}`))
  engine.events.on('order.filled', (e) => seen.push(`filled ${e.order.side}`))
  engine.events.on('order.denied', (e) => seen.push(`denied ${e.code}`))
  engine.events.on('error', (e) => seen.push(`error ${e.code} ${e.message}`))
  return { clock, portfolio, paper, risk, engine, seen }
}

describe('TradingEngine lifecycle', () => {
  it('evaluates a signal a strategy emits in onStart once the engine runs (it was dropped)', async () => {
    const atStart: Strategy = {
      id: 'at-start',
      requirements: { instruments: [{ venue: 'binance', symbol: 'BTCUSDT' }], books: true },
      onStart(ctx) {
        ctx.signal({ ...entry, stopPrice: new Decimal('98'), reason: 'enter at start' })
      },
    }
    const env = setup([atStart], new SnapshotFeed(book(99.9, 100.1, 60_000)))
    await env.engine.start()
    await env.clock.advanceAsync(0)
    // Routed right after the engine started, against the book the feed had when it was wired.
    expect(env.seen).toEqual(['signal enter at start', 'started', 'submitted BUY', 'filled BUY'])
    expect(env.portfolio.position('binance', 'BTCUSDT')?.qty.isPositive()).toBe(true)
    await env.engine.stop()
  })

  it('denies an onStart signal with no market data yet (order.denied), never silently', async () => {
    const atStart: Strategy = {
      id: 'at-start',
      requirements: { instruments: [{ venue: 'binance', symbol: 'BTCUSDT' }], candles: ['1m'] },
      onStart: (ctx) => void ctx.signal({ ...entry, stopPrice: new Decimal('98'), reason: 'enter at start' }),
    }
    const env = setup([atStart])
    await env.engine.start()
    expect(env.seen).toEqual(['signal enter at start', 'started', 'denied NO_MARKET_DATA'])
    await env.engine.stop()
  })

  it('rests the quotes a strategy states in onStart once the engine runs (they were dropped)', async () => {
    const maker: Strategy = {
      id: 'maker',
      requirements: { instruments: [{ venue: 'binance', symbol: 'BTCUSDT' }], books: true },
      onStart(ctx) {
        const bid = {
          symbol: 'BTCUSDT',
          side: 'BUY',
          price: new Decimal('99'),
          qty: new Decimal('0.1'),
        } as const
        ctx.quote({ venue: 'binance', levels: [{ ...bid, price: new Decimal('98') }] })
        ctx.quote({ venue: 'binance', levels: [bid] }) // the last set stated is the one that counts
      },
    }
    const env = setup([maker], new SnapshotFeed(book(99.9, 100.1, 60_000)))
    await env.engine.start()
    for (let i = 0; i < 5; i++) await env.clock.advanceAsync(0)
    expect(env.paper.openOrders().map((o) => `${o.side} ${o.price?.toFixed()} ${o.qty.toFixed()}`)).toEqual([
      'BUY 99 0.1',
    ])
    await env.engine.stop()
    expect(env.paper.openOrders()).toEqual([])
  })

  it('denies (ENGINE_STOPPING) a signal emitted once a stop began, e.g. from onStop', async () => {
    const atStop: Strategy = {
      id: 'at-stop',
      requirements: { instruments: [{ venue: 'binance', symbol: 'BTCUSDT' }], candles: ['1m'] },
      onStop: (ctx) => void ctx.signal({ ...entry, stopPrice: new Decimal('98'), reason: 'exit at stop' }),
    }
    const feed = new Feed()
    const env = setup([atStop], feed)
    await env.engine.start()
    feed.bus.emit('candle', candle(0, 100))
    await env.engine.stop()
    expect(env.seen).toEqual(['started', 'signal exit at stop', 'denied ENGINE_STOPPING'])
  })

  it('reports an executor shutdown that outlasts shutdown.timeoutMs, and a feed close that fails', async () => {
    const env = setup([])
    const { paper } = env
    let shuttingDown: () => void = () => {}
    const shutdownCalled = new Promise<void>((resolve) => (shuttingDown = resolve))
    const hanging: ExecutionClient = {
      venues: paper.venues,
      events: paper.events,
      submit: (i) => paper.submit(i),
      cancel: (c) => paper.cancel(c),
      cancelAll: (f) => paper.cancelAll(f),
      openOrders: (f) => paper.openOrders(f),
      shutdown: () => {
        shuttingDown()
        return new Promise<void>(() => {}) // never settles
      },
    }
    const feed = new Feed()
    const close = () => Promise.reject(new Error('socket gone'))
    const engine = new TradingEngine({
      clock: env.clock,
      feeds: [{ name: 'sim', venue: 'binance', source: feed, close }],
      strategies: [],
      risk: env.risk,
      executors: [hanging],
      portfolio: env.portfolio,
      instruments: [btc],
      shutdown: { timeoutMs: 1_000 },
    })
    const errors: string[] = []
    engine.events.on('error', (e) => errors.push(`${e.code} ${e.message}`))
    await engine.start()
    let stopped = false
    void engine.stop().then(() => {
      stopped = true
    })
    await shutdownCalled
    await env.clock.advanceAsync(999)
    expect([stopped, errors]).toEqual([false, []])
    await env.clock.advanceAsync(1)
    for (let i = 0; i < 5 && !stopped; i++) await env.clock.advanceAsync(0)
    expect(stopped).toBe(true)
    expect(errors).toEqual([
      'TIMEOUT Executor shutdown ("binance") did not finish within shutdown.timeoutMs (1000 ms): stopping without it',
      'INVALID_STATE Feed close ("sim") failed: socket gone',
    ])
  })

  it('finishes a stop whose executor shutdown throws at once: reported, then engine.stopped', async () => {
    const env = setup([])
    const { paper } = env
    const broken: ExecutionClient = {
      venues: paper.venues,
      events: paper.events,
      submit: (i) => paper.submit(i),
      cancel: (c) => paper.cancel(c),
      cancelAll: (f) => paper.cancelAll(f),
      openOrders: (f) => paper.openOrders(f),
      shutdown: () => {
        throw new Error('client already closed')
      },
    }
    const engine = new TradingEngine({
      clock: env.clock,
      feeds: [{ name: 'sim', venue: 'binance', source: new Feed() }],
      strategies: [],
      risk: env.risk,
      executors: [broken],
      portfolio: env.portfolio,
      instruments: [btc],
    })
    const seen: string[] = []
    engine.events.on('error', (e) => seen.push(`${e.code} ${e.message}`))
    engine.events.on('engine.stopped', () => seen.push('stopped'))
    await engine.start()
    await engine.stop()
    expect(seen).toEqual([
      'INVALID_STATE Executor shutdown ("binance") failed: client already closed',
      'stopped',
    ])
  })

  it('does not re-balance a group on a reversal that arrives during stop: no submission, reported, HALTED', async () => {
    const clock = new ManualClock(60_000)
    const portfolio = new Portfolio({
      balances: { USDT: '10000' },
      instruments: [btc],
      clock,
      reversibleKinds: ['spot'],
    })
    const paper = new PaperTrader({
      instruments: [btc],
      balances: { USDT: '10000' },
      clock,
      fallbackSlippageBps: 0,
    })
    const bus = new TypedEmitter<ExecutionEvents>()
    for (const n of ORDER_EVENTS) paper.events.on(n, (e) => bus.emit(n, e as never))
    const fills: Fill[] = []
    bus.on('order.filled', (e) => fills.push(...e.fills))
    let stopping = false
    const sentWhileStopping: string[] = []
    const client: ExecutionClient = {
      venues: paper.venues,
      events: bus,
      submit: (i) => {
        if (stopping) sentWhileStopping.push(`${i.side} ${i.qty}`)
        return paper.submit(i)
      },
      cancel: (c) => paper.cancel(c),
      cancelAll: (f) => paper.cancelAll(f),
      openOrders: (f) => paper.openOrders(f),
      // The venue's last reconciliation on shutdown finds leg 1's settlement failed: after the engine's in-flight wait.
      shutdown: (o) => {
        stopping = true
        bus.emit('fill.reversed', {
          type: 'fill.reversed',
          fill: fills[0] as Fill,
          reason: 'test',
          tsEvent: 0,
        })
        return paper.shutdown(o)
      },
    }
    const pair: Strategy = {
      id: 'pair',
      requirements: { instruments: [{ venue: 'binance', symbol: 'BTCUSDT' }], candles: ['1m'] },
      onCandle(c, ctx) {
        const stopPrice = new Decimal((c.close * 0.98).toFixed(2))
        for (let i = 0; i < 2; i++) ctx.signal({ ...entry, stopPrice, groupId: 'g1', reason: 'pair' })
      },
    }
    const feed = new Feed()
    const risk = new RiskManager({
      clock,
      maxDataAgeMs: 120_000,
      maxPositionsPerInstrument: 10,
      sizing: { method: 'fixedFractional', riskFraction: 0.002 },
    })
    const engine = new TradingEngine({
      clock,
      feeds: [{ name: 'sim', venue: 'binance', source: feed, staleAfterMs: 120_000 }],
      strategies: [pair],
      risk,
      executors: [client],
      portfolio,
      instruments: [btc],
      shutdown: { timeoutMs: 1_000 },
    })
    const seen: string[] = []
    engine.events.on('engine.groupCompleted', (e) => seen.push(`completed ${e.outcome.status}`))
    engine.events.on('engine.groupRebalanced', (e) => seen.push(`rebalanced ${e.outcome.status}`))
    engine.events.on('error', (e) => seen.push(`error ${e.code} ${e.message}`))
    await engine.start()
    paper.onCandle(candle(0, 100))
    feed.bus.emit('candle', candle(0, 100))
    for (let i = 0; i < 5; i++) await clock.advanceAsync(0)
    expect(fills.map((f) => f.side)).toEqual(['BUY', 'BUY'])
    let stopped = false
    void engine.stop().then(() => {
      stopped = true
    })
    for (let i = 0; i < 5 && !stopped; i++) await clock.advanceAsync(1_000)
    expect(stopped).toBe(true)
    expect(sentWhileStopping).toEqual([]) // no unwind sent to an executor shutting down
    expect(seen).toEqual([
      'completed COMPLETED',
      `error INVALID_STATE Group "g1" not re-balanced after the venue reversed a fill of "${fills[0]?.clientOrderId}": the engine is stopping`,
    ])
    expect(risk.instrumentState('binance', 'BTCUSDT')).toBe('HALTED') // a human looks before it trades again
  })
})
