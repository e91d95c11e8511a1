import { describe, expect, it } from 'vitest'
import { SimEngine } from '../engine.js'
import { resolveSpec } from '../specs.js'
import { aggTradeJson, hostile, klineJson, tradeJson } from './streams.js'

describe('Binance stream payloads', () => {
  const noop = () => {}
  const engine = new SimEngine({ orderUpdate: noop, accountUpdate: noop, algoUpdate: noop, trade: noop })
  engine.addSymbol('spot', resolveSpec('BTCUSDT', 'spot'), 1)
  engine.addSymbol('usdm', resolveSpec('BTCUSDT', 'usdm'), 2)
  const spot = engine.market('spot', 'BTCUSDT')
  const usdm = engine.market('usdm', 'BTCUSDT')

  it('shapes trades per market', () => {
    expect(tradeJson('spot', spot, 1, spot.midTicks, 1, true, 9)).toMatchObject({ e: 'trade', M: true, T: 9 })
    expect(tradeJson('usdm', usdm, 1, usdm.midTicks, 1, true, 9)).toMatchObject({ e: 'trade', X: 'MARKET' })
    expect(aggTradeJson('usdm', usdm, 3, usdm.midTicks, 1, false, 9)).not.toHaveProperty('M')
  })

  it('shapes a kline without trades at the last price', () => {
    const k = klineJson(spot, '1m', 60_000, undefined, '100.00', 61_000, false) as {
      k: Record<string, unknown>
    }
    expect(k.k).toMatchObject({ t: 60_000, T: 119_999, o: '100.00', c: '100.00', v: '0', x: false })
  })

  it('builds hostile payloads', () => {
    expect(JSON.parse(hostile('nan', 'btcusdt@trade', false)).p).toBe('NaN')
    expect(JSON.parse(hostile('huge', 'btcusdt@depth', true)).data.b[0][0]).toBe('1e400')
    expect(() => JSON.parse(hostile('truncated', 'btcusdt@trade', false))).toThrow()
  })
})
