import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Decimal } from '../decimal/index.js'
import {
  applyFill,
  canTransition,
  createOrder,
  type Fill,
  isTerminalStatus,
  journalOrderEntry,
  ORDER_TRANSITIONS,
  type OrderRequest,
  OrderStatus,
  transitionOrder,
  unwrap,
  validateOrderRequest,
} from './index.js'

const req: OrderRequest = {
  clientOrderId: 'c1',
  venue: 'binance',
  symbol: 'BTCUSDT',
  side: 'BUY',
  type: 'LIMIT',
  qty: new Decimal('2'),
  price: new Decimal('100'),
  timeInForce: 'GTC',
}
const statuses = Object.values(OrderStatus)

function fill(qty: string, price: string, over: Partial<Fill> = {}): Fill {
  return {
    venue: 'binance',
    symbol: 'BTCUSDT',
    clientOrderId: 'c1',
    tradeId: 't',
    side: 'BUY',
    price: new Decimal(price),
    qty: new Decimal(qty),
    fee: new Decimal(0),
    feeAsset: 'USDT',
    liquidity: 'MAKER',
    tsEvent: 2,
    ...over,
  }
}

describe('order state machine', () => {
  it('accepts exactly the transitions in the table (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...statuses), { maxLength: 20 }), (path) => {
        let order = unwrap(createOrder(req, 1))
        for (const to of path) {
          const before = order
          const r = transitionOrder(order, to, { tsEvent: 2 })
          const legal = to === before.status || canTransition(before.status, to)
          expect(r.ok).toBe(legal)
          if (r.ok) order = r.value
          else {
            expect(r.error.code).toBe('INVALID_STATE')
            expect(order).toBe(before)
          }
        }
      }),
    )
  })

  it('terminal statuses go nowhere', () => {
    for (const s of statuses) expect(isTerminalStatus(s)).toBe(ORDER_TRANSITIONS[s].length === 0)
    for (const s of ['FILLED', 'CANCELED', 'REJECTED', 'EXPIRED'] as const) {
      for (const to of statuses) if (to !== s) expect(canTransition(s, to)).toBe(false)
    }
  })

  it('applies fills with exact average price and refuses to overfill', () => {
    let o = unwrap(createOrder(req, 1))
    o = unwrap(applyFill(o, fill('0.5', '100')))
    expect(o.status).toBe('PARTIALLY_FILLED')
    o = unwrap(applyFill(o, fill('1.5', '101')))
    expect(o.status).toBe('FILLED')
    expect(o.avgFillPrice?.toString()).toBe('100.75')
    const over = applyFill(o, fill('0.1', '100'))
    expect(over.ok).toBe(false)
  })

  it('moves the update time with every fill, a second partial fill too, never backwards', () => {
    let o = unwrap(createOrder({ ...req, qty: new Decimal('4') }, 1_000))
    o = unwrap(applyFill(o, fill('1', '100', { tradeId: 't1', tsEvent: 2_000 })))
    expect(o.tsUpdated).toBe(2_000)
    o = unwrap(applyFill(o, fill('1', '100', { tradeId: 't2', tsEvent: 9_000 }))) // PARTIALLY_FILLED again
    expect([o.status, o.filledQty.toString(), o.tsUpdated]).toEqual(['PARTIALLY_FILLED', '2', 9_000])
    expect(journalOrderEntry('order.filled', o).tsEvent).toBe(9_000)
    o = unwrap(applyFill(o, fill('1', '100', { tradeId: 't3', tsEvent: 5_000 }))) // an older fill, out of order
    expect([o.filledQty.toString(), o.tsUpdated]).toEqual(['3', 9_000])
    o = unwrap(applyFill(o, fill('1', '100', { tradeId: 't4', tsEvent: 4_000 }))) // the last, older too
    expect([o.status, o.tsUpdated]).toEqual(['FILLED', 9_000])
  })

  it('rejects fills for another order, wrong side, or non-positive values', () => {
    const o = unwrap(createOrder(req, 1))
    expect(applyFill(o, fill('1', '1', { clientOrderId: 'x' })).ok).toBe(false)
    expect(applyFill(o, fill('1', '1', { side: 'SELL' })).ok).toBe(false)
    expect(applyFill(o, fill('0', '1')).ok).toBe(false)
    expect(applyFill(o, fill('1', '0')).ok).toBe(false)
  })

  it('creates an order of its request fields only: every one the request sets, nothing else it carries', () => {
    const intent = {
      ...req,
      type: 'STOP_LIMIT' as const,
      triggerPrice: new Decimal('99'),
      reduceOnly: true,
      timeInForce: 'GTD' as const,
      expireAt: 5_000,
      strategyId: 's1', // an intent's metadata
      stopPrice: new Decimal('90'),
    }
    const o = unwrap(createOrder(intent, 7))
    expect(o).toStrictEqual({
      clientOrderId: 'c1',
      venue: 'binance',
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'STOP_LIMIT',
      qty: req.qty,
      status: 'PENDING_NEW',
      filledQty: new Decimal(0),
      tsCreated: 7,
      tsUpdated: 7,
      price: req.price,
      triggerPrice: intent.triggerPrice,
      timeInForce: 'GTD',
      reduceOnly: true,
      expireAt: 5_000,
    })
    const trailing = {
      ...req,
      type: 'TRAILING_STOP_MARKET' as const,
      price: undefined,
      timeInForce: undefined,
    }
    const t = unwrap(createOrder({ ...trailing, trailingPercent: new Decimal('1.5') }, 1))
    expect(Object.keys(t)).not.toContain('price') // an unset field is not there at all
    expect(t.trailingPercent?.toString()).toBe('1.5')
  })

  it('validates requests before creating orders', () => {
    expect(validateOrderRequest({ ...req, qty: new Decimal(0) }).ok).toBe(false)
    expect(validateOrderRequest({ ...req, price: undefined }).ok).toBe(false)
    expect(validateOrderRequest({ ...req, type: 'MARKET' }).ok).toBe(false)
    expect(validateOrderRequest({ ...req, type: 'MARKET', price: undefined }).ok).toBe(true)
    expect(validateOrderRequest({ ...req, type: 'STOP_MARKET', price: undefined }).ok).toBe(false)
    expect(validateOrderRequest({ ...req, timeInForce: 'GTD' }).ok).toBe(false)
    expect(validateOrderRequest({ ...req, clientOrderId: '' }).ok).toBe(false)
    // A trigger price on an order that has none would rest it forever as a stop (PaperTrader) or be sent as one.
    const trigger = new Decimal(95)
    for (const type of ['MARKET', 'LIMIT'] as const) {
      const r = validateOrderRequest({
        ...req,
        type,
        triggerPrice: trigger,
        ...(type === 'MARKET' ? { price: undefined } : {}),
      })
      expect(r.ok || r.error.field).toBe('triggerPrice')
    }
    expect(validateOrderRequest({ ...req, type: 'STOP_LIMIT', triggerPrice: trigger }).ok).toBe(true)
  })
})
