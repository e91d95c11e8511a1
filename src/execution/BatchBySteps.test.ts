import { describe, expect, it } from 'vitest'
import { ManualClock } from '../core/clock.js'
import type { OrderIntent } from '../core/ports.js'
import { Decimal } from '../decimal/index.js'
import { PaperTrader } from './paper/PaperTrader.js'
import { BTCUSDT } from './testing/fixtures.js'

const bid = (cid: string, price: string, qty = '0.1'): OrderIntent => ({
  clientOrderId: cid,
  strategyId: 's',
  venue: 'fake',
  symbol: 'BTCUSDT',
  side: 'BUY',
  type: 'LIMIT',
  qty: new Decimal(qty),
  price: new Decimal(price),
  timeInForce: 'POST_ONLY',
})

function paper() {
  const clock = new ManualClock(1_000)
  const p = new PaperTrader({ instruments: [BTCUSDT], balances: { USDT: '100000' }, clock })
  p.onBook({ venue: 'fake', symbol: 'BTCUSDT', bids: [[100, 1]], asks: [[100.5, 1]], tsEvent: 1_000 })
  return p
}

describe('PaperTrader batch methods (BatchBySteps)', () => {
  it('in process: any number per call, one result per order, a refused order alone', async () => {
    const p = paper()
    expect(p.batching('fake')).toMatchObject({ replace: 'cancelReplace' })
    expect(p.batching('elsewhere')).toBeUndefined()
    // The second bid crosses the ask: post-only, the paper venue refuses it; the others rest.
    const r = await p.submitMany([bid('a', '99'), bid('b', '101'), bid('c', '98')])
    expect(r.map((x) => x.ok && x.value.status)).toEqual(['OPEN', 'REJECTED', 'OPEN'])
    const c = await p.cancelMany(['a', 'zzz', 'c'])
    expect(c.map((x) => (x.ok ? x.value.status : x.error.code))).toEqual([
      'CANCELED',
      'ORDER_REJECTED',
      'CANCELED',
    ])
    expect(p.openOrders()).toEqual([])
  })

  it('replace cancels, then places; nothing is placed when the cancel fails', async () => {
    const p = paper()
    await p.submit(bid('a', '99'))
    const next = await p.replace('a', bid('b', '98'))
    expect(next.status).toBe('OPEN')
    expect(p.order('a')?.status).toBe('CANCELED')
    await expect(p.replace('a', bid('c', '97'))).rejects.toThrow()
    expect(p.order('c')).toBeUndefined()
    expect(p.openOrders().map((o) => o.clientOrderId)).toEqual(['b'])
  })
})
