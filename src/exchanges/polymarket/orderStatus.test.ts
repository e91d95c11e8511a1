import { describe, expect, it } from 'vitest'
import { Decimal } from '../../decimal/index.js'
import { ExchangeDataError } from '../../errors/index.js'
import { ackStatus, venueOrderStatus } from './orderStatus.js'

const d = (v: string | number) => new Decimal(v)

describe('ackStatus (POST /order insert status)', () => {
  it('`delayed` ("marketable, but subject to matching delay") is open, never CANCELED, whatever the order type', () => {
    for (const type of ['FOK', 'FAK', 'GTC', 'GTD'] as const) {
      expect(ackStatus('delayed', d(0), d(10), type)).toBe('OPEN')
    }
  })

  it('`live` rests; `matched` ends a FOK/FAK and leaves a GTC/GTD remainder resting', () => {
    expect(ackStatus('live', d(0), d(10), 'GTC')).toBe('OPEN')
    expect(ackStatus('matched', d(10), d(10), 'FOK')).toBe('FILLED')
    expect(ackStatus('matched', d(4), d(10), 'FAK')).toBe('CANCELED')
    expect(ackStatus('matched', d(4), d(10), 'GTC')).toBe('PARTIALLY_FILLED')
    expect(ackStatus('matched', d(4), d(10), 'GTD')).toBe('PARTIALLY_FILLED')
  })

  it('an insert status tradekit does not know is not taken as final', () => {
    expect(ackStatus('queued_for_review', d(0), d(10), 'FOK')).toBe('OPEN')
  })
})

describe('venueOrderStatus (GET /data/order)', () => {
  it('DELAYED (bare or ORDER_STATUS_-prefixed) is working, not an end', () => {
    expect(venueOrderStatus('DELAYED', d(0), d(10))).toBe('OPEN')
    expect(venueOrderStatus('ORDER_STATUS_DELAYED', d(3), d(10))).toBe('PARTIALLY_FILLED')
    expect(venueOrderStatus('ORDER_STATUS_LIVE', d(0), d(10))).toBe('OPEN')
  })

  it('final statuses end the order in the terms of the request', () => {
    expect(venueOrderStatus('MATCHED', d(10), d(10))).toBe('FILLED')
    expect(venueOrderStatus('MATCHED', d(9.99), d(10))).toBe('CANCELED')
    expect(venueOrderStatus('CANCELED', d(2), d(10))).toBe('CANCELED')
    expect(venueOrderStatus('ORDER_STATUS_CANCELED_MARKET_RESOLVED', d(0), d(10))).toBe('CANCELED')
  })

  it('an unknown status is a typed error, unless the order was listed as open', () => {
    expect(() => venueOrderStatus('PAUSED', d(0), d(10))).toThrow(ExchangeDataError)
    expect(venueOrderStatus('PAUSED', d(1), d(10), true)).toBe('PARTIALLY_FILLED')
  })
})
