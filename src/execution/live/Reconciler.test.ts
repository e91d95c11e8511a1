import { afterEach, describe, expect, it } from 'vitest'
import { ManualClock } from '../../core/clock.js'
import type { OrderIntent } from '../../core/ports.js'
import type { Fill, Order } from '../../core/types.js'
import { Decimal } from '../../decimal/index.js'
import { RateLimitError } from '../../errors/index.js'
import { Portfolio } from '../Portfolio.js'
import { FakeExchangeAdapter } from '../testing/FakeExchangeAdapter.js'
import { BTCUSDT } from '../testing/fixtures.js'
import { OrderExecutor, type OrderExecutorConfig } from './OrderExecutor.js'

let n = 0
const limitBuy = (qty = '1', price = '100'): OrderIntent => ({
  clientOrderId: `r${++n}`,
  venue: 'fake',
  symbol: 'BTCUSDT',
  side: 'BUY',
  type: 'LIMIT',
  strategyId: 's',
  qty: new Decimal(qty),
  price: new Decimal(price),
})

const flush = async () => {
  for (let i = 0; i < 50; i++) await Promise.resolve()
}

const running: OrderExecutor[] = []
afterEach(async () => {
  for (const e of running.splice(0)) await e.shutdown({ cancelOpenOrders: false, timeoutMs: 1 })
})

async function setup(extra: Partial<OrderExecutorConfig> = {}) {
  const clock = new ManualClock(10_000)
  const adapter = new FakeExchangeAdapter('fake', [BTCUSDT], () => clock.now())
  adapter.enableOrderFills()
  const exec = new OrderExecutor({ adapter, clock, queryIntervalMs: 100, queryAttempts: 3, ...extra })
  running.push(exec)
  const fills: Fill[] = []
  let reconciled = 0
  exec.events.on('order.filled', (e) => fills.push(...e.fills))
  exec.events.on('orders.reconciled', () => reconciled++)
  exec.events.on('error', () => {})
  await exec.start()
  return { clock, adapter, exec, fills, reconciled: () => reconciled }
}

describe('Reconciler (the OrderExecutor decides what to re-query)', () => {
  it('after a reconnect, a fill lost with the stream is recovered exactly once, with its fee', async () => {
    const { adapter, exec, fills, reconciled } = await setup()
    const a = await exec.submit(limitBuy('2'))
    const seen = adapter.fill(a.clientOrderId, '1')
    adapter.dropStream()
    const lost = adapter.fill(a.clientOrderId, '1', '99')
    adapter.reconnectStream()
    await flush()
    expect(reconciled()).toBe(2) // start + the reconnect's first pass
    expect(fills.map((f) => [f.tradeId, f.fee.toString()])).toEqual([
      [seen.tradeId, '0.1'],
      [lost.tradeId, '0.099'],
    ])
    expect(exec.order(a.clientOrderId)?.status).toBe('FILLED')
  })

  it('looks again after reconnectRecheckDelayMs: what was lost right after the reconnect is caught', async () => {
    const { clock, adapter, exec, fills, reconciled } = await setup({ reconnectRecheckDelayMs: 1000 })
    const a = await exec.submit(limitBuy())
    adapter.dropStream()
    adapter.reconnectStream()
    adapter.dropStream() // the re-subscription is not in effect yet: events are still lost
    await flush()
    expect(reconciled()).toBe(2)
    const lost = adapter.fill(a.clientOrderId, '1')
    await flush()
    expect(fills).toEqual([])
    await clock.advanceAsync(999)
    expect(fills).toEqual([])
    await clock.advanceAsync(1)
    await flush()
    expect(reconciled()).toBe(3)
    expect(fills.map((f) => [f.tradeId, f.fee.toString()])).toEqual([[lost.tradeId, '0.1']])
  })

  it('a failed read does not stop the pass: every tracked order is looked up, and the pass is retried with backoff', async () => {
    const { clock, adapter, exec, fills, reconciled } = await setup({ reconnectRecheckDelayMs: 0 })
    const errors: string[] = []
    exec.events.on('error', (e) => errors.push(e.code))
    const a = await exec.submit(limitBuy('2'))
    adapter.dropStream()
    const lost = adapter.fill(a.clientOrderId, '2')
    adapter.failReads('openOrders')
    adapter.failReads('balances', 2)
    adapter.reconnectStream()
    await flush()
    // The open list could not be read: the order was looked up by client id and its lost fill recovered.
    expect(fills.map((f) => f.tradeId)).toEqual([lost.tradeId])
    expect(exec.order(a.clientOrderId)?.status).toBe('FILLED')
    expect(errors).toEqual(['HTTP_ERROR'])
    expect(reconciled()).toBe(1) // only the start: the failed pass reports nothing
    await clock.advanceAsync(1000) // first retry fails again (balances)
    await flush()
    expect(errors).toEqual(['HTTP_ERROR', 'HTTP_ERROR'])
    expect(reconciled()).toBe(1)
    await clock.advanceAsync(2000) // second retry succeeds
    await flush()
    expect(reconciled()).toBe(2)
    expect(fills).toHaveLength(1)
  })

  it('a pass refused by a rate limit is retried only once the limit lets us in again', async () => {
    const { clock, adapter, exec, reconciled } = await setup({ reconnectRecheckDelayMs: 0 })
    exec.events.on('error', () => {})
    await exec.submit(limitBuy())
    adapter.failReads('balances', 1, () => new RateLimitError('limited', 5000))
    adapter.reconnectStream()
    await flush()
    expect(reconciled()).toBe(1)
    await clock.advanceAsync(4999) // the backoff alone (1 s) would have asked four times by now
    await flush()
    expect(reconciled()).toBe(1)
    await clock.advanceAsync(1)
    await flush()
    expect(reconciled()).toBe(2)
  })

  it('an ack that reports a match without its fills, while the stream is down: the fills are looked up', async () => {
    const { clock, adapter, exec, fills } = await setup({ reconnectRecheckDelayMs: 0 })
    adapter.ackWithFills(false)
    adapter.setPrice('BTCUSDT', '100')
    adapter.dropStream()
    const a = await exec.submit({ ...limitBuy('1', '100'), type: 'MARKET', price: undefined })
    await flush()
    expect(fills).toEqual([])
    await clock.advanceAsync(100) // queryIntervalMs
    await flush()
    expect(fills).toHaveLength(1)
    expect(fills[0]?.fee.toString()).toBe('0.1')
    expect(exec.order(a.clientOrderId)?.status).toBe('FILLED')
  })

  it('an order that reaches the venue after the look-ups but within its arrival window is found, never rejected', async () => {
    // The soak's USD-M drift under CPU load (seed 8675309): a timed-out POST processed after every look-up said "not
    // known" was marked REJECTED; its fill then could not apply, and the wallet missed the fee and the PnL.
    const { clock, adapter, exec, fills } = await setup({ reconnectRecheckDelayMs: 0 })
    adapter.orderArrivalWindowMs = 6000
    adapter.setPrice('BTCUSDT', '100')
    const statuses: string[] = []
    exec.events.on('order.rejected', (e) => statuses.push(e.order.status))
    adapter.failNext('LATE_ARRIVAL')
    const a = await exec.submit({ ...limitBuy('1', '100'), type: 'MARKET', price: undefined })
    await flush()
    await clock.advanceAsync(300) // every one of the 3 look-ups says "not known"
    await flush()
    expect(exec.order(a.clientOrderId)?.status).toBe('PENDING_NEW')
    adapter.deliverLate() // the slow request arrives, within recvWindow, and fills
    await clock.advanceAsync(6000) // the window closes: one more look-up finds it
    await flush()
    await clock.advanceAsync(200)
    await flush()
    expect(statuses).toEqual([])
    expect(exec.order(a.clientOrderId)?.status).toBe('FILLED')
    expect(fills).toHaveLength(1)
  })

  it('without an arrival window, an order unknown after every look-up is rejected at once (as before)', async () => {
    const { clock, adapter, exec } = await setup({ reconnectRecheckDelayMs: 0 })
    adapter.failNext('LATE_ARRIVAL')
    const a = await exec.submit(limitBuy())
    await flush()
    await clock.advanceAsync(300)
    await flush()
    expect(exec.order(a.clientOrderId)?.status).toBe('REJECTED')
  })

  /** A limit buy at 90 that reached the venue after every look-up said "not known": REJECTED here, held by the venue. */
  async function rejectedLate() {
    const rig = await setup({ reconnectRecheckDelayMs: 0 })
    const portfolio = new Portfolio({ balances: { USDT: '10000' }, instruments: [BTCUSDT] })
    portfolio.attach(rig.exec)
    const errors: string[] = []
    rig.exec.events.on('error', (e) => errors.push(e.message))
    rig.adapter.failNext('LATE_ARRIVAL')
    const a = await rig.exec.submit(limitBuy('1', '90'))
    await flush()
    await rig.clock.advanceAsync(300)
    await flush()
    expect(rig.exec.order(a.clientOrderId)?.status).toBe('REJECTED')
    const said = (word: string) =>
      errors.filter((m) => m.includes(a.clientOrderId) && m.includes(word)).length
    return { ...rig, portfolio, cid: a.clientOrderId, said }
  }

  it('a rejected order the venue accepts later after all is cancelled there, and the error event says so', async () => {
    // A placement held up somewhere (our limiter, the network) on a venue with no arrival window reaches the venue
    // after every look-up said "not known": nobody waits for it, and it must not rest (the makers soak's stale quote).
    const { adapter, exec, cid, said } = await rejectedLate()
    adapter.deliverLate() // the venue has it open now, and its stream says so
    await flush()
    expect(adapter.orders.get(cid)?.status).toBe('CANCELED')
    expect(said('cancelling')).toBe(1)
    expect(exec.order(cid)?.status).toBe('REJECTED')
    // A reconciliation finds nothing of it open any more.
    const report = await exec.reconcile()
    expect(report.openOrders.map((o) => o.clientOrderId)).not.toContain(cid)
  })

  it('a rejected order the venue fills before our cancel lands: its fills are booked, the rest is cancelled', async () => {
    // The revenant fills at once (a crossing order, or a fill before the cancel arrives): its fills must reach the
    // order and the Portfolio, not be refused because the order was REJECTED here (the venue's position would drift).
    const { adapter, exec, fills, portfolio, cid, said } = await rejectedLate()
    adapter.deliverLate() // open at the venue now: the executor sends a cancel
    adapter.fill(cid, '0.4') // ... which a fill beats
    await flush()
    expect(fills.map((f) => f.qty.toString())).toEqual(['0.4'])
    expect(portfolio.position('fake', 'BTCUSDT')?.qty.toString()).toBe('0.4')
    expect(portfolio.cash('USDT').toString()).toBe('9963.964') // 0.4 × 90 and a 0.1 % fee
    expect(exec.order(cid)?.status).toBe('CANCELED')
    expect(exec.order(cid)?.filledQty.toString()).toBe('0.4')
    expect(adapter.orders.get(cid)?.status).toBe('CANCELED')
    expect([said('cancelling'), said('booked')]).toEqual([1, 1])
  })

  it('a rejected order the venue filled in full on arrival: its fill is booked', async () => {
    const { adapter, exec, fills, portfolio, cid, said } = await rejectedLate()
    adapter.setPrice('BTCUSDT', '89') // the late order crosses when it arrives: filled at once
    adapter.deliverLate()
    await flush()
    expect(exec.order(cid)?.status).toBe('FILLED')
    expect(fills.map((f) => `${f.qty.toString()}@${f.price.toString()}`)).toEqual(['1@89'])
    expect(portfolio.position('fake', 'BTCUSDT')?.qty.toString()).toBe('1')
    expect(portfolio.cash('USDT').toString()).toBe('9910.911') // 1 × 89 and a 0.1 % fee
    expect(said('booked')).toBe(1)
  })

  it('a rejected order the venue placed and filled while our stream was down: the reconnect pass books its fill', async () => {
    // In no open list (it is filled) and no stream event reached us: only a look-up of the rejected order finds it.
    const { adapter, exec, fills, portfolio, cid, said } = await rejectedLate()
    adapter.dropStream()
    adapter.deliverLate()
    adapter.fill(cid, '1')
    adapter.reconnectStream()
    await flush()
    expect(exec.order(cid)?.status).toBe('FILLED')
    expect(fills.map((f) => f.qty.toString())).toEqual(['1'])
    expect(portfolio.position('fake', 'BTCUSDT')?.qty.toString()).toBe('1')
    expect(said('booked')).toBe(1)
    adapter.dropStream() // a later pass leaves it alone: it is no longer rejected
    adapter.reconnectStream()
    await flush()
    expect(fills).toHaveLength(1)
  })

  it('with reconnectRecheckDelayMs 0 there is one pass per reconnect', async () => {
    const { clock, adapter, exec, reconciled } = await setup({ reconnectRecheckDelayMs: 0 })
    await exec.submit(limitBuy())
    adapter.reconnectStream()
    await flush()
    await clock.advanceAsync(10_000)
    await flush()
    expect(reconciled()).toBe(2)
  })

  it('passes never overlap: reconnects during a pass give one more pass, and restart the delayed one', async () => {
    const { clock, adapter, exec, reconciled } = await setup({ reconnectRecheckDelayMs: 500 })
    await exec.submit(limitBuy())
    adapter.reconnectStream()
    adapter.reconnectStream()
    adapter.reconnectStream()
    await flush()
    expect(reconciled()).toBe(3) // start, the first pass, one pass for the reconnects it coalesced
    await clock.advanceAsync(499)
    await flush()
    expect(reconciled()).toBe(3)
    await clock.advanceAsync(1)
    await flush()
    expect(reconciled()).toBe(4) // one delayed pass, not three
  })

  it('re-queries tracked orders by client id with at most reconcileConcurrency requests at once', async () => {
    const { adapter, exec, reconciled } = await setup({ reconcileConcurrency: 2 })
    const orders: Order[] = []
    for (let i = 0; i < 7; i++) orders.push(await exec.submit(limitBuy()))
    adapter.dropStream()
    for (const o of orders) await adapter.cancelOrder('BTCUSDT', o.clientOrderId) // elsewhere, unseen
    let inFlight = 0
    let most = 0
    const query = adapter.queryOrder.bind(adapter)
    adapter.queryOrder = async (symbol, cid) => {
      most = Math.max(most, ++inFlight)
      await flush()
      inFlight--
      return query(symbol, cid)
    }
    adapter.reconnectStream()
    for (let i = 0; i < 10; i++) await flush()
    expect(reconciled()).toBe(2)
    expect(most).toBe(2)
    expect(adapter.queries.filter((q) => orders.some((o) => o.clientOrderId === q))).toHaveLength(7)
    expect(exec.openOrders()).toEqual([])
  })

  it('after a reconnect, a reversal of a recent fill that the stream lost is reported once', async () => {
    const { adapter, exec } = await setup()
    const reversed: string[] = []
    exec.events.on('fill.reversed', (e) => reversed.push(e.fill.tradeId))
    const a = await exec.submit(limitBuy())
    const f = adapter.fill(a.clientOrderId, '1')
    expect(exec.order(a.clientOrderId)?.status).toBe('FILLED')
    adapter.dropStream()
    adapter.reverseFill(f)
    adapter.reconnectStream()
    await flush()
    expect(reversed).toEqual([f.tradeId])
    adapter.reconnectStream()
    await flush()
    expect(reversed).toEqual([f.tradeId])
  })

  it('recheckFilledWithinMs bounds which ended orders are read again', async () => {
    const { clock, adapter, exec } = await setup({ recheckFilledWithinMs: 1000 })
    const reversed: string[] = []
    exec.events.on('fill.reversed', (e) => reversed.push(e.fill.tradeId))
    const a = await exec.submit(limitBuy())
    const f = adapter.fill(a.clientOrderId, '1')
    await clock.advanceAsync(2000)
    adapter.dropStream()
    adapter.reverseFill(f)
    adapter.reconnectStream()
    await flush()
    expect(reversed).toEqual([])
  })
})
