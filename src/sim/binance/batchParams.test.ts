import { describe, expect, it } from 'vitest'
import { batchCancelTargets, batchOrderParams } from './batchParams.js'
import { simErrorCode } from './testing/simErrorCode.js'

const q = (o: Record<string, string>) => new URLSearchParams(o)

describe('batchOrderParams', () => {
  it('reads each order of the JSON list as order parameters, numbers in plain notation', () => {
    const [a, b] = batchOrderParams(
      q({
        batchOrders: JSON.stringify([
          { symbol: 'BTCUSDT', side: 'BUY', quantity: 0.0000001, price: '100.5', reduceOnly: true },
          { symbol: 'ETHUSDT', side: 'SELL', quantity: '2', goodTillDate: 1700000600000, priceMatch: null },
        ]),
      }),
    )
    expect(Object.fromEntries(a ?? [])).toEqual({
      symbol: 'BTCUSDT',
      side: 'BUY',
      quantity: '0.0000001',
      price: '100.5',
      reduceOnly: 'true',
    })
    expect(Object.fromEntries(b ?? [])).toEqual({
      symbol: 'ETHUSDT',
      side: 'SELL',
      quantity: '2',
      goodTillDate: '1700000600000',
    })
  })

  it('refuses a missing, malformed, empty or too long list', () => {
    expect(simErrorCode(() => batchOrderParams(q({})))).toBe(-1102)
    expect(simErrorCode(() => batchOrderParams(q({ batchOrders: '' })))).toBe(-1102)
    expect(simErrorCode(() => batchOrderParams(q({ batchOrders: '[{' })))).toBe(-1130)
    expect(simErrorCode(() => batchOrderParams(q({ batchOrders: '{}' })))).toBe(-1130)
    expect(simErrorCode(() => batchOrderParams(q({ batchOrders: '[null]' })))).toBe(-1130)
    expect(simErrorCode(() => batchOrderParams(q({ batchOrders: '[]' })))).toBe(-4082)
    expect(simErrorCode(() => batchOrderParams(q({ batchOrders: JSON.stringify(Array(6).fill({})) })))).toBe(
      -4082,
    )
    expect(batchOrderParams(q({ batchOrders: JSON.stringify(Array(5).fill({})) }))).toHaveLength(5)
  })
})

describe('batchCancelTargets', () => {
  it('reads order ids (numbers or digit strings) or client order ids, the list name in any case', () => {
    expect(batchCancelTargets(q({ orderIdList: '[3,"4"]' }))).toEqual([{ orderId: 3 }, { orderId: 4 }])
    expect(batchCancelTargets(q({ orderidlist: '[5]' }))).toEqual([{ orderId: 5 }])
    expect(batchCancelTargets(q({ origClientOrderIdList: '["a","b"]' }))).toEqual([
      { clientOrderId: 'a' },
      { clientOrderId: 'b' },
    ])
    expect(batchCancelTargets(q({ origclientorderidlist: '["c"]' }))).toEqual([{ clientOrderId: 'c' }])
    expect(batchCancelTargets(q({ orderIdList: JSON.stringify(Array(10).fill(1)) }))).toHaveLength(10)
  })

  it('refuses neither, both, too many or malformed lists', () => {
    expect(simErrorCode(() => batchCancelTargets(q({})))).toBe(-1102)
    expect(simErrorCode(() => batchCancelTargets(q({ orderIdList: '[]' })))).toBe(-1102)
    expect(
      simErrorCode(() => batchCancelTargets(q({ orderIdList: '[1]', origClientOrderIdList: '["a"]' }))),
    ).toBe(-1128)
    expect(
      simErrorCode(() => batchCancelTargets(q({ orderIdList: JSON.stringify(Array(11).fill(1)) }))),
    ).toBe(-1130)
    expect(simErrorCode(() => batchCancelTargets(q({ orderIdList: '1,2' })))).toBe(-1130)
    expect(simErrorCode(() => batchCancelTargets(q({ orderIdList: '[-1]' })))).toBe(-1130)
    expect(simErrorCode(() => batchCancelTargets(q({ orderIdList: '["x"]' })))).toBe(-1130)
    expect(simErrorCode(() => batchCancelTargets(q({ origClientOrderIdList: '[{}]' })))).toBe(-1130)
  })
})
