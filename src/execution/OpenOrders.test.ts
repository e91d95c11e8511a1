import { describe, expect, it } from 'vitest'
import { createOrder } from '../core/orderState.js'
import type { Order, OrderStatus } from '../core/types.js'
import { Decimal } from '../decimal/index.js'
import { OpenOrders } from './OpenOrders.js'

function order(cid: string, symbol = 'BTCUSDT', venue = 'fake'): Order {
  const r = createOrder(
    {
      clientOrderId: cid,
      venue,
      symbol,
      side: 'BUY',
      type: 'LIMIT',
      qty: new Decimal(1),
      price: new Decimal(100),
    },
    0,
  )
  if (!r.ok) throw r.error
  return r.value
}

describe('OpenOrders', () => {
  it('tracks orders by client id, lists the open ones in submission order with filters', () => {
    const book = new OpenOrders()
    book.add(order('a'), 's1')
    book.add(order('b', 'ETHUSDT'), 's2')
    book.add(order('c', 'BTCUSDT', 'other'), 's1')
    expect(book.has('a')).toBe(true)
    expect(book.get('b')?.symbol).toBe('ETHUSDT')
    expect(book.strategyOf('c')).toBe('s1')
    expect(book.open().map((o) => o.clientOrderId)).toEqual(['a', 'b', 'c'])
    expect(book.open({ strategyId: 's1' }).map((o) => o.clientOrderId)).toEqual(['a', 'c'])
    expect(book.open({ symbol: 'ETHUSDT' }).map((o) => o.clientOrderId)).toEqual(['b'])
    expect(book.open({ venue: 'other' }).map((o) => o.clientOrderId)).toEqual(['c'])
    expect(book.openCount).toBe(3)
    expect(book.size).toBe(3)
  })

  it('moves orders through the core state machine and reports illegal moves without applying them', () => {
    const invalid: string[] = []
    const book = new OpenOrders({ onInvalidTransition: (o, to) => invalid.push(`${o.clientOrderId}:${to}`) })
    const a = order('a')
    book.add(a)
    const open = book.transition(a, 'OPEN', { tsEvent: 5, venueOrderId: 'v1' })
    expect(open?.status).toBe('OPEN')
    expect(open?.venueOrderId).toBe('v1')
    expect(book.get('a')).toBe(open)
    const canceled = book.transition(open as Order, 'CANCELED', { tsEvent: 6, reason: 'user' })
    expect(canceled?.status).toBe('CANCELED')
    expect(book.open()).toEqual([])
    expect(book.openCount).toBe(0)
    // CANCELED -> OPEN is illegal: reported, nothing changes.
    expect(book.transition(canceled as Order, 'OPEN', { tsEvent: 7 })).toBeUndefined()
    expect(invalid).toEqual(['a:OPEN'])
    expect(book.get('a')?.status).toBe('CANCELED')
  })

  it('keeps the last historySize terminal orders and says which it forgot', () => {
    const book = new OpenOrders({ historySize: 2 })
    const forgotten: string[] = []
    for (const cid of ['a', 'b', 'c', 'd']) {
      book.add(order(cid), 's')
      const done = book.transition(book.get(cid) as Order, 'REJECTED' as OrderStatus, { tsEvent: 1 })
      const old = book.retire(done as Order)
      if (old !== undefined) forgotten.push(old)
    }
    expect(forgotten).toEqual(['a', 'b'])
    expect(book.has('a')).toBe(false)
    expect(book.strategyOf('a')).toBeUndefined()
    expect(book.get('c')?.status).toBe('REJECTED')
    expect(book.get('d')?.status).toBe('REJECTED')
    expect(book.size).toBe(2)
  })

  it('the order looked up last is forgotten like any other, and add keeps a known strategy', () => {
    const book = new OpenOrders({ historySize: 1 })
    book.add(order('a'), 's1')
    expect(book.get('a')?.clientOrderId).toBe('a') // the last entry looked up
    book.retire(book.transition(book.get('a') as Order, 'REJECTED', { tsEvent: 1 }) as Order)
    book.add(order('b'))
    expect(book.get('a')?.status).toBe('REJECTED')
    expect(book.retire(book.transition(book.get('b') as Order, 'REJECTED', { tsEvent: 2 }) as Order)).toBe(
      'a',
    )
    expect(book.get('a')).toBeUndefined()
    expect(book.has('a')).toBe(false)
    expect(book.strategyOf('a')).toBeUndefined()
    // Added again without a strategy: the one known is kept; with one, it is replaced.
    book.add(order('b'))
    expect(book.strategyOf('b')).toBeUndefined()
    book.add(order('c'), 's2')
    book.add(order('c'))
    expect(book.strategyOf('c')).toBe('s2')
    book.add(order('c'), 's3')
    expect(book.strategyOf('c')).toBe('s3')
  })

  it('an open order is never forgotten, however many orders end', () => {
    const book = new OpenOrders({ historySize: 1 })
    book.add(order('keep'))
    for (const cid of ['x', 'y', 'z']) {
      book.add(order(cid))
      book.retire(book.transition(book.get(cid) as Order, 'REJECTED', { tsEvent: 1 }) as Order)
    }
    expect(book.open().map((o) => o.clientOrderId)).toEqual(['keep'])
  })

  it('counts a terminal order out of the open ones before it is retired; retiring twice keeps one place', () => {
    const book = new OpenOrders({ historySize: 2 })
    for (const cid of ['a', 'b', 'c']) book.add(order(cid))
    const a = book.transition(book.get('a') as Order, 'REJECTED', { tsEvent: 1 }) as Order
    expect(book.openCount).toBe(2)
    expect(book.open().map((o) => o.clientOrderId)).toEqual(['b', 'c'])
    expect([...book.all()].map((o) => o.clientOrderId).sort()).toEqual(['a', 'b', 'c'])
    expect(book.retire(a)).toBeUndefined()
    expect(book.retire(a)).toBeUndefined() // known already: not kept twice
    const b = book.transition(book.get('b') as Order, 'CANCELED', { tsEvent: 2 }) as Order
    expect(book.retire(b)).toBeUndefined()
    expect(book.size).toBe(3)
    expect(book.retire(book.transition(book.get('c') as Order, 'REJECTED', { tsEvent: 3 }) as Order)).toBe(
      'a',
    )
    expect(book.openCount).toBe(0)
    expect(book.size).toBe(2)
    // An unknown order is not kept by retiring it.
    expect(book.retire(order('zz'))).toBeUndefined()
    expect(book.has('zz')).toBe(false)
  })

  it('an order stored open again after it was retired is listed as open again', () => {
    const book = new OpenOrders({ historySize: 1 })
    const a = order('a')
    book.add(a)
    book.retire(book.transition(a, 'REJECTED', { tsEvent: 1 }) as Order)
    book.set(a) // its NEW state: not a move the state machine makes, but the book follows what it is given
    expect(book.openCount).toBe(1)
    expect(book.open().map((o) => o.clientOrderId)).toEqual(['a'])
    book.add(order('b'))
    expect(
      book.retire(book.transition(book.get('b') as Order, 'REJECTED', { tsEvent: 2 }) as Order),
    ).toBeUndefined()
    expect(book.has('a')).toBe(true) // open: never forgotten
  })

  it('rejects an invalid config', () => {
    expect(() => new OpenOrders({ historySize: 0 })).toThrow(/historySize/)
  })
})
