import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../core/clock.js'
import { silentLogger } from '../../core/logger.js'
import { applyFill, createOrder } from '../../core/orderState.js'
import type { Fill, Order } from '../../core/types.js'
import { Decimal } from '../../decimal/index.js'
import { OpenOrders } from '../OpenOrders.js'
import { FakeExchangeAdapter } from '../testing/FakeExchangeAdapter.js'
import { BTCUSDT } from '../testing/fixtures.js'
import { FillsRecovery, type FillsRecoveryHost } from './FillsRecovery.js'

const flush = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve()
}

/** A venue with one resting order `a` of 2 at 100, known to the host as OPEN with nothing filled. */
async function setup(queryAttempts = 3) {
  const clock = new ManualClock(1_000)
  const adapter = new FakeExchangeAdapter('fake', [BTCUSDT], () => clock.now())
  await adapter.startUserData()
  const ack = await adapter.placeOrder({
    clientOrderId: 'a',
    venue: 'fake',
    symbol: 'BTCUSDT',
    side: 'BUY',
    type: 'LIMIT',
    qty: new Decimal(2),
    price: new Decimal(100),
  })
  const orders = new OpenOrders()
  const created = createOrder({ ...ack.order, clientOrderId: 'a' }, 0)
  if (!created.ok) throw created.error
  orders.add(orders.transition(created.value, 'OPEN', { tsEvent: 1 }) ?? created.value)
  const fills: Fill[] = []
  const merged: Order[] = []
  const pending: Promise<unknown>[] = []
  const host: FillsRecoveryHost = {
    adapter,
    clock,
    log: silentLogger,
    orders,
    requestTimeoutMs: 1_000,
    queryAttempts,
    queryIntervalMs: 100,
    isClosed: () => false,
    background: (p) => pending.push(p),
    onFills: (batch) => {
      for (const f of batch) {
        if (fills.some((x) => x.tradeId === f.tradeId)) continue
        const r = applyFill(orders.get(f.clientOrderId) as Order, f)
        if (!r.ok) throw r.error
        orders.set(r.value)
        fills.push(f)
        recovery.applied(r.value)
      }
    },
    applyVenueOrder: (v) => merged.push(v),
    adoptTerms: () => undefined,
    markOpen: (o, venueOrderId) =>
      orders.transition(o, 'OPEN', { tsEvent: clock.now(), ...(venueOrderId ? { venueOrderId } : {}) }),
  }
  const recovery = new FillsRecovery(host)
  adapter.dropStream() // the fills below are lost with the stream
  return { clock, adapter, orders, fills, merged, recovery, pending }
}

describe('FillsRecovery', () => {
  it('without orderFills, synthesizes the missing quantity at the venue average price, fee 0', async () => {
    const { adapter, fills, merged, recovery } = await setup()
    adapter.fill('a', '1', '100')
    await recovery.recover((await adapter.queryOrder('BTCUSDT', 'a')) as Order)
    expect(fills.map((f) => [f.tradeId, f.qty.toString(), f.price.toString(), f.fee.toString()])).toEqual([
      ['reconcile:a:1', '1', '100', '0'],
    ])
    expect(fills[0]?.feeAsset).toBe('USDT')
    expect(merged).toHaveLength(1)
  })

  it('with orderFills, takes the venue fills with their trade ids and fees, once', async () => {
    const { adapter, fills, recovery, orders } = await setup()
    adapter.enableOrderFills()
    const lost = adapter.fill('a', '1', '100')
    const v = (await adapter.queryOrder('BTCUSDT', 'a')) as Order
    await recovery.recover(v)
    await recovery.recover(v)
    expect(fills.map((f) => [f.tradeId, f.fee.toString()])).toEqual([[lost.tradeId, '0.1']])
    expect(orders.get('a')?.filledQty.toString()).toBe('1')
    expect(recovery.pending()).toEqual([])
  })

  it('a failing fills lookup is retried with backoff and never answered by a fee-less fill', async () => {
    const { clock, adapter, fills, recovery, pending } = await setup()
    adapter.enableOrderFills({ failFirst: 2 })
    const lost = adapter.fill('a', '1', '100')
    await recovery.recover((await adapter.queryOrder('BTCUSDT', 'a')) as Order)
    expect(fills).toEqual([])
    expect(recovery.pending().map((o) => o.clientOrderId)).toEqual(['a'])
    await clock.advanceAsync(200) // 100 ms × 2 after the first failure: the second lookup fails too
    await flush()
    expect(fills).toEqual([])
    await clock.advanceAsync(400) // 100 ms × 4 after the second failure
    await Promise.all(pending)
    expect(fills.map((f) => [f.tradeId, f.fee.toString()])).toEqual([[lost.tradeId, '0.1']])
    expect(recovery.pending()).toEqual([])
  })

  it('a trade history that lags the order status is read again; after queryAttempts short reads the rest is synthesized', async () => {
    const { clock, adapter, fills, recovery } = await setup(2)
    adapter.orderFills = async () => [] // the venue's history never shows the trade
    adapter.fill('a', '1', '100')
    await recovery.recover((await adapter.queryOrder('BTCUSDT', 'a')) as Order)
    expect(fills).toEqual([])
    await clock.advanceAsync(100)
    await flush()
    expect(fills.map((f) => [f.tradeId, f.fee.toString()])).toEqual([['reconcile:a:1', '0']])
    expect(recovery.pending()).toEqual([])
  })

  it('forgets an order on request', async () => {
    const { adapter, recovery } = await setup()
    adapter.enableOrderFills({ failFirst: 1 })
    adapter.fill('a', '1', '100')
    await recovery.recover((await adapter.queryOrder('BTCUSDT', 'a')) as Order)
    expect(recovery.pending()).toHaveLength(1)
    recovery.forget('a')
    expect(recovery.pending()).toEqual([])
  })
})
