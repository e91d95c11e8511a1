import { afterEach, describe, expect, it } from 'vitest'
import { ManualClock } from '../../core/clock.js'
import type { OrderEvent, OrderIntent } from '../../core/ports.js'
import type { Fill, Order } from '../../core/types.js'
import { Decimal } from '../../decimal/index.js'
import type { TradekitError } from '../../errors/index.js'
import { PaperTrader } from '../paper/PaperTrader.js'
import { FakeExchangeAdapter } from '../testing/FakeExchangeAdapter.js'
import { BTCPERP, BTCUSDT } from '../testing/fixtures.js'
import { OrderExecutor, type OrderExecutorConfig } from './OrderExecutor.js'
import type { ShadowComparison } from './shadow.js'

let n = 0
const intent = (
  o: Omit<Partial<OrderIntent>, 'qty' | 'price'> & { qty: string; price?: string },
): OrderIntent => {
  const { qty, price, ...rest } = o
  return {
    clientOrderId: `e${++n}`,
    venue: 'fake',
    symbol: 'BTCUSDT',
    side: 'BUY',
    type: price === undefined ? 'MARKET' : 'LIMIT',
    strategyId: 's',
    ...rest,
    qty: new Decimal(qty),
    ...(price !== undefined ? { price: new Decimal(price) } : {}),
  }
}

const flush = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve()
}

const running: OrderExecutor[] = []
afterEach(async () => {
  for (const e of running.splice(0)) await e.shutdown({ cancelOpenOrders: false, timeoutMs: 1 })
})

async function setup(extra: Partial<OrderExecutorConfig> = {}) {
  const clock = new ManualClock(10_000)
  const adapter = new FakeExchangeAdapter('fake', [BTCUSDT], () => clock.now())
  const exec = new OrderExecutor({ adapter, clock, queryIntervalMs: 100, queryAttempts: 3, ...extra })
  running.push(exec)
  const fills: Fill[] = []
  const events: string[] = []
  const errors: TradekitError[] = []
  exec.events.on('order.filled', (e) => fills.push(...e.fills))
  for (const ev of [
    'order.submitted',
    'order.accepted',
    'order.canceled',
    'order.rejected',
    'order.expired',
    'order.outcomeUnresolved',
    'order.transitionRefused',
  ] as const) {
    exec.events.on(ev, (e) => events.push(`${ev}:${e.order.clientOrderId}`))
  }
  exec.events.on('error', (e) => errors.push(e))
  await exec.start()
  return { clock, adapter, exec, fills, events, errors }
}

describe('OrderExecutor basics', () => {
  it('submits a limit order, follows fills from the stream, cancels', async () => {
    const { adapter, exec, fills, events } = await setup()
    const o = await exec.submit(intent({ qty: '1', price: '100' }))
    expect(o.status).toBe('OPEN')
    expect(o.venueOrderId).toBeDefined()
    adapter.fill(o.clientOrderId, '0.4')
    expect(exec.order(o.clientOrderId)?.status).toBe('PARTIALLY_FILLED')
    expect(fills).toHaveLength(1)
    const c = await exec.cancel(o.clientOrderId)
    expect(c.status).toBe('CANCELED')
    expect(c.filledQty.toString()).toBe('0.4')
    expect(events).toEqual([
      `order.submitted:${o.clientOrderId}`,
      `order.accepted:${o.clientOrderId}`,
      `order.canceled:${o.clientOrderId}`,
    ])
  })

  it('fills recovered in one lookup after a reconnect go out as one order.filled per order, in order', async () => {
    const { adapter, exec, clock } = await setup()
    const batches: Array<{ status: string; fills: string[] }> = []
    exec.events.on('order.filled', (e) =>
      batches.push({ status: e.order.status, fills: e.fills.map((f) => `${f.tradeId}:${f.qty.toString()}`) }),
    )
    const o = await exec.submit(intent({ qty: '1', price: '100' }))
    adapter.dropStream()
    const a = adapter.fill(o.clientOrderId, '0.25')
    const b = adapter.fill(o.clientOrderId, '0.75')
    adapter.enableOrderFills()
    adapter.reconnectStream()
    for (let i = 0; i < 10 && batches.length === 0; i++) {
      await clock.advanceAsync(500)
      await flush()
    }
    expect(batches).toEqual([{ status: 'FILLED', fills: [`${a.tradeId}:0.25`, `${b.tradeId}:0.75`] }])
    expect(exec.order(o.clientOrderId)?.filledQty.toString()).toBe('1')
  })

  it('de-duplicates fills reported both in the ack and on the stream', async () => {
    const { adapter, exec, fills } = await setup()
    adapter.setPrice('BTCUSDT', '100')
    const o = await exec.submit(intent({ qty: '2' }))
    expect(o.status).toBe('FILLED')
    expect(fills).toHaveLength(1)
    expect(o.avgFillPrice?.toString()).toBe('100')
  })

  it('the same trade id on two symbols is two fills (Binance numbers trades per symbol)', async () => {
    const clock = new ManualClock(10_000)
    const adapter = new FakeExchangeAdapter('fake', [BTCUSDT, BTCPERP], () => clock.now())
    const exec = new OrderExecutor({ adapter, clock })
    running.push(exec)
    await exec.start()
    const fills: Fill[] = []
    exec.events.on('order.filled', (e) => fills.push(...e.fills))
    const a = await exec.submit(intent({ qty: '1', price: '100' }))
    const b = await exec.submit(intent({ symbol: 'BTCUSDT-PERP', qty: '1', price: '100' }))
    for (const o of [a, b]) {
      adapter.events.emit('fill', {
        type: 'fill',
        fill: {
          venue: 'fake',
          symbol: o.symbol,
          clientOrderId: o.clientOrderId,
          tradeId: '34',
          side: 'BUY',
          price: new Decimal(100),
          qty: new Decimal(1),
          fee: new Decimal(0),
          feeAsset: 'USDT',
          liquidity: 'MAKER',
          tsEvent: clock.now(),
        },
        tsEvent: clock.now(),
      })
    }
    expect(fills.map((f) => f.symbol)).toEqual(['BTCUSDT', 'BTCUSDT-PERP'])
    expect(exec.order(b.clientOrderId)?.status).toBe('FILLED')
  })

  it('relays a fill the venue reversed once, keeps the order as matched, ignores reversals of unknown fills', async () => {
    const { adapter, exec } = await setup()
    const reversed: string[] = []
    exec.events.on('fill.reversed', (e) => reversed.push(`${e.fill.tradeId}:${e.order?.status}`))
    const o = await exec.submit(intent({ qty: '1', price: '100' }))
    const f = adapter.fill(o.clientOrderId, '1')
    const ev = { type: 'fill.reversed' as const, fill: f, reason: 'settlement FAILED', tsEvent: 0 }
    adapter.events.emit('fill.reversed', ev)
    adapter.events.emit('fill.reversed', ev)
    adapter.events.emit('fill.reversed', { ...ev, fill: { ...f, tradeId: 'never-seen' } })
    expect(reversed).toEqual([`${f.tradeId}:FILLED`])
    expect(exec.order(o.clientOrderId)?.filledQty.toString()).toBe('1')
  })

  it('a venue rejection is final and reported as order.rejected', async () => {
    const { adapter, exec, events } = await setup()
    adapter.rejectSymbol('BTCUSDT', 'Account has insufficient balance for requested action.')
    const o = await exec.submit(intent({ qty: '1', price: '100' }))
    expect(o.status).toBe('REJECTED')
    expect(o.reason).toMatch(/insufficient/)
    expect(events.at(-1)).toBe(`order.rejected:${o.clientOrderId}`)
    expect(adapter.queries).toHaveLength(0)
  })

  it('generates unique client order ids when the intent has none', async () => {
    const { adapter, exec } = await setup()
    const a = await exec.submit(intent({ qty: '1', price: '100', clientOrderId: '' }))
    const b = await exec.submit(intent({ qty: '1', price: '100', clientOrderId: '' }))
    expect(a.clientOrderId).not.toBe(b.clientOrderId)
    expect(a.clientOrderId.length).toBeLessThanOrEqual(36)
    expect(adapter.orders.size).toBe(2)
    await expect(
      exec.submit(intent({ qty: '1', price: '100', clientOrderId: a.clientOrderId })),
    ).rejects.toMatchObject({ code: 'INVALID_STATE' })
  })

  it('reports an illegal update instead of applying it', async () => {
    const { adapter, exec, events } = await setup()
    const o = await exec.submit(intent({ qty: '1', price: '100' }))
    await exec.cancel(o.clientOrderId)
    adapter.events.emit('order.updated', {
      type: 'order.updated',
      order: { ...(exec.order(o.clientOrderId) as Order), status: 'EXPIRED' },
      tsEvent: 0,
    })
    expect(exec.order(o.clientOrderId)?.status).toBe('CANCELED')
    expect(events.at(-1)).toBe(`order.transitionRefused:${o.clientOrderId}`)
  })
})

describe('OrderExecutor unknown outcomes: query first, never a blind resend', () => {
  it('a lost response is resolved by query and the order is not doubled', async () => {
    const { adapter, exec, events } = await setup()
    adapter.dropStream() // the stream would otherwise tell us first
    adapter.failNext('LOSE_RESPONSE')
    const o = await exec.submit(intent({ qty: '1', price: '100' }))
    expect(o.status).toBe('PENDING_NEW')
    expect(events).toContain(`order.outcomeUnresolved:${o.clientOrderId}`)
    await flush()
    expect(adapter.queries).toContain(o.clientOrderId)
    expect(exec.order(o.clientOrderId)?.status).toBe('OPEN')
    expect(adapter.placeCalls.get(o.clientOrderId)).toBe(1)
    expect(adapter.created.get(o.clientOrderId)).toBe(1)
  })

  it('a lost response of a filled order synthesizes the missing fill from the venue state', async () => {
    const { adapter, exec, fills } = await setup()
    adapter.dropStream()
    adapter.setPrice('BTCUSDT', '100')
    adapter.failNext('LOSE_RESPONSE')
    const o = await exec.submit(intent({ qty: '2' }))
    await flush()
    expect(exec.order(o.clientOrderId)?.status).toBe('FILLED')
    expect(fills.map((f) => [f.qty.toString(), f.price.toString()])).toEqual([['2', '100']])
    expect(adapter.created.get(o.clientOrderId)).toBe(1)
  })

  it('a failed fills lookup is retried, never answered by a fee-less synthesized fill (found by the soak)', async () => {
    const { adapter, exec, fills, clock } = await setup()
    adapter.enableOrderFills({ failFirst: 2 })
    adapter.dropStream()
    adapter.setPrice('BTCUSDT', '100')
    adapter.failNext('LOSE_RESPONSE')
    const o = await exec.submit(intent({ qty: '2' }))
    await flush()
    // The venue says FILLED, but its fills could not be read yet: nothing is made up.
    expect(fills).toEqual([])
    for (let i = 0; i < 10 && fills.length === 0; i++) {
      await clock.advanceAsync(500)
      await flush()
    }
    expect(
      fills.map((f) => [f.qty.toString(), f.fee.toString(), f.tradeId.startsWith('reconcile:')]),
    ).toEqual([['2', '0.2', false]])
    expect(exec.order(o.clientOrderId)?.status).toBe('FILLED')
  })

  it('a request that never reached the venue is rejected after the look-ups say "unknown" (no resend)', async () => {
    const { adapter, exec, clock } = await setup()
    const rejected: OrderEvent[] = []
    exec.events.on('order.rejected', (e) => rejected.push(e))
    adapter.failNext('TIMEOUT_BEFORE_VENUE')
    const o = await exec.submit(intent({ qty: '1', price: '100' }))
    expect(o.status).toBe('PENDING_NEW')
    await clock.advanceAsync(1_000)
    expect(exec.order(o.clientOrderId)?.status).toBe('REJECTED')
    // Never placed, not a verdict on the order: the event says so (the rejection-rate breaker does not count it).
    expect(rejected.map((e) => [e.code, e.order.reason])).toEqual([
      ['ORDER_OUTCOME_UNKNOWN', 'Not known to the venue after 3 look-ups'],
    ])
    expect(adapter.queries.filter((q) => q === o.clientOrderId)).toHaveLength(3)
    expect(adapter.placeCalls.get(o.clientOrderId)).toBe(1)
  })

  it('an unknown outcome whose look-ups all failed is settled by the next reconciliation', async () => {
    const { adapter, exec, clock, errors } = await setup()
    adapter.failNext('TIMEOUT_BEFORE_VENUE')
    const realQuery = adapter.queryOrder.bind(adapter)
    let down = true
    adapter.queryOrder = async (s, c) => {
      if (down) throw new Error('venue unreachable')
      return realQuery(s, c)
    }
    const o = await exec.submit(intent({ qty: '1', price: '100' }))
    await clock.advanceAsync(1_000)
    expect(exec.order(o.clientOrderId)?.status).toBe('PENDING_NEW')
    expect(errors.map((e) => e.code)).toContain('ORDER_OUTCOME_UNKNOWN')
    down = false
    await exec.reconcile()
    await clock.advanceAsync(1_000)
    // The venue never had it: rejected on its word after the look-ups, never re-sent.
    expect(exec.order(o.clientOrderId)?.status).toBe('REJECTED')
    expect(adapter.placeCalls.get(o.clientOrderId)).toBe(1)
  })

  it('an unknown outcome whose look-ups all failed is looked up again with backoff, without a reconciliation', async () => {
    const { adapter, exec, clock, errors } = await setup()
    adapter.failNext('TIMEOUT_BEFORE_VENUE')
    const realQuery = adapter.queryOrder.bind(adapter)
    let down = true
    adapter.queryOrder = async (s, c) => {
      if (down) throw new Error('venue unreachable')
      return realQuery(s, c)
    }
    const o = await exec.submit(intent({ qty: '1', price: '100' }))
    await clock.advanceAsync(1_500) // three failed look-ups, then a first retry round (1 s later) that fails too
    expect(exec.order(o.clientOrderId)?.status).toBe('PENDING_NEW')
    expect(errors.map((e) => e.message)).toContain(
      `Outcome of order "${o.clientOrderId}" still unknown; looked up again in 2000 ms`,
    )
    down = false
    await clock.advanceAsync(3_000)
    expect(exec.order(o.clientOrderId)?.status).toBe('REJECTED')
    expect(adapter.placeCalls.get(o.clientOrderId)).toBe(1)
  })

  it('the retried look-ups of an unknown outcome are bounded, then left to the next reconciliation', async () => {
    // No periodic reconciliation: it would look the order up too (that is the "next reconciliation").
    const { adapter, exec, clock, errors } = await setup({ reconcileIntervalMs: 0 })
    adapter.failNext('TIMEOUT_BEFORE_VENUE')
    let queries = 0
    adapter.queryOrder = async () => {
      queries++
      throw new Error('venue unreachable')
    }
    const o = await exec.submit(intent({ qty: '1', price: '100' }))
    await clock.advanceAsync(600_000)
    expect(queries).toBe(3 * 6) // the first round and five retries, three look-ups each
    expect(exec.order(o.clientOrderId)?.status).toBe('PENDING_NEW')
    expect(errors.at(-1)?.message).toBe(
      `Outcome of order "${o.clientOrderId}" still unknown; it will be reconciled`,
    )
  })

  it('onNotFound RESEND re-sends once with the same client order id', async () => {
    const { adapter, exec, clock } = await setup({ onNotFound: 'RESEND' })
    adapter.failNext('NETWORK_ERROR')
    const o = await exec.submit(intent({ qty: '1', price: '100' }))
    await clock.advanceAsync(1_000)
    expect(exec.order(o.clientOrderId)?.status).toBe('OPEN')
    expect(adapter.placeCalls.get(o.clientOrderId)).toBe(2)
    expect(adapter.created.get(o.clientOrderId)).toBe(1)
  })

  it('after shutdown an unknown outcome is no longer looked up nor re-sent: it stays unknown and is reported', async () => {
    const { adapter, exec, clock, errors } = await setup({
      onNotFound: 'RESEND',
      queryIntervalMs: 1000,
      queryAttempts: 5,
    })
    adapter.failNext('TIMEOUT_BEFORE_VENUE')
    const o = await exec.submit(intent({ qty: '1', price: '100' }))
    let closed = false
    void exec.shutdown({ cancelOpenOrders: true, timeoutMs: 100 }).then(() => {
      closed = true
    })
    for (let i = 0; i < 5 && !closed; i++) await clock.advanceAsync(100) // the shutdown's waits, if they run out
    expect(closed).toBe(true)
    const queries = adapter.queries.length
    await clock.advanceAsync(10_000)
    expect(adapter.queries).toHaveLength(queries)
    expect(adapter.placeCalls.get(o.clientOrderId)).toBe(1)
    expect(adapter.created.get(o.clientOrderId)).toBeUndefined()
    expect(exec.order(o.clientOrderId)?.status).toBe('PENDING_NEW')
    expect(errors.some((e) => e.code === 'ORDER_OUTCOME_UNKNOWN' && /shutdown/.test(e.message))).toBe(true)
  })

  it('a resend that meets "duplicate" (the first one did land) queries instead of rejecting', async () => {
    const { adapter, exec, clock } = await setup({ onNotFound: 'RESEND', queryAttempts: 1 })
    adapter.dropStream()
    adapter.failNext('LOSE_RESPONSE')
    // The venue "forgets" the order for the first look-up only.
    const realQuery = adapter.queryOrder.bind(adapter)
    let first = true
    adapter.queryOrder = async (s, c) => {
      if (first) {
        first = false
        return undefined
      }
      return realQuery(s, c)
    }
    const o = await exec.submit(intent({ qty: '1', price: '100' }))
    await clock.advanceAsync(1_000)
    expect(exec.order(o.clientOrderId)?.status).toBe('OPEN')
    expect(adapter.created.get(o.clientOrderId)).toBe(1)
  })
})

describe('OrderExecutor reconciliation', () => {
  it('adopts open orders found at start', async () => {
    const clock = new ManualClock(0)
    const adapter = new FakeExchangeAdapter('fake', [BTCUSDT], () => clock.now())
    await adapter.placeOrder({
      clientOrderId: 'old-1',
      venue: 'fake',
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'LIMIT',
      qty: new Decimal(1),
      price: new Decimal(200),
    })
    const exec = new OrderExecutor({ adapter, clock })
    running.push(exec)
    const reports: unknown[] = []
    exec.events.on('orders.reconciled', (e) => reports.push(e.report))
    await exec.start()
    expect(exec.openOrders().map((o) => o.clientOrderId)).toEqual(['old-1'])
    expect(reports).toHaveLength(1)
  })

  it('after a reconnect, state missed while the stream was down is reconciled', async () => {
    const { adapter, exec, fills } = await setup()
    const a = await exec.submit(intent({ qty: '1', price: '100' }))
    const b = await exec.submit(intent({ qty: '1', price: '100' }))
    adapter.dropStream()
    adapter.fill(a.clientOrderId, '1', '100')
    await adapter.cancelOrder('BTCUSDT', b.clientOrderId)
    expect(exec.order(a.clientOrderId)?.status).toBe('OPEN')
    const done = new Promise((r) => exec.events.once('orders.reconciled', r))
    adapter.reconnectStream()
    await done
    expect(exec.order(a.clientOrderId)?.status).toBe('FILLED')
    expect(exec.order(b.clientOrderId)?.status).toBe('CANCELED')
    expect(fills.map((f) => f.tradeId)).toEqual([`reconcile:${a.clientOrderId}:1`])
    expect(exec.openOrders()).toHaveLength(0)
  })

  it('fills missed by the stream come from the venue with their trade ids and fees when the adapter has orderFills', async () => {
    const { adapter, exec, fills } = await setup()
    const a = await exec.submit(intent({ qty: '2', price: '100' }))
    const seen = adapter.fill(a.clientOrderId, '1', '100') // delivered on the stream
    adapter.dropStream()
    const missed = adapter.fill(a.clientOrderId, '1', '101') // lost with the stream
    const venue = adapter as FakeExchangeAdapter & { orderFills?: unknown }
    venue.orderFills = async (_s: string, cid: string) => (cid === a.clientOrderId ? [seen, missed] : [])
    const done = new Promise((r) => exec.events.once('orders.reconciled', r))
    adapter.reconnectStream()
    await done
    expect(exec.order(a.clientOrderId)?.status).toBe('FILLED')
    // The stream's fill is not counted twice; the missed one carries the venue's trade id and fee (no synthesis).
    expect(fills.map((f) => [f.tradeId, f.fee.toString()])).toEqual([
      [seen.tradeId, '0.1'],
      [missed.tradeId, '0.101'],
    ])
  })
})

describe('OrderExecutor throttling, dry run, shutdown, shadow', () => {
  it('throttles submissions to the configured rate and bounds the queue', async () => {
    const { adapter, exec, clock } = await setup({
      maxOrdersPerInterval: 2,
      rateIntervalMs: 1000,
      maxQueuedSubmissions: 1,
    })
    const ps = [0, 1, 2].map(() => exec.submit(intent({ qty: '1', price: '100' })))
    await flush()
    expect(adapter.placeCalls.size).toBe(2)
    await expect(exec.submit(intent({ qty: '1', price: '100' }))).rejects.toMatchObject({
      code: 'QUEUE_FULL',
    })
    await clock.advanceAsync(500)
    await Promise.all(ps)
    expect(adapter.placeCalls.size).toBe(3)
  })

  it('refuses a concurrent duplicate client order id while the first waits for the rate limit', async () => {
    const { adapter, exec, clock } = await setup({ maxOrdersPerInterval: 1, rateIntervalMs: 1000 })
    await exec.submit(intent({ qty: '1', price: '100' }))
    const i = intent({ qty: '1', price: '100' })
    const first = exec.submit(i)
    await expect(exec.submit(i)).rejects.toMatchObject({ code: 'INVALID_STATE' })
    await clock.advanceAsync(1000)
    await first
    expect(adapter.placeCalls.get(i.clientOrderId)).toBe(1)
  })

  it('dryRun logs and emits what it would send, and sends nothing', async () => {
    const logs: unknown[] = []
    const log = (a: unknown) => logs.push(a)
    const { adapter, exec } = await setup({
      dryRun: true,
      logger: { debug: log, info: log, warn: log, error: log },
    })
    const seen: string[] = []
    exec.events.on('order.dryRunSkipped', (e) => seen.push(e.order.clientOrderId))
    const o = await exec.submit(intent({ qty: '1', price: '100' }))
    expect(seen).toEqual([o.clientOrderId])
    expect(adapter.placeCalls.size).toBe(0)
    expect(logs).toHaveLength(1)
    expect(exec.openOrders()).toHaveLength(0)
  })

  it('dryRun refuses a reused client order id, as live trading does', async () => {
    const { exec } = await setup({ dryRun: true })
    const i = intent({ qty: '1', price: '100' })
    await exec.submit(i)
    const duplicate = {
      code: 'INVALID_STATE',
      shortMessage: `Duplicate client order id "${i.clientOrderId}"`,
    }
    await expect(exec.submit(i)).rejects.toMatchObject(duplicate)
    const [r] = await exec.submitMany([i, intent({ qty: '1', price: '100', clientOrderId: i.clientOrderId })])
    expect(r?.ok === false && r.error).toMatchObject(duplicate)
  })

  it('dryRun sends no cancel or replace, not even of orders adopted from the venue, and shutdown leaves them', async () => {
    const { adapter, exec } = await setup({ dryRun: true })
    await adapter.placeOrder({ ...intent({ qty: '1', price: '90' }), clientOrderId: 'real-1' })
    await adapter.placeOrder({ ...intent({ qty: '1', price: '91' }), clientOrderId: 'real-2' })
    await exec.reconcile()
    expect(exec.openOrders().map((o) => o.clientOrderId)).toEqual(['real-1', 'real-2'])
    await expect(exec.cancel('real-1')).rejects.toMatchObject({
      code: 'INVALID_STATE',
      details: { clientOrderId: 'real-1' },
    })
    const many = await exec.cancelMany(['real-1', 'real-2'])
    expect(many.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(['INVALID_STATE', 'INVALID_STATE'])
    await expect(exec.replace('real-2', intent({ qty: '1', price: '92' }))).rejects.toMatchObject({
      code: 'INVALID_STATE',
    })
    expect((await exec.cancelAll()).failed).toHaveLength(2)
    await exec.shutdown()
    expect([...adapter.orders.values()].map((o) => o.status)).toEqual(['OPEN', 'OPEN'])
    expect(exec.openOrders().map((o) => o.status)).toEqual(['OPEN', 'OPEN'])
  })

  it('a failed start is undone: start() can be called again and the user stream is then followed', async () => {
    const clock = new ManualClock(0)
    const adapter = new FakeExchangeAdapter('fake', [BTCUSDT], () => clock.now())
    const exec = new OrderExecutor({ adapter, clock })
    running.push(exec)
    let starts = 0
    adapter.startUserData = async () => {
      if (++starts === 1) throw new Error('listen key refused')
    }
    adapter.failReads('balances') // the second start's stream comes up, its reconciliation fails
    await expect(exec.start()).rejects.toThrow('listen key refused')
    await expect(exec.start()).rejects.toMatchObject({ code: 'HTTP_ERROR' })
    await exec.start()
    expect(starts).toBe(2) // the stream that came up is not started again
    const o = await exec.submit(intent({ qty: '1', price: '100' }))
    const updates: string[] = []
    exec.events.on('order.filled', (e) => updates.push(e.order.status))
    adapter.fill(o.clientOrderId, '1')
    expect(updates).toEqual(['FILLED']) // subscribed once: one event per fill
  })

  it('an order admitted before shutdown but not yet sent is never sent after it', async () => {
    const { adapter, exec, clock } = await setup({ maxOrdersPerInterval: 1, rateIntervalMs: 1000 })
    const [a, b] = [intent({ qty: '1', price: '100' }), intent({ qty: '1', price: '100' })]
    const many = exec.submitMany([a, b]) // a is admitted at once, b waits for the rate limit
    await flush()
    const closing = exec.shutdown({ cancelOpenOrders: false, timeoutMs: 10 })
    await clock.advanceAsync(10)
    await closing
    const results = await many
    expect(adapter.placeCalls.size).toBe(0)
    expect(results.map((r) => (r.ok ? r.value.status : r.error.code))).toEqual(['REJECTED', 'INVALID_STATE'])
  })

  it('shutdown refuses new orders and cancels open ones', async () => {
    const { adapter, exec } = await setup()
    const o = await exec.submit(intent({ qty: '1', price: '100' }))
    await exec.shutdown()
    expect(adapter.orders.get(o.clientOrderId)?.status).toBe('CANCELED')
    expect(exec.order(o.clientOrderId)?.status).toBe('CANCELED')
    await expect(exec.submit(intent({ qty: '1', price: '100' }))).rejects.toMatchObject({
      code: 'INVALID_STATE',
    })
  })

  it('shadow mode compares the live fill with the paper fill', async () => {
    const clock = new ManualClock(0)
    const paper = new PaperTrader({ instruments: [BTCUSDT], balances: { USDT: '100000' }, clock })
    paper.onBook({
      venue: 'fake',
      symbol: 'BTCUSDT',
      bids: [[99, 5]],
      asks: [
        [100, 1],
        [101, 1],
      ],
      tsEvent: 0,
    })
    const { adapter, exec } = await setup({ shadow: paper })
    const cmp: ShadowComparison[] = []
    exec.events.on('shadow.compared', (e) => cmp.push(e.comparison))
    adapter.setPrice('BTCUSDT', '101.5')
    await exec.submit(intent({ qty: '2' }))
    await flush()
    expect(cmp).toHaveLength(1)
    expect(cmp[0]?.paper.avgPrice?.toString()).toBe('100.5')
    expect(cmp[0]?.live.avgPrice?.toString()).toBe('101.5')
    expect(cmp[0]?.priceDiff?.toString()).toBe('1')
    expect(cmp[0]?.fillRatioDiff).toBe(0)
    const rep = exec.shadowReport()
    expect(rep?.compared).toBe(1)
    expect(rep?.meanPriceDiffBps).toBeCloseTo(99.5, 1)
  })

  it('shadow mode mirrors a cancel: the paper order is cancelled too and never fills there', async () => {
    const clock = new ManualClock(0)
    const paper = new PaperTrader({ instruments: [BTCUSDT], balances: { USDT: '100000' }, clock })
    const book = (ask: number): Parameters<PaperTrader['onBook']>[0] => ({
      venue: 'fake',
      symbol: 'BTCUSDT',
      bids: [[80, 5]],
      asks: [[ask, 5]],
      tsEvent: 0,
    })
    paper.onBook(book(100))
    const { exec } = await setup({ shadow: paper })
    const cmp: ShadowComparison[] = []
    exec.events.on('shadow.compared', (e) => cmp.push(e.comparison))
    const o = await exec.submit(intent({ qty: '1', price: '90' }))
    expect(paper.openOrders().map((p) => p.clientOrderId)).toEqual([o.clientOrderId])
    await exec.cancel(o.clientOrderId)
    await flush()
    expect(paper.openOrders()).toEqual([])
    paper.onBook(book(85)) // would have filled the paper bid
    expect(cmp.map((c) => [c.live.status, c.paper.status, c.paper.filledQty.toString()])).toEqual([
      ['CANCELED', 'CANCELED', '0'],
    ])
    expect(exec.shadowReport()).toMatchObject({ compared: 1, pending: 0 })
  })
})
