/** The RiskManager kill switch cancels everything on both execution clients (paper and live). */
import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../../src/core/clock.js'
import type { OrderIntent } from '../../../src/core/ports.js'
import { Decimal } from '../../../src/decimal/index.js'
import { OrderExecutor, PaperTrader } from '../../../src/execution/index.js'
import { FakeExchangeAdapter } from '../../../src/execution/testing/FakeExchangeAdapter.js'
import { BTCUSDT } from '../../../src/execution/testing/fixtures.js'
import { RiskManager } from '../../../src/risk/index.js'

let n = 0
const limit = (price: string): OrderIntent => ({
  clientOrderId: `ks${++n}`,
  venue: 'fake',
  symbol: 'BTCUSDT',
  side: 'BUY',
  type: 'LIMIT',
  qty: new Decimal('0.1'),
  price: new Decimal(price),
  strategyId: 's',
})

describe('kill switch over PaperTrader and OrderExecutor', () => {
  it('cancels every open order on both clients', async () => {
    const clock = new ManualClock(1_000_000)
    const paper = new PaperTrader({ instruments: [BTCUSDT], balances: { USDT: '100000' }, clock })
    paper.onBook({ venue: 'fake', symbol: 'BTCUSDT', bids: [[99, 1]], asks: [[100, 1]], tsEvent: 0 })
    const adapter = new FakeExchangeAdapter('fake', [BTCUSDT], () => clock.now())
    const live = new OrderExecutor({ adapter, clock })
    await live.start()
    const risk = new RiskManager({ clock })
    risk.registerExecutor(paper)
    risk.registerExecutor(live)
    const p = [await paper.submit(limit('90')), await paper.submit(limit('91'))]
    const l = [await live.submit(limit('90')), await live.submit(limit('91'))]
    expect(paper.openOrders()).toHaveLength(2)
    expect(live.openOrders()).toHaveLength(2)
    const report = await risk.emergencyStop('test')
    expect(report.complete).toBe(true)
    expect([...report.canceled].sort()).toEqual([...p, ...l].map((o) => o.clientOrderId).sort())
    expect(paper.openOrders()).toHaveLength(0)
    expect(live.openOrders()).toHaveLength(0)
    for (const o of l) expect(adapter.orders.get(o.clientOrderId)?.status).toBe('CANCELED')
    await live.shutdown({ timeoutMs: 1 })
    await paper.shutdown({ timeoutMs: 1 })
  })
})
