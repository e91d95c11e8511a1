import { afterEach, describe, expect, it } from 'vitest'
import { ManualClock } from '../../core/clock.js'
import type { OrderAck, OrderAmendment, OrderIntent } from '../../core/ports.js'
import type { Fill, Order, OrderRequest } from '../../core/types.js'
import { Decimal } from '../../decimal/index.js'
import { TimeoutError, toTradekitError } from '../../errors/index.js'
import { err, ok, type Result } from '../../errors/result.js'
import { FakeExchangeAdapter } from '../testing/FakeExchangeAdapter.js'
import { BTCUSDT } from '../testing/fixtures.js'
import { OrderExecutor } from './OrderExecutor.js'

/** A fake venue with batch requests: each order of a batch is answered on its own, like Polymarket's POST /orders. */
class BatchVenue extends FakeExchangeAdapter {
  readonly batchLimits = { place: 2, cancel: 10 }
  readonly requests: string[] = []
  failBatch = false

  async placeOrders(reqs: readonly OrderRequest[]): Promise<ReadonlyArray<Result<OrderAck>>> {
    this.requests.push(`place ${reqs.length}`)
    if (this.failBatch) throw new TimeoutError('placeOrders timed out', 1000)
    return Promise.all(reqs.map((r) => this.placeOrder(r).then(ok, (e: unknown) => err(toTradekitError(e)))))
  }

  async cancelOrders(
    orders: ReadonlyArray<{ symbol: string; clientOrderId: string }>,
  ): Promise<ReadonlyArray<Result<Order>>> {
    this.requests.push(`cancel ${orders.length}`)
    return Promise.all(
      orders.map((o) =>
        this.cancelOrder(o.symbol, o.clientOrderId).then(ok, (e: unknown) => err(toTradekitError(e))),
      ),
    )
  }
}

/** A fake venue that amends in place (Binance USD-M modify). */
class AmendVenue extends FakeExchangeAdapter {
  readonly amends: string[] = []
  async amendOrder(_symbol: string, clientOrderId: string, c: OrderAmendment): Promise<Order> {
    this.amends.push(`${clientOrderId} ${c.price.toFixed()} ${c.qty.toFixed()}`)
    const o = this.orders.get(clientOrderId) as Order
    const next = { ...o, price: c.price, qty: c.qty }
    this.orders.set(clientOrderId, next)
    return next
  }
}

/** A fake venue that amends in batches too (Binance USD-M batch modify); `throwAtOnce` throws before any promise. */
class BatchAmendVenue extends AmendVenue {
  readonly batchLimits = { place: 1, cancel: 1, amend: 2 }
  readonly batches: number[] = []
  throwAtOnce = false

  amendOrders(
    amendments: ReadonlyArray<{ symbol: string; clientOrderId: string; changes: OrderAmendment }>,
  ): Promise<ReadonlyArray<Result<Order>>> {
    if (this.throwAtOnce) throw new TimeoutError('amendOrders failed at once', 1)
    this.batches.push(amendments.length)
    return Promise.all(
      amendments.map((a) =>
        this.amendOrder(a.symbol, a.clientOrderId, a.changes).then(ok, (e: unknown) =>
          err(toTradekitError(e)),
        ),
      ),
    )
  }
}

let n = 0
const bid = (price: string, cid = `b${++n}`): OrderIntent => ({
  clientOrderId: cid,
  strategyId: 's',
  venue: 'fake',
  symbol: 'BTCUSDT',
  side: 'BUY',
  type: 'LIMIT',
  qty: new Decimal('0.1'),
  price: new Decimal(price),
  timeInForce: 'POST_ONLY',
})

const running: OrderExecutor[] = []
afterEach(async () => {
  for (const e of running.splice(0)) await e.shutdown({ cancelOpenOrders: false, timeoutMs: 1 })
})

async function setup<A extends FakeExchangeAdapter>(adapter: A) {
  const clock = new ManualClock(10_000)
  const exec = new OrderExecutor({ adapter, clock, queryIntervalMs: 100, queryAttempts: 2 })
  running.push(exec)
  const events: string[] = []
  for (const ev of [
    'order.accepted',
    'order.rejected',
    'order.canceled',
    'order.outcomeUnresolved',
  ] as const) {
    exec.events.on(ev, (e) => events.push(`${ev}:${e.order.clientOrderId}`))
  }
  exec.events.on('error', () => {})
  await exec.start()
  return { clock, exec, events }
}

describe('OrderExecutor batch methods', () => {
  it('submitMany: requests of at most batchLimits.place orders; a refused order fails alone', async () => {
    const venue = new BatchVenue('fake', [BTCUSDT])
    const { exec, events } = await setup(venue)
    expect(exec.batching('fake')).toEqual({ maxPlace: 2, maxCancel: 10 })
    expect(exec.batching('other')).toBeUndefined()
    // The second bid is under the instrument's minimum quantity: the venue refuses that one alone.
    const tiny = { ...bid('101', 'x2'), qty: new Decimal('0.0001') }
    const results = await exec.submitMany([bid('99', 'x1'), tiny, bid('98', 'x3')])
    expect(venue.requests).toEqual(['place 2', 'place 1'])
    expect(results.map((r) => r.ok && r.value.status)).toEqual(['OPEN', 'REJECTED', 'OPEN'])
    expect([...events].sort()).toEqual(['order.accepted:x1', 'order.accepted:x3', 'order.rejected:x2'])
    expect(exec.openOrders().map((o) => o.clientOrderId)).toEqual(['x1', 'x3'])
  })

  it('submitMany: an order admitted before a shutdown is never sent in a batch after it', async () => {
    const adapter = new BatchVenue('fake', [BTCUSDT])
    const clock = new ManualClock(10_000)
    const exec = new OrderExecutor({ adapter, clock, maxOrdersPerInterval: 1, rateIntervalMs: 1000 })
    exec.events.on('error', () => {})
    await exec.start()
    const many = exec.submitMany([bid('99'), bid('98')]) // the first is admitted at once, the second waits
    await clock.advanceAsync(0)
    const closing = exec.shutdown({ cancelOpenOrders: false, timeoutMs: 10 })
    await clock.advanceAsync(10)
    await closing
    const results = await many
    expect(adapter.requests).toEqual([])
    expect(adapter.placeCalls.size).toBe(0)
    expect(results.map((r) => (r.ok ? r.value.status : r.error.code))).toEqual(['REJECTED', 'INVALID_STATE'])
  })

  it('submitMany: a lost batch answer leaves each order of unknown outcome, looked up by id, never re-sent', async () => {
    const venue = new BatchVenue('fake', [BTCUSDT])
    const { exec, events, clock } = await setup(venue)
    venue.failBatch = true
    const results = await exec.submitMany([bid('99', 'y1'), bid('98', 'y2')])
    expect(results.map((r) => r.ok && r.value.status)).toEqual(['PENDING_NEW', 'PENDING_NEW'])
    expect(events).toEqual(['order.outcomeUnresolved:y1', 'order.outcomeUnresolved:y2'])
    for (let i = 0; i < 10; i++) {
      clock.advance(100)
      await Promise.resolve()
    }
    await new Promise((r) => setTimeout(r, 10))
    expect(venue.queries.filter((q) => q === 'y1' || q === 'y2').length).toBeGreaterThanOrEqual(2)
    expect(venue.placeCalls.get('y1')).toBeUndefined()
  })

  it('cancelMany: one request; an order no longer open at the venue fails alone', async () => {
    const venue = new BatchVenue('fake', [BTCUSDT])
    const { exec } = await setup(venue)
    await exec.submitMany([bid('99', 'c1'), bid('98', 'c2')])
    await exec.submit(bid('97', 'c3'))
    venue.requests.length = 0
    const results = await exec.cancelMany(['c1', 'c2', 'c3', 'nope'])
    expect(venue.requests).toEqual(['cancel 3'])
    expect(results.map((r) => (r.ok ? r.value.status : r.error.code))).toEqual([
      'CANCELED',
      'CANCELED',
      'CANCELED',
      'INVALID_STATE',
    ])
    expect(exec.openOrders()).toEqual([])
  })

  it('replace without a one-call replace: cancels, then places; nothing placed when the cancel fails', async () => {
    const venue = new BatchVenue('fake', [BTCUSDT])
    const { exec } = await setup(venue)
    await exec.submit(bid('99', 'r1'))
    const next = await exec.replace('r1', bid('98', 'r2'))
    expect(next.status).toBe('OPEN')
    expect(exec.order('r1')?.status).toBe('CANCELED')
    // r2 is cancelled at the venue while the executor does not hear of it: the replace's cancel leg fails.
    venue.dropStream()
    await venue.cancelOrder('BTCUSDT', 'r2')
    await expect(exec.replace('r2', bid('97', 'r3'))).rejects.toThrow(/Not placed/)
    expect(exec.order('r3')?.status).toBe('REJECTED')
    expect(venue.placeCalls.get('r3')).toBeUndefined()
    // The failed cancel was looked up: r2 is known CANCELED, not left open.
    expect(exec.order('r2')?.status).toBe('CANCELED')
  })

  it('replace on a venue that amends: same id, new price and quantity', async () => {
    const venue = new AmendVenue('fake', [BTCUSDT])
    const { exec } = await setup(venue)
    await exec.submit(bid('99', 'a1'))
    expect(exec.batching('fake')?.replace).toBe('amend')
    const amended = await exec.replace('a1', { ...bid('98.5', 'a1'), qty: new Decimal('0.2') })
    expect(venue.amends).toEqual(['a1 98.5 0.2'])
    expect(amended.clientOrderId).toBe('a1')
    expect(amended.price?.toFixed()).toBe('98.5')
    expect(amended.qty.toFixed()).toBe('0.2')
    await expect(exec.replace('a1', bid('98', 'other'))).rejects.toThrow(/keeps the order id/)
  })

  it('amendments asked for in one tick share requests of batchLimits.amend; a lone one goes by amendOrder', async () => {
    const venue = new BatchAmendVenue('fake', [BTCUSDT])
    const { exec } = await setup(venue)
    for (const cid of ['m1', 'm2', 'm3']) await exec.submit(bid('99', cid))
    const moved = await Promise.all(['m1', 'm2', 'm3'].map((cid) => exec.replace(cid, bid('98', cid))))
    expect(moved.map((o) => o.price?.toFixed())).toEqual(['98', '98', '98'])
    expect(venue.batches).toEqual([2]) // m1 and m2 together; m3 alone
    expect(venue.amends.map((a) => a.split(' ')[0])).toEqual(['m1', 'm2', 'm3'])
    await exec.replace('m1', bid('97.5', 'm1'))
    expect(venue.batches).toEqual([2])
  })

  it('a later amendment of an order in the same tick replaces the earlier one: the request carries it once', async () => {
    const venue = new BatchAmendVenue('fake', [BTCUSDT])
    const { exec } = await setup(venue)
    for (const cid of ['d1', 'd2']) await exec.submit(bid('99', cid))
    const moved = await Promise.all([
      exec.replace('d1', bid('98', 'd1')),
      exec.replace('d2', bid('98', 'd2')),
      exec.replace('d1', bid('97', 'd1')),
    ])
    expect(venue.batches).toEqual([2])
    expect(venue.amends).toEqual(['d1 97 0.1', 'd2 98 0.1'])
    expect(moved.map((o) => `${o.clientOrderId} ${o.price?.toFixed()}`)).toEqual(['d1 97', 'd2 98', 'd1 97'])
    expect(exec.order('d1')?.price?.toFixed()).toBe('97')
  })

  it('an adapter that throws at once fails the amendments of that tick, and each order is looked up', async () => {
    const venue = new BatchAmendVenue('fake', [BTCUSDT])
    const { exec } = await setup(venue)
    for (const cid of ['t1', 't2']) await exec.submit(bid('99', cid))
    venue.throwAtOnce = true
    const results = await Promise.allSettled(['t1', 't2'].map((cid) => exec.replace(cid, bid('98', cid))))
    expect(results.map((r) => r.status === 'rejected' && toTradekitError(r.reason).code)).toEqual([
      'TIMEOUT',
      'TIMEOUT',
    ])
    // The orders stay as the venue has them, open at the old price.
    expect(exec.openOrders().map((o) => `${o.clientOrderId} ${o.price?.toFixed()} ${o.status}`)).toEqual([
      't1 99 OPEN',
      't2 99 OPEN',
    ])
  })

  it('a fill of the amended quantity that beats the amendment answer is applied with its fee, not synthesized', async () => {
    // The 5-minute makers soak (seed 43): a USD-M quote modified to a larger size was filled beyond its old size
    // before the modify answer came back. The fill was refused (over the old quantity) but its trade id remembered,
    // so the later lookup of the order's fills skipped it and reconciliation synthesized it without its fee.
    class RacingVenue extends AmendVenue {
      override async amendOrder(symbol: string, cid: string, c: OrderAmendment): Promise<Order> {
        const next = await super.amendOrder(symbol, cid, c)
        this.fill(cid, '0.25') // on the stream before the answer
        return next
      }
    }
    const venue = new RacingVenue('fake', [BTCUSDT])
    venue.enableOrderFills()
    const { exec, clock } = await setup(venue)
    const fills: Fill[] = []
    exec.events.on('order.filled', (e) => fills.push(...e.fills))
    await exec.submit(bid('99', 'r1'))
    await exec.replace('r1', { ...bid('99', 'r1'), qty: new Decimal('0.3') })
    for (let i = 0; i < 20; i++) {
      await clock.advanceAsync(100)
      for (let k = 0; k < 20; k++) await Promise.resolve()
    }
    expect(exec.order('r1')?.filledQty.toFixed()).toBe('0.25')
    expect(fills.map((f) => f.tradeId.startsWith('reconcile:'))).toEqual([false])
    expect(fills[0]?.fee.gt(0)).toBe(true)
  })

  it('a fill the order keeps refusing (an amendment whose answer was lost) is looked up a bounded number of times', async () => {
    // The answer never comes and the venue's record of the order never shows the amended quantity (it reads the old
    // one), so a fill beyond the quantity the executor knows can never be applied.
    class LostAnswerVenue extends AmendVenue {
      lookups = 0
      override async amendOrder(symbol: string, cid: string, c: OrderAmendment): Promise<Order> {
        await super.amendOrder(symbol, cid, c)
        throw new TimeoutError('amendOrder timed out', 1000)
      }
      override async queryOrder(symbol: string, cid: string): Promise<Order | undefined> {
        const o = await super.queryOrder(symbol, cid)
        return o === undefined ? o : { ...o, qty: new Decimal('0.1') }
      }
    }
    const venue = new LostAnswerVenue('fake', [BTCUSDT])
    venue.enableOrderFills()
    const read = venue.orderFills as NonNullable<typeof venue.orderFills>
    venue.orderFills = (symbol, cid) => {
      venue.lookups++
      return read(symbol, cid)
    }
    const { exec, clock } = await setup(venue)
    await exec.submit(bid('99', 'l1'))
    await exec.replace('l1', { ...bid('99', 'l1'), qty: new Decimal('0.3') }).catch(() => undefined)
    venue.fill('l1', '0.25') // beyond the quantity the executor knows
    for (let i = 0; i < 60; i++) {
      await clock.advanceAsync(1_000) // a minute
      for (let k = 0; k < 10; k++) await Promise.resolve()
    }
    expect(venue.lookups).toBeGreaterThan(0)
    expect(venue.lookups).toBeLessThanOrEqual(10) // not one every queryIntervalMs for a minute
  })
})
