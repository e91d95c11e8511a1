import { describe, expect, it } from 'vitest'
import { SimEngine } from './engine.js'
import { algoOrderParams, decimalParam, orderParams } from './orderParams.js'
import { resolveSpec } from './specs.js'
import { simErrorCode } from './testing/simErrorCode.js'

const noop = () => {}
const engine = new SimEngine({ orderUpdate: noop, accountUpdate: noop, algoUpdate: noop, trade: noop })
engine.addSymbol('spot', resolveSpec('BTCUSDT', 'spot'), 1)
engine.addSymbol('usdm', resolveSpec('BTCUSDT', 'usdm'), 2)
const spot = engine.market('spot', 'BTCUSDT')
const usdm = engine.market('usdm', 'BTCUSDT')

describe('orderParams', () => {
  it('parses positive decimals strictly', () => {
    const p = new URLSearchParams('a=1.5&b=abc&c=0')
    expect(decimalParam(p, 'a', true).toFixed()).toBe('1.5')
    expect(decimalParam(p, 'x', false)).toBeUndefined()
    expect(simErrorCode(() => decimalParam(p, 'x', true))).toBe(-1102)
    expect(simErrorCode(() => decimalParam(p, 'b', true))).toBe(-1100)
    expect(simErrorCode(() => decimalParam(p, 'c', true))).toBe(-1013)
  })

  it('validates an order: side, lot size, price filter, notional, client order id', () => {
    const mid = spot.px(spot.midTicks)
    const ok = orderParams(
      'spot',
      spot,
      new URLSearchParams(`side=BUY&type=LIMIT&quantity=0.01&price=${mid}`),
    )
    expect(ok).toMatchObject({ symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', reduceOnly: false })
    expect(simErrorCode(() => orderParams('spot', spot, new URLSearchParams('type=LIMIT')))).toBe(-1102)
    expect(
      simErrorCode(() => orderParams('spot', spot, new URLSearchParams('side=BUY&quantity=0.000000001'))),
    ).toBe(-1111)
    expect(
      simErrorCode(() =>
        orderParams('usdm', usdm, new URLSearchParams('side=BUY&quantity=0.001&price=0.001')),
      ),
    ).toBe(-1013)
    const badCid = `side=BUY&quantity=0.01&price=${mid}&newClientOrderId=${'x'.repeat(40)}`
    expect(simErrorCode(() => orderParams('spot', spot, new URLSearchParams(badCid)))).toBe(-1100)
  })

  it('validates a conditional order', () => {
    const mid = usdm.px(usdm.midTicks)
    const ok = algoOrderParams(
      usdm,
      new URLSearchParams(
        `algoType=CONDITIONAL&type=STOP_MARKET&side=SELL&quantity=0.01&triggerPrice=${mid}`,
      ),
    )
    expect(ok).toMatchObject({ side: 'SELL', orderType: 'STOP_MARKET' })
    expect(simErrorCode(() => algoOrderParams(usdm, new URLSearchParams('algoType=X')))).toBe(-1116)
    const trailing = 'algoType=CONDITIONAL&type=TRAILING_STOP_MARKET&side=SELL&quantity=0.01&callbackRate=20'
    expect(simErrorCode(() => algoOrderParams(usdm, new URLSearchParams(trailing)))).toBe(-2007)
  })
})
