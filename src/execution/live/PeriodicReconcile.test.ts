import { afterEach, describe, expect, it } from 'vitest'
import { ManualClock } from '../../core/clock.js'
import type { OrderIntent } from '../../core/ports.js'
import type { Order } from '../../core/types.js'
import { Decimal } from '../../decimal/index.js'
import { ConfigError, RateLimitError, type TradekitError } from '../../errors/index.js'
import { Portfolio } from '../Portfolio.js'
import { FakeExchangeAdapter } from '../testing/FakeExchangeAdapter.js'
import { BTCUSDT } from '../testing/fixtures.js'
import { OrderExecutor, type OrderExecutorConfig } from './OrderExecutor.js'

let n = 0
const limitBuy = (qty = '1'): OrderIntent => ({
  clientOrderId: `p${++n}`,
  venue: 'fake',
  symbol: 'BTCUSDT',
  side: 'BUY',
  type: 'LIMIT',
  qty: new Decimal(qty),
  price: new Decimal('100'),
  strategyId: 's',
})

const running: OrderExecutor[] = []
afterEach(async () => {
  for (const e of running.splice(0)) await e.shutdown({ cancelOpenOrders: false, timeoutMs: 1 })
})

async function setup(extra: Partial<OrderExecutorConfig> = {}) {
  const clock = new ManualClock(10_000)
  const adapter = new FakeExchangeAdapter('fake', [BTCUSDT], () => clock.now())
  const exec = new OrderExecutor({ adapter, clock, reconcileIntervalMs: 5_000, ...extra })
  running.push(exec)
  const errors: TradekitError[] = []
  exec.events.on('error', (e) => errors.push(e))
  let passes = 0
  exec.events.on('orders.reconciled', () => passes++)
  let reads = 0
  const openOrders = adapter.openOrders.bind(adapter)
  adapter.openOrders = (symbol) => {
    reads++
    return openOrders(symbol)
  }
  await exec.start()
  return { clock, adapter, exec, errors, passes: () => passes, reads: () => reads }
}

describe('OrderExecutor periodic reconciliation', () => {
  it('a fill the stream lost without a reconnect is booked after one interval, once, even when it comes late', async () => {
    const { clock, adapter, exec } = await setup()
    const portfolio = new Portfolio({ balances: { USDT: '10000' }, instruments: [BTCUSDT] })
    portfolio.attach(exec)
    const o = await exec.submit(limitBuy())
    adapter.dropStream() // the fill's events are lost; no reconnect follows
    const fill = adapter.fill(o.clientOrderId, '1')
    adapter.enableOrderFills()
    await clock.advanceAsync(4_999)
    expect(exec.order(o.clientOrderId)?.status).toBe('OPEN')
    expect(portfolio.positionQty('fake', 'BTCUSDT').toString()).toBe('0')
    await clock.advanceAsync(1)
    expect(exec.order(o.clientOrderId)?.status).toBe('FILLED')
    expect(portfolio.positionQty('fake', 'BTCUSDT').toString()).toBe('1')
    expect(portfolio.cash('USDT').toString()).toBe('9899.9') // 100 paid and a 0.1 fee
    // The stream delivers the very fill late, and later passes read it again: it is not booked twice.
    adapter.events.emit('fill', { type: 'fill', fill, tsEvent: clock.now() })
    await clock.advanceAsync(20_000)
    expect(portfolio.positionQty('fake', 'BTCUSDT').toString()).toBe('1')
    expect(portfolio.cash('USDT').toString()).toBe('9899.9')
    expect(exec.order(o.clientOrderId)?.filledQty.toString()).toBe('1')
  })

  it('without orderFills the fill is synthesized; the real one, delivered late, is not counted again', async () => {
    const { clock, adapter, exec } = await setup()
    const filled: string[] = []
    exec.events.on('order.filled', (e) => filled.push(...e.fills.map((f) => f.qty.toString())))
    const o = await exec.submit(limitBuy())
    adapter.dropStream()
    const fill = adapter.fill(o.clientOrderId, '1')
    await clock.advanceAsync(5_000)
    expect(exec.order(o.clientOrderId)?.status).toBe('FILLED')
    adapter.events.emit('fill', { type: 'fill', fill, tsEvent: clock.now() })
    await clock.advanceAsync(5_000)
    expect(filled).toEqual(['1'])
  })

  it('0 and Infinity turn it off; so does a dry run', async () => {
    for (const extra of [{ reconcileIntervalMs: 0 }, { reconcileIntervalMs: Infinity }, { dryRun: true }]) {
      const { clock, reads } = await setup(extra)
      const before = reads()
      await clock.advanceAsync(3_600_000)
      expect(reads()).toBe(before)
    }
  })

  it('runs every interval by default (30 s) after the reconciliation at start', async () => {
    const { clock, passes } = await setup({ reconcileIntervalMs: undefined })
    expect(passes()).toBe(1) // at start
    await clock.advanceAsync(29_999)
    expect(passes()).toBe(1)
    await clock.advanceAsync(1)
    expect(passes()).toBe(2)
    await clock.advanceAsync(30_000)
    expect(passes()).toBe(3)
  })

  it('never overlaps itself: the next pass is timed from the end of a slow one', async () => {
    const { clock, adapter, passes } = await setup({ requestTimeoutMs: 120_000 })
    const openOrders = adapter.openOrders
    let calls = 0
    let release: (() => void) | undefined
    adapter.openOrders = async (symbol) => {
      calls++
      await new Promise<void>((r) => {
        release = r
      })
      return openOrders(symbol)
    }
    await clock.advanceAsync(5_000)
    expect(calls).toBe(1)
    await clock.advanceAsync(60_000) // the pass hangs (within requestTimeoutMs): no other starts meanwhile
    expect(calls).toBe(1)
    adapter.openOrders = openOrders
    release?.()
    for (let i = 0; i < 20 && passes() < 2; i++) await clock.advanceAsync(0) // the slow pass ends
    expect(passes()).toBe(2)
    await clock.advanceAsync(4_999)
    expect(calls).toBe(1)
    adapter.openOrders = async (symbol) => {
      calls++
      return openOrders(symbol)
    }
    await clock.advanceAsync(1)
    expect(calls).toBe(2)
  })

  it('a failed pass is reported on error and the next runs; a rate limit is waited out', async () => {
    const { clock, adapter, errors, passes } = await setup()
    adapter.failReads('openOrders')
    await clock.advanceAsync(5_000)
    expect(errors.map((e) => e.code)).toEqual(['HTTP_ERROR'])
    expect(passes()).toBe(1)
    await clock.advanceAsync(5_000)
    expect(passes()).toBe(2)
    adapter.failReads('balances', 1, () => new RateLimitError('slow down', 60_000))
    await clock.advanceAsync(5_000)
    expect(errors.at(-1)?.code).toBe('RATE_LIMITED')
    await clock.advanceAsync(59_999)
    expect(passes()).toBe(2)
    await clock.advanceAsync(1)
    expect(passes()).toBe(3)
  })

  it('stops at shutdown', async () => {
    const { clock, exec, reads } = await setup()
    await exec.shutdown({ cancelOpenOrders: false, timeoutMs: 1 })
    const before = reads()
    await clock.advanceAsync(60_000)
    expect(reads()).toBe(before)
  })

  it('a reconnect reconciles at once and puts the next periodic pass a full interval later', async () => {
    const { clock, adapter, passes } = await setup({ reconnectRecheckDelayMs: 0 })
    await clock.advanceAsync(4_000)
    adapter.reconnectStream()
    await clock.advanceAsync(0)
    expect(passes()).toBe(2)
    await clock.advanceAsync(4_999)
    expect(passes()).toBe(2)
    await clock.advanceAsync(1)
    expect(passes()).toBe(3)
  })

  it('refuses a bad interval with a ConfigError', () => {
    const adapter = new FakeExchangeAdapter('fake', [BTCUSDT])
    for (const bad of [-1, 999, 1.5, Number.NaN, 86_400_001, Number.NEGATIVE_INFINITY, '30000'] as number[]) {
      expect(() => new OrderExecutor({ adapter, reconcileIntervalMs: bad })).toThrow(ConfigError)
    }
  })

  it('the order tracked as OPEN ends FILLED through order events too (no stream at all)', async () => {
    const { clock, adapter, exec } = await setup()
    const orders: Order[] = []
    exec.events.on('order.filled', (e) => orders.push(e.order))
    const o = await exec.submit(limitBuy('2'))
    adapter.dropStream()
    adapter.fill(o.clientOrderId, '0.5')
    await clock.advanceAsync(5_000)
    expect(exec.order(o.clientOrderId)?.status).toBe('PARTIALLY_FILLED')
    adapter.fill(o.clientOrderId, '1.5')
    await clock.advanceAsync(5_000)
    expect(orders.map((x) => `${x.status}:${x.filledQty.toString()}`)).toEqual([
      'PARTIALLY_FILLED:0.5',
      'FILLED:2',
    ])
  })
})
