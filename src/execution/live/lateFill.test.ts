import { describe, expect, it } from 'vitest'
import { applyFill, createOrder, transitionOrder } from '../../core/orderState.js'
import type { Fill, Order, OrderStatus } from '../../core/types.js'
import { Decimal } from '../../decimal/index.js'
import { BTCUSDT, testFill } from '../testing/fixtures.js'
import { afterLateFill } from './lateFill.js'

/** A limit buy of 1 at 120, open, with `filled` (qty, price) fills, then moved to `status`. */
function ended(status: OrderStatus, ...filled: Array<[string, string]>): Order {
  const c = createOrder(
    {
      clientOrderId: 'c1',
      venue: 'fake',
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      qty: new Decimal(1),
      price: new Decimal(120),
    },
    0,
  )
  if (!c.ok) throw c.error
  let o = c.value
  if (status !== 'REJECTED') {
    const open = transitionOrder(o, 'OPEN', { tsEvent: 1, venueOrderId: 'v1' })
    if (!open.ok) throw open.error
    o = open.value
  }
  for (const [i, [qty, price]] of filled.entries()) {
    const r = applyFill(o, fill(`t${i}`, qty, price))
    if (!r.ok) throw r.error
    o = r.value
  }
  if (o.status === status) return o
  const r = transitionOrder(o, status, { tsEvent: 2 })
  if (!r.ok) throw r.error
  return r.value
}

function fill(tradeId: string, qty: string, price: string, tsEvent = 5): Fill {
  return testFill(BTCUSDT, 'BUY', qty, price, { venueOrderId: 'v1', tradeId, liquidity: 'MAKER', tsEvent })
}

describe('afterLateFill', () => {
  it('a fill after a cancel is accounted (quantity and average price) and the status kept', () => {
    const next = afterLateFill(ended('CANCELED', ['0.3', '100']), fill('late', '0.2', '110', 9))
    expect(next?.status).toBe('CANCELED')
    expect(next?.filledQty.toString()).toBe('0.5')
    expect(next?.avgFillPrice?.toString()).toBe('104') // (0.3 × 100 + 0.2 × 110) ÷ 0.5
    expect(next?.tsUpdated).toBe(9)
  })

  it('the first fill of an ended order averages at its price; a fill past the quantity does not fit', () => {
    const expired = ended('EXPIRED')
    expect(afterLateFill(expired, fill('late', '0.4', '101'))?.avgFillPrice?.toString()).toBe('101')
    expect(afterLateFill(ended('CANCELED', ['0.9', '100']), fill('late', '0.2', '100'))).toBeUndefined()
  })

  it('a fill of a REJECTED order takes it back open, then filled as the venue has it', () => {
    const next = afterLateFill(ended('REJECTED'), fill('late', '0.4', '119'))
    expect(next?.status).toBe('PARTIALLY_FILLED')
    expect(next?.reason).toBeUndefined()
    expect(next?.venueOrderId).toBe('v1')
    expect(`${next?.filledQty.toString()}@${next?.avgFillPrice?.toString()}`).toBe('0.4@119')
  })
})
