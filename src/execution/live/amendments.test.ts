import { describe, expect, it } from 'vitest'
import type { Order } from '../../core/types.js'
import { Decimal } from '../../decimal/index.js'
import { Amendments, withVenueTerms } from './amendments.js'

const order = (over: Partial<Order> = {}): Order => ({
  clientOrderId: 'a',
  venue: 'fake',
  symbol: 'BTCUSDT',
  side: 'BUY',
  type: 'LIMIT',
  qty: new Decimal(1),
  price: new Decimal(100),
  status: 'OPEN',
  filledQty: new Decimal(0),
  tsCreated: 0,
  tsUpdated: 0,
  ...over,
})
const d = (v: string) => new Decimal(v)
const show = (o: Order | undefined) =>
  o && `${o.status} ${o.filledQty.toFixed()}/${o.qty.toFixed()} @${o.price?.toFixed()}`

describe('Amendments', () => {
  it('sizes a fill against the largest raise in flight, and no longer once it ended', () => {
    const a = new Amendments(10)
    const o = order()
    const end2 = a.begin('a', d('1'), d('2'))
    const end3 = a.begin('a', d('1'), d('3'))
    expect(a.sized(o).qty.toFixed()).toBe('3')
    end3()
    end3() // twice: nothing more
    expect(a.sized(o).qty.toFixed()).toBe('2')
    end2()
    expect(a.sized(o)).toBe(o)
    expect(a.wasAmended('a')).toBe(true)
  })

  it('a lowering amendment sizes nothing, and the amended orders kept are bounded', () => {
    const a = new Amendments(2)
    const end = a.begin('a', d('2'), d('1'))
    expect(a.sized(order({ qty: d('2') })).qty.toFixed()).toBe('2')
    end()
    a.begin('b', d('1'), d('1'))()
    a.begin('c', d('1'), d('1'))()
    expect([a.wasAmended('a'), a.wasAmended('b'), a.wasAmended('c')]).toEqual([false, true, true])
  })
})

describe('withVenueTerms', () => {
  it('takes the venue quantity and price of an open order; nothing when they are the same', () => {
    expect(show(withVenueTerms(order(), order({ qty: d('2'), price: d('101') }), 5))).toBe('OPEN 0/2 @101')
    expect(withVenueTerms(order(), order({ status: 'PARTIALLY_FILLED' }), 5)).toBeUndefined()
  })

  it('reopens an order FILLED at the old quantity that the venue holds larger', () => {
    const filled = order({ status: 'FILLED', filledQty: d('1') })
    const venue = order({ status: 'PARTIALLY_FILLED', qty: d('2'), filledQty: d('1') })
    expect(show(withVenueTerms(filled, venue, 5))).toBe('PARTIALLY_FILLED 1/2 @100')
  })

  it('ends FILLED an open order whose fills cover the venue quantity', () => {
    const cur = order({ status: 'PARTIALLY_FILLED', qty: d('2'), filledQty: d('1') })
    const venue = order({ status: 'FILLED', filledQty: d('1') })
    expect(show(withVenueTerms(cur, venue, 5))).toBe('FILLED 1/1 @100')
  })

  it('keeps cancelled orders and refuses a record whose quantity is below its fills', () => {
    const canceled = order({ status: 'CANCELED' })
    expect(withVenueTerms(canceled, order({ qty: d('2') }), 5)).toBeUndefined()
    expect(withVenueTerms(order(), order({ qty: d('0.5'), filledQty: d('1') }), 5)).toBeUndefined()
  })
})
