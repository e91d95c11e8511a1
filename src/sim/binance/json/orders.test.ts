import { describe, expect, it } from 'vitest'
import { Decimal } from '../../../decimal/index.js'
import { SimApiError, SimEngine } from '../engine.js'
import { resolveSpec } from '../specs.js'
import { batchItemJson, futuresOrderJson, spotOrderJson, spotQueryJson } from './orders.js'

describe('Binance order payloads', () => {
  const noop = () => {}
  const engine = new SimEngine({ orderUpdate: noop, accountUpdate: noop, algoUpdate: noop, trade: noop })
  engine.addSymbol('spot', resolveSpec('BTCUSDT', 'spot'), 1)
  engine.addSymbol('usdm', resolveSpec('BTCUSDT', 'usdm'), 2)
  const acc = engine.addAccount('k', { USDT: '100000' }, '100000')

  it('reports a spot order as placed (FULL) and as queried', () => {
    const m = engine.market('spot', 'BTCUSDT')
    const { order, fills } = engine.placeOrder(
      'spot',
      acc,
      {
        symbol: 'BTCUSDT',
        side: 'BUY',
        type: 'MARKET',
        quantity: new Decimal(m.spec.minQty),
        clientOrderId: 'c1',
        reduceOnly: false,
      },
      1,
    )
    expect(spotOrderJson(order, m, 'FULL', fills)).toMatchObject({
      clientOrderId: 'c1',
      fills: expect.any(Array),
    })
    expect(spotOrderJson(order, m, 'RESULT', fills)).not.toHaveProperty('fills')
    expect(spotQueryJson(order, m)).toMatchObject({ clientOrderId: 'c1', isWorking: true })
  })

  it('reports a USD-M order', () => {
    const m = engine.market('usdm', 'BTCUSDT')
    const { order } = engine.placeOrder(
      'usdm',
      acc,
      {
        symbol: 'BTCUSDT',
        side: 'SELL',
        type: 'MARKET',
        quantity: new Decimal(m.spec.minQty),
        clientOrderId: 'c2',
        reduceOnly: false,
      },
      1,
    )
    expect(futuresOrderJson(order, m)).toMatchObject({ clientOrderId: 'c2', positionSide: 'BOTH' })
  })

  it("answers a batch element as the order, or as the refused order's own { code, msg }", () => {
    expect(batchItemJson(() => ({ orderId: 1 }))).toEqual({ orderId: 1 })
    const refused = batchItemJson(() => {
      throw new SimApiError(400, -2011, 'Unknown order sent.')
    })
    expect(refused).toEqual({ code: -2011, msg: 'Unknown order sent.' })
    expect(() =>
      batchItemJson(() => {
        throw new TypeError('a bug, not a refusal')
      }),
    ).toThrow(TypeError)
  })
})
