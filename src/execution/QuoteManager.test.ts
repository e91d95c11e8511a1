import { describe, expect, it } from 'vitest'
import { ManualClock } from '../core/clock.js'
import { TypedEmitter } from '../core/events.js'
import type {
  CancelAllResult,
  ExecutionClient,
  ExecutionEvents,
  OrderBatching,
  OrderFilter,
  OrderIntent,
} from '../core/ports.js'
import type { QuoteLevel, QuoteTargets } from '../core/quotes.js'
import type { Instrument, Order } from '../core/types.js'
import { Decimal } from '../decimal/index.js'
import { NetworkError, OrderRejectedError } from '../errors/index.js'
import { PaperTrader } from './paper/PaperTrader.js'
import { QuoteManager, type QuoteManagerConfig } from './QuoteManager.js'
import { BTCPERP, BTCUSDT, NO, testFill, YES } from './testing/fixtures.js'

const D = (v: string | number): Decimal => new Decimal(v)
const INSTRUMENTS: Record<string, Instrument> = {
  [BTCUSDT.symbol]: BTCUSDT,
  [YES.symbol]: YES,
  [NO.symbol]: NO,
}

/** An ExecutionClient that records every call; submits can be held in flight. */
class FakeClient implements ExecutionClient {
  readonly venues = ['fake']
  readonly events = new TypedEmitter<ExecutionEvents>()
  readonly orders = new Map<string, Order>()
  readonly log: string[] = []
  hold = false
  readonly held: Array<() => void> = []

  submit(intent: OrderIntent): Promise<Order> {
    this.log.push(
      `place ${intent.side} ${intent.price?.toFixed()} ${intent.qty.toFixed()} ${intent.timeInForce}`,
    )
    const order: Order = { ...intent, status: 'OPEN', filledQty: D(0), tsCreated: 0, tsUpdated: 0 }
    this.orders.set(intent.clientOrderId, order)
    if (!this.hold) return Promise.resolve(order)
    return new Promise((resolve) => this.held.push(() => resolve(order)))
  }
  /** Cancels wait for `releaseCancels` (the order shows OPEN meanwhile, as on a client without PENDING_CANCEL). */
  holdCancels = false
  readonly #heldCancels: Array<(fail: boolean) => void> = []
  async cancel(cid: string): Promise<Order> {
    const sent = this.orders.get(cid)
    this.log.push(`cancel ${sent?.side} ${sent?.price?.toFixed()}`)
    if (this.holdCancels && (await new Promise<boolean>((r) => this.#heldCancels.push(r)))) {
      throw new NetworkError('connection reset')
    }
    const o = this.orders.get(cid)
    if (o === undefined || o.status !== 'OPEN') throw new OrderRejectedError('fake', 'unknown order')
    const done: Order = { ...o, status: 'CANCELED' }
    this.orders.set(cid, done)
    return done
  }
  /** Answers the held cancels: each fails (the order rests on) or goes through. */
  releaseCancels(outcome: 'fail' | 'succeed'): void {
    for (const answer of this.#heldCancels.splice(0)) answer(outcome === 'fail')
  }
  /** Fills `qty` of an open order and reports it (`order.filled`), as an executor does. */
  fill(cid: string, qty: string): void {
    const o = this.orders.get(cid) as Order
    const filledQty = o.filledQty.plus(qty)
    const now: Order = { ...o, filledQty, status: filledQty.gte(o.qty) ? 'FILLED' : 'OPEN' }
    this.orders.set(cid, now)
    const fill = testFill(INSTRUMENTS[o.symbol] ?? BTCUSDT, o.side, qty, o.price?.toFixed() ?? '0', {
      clientOrderId: cid,
      liquidity: 'MAKER',
    })
    this.events.emit('order.filled', { type: 'order.filled', order: now, fills: [fill], tsEvent: 0 })
  }
  async cancelAll(): Promise<CancelAllResult> {
    return { canceled: [], failed: [] }
  }
  openOrders(filter?: OrderFilter): readonly Order[] {
    return [...this.orders.values()].filter(
      (o) => o.status === 'OPEN' && (filter?.venue === undefined || o.venue === filter.venue),
    )
  }
  async shutdown(): Promise<void> {}
  resting(): string[] {
    return this.openOrders()
      .map((o) => `${o.side} ${o.price?.toFixed()} ${o.qty.minus(o.filledQty).toFixed()}`)
      .sort()
  }
}

const level = (side: 'BUY' | 'SELL', price: string, qty: string, symbol = BTCUSDT.symbol): QuoteLevel => ({
  symbol,
  side,
  price: D(price),
  qty: D(qty),
})
const set = (levels: QuoteLevel[], over: Partial<QuoteTargets> = {}): QuoteTargets => ({
  strategyId: 'mm',
  venue: 'fake',
  symbols: [BTCUSDT.symbol],
  levels,
  tsEvent: 0,
  ...over,
})

function setup(over: Partial<QuoteManagerConfig> = {}, inst: Instrument = BTCUSDT) {
  const clock = new ManualClock(1_000)
  const client = new FakeClient()
  let instrument = inst
  const qm = new QuoteManager({
    client,
    clock,
    instrument: (_v, s) => (s === instrument.symbol ? instrument : undefined),
    ...over,
  })
  return {
    clock,
    client,
    qm,
    setInstrument: (i: Instrument): void => {
      instrument = i
    },
  }
}

describe('QuoteManager', () => {
  it('places post-only quotes on the grid: bids rounded down, asks up, quantities down, tiny levels dropped', async () => {
    const { client, qm } = setup()
    const r = await qm.apply(
      set([level('BUY', '100.019', '0.0509'), level('SELL', '100.021', '0.05'), level('BUY', '99', '0.01')]),
    )
    expect(r.placed).toHaveLength(2)
    // 99 × 0.01 = 0.99 < minNotional 5: dropped.
    expect(client.resting()).toEqual(['BUY 100.01 0.05', 'SELL 100.03 0.05'])
    expect(client.log.every((l) => l.endsWith('POST_ONLY'))).toBe(true)
  })

  it('reports the stated levels it dropped under the minimums, so a set that rests nothing says why', async () => {
    const { client, qm } = setup()
    const tiny = level('SELL', '99', '0.05') // 99 × 0.05 = 4.95 < minNotional 5
    const ok = level('SELL', '101', '0.05') // 5.05: quoted
    const r = await qm.apply(set([tiny, ok, level('BUY', '99', '0.0004')])) // under the step: 0 after rounding
    expect(r.placed).toHaveLength(1)
    expect(r.dropped.map((l) => `${l.side} ${l.price.toFixed()} ${l.qty.toFixed()}`)).toEqual([
      'SELL 99 0.05',
      'BUY 99 0.0004',
    ])
    expect(client.resting()).toEqual(['SELL 101 0.05'])
    // A price move that lifts the notional over the minimum quotes the level at the next refresh.
    const again = await qm.apply(set([level('SELL', '100.1', '0.05'), ok]))
    expect(again.dropped).toEqual([])
    expect(client.resting()).toEqual(['SELL 100.1 0.05', 'SELL 101 0.05'])
  })

  it('leaves quotes within the tolerance alone and replaces drifted ones, cancels before places', async () => {
    const { client, qm } = setup({ toleranceTicks: 2 })
    await qm.apply(set([level('BUY', '100', '0.1'), level('SELL', '101', '0.1')]))
    client.log.length = 0
    const r = await qm.apply(set([level('BUY', '100.02', '0.1'), level('SELL', '101.05', '0.1')]))
    expect(r.kept).toHaveLength(1)
    expect(r.canceled).toHaveLength(1)
    expect(client.log).toEqual(['cancel SELL 101', 'place SELL 101.05 0.1 POST_ONLY'])
    expect(client.resting()).toEqual(['BUY 100 0.1', 'SELL 101.05 0.1'])
  })

  it('tolerance in bps', async () => {
    const { client, qm } = setup({ toleranceBps: 10 })
    await qm.apply(set([level('BUY', '100', '0.1')]))
    await qm.apply(set([level('BUY', '100.1', '0.1')])) // 10 bps of 100.1 = 0.1001: kept
    expect(client.resting()).toEqual(['BUY 100 0.1'])
    await qm.apply(set([level('BUY', '100.2', '0.1')]))
    expect(client.resting()).toEqual(['BUY 100.2 0.1'])
  })

  it('does not replace a quote younger than minOrderAgeMs, but does once it is old enough', async () => {
    const { client, clock, qm } = setup({ minOrderAgeMs: 500 })
    await qm.apply(set([level('BUY', '100', '0.1')]))
    clock.advance(100)
    await qm.apply(set([level('BUY', '100.5', '0.1')]))
    expect(client.resting()).toEqual(['BUY 100 0.1'])
    clock.advance(400)
    await qm.apply(set([level('BUY', '100.5', '0.1')]))
    expect(client.resting()).toEqual(['BUY 100.5 0.1'])
  })

  it('places nothing on a side whose cancel failed (what rests never exceeds the set)', async () => {
    const { client, qm } = setup()
    const errors: string[] = []
    qm.events.on('error', (e) => errors.push(e.message))
    await qm.apply(set([level('BUY', '100', '0.1'), level('SELL', '101', '0.1')]))
    const cancel = client.cancel.bind(client)
    client.cancel = async () => {
      throw new OrderRejectedError('fake', 'venue busy')
    }
    const r = await qm.apply(set([level('BUY', '99', '0.1'), level('SELL', '102', '0.1')]))
    expect(r.placed).toEqual([])
    expect(client.resting()).toEqual(['BUY 100 0.1', 'SELL 101 0.1'])
    expect(errors).toHaveLength(2)
    client.cancel = cancel
    await qm.apply(set([level('BUY', '99', '0.1'), level('SELL', '102', '0.1')]))
    expect(client.resting()).toEqual(['BUY 99 0.1', 'SELL 102 0.1'])
  })

  it('a quote the client is still cancelling (shown OPEN) is not cancelled twice: its side waits for the answer', async () => {
    const { client, qm } = setup()
    qm.events.on('error', () => {})
    await qm.apply(set([level('BUY', '100', '0.1')]))
    client.holdCancels = true
    const pulled = qm.pull('fake', BTCUSDT.symbol, 'feed stale')
    const refresh = qm.apply(set([level('BUY', '99', '0.1')]))
    client.releaseCancels('fail')
    const r = await refresh
    await pulled
    expect(client.log.filter((l) => l.startsWith('cancel'))).toEqual(['cancel BUY 100'])
    expect([r.placed, r.canceled, r.kept]).toEqual([[], [], []])
    expect(client.resting()).toEqual(['BUY 100 0.1'])
  })

  it('an empty set cancels every quote of the covered symbols, whatever their age', async () => {
    const { client, qm } = setup({ minOrderAgeMs: 60_000 })
    await qm.apply(set([level('BUY', '100', '0.1'), level('SELL', '101', '0.1')]))
    await qm.apply(set([]))
    expect(client.resting()).toEqual([])
  })

  it('re-quotes every resting order when the tick size changes', async () => {
    const { client, qm, setInstrument } = setup({ minOrderAgeMs: 60_000, toleranceTicks: 5 })
    await qm.apply(set([level('BUY', '100.01', '0.1')]))
    setInstrument({ ...BTCUSDT, tickSize: D('0.1') })
    await qm.refresh()
    expect(client.resting()).toEqual(['BUY 100 0.1'])
  })

  it('setTickSize re-quotes at once on the new grid', async () => {
    const { client, qm } = setup({ minOrderAgeMs: 60_000, toleranceTicks: 5 })
    await qm.apply(set([level('BUY', '100.07', '0.1'), level('SELL', '100.13', '0.1')]))
    await qm.setTickSize('fake', BTCUSDT.symbol, D('0.1'))
    expect(client.resting()).toEqual(['BUY 100 0.1', 'SELL 100.2 0.1'])
  })

  it('pullAll cancels every quote, cancels a placement that lands afterwards, and places nothing until resume', async () => {
    const { client, qm } = setup()
    await qm.apply(set([level('BUY', '100', '0.1')]))
    client.hold = true
    const pending = qm.apply(set([level('BUY', '100', '0.1'), level('SELL', '101', '0.1')]))
    await Promise.resolve()
    const pulled = await qm.pullAll('kill switch')
    expect(pulled.canceled).toHaveLength(1)
    for (const release of client.held) release()
    await pending
    expect(client.resting()).toEqual([])
    client.hold = false
    const r = await qm.apply(set([level('BUY', '100', '0.1')]))
    expect(r.skipped).toBe('halted')
    expect(client.resting()).toEqual([])
    qm.resume()
    await qm.refresh()
    expect(client.resting()).toEqual(['BUY 100 0.1'])
  })

  it('pull on one instrument cancels only its quotes', async () => {
    const { client, qm } = setup({}, YES)
    const yes = (side: 'BUY' | 'SELL', p: string): QuoteLevel => level(side, p, '10', YES.symbol)
    await qm.apply(set([yes('BUY', '0.4'), yes('SELL', '0.6')], { symbols: [YES.symbol] }))
    await qm.apply(set([level('BUY', '100', '0.1')], { strategyId: 'other' }))
    await qm.pull('fake', YES.symbol, 'feed stale')
    expect(client.resting()).toEqual([])
    expect(qm.openQuotes()).toHaveLength(0)
  })

  it('a refresh on one venue keeps tracking the quotes of the others: no duplicates, pullAll pulls them all', async () => {
    const { client, qm } = setup()
    const bid = [level('BUY', '100', '0.1')]
    await qm.apply(set(bid, { venue: 'b' }))
    await qm.apply(set(bid, { venue: 'a' }))
    const again = await qm.apply(set(bid, { venue: 'b' }))
    expect(again.placed).toEqual([])
    expect(again.kept).toHaveLength(1)
    expect(qm.openQuotes({ venue: 'b' })).toHaveLength(1)
    const r = await qm.pullAll('kill switch')
    expect(r.canceled).toHaveLength(2)
    expect(client.resting()).toEqual([])
  })

  it('coalesces refreshes: while one runs only the latest set is applied next', async () => {
    const { client, qm } = setup()
    client.hold = true
    const a = qm.apply(set([level('BUY', '100', '0.1')]))
    const b = qm.apply(set([level('BUY', '100.5', '0.1')]))
    const c = qm.apply(set([level('BUY', '101', '0.1')]))
    for (let i = 0; i < 5; i++) {
      await Promise.resolve()
      for (const release of client.held.splice(0)) release()
    }
    client.hold = false
    await Promise.all([a, b, c])
    expect(client.log).toEqual([
      'place BUY 100 0.1 POST_ONLY',
      'cancel BUY 100',
      'place BUY 101 0.1 POST_ONLY',
    ])
  })

  it('on PaperTrader: a crossing quote is refused (post-only), the others rest; pullAll leaves nothing', async () => {
    const clock = new ManualClock(1_000)
    const paper = new PaperTrader({ instruments: [BTCUSDT], balances: { USDT: '100000' }, clock })
    paper.onBook({
      venue: 'fake',
      symbol: BTCUSDT.symbol,
      bids: [[100, 1]],
      asks: [[100.5, 1]],
      tsEvent: 1_000,
    })
    const errors: string[] = []
    const qm = new QuoteManager({ client: paper, clock, instrument: () => BTCUSDT })
    qm.events.on('error', (e) => errors.push(e.message))
    await qm.apply(set([level('BUY', '100.6', '0.1'), level('BUY', '99.9', '0.1')]))
    expect(paper.openOrders().map((o) => o.price?.toFixed())).toEqual(['99.9'])
    const report = await qm.pullAll('halt')
    expect(report.failed).toEqual([])
    expect(paper.openOrders()).toEqual([])
    expect(errors).toEqual([])
  })
})

/** A FakeClient whose venue replaces in one call; `refuse` names quotes whose cancel leg fails (they keep resting). */
class ReplacingClient extends FakeClient {
  readonly refuse = new Set<string>()
  batching(): OrderBatching {
    return { maxPlace: 10, maxCancel: 10, replace: 'cancelReplace' }
  }
  async replace(cid: string, intent: OrderIntent): Promise<Order> {
    const o = this.orders.get(cid)
    this.log.push(`replace ${o?.side} ${o?.price?.toFixed()} -> ${intent.price?.toFixed()}`)
    if (o === undefined || this.refuse.has(cid)) throw new OrderRejectedError('fake', 'cancel leg failed')
    this.orders.set(cid, { ...o, status: 'CANCELED' })
    const order: Order = { ...intent, status: 'OPEN', filledQty: D(0), tsCreated: 0, tsUpdated: 0 }
    this.orders.set(intent.clientOrderId, order)
    return order
  }
}

describe('QuoteManager with a venue that replaces in one call', () => {
  it('pairs each moved quote with its target; a failed replace keeps its side free, the others move', async () => {
    const client = new ReplacingClient()
    const qm = new QuoteManager({ client, clock: new ManualClock(1_000), instrument: () => BTCUSDT })
    const errors: string[] = []
    qm.events.on('error', (e) => errors.push(e.message))
    await qm.apply(set([level('BUY', '100', '0.1'), level('BUY', '99', '0.1'), level('SELL', '101', '0.1')]))
    const bid99 = client.openOrders().find((o) => o.price?.eq(99))?.clientOrderId as string
    client.refuse.add(bid99)
    client.log.length = 0
    const r = await qm.apply(
      set([level('BUY', '100.5', '0.1'), level('BUY', '98', '0.1'), level('SELL', '101.5', '0.1')]),
    )
    expect([...client.log].sort()).toEqual([
      'replace BUY 100 -> 100.5',
      'replace BUY 99 -> 98',
      'replace SELL 101 -> 101.5',
    ])
    expect(r.placed).toHaveLength(2)
    expect(r.canceled).toHaveLength(2)
    expect(errors).toEqual(['cancel leg failed'])
    // The quote whose replace failed still rests; nothing new joined its side beyond the set.
    expect(client.resting()).toEqual(['BUY 100.5 0.1', 'BUY 99 0.1', 'SELL 101.5 0.1'])
  })
})

/** A PaperTrader on a venue without one-call replace (Polymarket: a refresh cancels, then places). */
class CancelThenPlacePaper extends PaperTrader {
  override batching(venue: string): OrderBatching | undefined {
    return this.venues.includes(venue) ? { maxPlace: 15, maxCancel: 3000 } : undefined
  }
}

describe('QuoteManager: a quote of ours fills after the set was approved', () => {
  const show = (ls: readonly QuoteLevel[]) => ls.map((l) => `${l.symbol} ${l.side} ${l.price.toFixed()}`)

  it('the bid filling while its cancel travels: the new bid is withheld (not placed on the old position)', async () => {
    const clock = new ManualClock(1_000)
    const paper = new CancelThenPlacePaper({
      instruments: [BTCPERP],
      balances: { USDT: '100000' },
      clock,
      latencyMs: 100,
    })
    const book = (bid: number, ask: number) =>
      paper.onBook({ venue: 'fake', symbol: BTCPERP.symbol, bids: [[bid, 5]], asks: [[ask, 5]], tsEvent: 0 })
    const resting = () => paper.openOrders().map((o) => `${o.side} ${o.price?.toFixed()}`)
    const qm = new QuoteManager({ client: paper, clock, instrument: () => BTCPERP })
    const perp = (side: 'BUY' | 'SELL', price: string) => level(side, price, '0.1', BTCPERP.symbol)
    const quotes = (levels: QuoteLevel[]) => set(levels, { symbols: [BTCPERP.symbol] })
    const applied = async (levels: QuoteLevel[]) => {
      const r = qm.apply(quotes(levels))
      await clock.advanceAsync(300)
      return r
    }
    book(100, 102)
    await applied([perp('BUY', '100.5'), perp('SELL', '101.5')])
    expect(resting()).toEqual(['BUY 100.5', 'SELL 101.5'])
    book(101, 103)
    const moving = qm.apply(quotes([perp('BUY', '101.5'), perp('SELL', '102.5')])) // approved: position 0
    await clock.advanceAsync(50) // both cancels are on their way
    paper.onTrade({
      venue: 'fake',
      symbol: BTCPERP.symbol,
      tradeId: 't',
      price: 100,
      qty: 1,
      side: 'SELL',
      tsEvent: 0,
    })
    await clock.advanceAsync(250)
    const r = await moving
    expect(paper.portfolio.positionQty('fake', BTCPERP.symbol).toFixed()).toBe('0.1')
    expect(resting()).toEqual(['SELL 102.5']) // the ask only gained room
    expect(show(r.withheld)).toEqual([`${BTCPERP.symbol} BUY 101.5`])
    // The next set, approved against the new position, places its bid.
    const next = await applied([perp('BUY', '101.5'), perp('SELL', '102.5')])
    expect(next.withheld).toEqual([])
    expect(resting()).toEqual(['SELL 102.5', 'BUY 101.5'])
  })

  it('a cancel answered with the quote partly filled holds back its side, not the other', async () => {
    const { client, qm } = setup()
    await qm.apply(set([level('BUY', '100', '0.1'), level('SELL', '101', '0.1')]))
    const bid = client.openOrders().find((o) => o.side === 'BUY') as Order
    const cancel = client.cancel.bind(client)
    client.cancel = async (cid) => {
      const done = await cancel(cid)
      // The venue's answer: the bid had filled 0.04 before the cancel reached it (no fill reported yet).
      return cid === bid.clientOrderId ? { ...done, filledQty: D('0.04') } : done
    }
    const r = await qm.apply(set([level('BUY', '99', '0.1'), level('SELL', '102', '0.1')]))
    expect(client.resting()).toEqual(['SELL 102 0.1'])
    expect(show(r.withheld)).toEqual(['BTCUSDT BUY 99'])
  })

  it('in an outcome pair, a YES bid that fills holds back the NO ask too (the same exposure)', async () => {
    const client = new FakeClient()
    const qm = new QuoteManager({
      client,
      clock: new ManualClock(1_000),
      instrument: (_v, s) => INSTRUMENTS[s],
    })
    const pair = (levels: QuoteLevel[]) =>
      set(levels, { symbols: [YES.symbol, NO.symbol], outcomePair: [YES.symbol, NO.symbol] })
    const yes = (side: 'BUY' | 'SELL', p: string) => level(side, p, '10', YES.symbol)
    const no = (side: 'BUY' | 'SELL', p: string) => level(side, p, '10', NO.symbol)
    await qm.apply(pair([yes('BUY', '0.4'), yes('SELL', '0.6'), no('SELL', '0.62'), no('BUY', '0.38')]))
    const yesBid = client.openOrders().find((o) => o.symbol === YES.symbol && o.side === 'BUY') as Order
    client.holdCancels = true
    const moving = qm.apply(
      pair([yes('BUY', '0.41'), yes('SELL', '0.61'), no('SELL', '0.61'), no('BUY', '0.39')]),
    )
    await Promise.resolve()
    client.fill(yesBid.clientOrderId, '10')
    client.releaseCancels('succeed')
    const r = await moving
    expect(client.resting()).toEqual(['BUY 0.39 10', 'SELL 0.61 10'])
    expect(show(r.withheld)).toEqual([`${YES.symbol} BUY 0.41`, `${NO.symbol} SELL 0.61`])
  })
})
