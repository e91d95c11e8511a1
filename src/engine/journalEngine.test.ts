import { EventEmitter } from 'eventemitter3'
import { describe, expect, it } from 'vitest'
import { ManualClock } from '../core/clock.js'
import { TypedEmitter } from '../core/events.js'
import type {
  Journal,
  JournalEntry,
  JournalEvents,
  JournalReconcileReport,
  JournalView,
} from '../core/journal.js'
import type { ExecutionClient, OrderFilter } from '../core/ports.js'
import type { Instrument, Order } from '../core/types.js'
import { Decimal } from '../decimal/index.js'
import { ValidationError } from '../errors/index.js'
import { Portfolio } from '../execution/index.js'
import { MemoryStateStore, RiskManager } from '../risk/index.js'
import { JOURNAL_SNAPSHOT_INTERVAL_MS, journalEngine } from './journalEngine.js'
import { OrderStrategyMap } from './OrderStrategyMap.js'
import { Subscriptions } from './Subscriptions.js'
import type { TradingEngineEvents } from './TradingEngineEvents.js'

const EMPTY: JournalView = { openOrders: [], positions: [], fillKeys: [], lastTrades: [] }

class MemoryJournal implements Journal {
  readonly bus = new EventEmitter<JournalEvents>()
  readonly events = this.bus
  readonly entries: JournalEntry[] = []
  constructor(readonly view: JournalView = EMPTY) {}
  append(e: JournalEntry): void {
    this.entries.push(e)
  }
  async flush(): Promise<void> {}
  async lastView(): Promise<JournalView> {
    return this.view
  }
  async close(): Promise<void> {}
}

async function setup() {
  const clock = new ManualClock(Date.UTC(2026, 11, 5))
  const risk = new RiskManager({ clock, store: new MemoryStateStore() })
  await risk.start()
  const journal = new MemoryJournal()
  const bus = new TypedEmitter<TradingEngineEvents>()
  const subs = new Subscriptions()
  const orders = new OrderStrategyMap()
  const cancelled: OrderFilter[] = []
  const portfolio = new Portfolio({ balances: { USDT: '1000' }, clock })
  const stop = await journalEngine(journal, {
    risk,
    portfolio,
    executors: [],
    clock,
    subs,
    bus,
    orders,
    cancelAll: async (f) => cancelled.push(f),
  })
  return { clock, risk, journal, bus, orders, cancelled, stop }
}

const order: Order = {
  clientOrderId: 'c1',
  venue: 'binance',
  symbol: 'BTCUSDT',
  side: 'BUY',
  type: 'LIMIT',
  qty: new Decimal('0.5'),
  price: new Decimal('100.10'),
  status: 'OPEN',
  filledQty: new Decimal(0),
  tsCreated: 1,
  tsUpdated: 2,
}

describe('journalEngine', () => {
  it('journals order events and fills with their strategy, and a snapshot a minute', async () => {
    const { journal, bus, orders, clock, stop } = await setup()
    orders.set('c1', 'ema')
    bus.emit('order.accepted', { type: 'order.accepted', order, tsEvent: 2 })
    const fill = {
      venue: 'binance',
      symbol: 'BTCUSDT',
      clientOrderId: 'c1',
      tradeId: '7',
      side: 'BUY',
      price: new Decimal('100.10'),
      qty: new Decimal('0.5'),
      fee: new Decimal('0.05'),
      feeAsset: 'USDT',
      liquidity: 'MAKER',
      tsEvent: 3,
    } as const
    const filled = { ...order, status: 'FILLED', filledQty: new Decimal('0.5'), tsUpdated: 3 } as const
    bus.emit('order.filled', { type: 'order.filled', order: filled, fills: [fill], tsEvent: 3 })
    expect(journal.entries.map((e) => [e.kind, 'strategyId' in e ? e.strategyId : undefined])).toEqual([
      ['order', 'ema'],
      ['fill', 'ema'],
      ['order', 'ema'],
    ])
    expect(journal.entries[0]).toMatchObject({
      event: 'order.accepted',
      price: '100.1',
      qty: '0.5',
      tsEvent: 2,
    })
    expect(journal.entries[1]).toMatchObject({ price: '100.1', fee: '0.05', tradeId: '7' })
    clock.advance(JOURNAL_SNAPSHOT_INTERVAL_MS)
    expect(journal.entries.at(-1)).toMatchObject({
      kind: 'snapshot',
      balances: [{ venue: 'portfolio', asset: 'USDT', total: '1000' }],
    })
    stop()
    expect(journal.entries.filter((e) => e.kind === 'snapshot')).toHaveLength(2)
  })

  it('takes the next snapshot after one the journal threw on (reported on error)', async () => {
    const { journal, bus, clock, stop } = await setup()
    const errors: string[] = []
    bus.on('error', (e) => errors.push(e.message))
    const append = journal.append.bind(journal)
    let fail = true
    journal.append = (e) => {
      if (e.kind === 'snapshot' && fail) {
        fail = false
        throw new Error('disk full')
      }
      append(e)
    }
    clock.advance(JOURNAL_SNAPSHOT_INTERVAL_MS) // throws: reported
    clock.advance(JOURNAL_SNAPSHOT_INTERVAL_MS) // taken all the same
    expect(errors).toEqual(['disk full'])
    expect(journal.entries.filter((e) => e.kind === 'snapshot')).toHaveLength(1)
    stop()
  })

  it("relays the journal's errors on the engine's error event", async () => {
    const { journal, bus } = await setup()
    const seen: string[] = []
    bus.on('error', (e) => seen.push(e.message))
    journal.bus.emit('error', new ValidationError('journal entry set aside: tsEvent is not finite'))
    expect(seen).toEqual(['journal entry set aside: tsEvent is not finite'])
  })

  it('a backlogged journal makes the guard REDUCING; a failed one HALTS and cancels open orders', async () => {
    const { journal, risk, cancelled } = await setup()
    journal.bus.emit('journal.backlogged', {
      type: 'journal.backlogged',
      reason: 'journal queue full',
      tsEvent: 1,
    })
    expect(risk.state).toBe('REDUCING')
    expect(risk.status().detail).toContain('journal queue full')
    journal.bus.emit('journal.caughtUp', { type: 'journal.caughtUp', tsEvent: 2 })
    expect(risk.state).toBe('ACTIVE')
    journal.bus.emit('journal.backlogged', {
      type: 'journal.backlogged',
      reason: 'database down',
      tsEvent: 3,
    })
    risk.halt('operator')
    journal.bus.emit('journal.caughtUp', { type: 'journal.caughtUp', tsEvent: 4 })
    expect(risk.state).toBe('HALTED') // a stricter state set meanwhile is left alone
    risk.resume()
    journal.bus.emit('journal.failed', { type: 'journal.failed', reason: 'disk full', tsEvent: 2 })
    expect(risk.state).toBe('HALTED')
    expect(cancelled).toEqual([{}])
    expect(
      journal.entries.filter((e) => e.kind === 'breaker').map((e) => e.kind === 'breaker' && e.to),
    ).toEqual(['REDUCING', 'ACTIVE', 'REDUCING', 'HALTED', 'ACTIVE', 'HALTED'])
  })
})

const perp: Instrument = {
  venue: 'binance-usdm',
  symbol: 'BTCUSDT',
  base: 'BTC',
  quote: 'USDT',
  kind: 'perpetual',
  tickSize: new Decimal('0.1'),
  stepSize: new Decimal('0.001'),
  minQty: new Decimal('0.001'),
}

/** An executor that reconciles the journal on `venue`, remembering the Portfolio's position when it does. */
function liveExecutor(venue: string, portfolio: Portfolio) {
  const seen: string[] = []
  const ex: Pick<ExecutionClient, 'venues' | 'events' | 'reconcileJournal'> = {
    venues: [venue],
    events: new EventEmitter(),
    reconcileJournal: async (): Promise<JournalReconcileReport> => {
      seen.push(portfolio.position(venue, 'BTCUSDT')?.qty.toString() ?? 'none')
      return {
        venue,
        filledWhileDown: [],
        canceledWhileDown: [],
        missingAtVenue: [],
        unknownAtVenue: [],
        unchanged: [],
        tsEvent: 1,
      }
    },
  }
  return { ex: ex as ExecutionClient, seen }
}

describe('journalEngine: restart and funding', () => {
  async function start(view: JournalView, executorVenue: string, before?: (p: Portfolio) => void) {
    const clock = new ManualClock(Date.UTC(2026, 11, 5))
    const risk = new RiskManager({ clock, store: new MemoryStateStore() })
    await risk.start()
    const journal = new MemoryJournal(view)
    const portfolio = new Portfolio({ balances: { USDT: '1000' }, instruments: [perp], clock })
    before?.(portfolio)
    const live = liveExecutor(executorVenue, portfolio)
    const bus = new TypedEmitter<TradingEngineEvents>()
    const errors: string[] = []
    bus.on('error', (e) => errors.push(`${e.code}: ${e.message}`))
    const stop = await journalEngine(journal, {
      risk,
      portfolio,
      executors: [live.ex],
      clock,
      subs: new Subscriptions(),
      bus,
      orders: new OrderStrategyMap(),
      cancelAll: async () => undefined,
    })
    return { portfolio, journal, seen: live.seen, stop, clock, errors }
  }
  const row = {
    venue: perp.venue,
    symbol: 'BTCUSDT',
    entryPrice: '100',
    realizedPnl: '5',
    fees: { USDT: '1' },
  }
  const view: JournalView = {
    ...EMPTY,
    positions: [
      { ...row, strategyId: 'ema', qty: '-0.5' },
      { ...row, strategyId: '', qty: '0.2' },
      { strategyId: 'ema', venue: 'other', symbol: 'XRPUSDT', qty: '3', entryPrice: '1' },
    ],
    instruments: [{ ...row, strategyId: '', qty: '-0.3', realizedPnl: '12' }],
  }

  it('starts the Portfolio from the view on the venues of executors that reconcile it, before they do', async () => {
    const { portfolio, seen } = await start(view, perp.venue)
    expect(seen).toEqual(['-0.3']) // restored before the reconciliation books what filled while down
    const p = portfolio.position(perp.venue, 'BTCUSDT')
    expect([
      p?.qty.toString(),
      p?.entryPrice?.toString(),
      p?.realizedPnl.toString(),
      p?.feesPaid.toString(),
    ]).toEqual(['-0.3', '100', '11', '1'])
    expect(
      portfolio.strategyPositions('ema').map((x) => [x.qty.toString(), x.realizedPnl.toString()]),
    ).toEqual([['-0.5', '5']])
  })

  it('leaves the Portfolio alone for venues no executor reconciles (paper, backtests)', async () => {
    const { portfolio, seen } = await start(view, 'binance')
    expect(seen).toEqual(['none'])
    expect(portfolio.positions()).toEqual([])
  })

  it('keeps a Portfolio that already holds positions (merged from the venue) and says so; refuses a bad view', async () => {
    const venueSays = { venue: perp.venue, symbol: 'BTCUSDT', qty: '0.7', entryPrice: '99' }
    const { portfolio, errors } = await start(view, perp.venue, (p) => p.restore({ positions: [venueSays] }))
    expect(portfolio.position(perp.venue, 'BTCUSDT')?.qty.toString()).toBe('0.7')
    expect(errors).toEqual([
      'INVALID_STATE: Portfolio not restored from the journal: it already has fills or positions',
    ])
    const bad: JournalView = { ...EMPTY, positions: [{ ...row, strategyId: 'ema', qty: 'NaN' }] }
    await expect(start(bad, perp.venue)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' })
  })

  it('journals the funding the Portfolio applies', async () => {
    const { portfolio, journal } = await start(EMPTY, perp.venue)
    portfolio.restore({ positions: [{ venue: perp.venue, symbol: 'BTCUSDT', qty: '2', entryPrice: '100' }] })
    portfolio.applyFunding(perp.venue, 'BTCUSDT', '0.0001', '100')
    expect(journal.entries.filter((e) => e.kind === 'funding')).toEqual([
      {
        kind: 'funding',
        id: expect.any(String),
        venue: perp.venue,
        symbol: 'BTCUSDT',
        asset: 'USDT',
        amount: '-0.02',
        tsEvent: Date.UTC(2026, 11, 5),
      },
    ])
  })
})
