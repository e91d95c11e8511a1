/**
 * A USD-M `clientAlgoId` is "A unique id among open orders"
 * (https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/New-Algo-Order): once its
 * order is finished the id may name a new one. Cancel Algo Order and Query Algo Order by `clientAlgoId` then act on
 * the latest order carrying it, never on the finished one it replaced.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Decimal, type Harness, harness, req } from './helpers.js'

describe('a reused clientAlgoId names the newest algo order', () => {
  let h: Harness
  beforeEach(async () => {
    h = await harness()
  })
  afterEach(async () => {
    await h.close()
  })

  it('query and cancel by client id reach the live order, not the CANCELED one before it', async () => {
    const { usdm, sim } = h
    const mid = new Decimal(sim.midPrice('usdm', 'BTCUSDT'))
    // A sell stop far below the market: it never triggers in this test.
    const stop = req({
      venue: 'binance-usdm',
      type: 'STOP_MARKET',
      side: 'SELL',
      qty: new Decimal('0.01'),
      triggerPrice: mid.times('0.5').toDecimalPlaces(1, Decimal.ROUND_DOWN),
    })
    await usdm.placeOrder(stop)
    expect((await usdm.cancelOrder('BTCUSDT', stop.clientOrderId)).status).toBe('CANCELED')
    await usdm.placeOrder(stop) // the same client id, now free again
    const records = () => sim.ledger.algoOrders.filter((a) => a.clientAlgoId === stop.clientOrderId)
    expect(records().map((a) => a.algoStatus)).toEqual(['CANCELED', 'NEW'])
    const live = records()[1]

    const open = await usdm.queryOrder('BTCUSDT', stop.clientOrderId)
    expect(open).toMatchObject({ status: 'OPEN', venueOrderId: `algo:${live?.algoId}` })

    const canceled = await usdm.cancelOrder('BTCUSDT', stop.clientOrderId)
    expect(canceled).toMatchObject({ status: 'CANCELED', venueOrderId: `algo:${live?.algoId}` })
    expect(records().map((a) => a.algoStatus)).toEqual(['CANCELED', 'CANCELED'])
    expect(sim.ledger.openOrders('usdm')).toEqual([])
  })
})
