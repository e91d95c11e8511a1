import { describe, expect, it } from 'vitest'
import { Decimal } from '../../decimal/index.js'
import { type SimAlgoOrder, SimApiError, SimEngine } from './engine.js'
import { algoJson } from './json/orders.js'
import { USDM_MAX_NUM_ALGO_ORDERS, USDM_MAX_NUM_ORDERS } from './openOrderCaps.js'
import { resolveSpec } from './specs.js'

/**
 * Binance USD-M common definition, filters: MAX_NUM_ALGO_ORDERS caps "all kinds of algo orders an account is allowed
 * to have open on a symbol"; for MAX_NUM_ORDERS "both 'algo' orders and normal orders are counted".
 */
describe('the sim caps USD-M open orders per symbol', () => {
  const setup = () => {
    const algoUpdates: Array<{ caid: string; status: string }> = []
    const noop = () => {}
    const engine = new SimEngine({
      orderUpdate: noop,
      accountUpdate: noop,
      algoUpdate: (a) => algoUpdates.push({ caid: a.clientAlgoId, status: a.algoStatus }),
      trade: noop,
    })
    engine.addSymbol('usdm', resolveSpec('BTCUSDT', 'usdm'), 1)
    engine.addSymbol('usdm', resolveSpec('ETHUSDT', 'usdm'), 2)
    const acc = engine.addAccount('k', {}, '10000000')
    let n = 0
    const stop = (symbol: string, over: Partial<SimAlgoOrder> = {}) =>
      engine.placeAlgo(
        acc,
        {
          clientAlgoId: `s${n++}`,
          symbol,
          side: 'SELL',
          orderType: 'STOP_MARKET',
          quantity: new Decimal('0.01'),
          triggerPrice: new Decimal('1000'),
          workingType: 'CONTRACT_PRICE',
          reduceOnly: false,
          timeInForce: 'GTC',
          ...over,
        },
        0,
      )
    const limit = (symbol: string) =>
      engine.placeOrder(
        'usdm',
        acc,
        {
          symbol,
          side: 'BUY',
          type: 'LIMIT',
          timeInForce: 'GTC',
          quantity: new Decimal('0.01'),
          price: new Decimal('1000'),
          clientOrderId: `l${n++}`,
          reduceOnly: false,
        },
        0,
      )
    const code = (f: () => unknown) => {
      try {
        f()
      } catch (e) {
        if (e instanceof SimApiError) return e.code
        throw e
      }
      return undefined
    }
    return { engine, acc, stop, limit, code, algoUpdates }
  }

  it('MAX_NUM_ALGO_ORDERS counts the algo orders of one symbol (-4045)', () => {
    const { stop, code } = setup()
    for (let i = 0; i < USDM_MAX_NUM_ALGO_ORDERS; i++) stop('BTCUSDT')
    expect(code(() => stop('BTCUSDT'))).toBe(-4045)
    expect(code(() => stop('ETHUSDT'))).toBeUndefined()
  })

  it('MAX_NUM_ORDERS counts regular and algo orders of one symbol together (-2025)', () => {
    const { stop, limit, code } = setup()
    for (let i = 0; i < 5; i++) stop('BTCUSDT')
    for (let i = 0; i < USDM_MAX_NUM_ORDERS - 5; i++) limit('BTCUSDT')
    expect(code(() => limit('BTCUSDT'))).toBe(-2025)
    expect(code(() => stop('BTCUSDT'))).toBe(-2025)
    expect(code(() => limit('ETHUSDT'))).toBeUndefined()
  })

  it('an algo order is FINISHED when the order it placed ends, and names that order', () => {
    const { engine, acc, stop, algoUpdates } = setup()
    const m = engine.market('usdm', 'BTCUSDT')
    const mid = new Decimal(m.px(m.midTicks))
    // Triggers at once (a sell stop above the price) and rests far above the market.
    const a = stop('BTCUSDT', { orderType: 'STOP', triggerPrice: mid.times(2), price: mid.times(2) })
    engine.step(1, 0)
    expect(a.algoStatus).toBe('TRIGGERED')
    expect(algoJson(a, m)).toMatchObject({ algoStatus: 'TRIGGERED', actualOrderId: String(a.actualOrderId) })
    engine.cancelOrder('usdm', acc, 'BTCUSDT', a.actualOrderId, undefined, 2)
    expect(a.algoStatus).toBe('FINISHED')
    expect(algoUpdates.filter((u) => u.caid === a.clientAlgoId).map((u) => u.status)).toEqual([
      'NEW',
      'TRIGGERING',
      'TRIGGERED',
      'FINISHED',
    ])
  })
})
