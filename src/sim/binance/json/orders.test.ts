import { describe, expect, it } from 'vitest'
import { Decimal } from '../../../decimal/index.js'
import { SimEngine } from '../engine.js'
import { resolveSpec } from '../specs.js'
import { futuresOrderJson, spotOrderJson, spotQueryJson } from './orders.js'

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
})
