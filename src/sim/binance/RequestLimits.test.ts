import { describe, expect, it } from 'vitest'
import { isOrderRequest, RequestLimits, requestWeight } from './RequestLimits.js'

describe('RequestLimits', () => {
  it('weighs endpoints like Binance', () => {
    const p = (q = '') => new URLSearchParams(q)
    expect(requestWeight('GET', '/api/v3/depth', p('limit=100'))).toBe(5)
    expect(requestWeight('GET', '/fapi/v1/depth', p('limit=1000'))).toBe(20)
    expect(requestWeight('GET', '/api/v3/exchangeInfo', p())).toBe(20)
    expect(requestWeight('GET', '/api/v3/openOrders', p())).toBe(80)
    expect(requestWeight('GET', '/api/v3/ping', p())).toBe(1)
    // Spot's order endpoint: query 4, place and cancel 1 (binance-spot-api-docs rest-api.md, "Query order",
    // "New order", "Cancel order"); USD-M's 1.
    expect(requestWeight('GET', '/api/v3/order', p('symbol=BTCUSDT&orderId=1'))).toBe(4)
    expect(requestWeight('DELETE', '/api/v3/order', p('symbol=BTCUSDT&orderId=1'))).toBe(1)
    expect(requestWeight('POST', '/api/v3/order', p('symbol=BTCUSDT'))).toBe(1)
    expect(requestWeight('GET', '/fapi/v1/order', p('symbol=BTCUSDT&orderId=1'))).toBe(1)
  })

  it('spends weight per minute and reports it in headers', () => {
    let now = 60_000
    const limits = new RequestLimits(24, () => now)
    expect(limits.spendWeight('GET', '/api/v3/exchangeInfo', new URLSearchParams())).toBe(false)
    expect(limits.weightHeaders('/api/v3/x')).toEqual({
      'x-mbx-used-weight': '20',
      'x-mbx-used-weight-1m': '20',
    })
    expect(limits.spendWeight('GET', '/api/v3/depth', new URLSearchParams())).toBe(true)
    now += 60_000
    expect(limits.spendWeight('GET', '/fapi/v1/ping', new URLSearchParams())).toBe(false)
    expect(limits.weightHeaders('/fapi/v1/x')).toEqual({ 'X-MBX-USED-WEIGHT-1M': '1' })
  })

  it('counts orders per 10 s, per minute (USD-M) and per day (spot)', () => {
    let now = 0
    const limits = new RequestLimits(6000, () => now)
    limits.countOrder()
    limits.countOrder()
    expect(limits.orderHeaders('/api/v3/order')).toEqual({
      'x-mbx-order-count-10s': '2',
      'x-mbx-order-count-1d': '2',
    })
    now = 10_000 // a new 10 s window, the same minute
    limits.countOrder()
    expect(limits.orderHeaders('/fapi/v1/order')).toEqual({
      'X-MBX-ORDER-COUNT-10S': '1',
      'X-MBX-ORDER-COUNT-1M': '3',
    })
    now = 60_000
    limits.countOrder()
    expect(limits.orderHeaders('/fapi/v1/order')).toEqual({
      'X-MBX-ORDER-COUNT-10S': '1',
      'X-MBX-ORDER-COUNT-1M': '1',
    })
    expect(limits.wsApiRateLimits(true, true)).toContainEqual(
      expect.objectContaining({ interval: 'MINUTE', rateLimitType: 'ORDERS', count: 1 }),
    )
  })

  it('counts a USD-M batch as 5 in the 10 s window and 1 in the minute (Place-Multiple-Orders)', () => {
    const limits = new RequestLimits(6000, () => 0)
    limits.countOrder(5, 1)
    expect(limits.orderHeaders('/fapi/v1/batchOrders')).toEqual({
      'X-MBX-ORDER-COUNT-10S': '5',
      'X-MBX-ORDER-COUNT-1M': '1',
    })
    const p = new URLSearchParams()
    expect(requestWeight('POST', '/fapi/v1/batchOrders', p)).toBe(5)
    expect(requestWeight('DELETE', '/fapi/v1/batchOrders', p)).toBe(1)
    expect(isOrderRequest('POST', '/fapi/v1/batchOrders')).toBe(true)
    expect(isOrderRequest('DELETE', '/fapi/v1/batchOrders')).toBe(false)
    expect(isOrderRequest('POST', '/fapi/v1/order')).toBe(true)
    expect(isOrderRequest('POST', '/fapi/v1/listenKey')).toBe(false)
  })
})
