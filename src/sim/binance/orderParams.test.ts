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

  it('USD-M waives MIN_NOTIONAL (-4164) for a reduce-only order, spot never', () => {
    const mid = usdm.px(usdm.midTicks)
    const dust = `side=SELL&type=LIMIT&quantity=0.001&price=${mid}`
    expect(simErrorCode(() => orderParams('usdm', usdm, new URLSearchParams(dust)))).toBe(-4164)
    expect(orderParams('usdm', usdm, new URLSearchParams(`${dust}&reduceOnly=true`))).toMatchObject({
      reduceOnly: true,
    })
    const spotDust = `side=SELL&type=LIMIT&quantity=0.00001&price=${spot.px(spot.midTicks)}&reduceOnly=true`
    expect(simErrorCode(() => orderParams('spot', spot, new URLSearchParams(spotDust)))).toBe(-1013)
  })

  it('checks MARKET orders against MARKET_LOT_SIZE too (a "0" field disabled), LIMIT orders not', () => {
    const e = new SimEngine({ orderUpdate: noop, accountUpdate: noop, algoUpdate: noop, trade: noop })
    e.addSymbol('spot', { ...resolveSpec('BTCUSDT', 'spot'), marketLot: ['0', '112.2110882', '0'] }, 4)
    const s = e.market('spot', 'BTCUSDT')
    const mid = s.px(s.midTicks)
    const sell = (q: string, type = 'MARKET') =>
      orderParams('spot', s, new URLSearchParams(`side=SELL&type=${type}&quantity=${q}&price=${mid}`))
    expect(simErrorCode(() => sell('500'))).toBe(-1013)
    expect(sell('112.21108')).toMatchObject({ type: 'MARKET' })
    expect(sell('500', 'LIMIT')).toMatchObject({ type: 'LIMIT' })
    // The default spot MARKET_LOT_SIZE is LOT_SIZE's range with a zero step.
    expect(
      orderParams('spot', spot, new URLSearchParams('side=SELL&type=MARKET&quantity=500')),
    ).toMatchObject({
      type: 'MARKET',
    })
    e.addSymbol('usdm', { ...resolveSpec('BTCUSDT', 'usdm'), marketLot: ['0.01', '120', '0.01'] }, 3)
    const fut = e.market('usdm', 'BTCUSDT')
    const mkt = (q: string) =>
      orderParams('usdm', fut, new URLSearchParams(`side=BUY&type=MARKET&quantity=${q}&reduceOnly=true`))
    expect(simErrorCode(() => mkt('121'))).toBe(-1013)
    expect(simErrorCode(() => mkt('0.015'))).toBe(-1013)
    expect(mkt('0.02')).toMatchObject({ type: 'MARKET' })
    const stop = `algoType=CONDITIONAL&type=STOP_MARKET&side=SELL&quantity=121&triggerPrice=${fut.px(fut.midTicks)}`
    expect(simErrorCode(() => algoOrderParams(fut, new URLSearchParams(stop)))).toBe(-1013)
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
