import { describe, expect, it } from 'vitest'
import { binanceRoutes } from './binanceRoutes.js'

describe('binanceRoutes', () => {
  it('holds every endpoint of the sim once, under the prefixes Binance serves it at', () => {
    const keys = binanceRoutes().keys()
    expect(new Set(keys).size).toBe(keys.length)
    for (const k of [
      'GET /api/v3/ping',
      'GET /fapi/v1/exchangeInfo',
      'GET /api/v3/depth',
      'POST /api/v3/order',
      'POST /fapi/v1/order/test',
      'DELETE /fapi/v1/allOpenOrders',
      'GET /fapi/v1/userTrades',
      'GET /fapi/v2/positionRisk',
      'GET /fapi/v3/positionRisk',
      'PUT /fapi/v1/listenKey',
      'POST /fapi/v1/algoOrder',
      'GET /fapi/v1/positionSide/dual',
      'GET /api/v3/ticker/24hr',
      'GET /fapi/v1/ticker/24hr',
      'GET /api/v3/aggTrades',
      'GET /api/v3/allOrders',
      'GET /fapi/v1/symbolConfig',
      'GET /sapi/v1/asset/tradeFee',
      'GET /fapi/v3/account',
      'POST /api/v3/order/cancelReplace',
      'PUT /fapi/v1/order',
      'POST /fapi/v1/batchOrders',
      'DELETE /fapi/v1/batchOrders',
    ])
      expect(keys).toContain(k)
    // A path is served only where Binance serves it: no spot listen keys, no USD-M v1 account, no spot userTrades,
    // no spot batch orders.
    for (const k of [
      'POST /api/v3/listenKey',
      'GET /fapi/v1/account',
      'GET /api/v3/userTrades',
      'POST /api/v3/batchOrders',
    ])
      expect(keys).not.toContain(k)
  })
})
