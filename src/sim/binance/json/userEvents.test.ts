import { describe, expect, it } from 'vitest'
import { Decimal } from '../../../decimal/index.js'
import { SimEngine } from '../engine.js'
import { resolveSpec } from '../specs.js'
import {
  accountUpdateJson,
  executionReportJson,
  orderTradeUpdateJson,
  outboundAccountPositionJson,
} from './userEvents.js'

describe('Binance user-data payloads', () => {
  const noop = () => {}
  const engine = new SimEngine({ orderUpdate: noop, accountUpdate: noop, algoUpdate: noop, trade: noop })
  engine.addSymbol('spot', resolveSpec('BTCUSDT', 'spot'), 1)
  engine.addSymbol('usdm', resolveSpec('BTCUSDT', 'usdm'), 2)
  const acc = engine.addAccount('k', { USDT: '100000' }, '100000')

  it('reports order changes per market', () => {
    const spot = engine.market('spot', 'BTCUSDT')
    const params = {
      symbol: 'BTCUSDT',
      side: 'BUY' as const,
      type: 'MARKET',
      clientOrderId: 'c',
      reduceOnly: false,
    }
    const s = engine.placeOrder('spot', acc, { ...params, quantity: new Decimal(spot.spec.minQty) }, 1)
    expect(executionReportJson(s.order, spot, 'TRADE', s.fills[0], 3)).toMatchObject({
      e: 'executionReport',
      x: 'TRADE',
      c: 'c',
    })
    const usdm = engine.market('usdm', 'BTCUSDT')
    const u = engine.placeOrder('usdm', acc, { ...params, quantity: new Decimal(usdm.spec.minQty) }, 1)
    expect(orderTradeUpdateJson(u.order, usdm, 'NEW', undefined, 3)).toMatchObject({
      e: 'ORDER_TRADE_UPDATE',
      o: { x: 'NEW' },
    })
  })

  it('reports balance and position changes', () => {
    expect(outboundAccountPositionJson(acc, ['USDT'], 3)).toMatchObject({
      e: 'outboundAccountPosition',
      B: [{ a: 'USDT' }],
    })
    expect(accountUpdateJson(engine, acc, ['BTCUSDT'], 'ORDER', 3)).toMatchObject({
      e: 'ACCOUNT_UPDATE',
      a: { m: 'ORDER', P: [{ s: 'BTCUSDT', ps: 'BOTH' }] },
    })
  })
})
