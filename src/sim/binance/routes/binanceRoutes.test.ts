import { describe, expect, it } from 'vitest'
import { binanceRoutes } from './binanceRoutes.js'

describe('binanceRoutes', () => {
  it('holds every endpoint of the sim once', () => {
    const keys = binanceRoutes().keys()
    expect(new Set(keys).size).toBe(keys.length)
    for (const k of [
      'GET /ping',
      'GET /exchangeInfo',
      'GET /depth',
      'POST /order',
      'POST /order/test',
      'DELETE /allOpenOrders',
      'GET /userTrades',
      'GET /positionRisk',
      'PUT /listenKey',
      'POST /algoOrder',
      'POST /order/cancelReplace',
      'PUT /order',
    ])
      expect(keys).toContain(k)
    expect(keys).toContain('GET /positionSide/dual')
    expect(keys).toHaveLength(33)
  })
})
