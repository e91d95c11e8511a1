import { describe, expect, it, vi } from 'vitest'
import { assertValidExposition } from '../../test/helpers/exposition.js'
import { ManualClock } from '../core/clock.js'
import { TypedEmitter } from '../core/events.js'
import type { JournalEvents, JournalView } from '../core/journal.js'
import { type ExecutionClient, type ExecutionEvents, ORDER_EVENTS, type Signal } from '../core/ports.js'
import type { Candle, Fill, Instrument } from '../core/types.js'
import { Decimal } from '../decimal/index.js'
import { PaperTrader, Portfolio } from '../execution/index.js'
import { MemoryStateStore, RiskManager } from '../risk/index.js'
import { EmaCrossover, RsiMeanReversion, type Strategy } from '../strategies/index.js'
import { btc, candle, Feed } from './__fixtures__/market.js'
import { TradingEngine } from './TradingEngine.js'

/** A price path with two clear up-trends and a down-trend. */
const path = [
  ...Array.from({ length: 30 }, (_, i) => 100 - i * 0.3),
  ...Array.from({ length: 30 }, (_, i) => 91 + i * 0.6),
  ...Array.from({ length: 30 }, (_, i) => 108.4 - i * 0.6),
  ...Array.from({ length: 30 }, (_, i) => 90.6 + i * 0.5),
]

function setup(strategies: Strategy[], store = new MemoryStateStore()) {
  const clock = new ManualClock(0)
  const portfolio = new Portfolio({ balances: { USDT: '10000' }, instruments: [btc], clock })
  const paper = new PaperTrader({ instruments: [btc], portfolio, clock, fallbackSlippageBps: 0 })
  const risk = new RiskManager({
    clock,
    store,
    sizing: { method: 'fixedFractional', riskFraction: 0.01 },
    maxDataAgeMs: 120_000,
  })
  const feed = new Feed()
  const engine = new TradingEngine({
    clock,
    feeds: [{ name: 'sim', venue: 'binance', source: feed, staleAfterMs: 120_000 }],
    strategies,
    risk,
    executors: [paper],
    portfolio,
    instruments: [btc],
    feedHealth: { checkIntervalMs: 10_000 },
  })
  return { clock, portfolio, paper, risk, feed, engine }
}

async function play(env: ReturnType<typeof setup>, from: number, to: number): Promise<void> {
  for (let i = from; i < to; i++) {
    await env.clock.advanceAsync(60_000)
    env.feed.bus.emit('candle', candle(i, path[i] as number))
    await env.clock.advanceAsync(0)
  }
}

describe('TradingEngine', () => {
  it('wires two strategies through risk and paper execution into the portfolio', async () => {
    const env = setup([
      new EmaCrossover({ venue: 'binance', symbol: 'BTCUSDT', interval: '1m', fast: 5, slow: 12 }),
      new RsiMeanReversion({ venue: 'binance', symbol: 'BTCUSDT', interval: '1m', period: 7 }),
    ])
    const signals: Signal[] = []
    const fills: string[] = []
    const errors: unknown[] = []
    env.engine.events.on('signal', (s) => signals.push(s))
    env.engine.events.on('order.filled', (e) => fills.push(...e.fills.map((f) => `${f.side} ${f.qty}`)))
    env.engine.events.on('error', (e) => errors.push(e))
    const decided = { approved: 0, denied: 0 }
    env.risk.events.on('risk.approved', () => decided.approved++)
    env.risk.events.on('risk.denied', () => decided.denied++)
    await env.engine.start()
    await play(env, 0, path.length)
    expect(errors).toEqual([])
    expect(signals.length).toBeGreaterThanOrEqual(3)
    expect(new Set(signals.map((s) => s.strategyId)).size).toBe(2)
    expect(fills.length).toBeGreaterThanOrEqual(2)
    expect(env.portfolio.checkInvariants().ok).toBe(true)
    const h = env.engine.health()
    expect(h.running).toBe(true)
    expect(h.feeds[0]?.healthy).toBe(true)
    assertValidExposition(env.engine.metrics())
    expect(env.engine.metrics()).toMatch(/tradekit_orders_total\{venue="binance",outcome="fill"\} \d+/)
    // The decisions the engine counts (from the manager's tally) are the ones its events announced.
    expect(decided.approved).toBeGreaterThan(0)
    expect(env.engine.metrics()).toContain(
      `tradekit_risk_decisions_total{decision="approved"} ${decided.approved}\n`,
    )
    const denials = env.engine.metrics().match(/tradekit_risk_decisions_total\{decision="denied"\} (\d+)\n/)
    expect(Number(denials?.[1] ?? 0)).toBe(decided.denied)
    await env.engine.stop()
    await env.engine.stop() // idempotent
    expect(env.engine.isRunning).toBe(false)
  })

  it('approves a multi-leg group all or none: one refused leg denies every leg and sends nothing', async () => {
    // Leg 1 has its stop on the wrong side: the RiskManager refuses it, so leg 2 must not be sent either.
    const pair: Strategy = {
      id: 'pair',
      requirements: { instruments: [{ venue: 'binance', symbol: 'BTCUSDT' }], candles: ['1m'] },
      onCandle(c, ctx) {
        for (const stop of [c.close * 1.02, c.close * 0.98]) {
          ctx.signal({
            venue: 'binance',
            symbol: 'BTCUSDT',
            side: 'BUY',
            intent: 'ENTRY',
            stopPrice: new Decimal(stop.toFixed(2)),
            groupId: `g${c.openTime}`,
            reason: 'test group',
          })
        }
      },
    }
    const env = setup([pair])
    const denied: string[] = []
    const submitted: string[] = []
    const approvals: string[] = []
    env.engine.events.on('order.denied', (e) => denied.push(e.code))
    env.engine.events.on('order.submitted', (e) => submitted.push(e.order.clientOrderId))
    env.risk.events.on('risk.approved', (e) => approvals.push(e.intent.clientOrderId))
    await env.engine.start()
    await play(env, 0, 1)
    await env.clock.advanceAsync(0)
    expect(denied).toEqual(['STOP_WRONG_SIDE', 'GROUP_DENIED'])
    expect(submitted).toEqual([])
    expect(approvals).toEqual([])
    await env.engine.stop()
  })

  it('re-balances a completed group when the venue reverses one leg (failed settlement)', async () => {
    // A live-like client around the paper venue that can report a reversal, as OrderExecutor does.
    const clock = new ManualClock(60_000)
    // A test venue that reverses spot fills: the portfolio keeps their undo (by default only outcome tokens').
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
    const client: ExecutionClient = {
      venues: paper.venues,
      events: bus,
      submit: (i) => paper.submit(i),
      cancel: (c) => paper.cancel(c),
      cancelAll: (f) => paper.cancelAll(f),
      openOrders: (f) => paper.openOrders(f),
      shutdown: (o) => paper.shutdown(o),
    }
    const toldReversed: string[] = []
    const pair: Strategy = {
      id: 'pair',
      onFillReversed(f) {
        toldReversed.push(f.tradeId)
      },
      requirements: { instruments: [{ venue: 'binance', symbol: 'BTCUSDT' }], candles: ['1m'] },
      onCandle(c, ctx) {
        if (c.openTime !== 0) return
        for (let i = 0; i < 2; i++) {
          ctx.signal({
            venue: 'binance',
            symbol: 'BTCUSDT',
            side: 'BUY',
            intent: 'ENTRY',
            stopPrice: new Decimal((c.close * 0.98).toFixed(2)),
            groupId: 'g1',
            reason: 'pair',
          })
        }
      },
    }
    const feed = new Feed()
    const engine = new TradingEngine({
      clock,
      feeds: [{ name: 'sim', venue: 'binance', source: feed, staleAfterMs: 120_000 }],
      strategies: [pair],
      risk: new RiskManager({
        clock,
        maxDataAgeMs: 120_000,
        maxPositionsPerInstrument: 10,
        sizing: { method: 'fixedFractional', riskFraction: 0.002 },
      }),
      executors: [client],
      portfolio,
      instruments: [btc],
    })
    const completed: string[] = []
    const rebalanced: string[] = []
    engine.events.on('engine.groupCompleted', (e) => completed.push(e.outcome.status))
    engine.events.on('engine.groupRebalanced', (e) =>
      rebalanced.push(
        `${e.outcome.status} ${e.outcome.legs.map((l) => `${l.fate}:${l.heldQty?.toFixed()}`).join(' ')}`,
      ),
    )
    const fills: Fill[] = []
    bus.on('order.filled', (e) => fills.push(...e.fills))
    const problems: string[] = []
    engine.events.on('order.denied', (e) => problems.push(`denied ${e.code} ${e.reason}`))
    engine.events.on('error', (e) => problems.push(`error ${e.message}`))
    await engine.start()
    paper.onCandle(candle(0, 100))
    feed.bus.emit('candle', candle(0, 100))
    for (let i = 0; i < 5; i++) await clock.advanceAsync(0)
    expect(problems).toEqual([])
    expect(completed).toEqual(['COMPLETED'])
    expect(fills.map((f) => f.side)).toEqual(['BUY', 'BUY'])
    // The venue reverses leg 1's fill: leg 2 is sold back down to what leg 1 still holds (nothing).
    const leg1 = fills[0] as Fill
    bus.emit('fill.reversed', { type: 'fill.reversed', fill: leg1, reason: 'test', tsEvent: 0 })
    for (let i = 0; i < 5; i++) await clock.advanceAsync(0)
    expect(rebalanced).toEqual(['UNWOUND REVERSED:0 UNWOUND:0'])
    expect(toldReversed).toEqual([leg1.tradeId]) // the strategy that sent the leg is told
    expect(fills.map((f) => f.side)).toEqual(['BUY', 'BUY', 'SELL'])
    expect(portfolio.position('binance', 'BTCUSDT')?.qty.toFixed() ?? '0').toBe('0')
    await engine.stop()
  })

  it('refuses before any risk decision a group spanning two venues and a signal no executor trades', async () => {
    const strategy: Strategy = {
      id: 'routes',
      requirements: { instruments: [{ venue: 'binance', symbol: 'BTCUSDT' }], candles: ['1m'] },
      onCandle(_c, ctx) {
        const base = { side: 'BUY', intent: 'ENTRY', stopPrice: new Decimal('1'), reason: 'test' } as const
        ctx.signal({ ...base, venue: 'binance', symbol: 'BTCUSDT', groupId: 'x' })
        ctx.signal({ ...base, venue: 'elsewhere', symbol: 'BTCUSDT', groupId: 'x' })
        ctx.signal({ ...base, venue: 'elsewhere', symbol: 'ETHUSDT' })
      },
    }
    const env = setup([strategy])
    const denied: string[] = []
    const decisions: string[] = []
    env.engine.events.on('order.denied', (e) => denied.push(`${e.signal.venue}:${e.code}`))
    env.engine.events.on('error', () => {})
    env.risk.events.on('risk.approved', () => decisions.push('approved'))
    env.risk.events.on('risk.denied', () => decisions.push('denied'))
    await env.engine.start()
    await play(env, 0, 1)
    await env.clock.advanceAsync(0)
    expect(denied.sort()).toEqual([
      'binance:GROUP_UNROUTABLE',
      'elsewhere:GROUP_UNROUTABLE',
      'elsewhere:NO_EXECUTOR',
    ])
    expect(decisions).toEqual([])
    await env.engine.stop()
  })

  it('moves instruments of a silent feed to REDUCING and back', async () => {
    const env = setup([
      new EmaCrossover({ venue: 'binance', symbol: 'BTCUSDT', interval: '1m', fast: 5, slow: 12 }),
    ])
    const changes: string[] = []
    env.engine.events.on('risk.instrumentStateChanged', (e) => changes.push(`${e.from}->${e.to} ${e.code}`))
    await env.engine.start()
    await play(env, 0, 3)
    await env.clock.advanceAsync(200_000) // silence > staleAfterMs
    expect(env.engine.instrumentState('binance', 'BTCUSDT')).toBe('REDUCING')
    await play(env, 3, 4)
    env.engine.checkFeedHealth()
    expect(env.engine.instrumentState('binance', 'BTCUSDT')).toBe('ACTIVE')
    expect(changes).toEqual(['ACTIVE->REDUCING FEED_UNHEALTHY', 'REDUCING->ACTIVE FEED_UNHEALTHY'])
    expect(env.risk.instrumentState('binance', 'BTCUSDT')).toBe('ACTIVE') // one state, held by the RiskManager
    await env.engine.stop()
  })

  it('denies a group with a leg on a feed-restricted instrument as a whole (GROUP_DENIED), sending nothing', async () => {
    const eth: Instrument = { ...btc, symbol: 'ETHUSDT', base: 'ETH' }
    const pair: Strategy = {
      id: 'pair',
      requirements: { instruments: [btc, eth], candles: ['1m'] },
      onCandle(c, ctx) {
        if (c.symbol !== 'BTCUSDT') return
        for (const symbol of ['BTCUSDT', 'ETHUSDT']) {
          const stopPrice = new Decimal((c.close * 0.98).toFixed(2))
          ctx.signal({
            venue: 'binance',
            symbol,
            side: 'BUY',
            intent: 'ENTRY',
            stopPrice,
            groupId: 'g',
            reason: 't',
          })
        }
      },
    }
    const env = setup([])
    const ethFeed = new Feed()
    const engine = new TradingEngine({
      clock: env.clock,
      feeds: [
        { name: 'btc', venue: 'binance', source: env.feed, staleAfterMs: 120_000 },
        { name: 'eth', venue: 'binance', source: ethFeed, staleAfterMs: 1_000 },
      ],
      strategies: [pair],
      risk: env.risk,
      executors: [env.paper],
      portfolio: env.portfolio,
      instruments: [btc, eth],
      feedHealth: { checkIntervalMs: 0 },
    })
    const denied: string[] = []
    const submitted: string[] = []
    engine.events.on('order.denied', (e) => denied.push(`${e.signal.symbol} ${e.code} ${e.reason}`))
    engine.events.on('order.submitted', (e) => submitted.push(e.order.clientOrderId))
    await engine.start()
    await env.clock.advanceAsync(60_000)
    ethFeed.bus.emit('candle', { ...candle(0, 50), symbol: 'ETHUSDT' })
    await env.clock.advanceAsync(5_000) // the eth feed is silent > 1 s
    engine.checkFeedHealth()
    expect(engine.instrumentState('binance', 'ETHUSDT')).toBe('REDUCING')
    const reason = engine.health().instruments.find((i) => i.symbol === 'ETHUSDT')?.reason
    expect(reason).toBeDefined()
    env.feed.bus.emit('candle', candle(0, 100))
    await env.clock.advanceAsync(0)
    expect(denied).toEqual([
      'BTCUSDT GROUP_DENIED Leg 2 of 2 of the group was denied (FEED_UNHEALTHY)',
      `ETHUSDT FEED_UNHEALTHY ${reason}`,
    ])
    expect(submitted).toEqual([])
    await engine.stop()
  })

  it('never loosens a stricter instrument state someone else set on the RiskManager', async () => {
    const env = setup([])
    await env.engine.start()
    await play(env, 0, 1)
    await env.clock.advanceAsync(200_000) // silence > staleAfterMs: REDUCING
    expect(env.engine.instrumentState('binance', 'BTCUSDT')).toBe('REDUCING')
    env.risk.setInstrumentState('binance', 'BTCUSDT', 'HALTED', { code: 'DELISTING', reason: 'host' })
    await play(env, 1, 2)
    env.engine.checkFeedHealth() // healthy again: the host's HALTED stays
    expect(env.engine.instrumentState('binance', 'BTCUSDT')).toBe('HALTED')
    const changes: string[] = []
    env.engine.events.on('risk.instrumentStateChanged', (e) => changes.push(e.to))
    await env.clock.advanceAsync(200_000) // stale again: REDUCING would loosen the host's HALTED
    expect(env.engine.instrumentState('binance', 'BTCUSDT')).toBe('HALTED')
    expect(changes).toEqual([])
    await env.engine.stop()
  })

  it('restricts a venue whose heartbeat is unhealthy, and lifts it when healthy again', async () => {
    const env = setup([])
    let healthy = true
    const engine = new TradingEngine({
      clock: env.clock,
      feeds: [{ name: 'sim', venue: 'binance', source: env.feed }],
      venues: [{ venue: 'binance', heartbeat: () => ({ healthy, reason: 'heartbeat lost' }) }],
      strategies: [],
      risk: env.risk,
      executors: [env.paper],
      portfolio: env.portfolio,
      instruments: [btc],
      feedHealth: { checkIntervalMs: 0 },
    })
    await engine.start()
    healthy = false
    engine.checkFeedHealth()
    expect(engine.instrumentState('binance', 'BTCUSDT')).toBe('REDUCING')
    expect(engine.health().venues).toEqual([{ venue: 'binance', healthy: false, reason: 'heartbeat lost' }])
    healthy = true
    engine.checkFeedHealth()
    expect(engine.instrumentState('binance', 'BTCUSDT')).toBe('ACTIVE')
    await engine.stop()
  })

  it("keeps checking feed health after a feed's status() throws once: reported, and a later silence still restricts", async () => {
    const env = setup([])
    let calls = 0
    const status = () => {
      if (calls++ === 0) throw new Error('adapter bug')
      return { healthy: true }
    }
    const engine = new TradingEngine({
      clock: env.clock,
      feeds: [{ name: 'sim', venue: 'binance', source: env.feed, status }],
      strategies: [],
      risk: env.risk,
      executors: [env.paper],
      portfolio: env.portfolio,
      instruments: [btc],
      feedHealth: { checkIntervalMs: 1_000, staleAfterMs: 5_000 },
    })
    const errors: string[] = []
    engine.events.on('error', (e) => errors.push(e.message))
    await engine.start()
    env.feed.bus.emit('candle', candle(0, 100))
    await expect(env.clock.advanceAsync(1_000)).resolves.toBeUndefined() // the timer callback did not throw
    expect(errors).toEqual(['Feed "sim" status() failed: adapter bug'])
    // A health nobody can tell restricts like an unhealthy feed, until status() answers again.
    expect(engine.instrumentState('binance', 'BTCUSDT')).toBe('REDUCING')
    await env.clock.advanceAsync(1_000)
    expect(engine.instrumentState('binance', 'BTCUSDT')).toBe('ACTIVE')
    await env.clock.advanceAsync(60_000) // silent for longer than staleAfterMs: the checks still run
    expect(engine.instrumentState('binance', 'BTCUSDT')).toBe('REDUCING')
    await engine.stop()
  })

  it('stop() waits for a hanging start at most shutdown.timeoutMs, then stops (executors shut down) and reports', async () => {
    const env = setup([])
    const saves: unknown[] = []
    const stateStore = {
      load: () => new Promise<undefined>(() => {}),
      save: async (s: unknown) => void saves.push(s),
    }
    const engine = new TradingEngine({
      clock: env.clock,
      feeds: [{ name: 'sim', venue: 'binance', source: env.feed }],
      strategies: [],
      risk: env.risk,
      executors: [env.paper],
      portfolio: env.portfolio,
      instruments: [btc],
      stateStore,
      shutdown: { timeoutMs: 1_000 },
    })
    const errors: string[] = []
    engine.events.on('error', (e) => errors.push(`${e.code} ${e.message}`))
    const shutdown = vi.spyOn(env.paper, 'shutdown')
    const started = engine.start().catch((e: unknown) => e)
    let stopped = false
    void engine.stop().then(() => {
      stopped = true
    })
    for (let i = 0; i < 5 && !stopped; i++) await env.clock.advanceAsync(60_000)
    expect(stopped).toBe(true)
    expect(shutdown).toHaveBeenCalledTimes(1) // the executors' cancels were reached
    expect(errors).toEqual([
      'TIMEOUT start() did not finish within shutdown.timeoutMs (1000 ms): stopping without it',
    ])
    expect(await started).toMatchObject({
      code: 'INVALID_STATE',
      message: 'TradingEngine was stopped before start() finished',
    })
    expect(saves).toEqual([]) // strategies never restored: their empty state must not overwrite the stored one
    await expect(engine.start()).rejects.toMatchObject({ code: 'INVALID_STATE' })
  })

  it('undoes what a start cut short by stop() wires when its wait ends late, and reconciles nothing then', async () => {
    const env = setup([])
    let view: (v: JournalView) => void = () => {}
    const journal = {
      events: new TypedEmitter<JournalEvents>(),
      lastView: () => new Promise<JournalView>((resolve) => (view = resolve)),
      append: () => {},
      flush: async () => {},
      close: async () => {},
    }
    const { paper } = env
    let reconciled = 0
    const live: ExecutionClient = {
      venues: paper.venues,
      events: paper.events,
      submit: (i) => paper.submit(i),
      cancel: (c) => paper.cancel(c),
      cancelAll: (f) => paper.cancelAll(f),
      openOrders: (f) => paper.openOrders(f),
      shutdown: (o) => paper.shutdown(o),
      reconcileJournal: async () => {
        reconciled++
        const none = { filledWhileDown: [], canceledWhileDown: [], missingAtVenue: [], unknownAtVenue: [] }
        return { venue: 'binance', ...none, unchanged: [], tsEvent: 0 }
      },
    }
    const engine = new TradingEngine({
      clock: env.clock,
      feeds: [{ name: 'sim', venue: 'binance', source: env.feed }],
      strategies: [],
      risk: env.risk,
      executors: [live],
      portfolio: env.portfolio,
      instruments: [btc],
      journal,
      shutdown: { timeoutMs: 1_000 },
    })
    engine.events.on('error', () => {})
    const started = engine.start().catch((e: unknown) => e)
    await env.clock.advanceAsync(0)
    expect(env.feed.bus.listenerCount('candle')).toBe(1) // wired before the journal's view
    let stopped = false
    void engine.stop().then(() => {
      stopped = true
    })
    for (let i = 0; i < 5 && !stopped; i++) await env.clock.advanceAsync(60_000)
    expect(stopped).toBe(true)
    expect(await started).toMatchObject({ code: 'INVALID_STATE' })
    view({ openOrders: [], positions: [], fillKeys: [], lastTrades: [] }) // the journal answers after all
    await env.clock.advanceAsync(120_000)
    expect(reconciled).toBe(0) // the executors were shut down: nothing is reconciled against them
    expect(env.feed.bus.listenerCount('candle')).toBe(0)
    expect(journal.events.listenerCount('error')).toBe(0)
    expect(engine.isRunning).toBe(false)
  })

  it('undoes a failed start (nothing stays wired, no candle relayed) and lets start() be retried', async () => {
    const env = setup([])
    let readable = false
    const journal = {
      events: new TypedEmitter<JournalEvents>(),
      lastView: async (): Promise<JournalView> => {
        if (!readable) throw new Error('journal view unreadable')
        return { openOrders: [], positions: [], fillKeys: [], lastTrades: [] }
      },
      append: () => {},
      flush: async () => {},
      close: async () => {},
    }
    const engine = new TradingEngine({
      clock: env.clock,
      feeds: [{ name: 'sim', venue: 'binance', source: env.feed }],
      strategies: [],
      risk: env.risk,
      executors: [env.paper],
      portfolio: env.portfolio,
      instruments: [btc],
      journal,
    })
    const relayed: Candle[] = []
    engine.events.on('candle', (c) => relayed.push(c))
    await expect(engine.start()).rejects.toThrow('journal view unreadable')
    expect(env.feed.bus.listenerCount('candle')).toBe(0)
    env.feed.bus.emit('candle', candle(0, 100))
    expect(relayed).toEqual([])
    expect(engine.isRunning).toBe(false)
    readable = true
    const paperCandles = vi.spyOn(env.paper, 'onCandle')
    await engine.start()
    env.feed.bus.emit('candle', candle(1, 100))
    expect(relayed).toHaveLength(1)
    expect(env.feed.bus.listenerCount('candle')).toBe(1)
    expect(paperCandles).toHaveBeenCalledTimes(1) // one market-data consumer per executor, not one per start
    await engine.stop()
  })

  it('marks the portfolio once per market event with a PaperTrader booking into it (issue 15)', async () => {
    const env = setup([])
    const marks = vi.spyOn(env.portfolio, 'mark')
    await env.engine.start()
    env.feed.bus.emit('candle', candle(0, 100))
    expect(marks).toHaveBeenCalledTimes(1)
    env.feed.bus.emit('trade', {
      venue: 'binance',
      symbol: 'BTCUSDT',
      tradeId: 't1',
      price: 101,
      qty: 1,
      side: 'BUY',
      tsEvent: 60_000,
    })
    expect(marks).toHaveBeenCalledTimes(2)
    env.feed.bus.emit('book', {
      venue: 'binance',
      symbol: 'BTCUSDT',
      bids: [[100, 1]],
      asks: [[102, 1]],
      tsEvent: 61_000,
    })
    expect(marks).toHaveBeenCalledTimes(3)
    expect(env.portfolio.snapshot().equity.toFixed()).toBe('10000')
    await env.engine.stop()
  })

  it('feeds the equity books move to the breakers: a position marked by books alone trips a loss breaker', async () => {
    const env = setup([])
    await env.engine.start()
    const book = (mid: number) =>
      env.feed.bus.emit('book', {
        venue: 'binance',
        symbol: 'BTCUSDT',
        bids: [[mid - 0.5, 1000]],
        asks: [[mid + 0.5, 1000]],
        tsEvent: env.clock.now(),
      })
    book(100)
    const qty = new Decimal('90')
    await env.paper.submit({
      ...{ clientOrderId: 'b1', strategyId: 's', venue: 'binance', symbol: 'BTCUSDT' },
      ...{ side: 'BUY', type: 'MARKET', qty },
    })
    expect(env.risk.state).toBe('ACTIVE')
    for (let mid = 99; mid >= 80; mid--) {
      await env.clock.advanceAsync(1_000)
      book(mid)
    }
    expect(env.portfolio.snapshot().equity.lt(9000)).toBe(true) // more than 10 % below the start
    expect(env.risk.status()).toMatchObject({ state: 'HALTED', reason: 'DAILY_LOSS' }) // 3 %, before the drawdown's 10 %
    await env.engine.stop()
  })

  it('rejects an invalid config with a ConfigError', () => {
    const env = setup([])
    const base = { feeds: [], strategies: [], risk: env.risk, portfolio: env.portfolio, instruments: [btc] }
    expect(() => new TradingEngine({ ...base, executors: [] })).toThrow(/at least one executor/)
    expect(
      () =>
        new TradingEngine({ ...base, executors: [env.paper], feedHealth: { action: 'STOP' as 'HALTED' } }),
    ).toThrow(/Invalid TradingEngine config: feedHealth.action/)
  })

  it('restores strategy state across a restart', async () => {
    const saved: Record<string, unknown>[] = []
    const stateStore = {
      load: async () => saved.at(-1),
      save: async (s: Readonly<Record<string, unknown>>) => {
        saved.push(JSON.parse(JSON.stringify(s)))
      },
    }
    const cfg = { venue: 'binance', symbol: 'BTCUSDT', interval: '1m', fast: 5, slow: 12 }
    const env = setup([new EmaCrossover(cfg)])
    const e1 = new TradingEngine({
      clock: env.clock,
      feeds: [{ name: 'sim', venue: 'binance', source: env.feed }],
      strategies: [new EmaCrossover(cfg)],
      risk: env.risk,
      executors: [env.paper],
      portfolio: env.portfolio,
      instruments: [btc],
      stateStore,
    })
    await e1.start()
    await play({ ...env, engine: e1 }, 0, 40)
    await e1.stop()
    expect(saved).toHaveLength(1)
    const restored = new EmaCrossover(cfg)
    const env2 = setup([restored])
    const e2 = new TradingEngine({
      clock: env2.clock,
      feeds: [{ name: 'sim', venue: 'binance', source: env2.feed }],
      strategies: [restored],
      risk: env2.risk,
      executors: [env2.paper],
      portfolio: env2.portfolio,
      instruments: [btc],
      stateStore,
    })
    await e2.start()
    expect(restored.snapshot().candles).toHaveLength(40)
    await e2.stop()
  })
})
