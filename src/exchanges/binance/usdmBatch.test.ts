import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cancelRequests, decodeUsdmBatch, repeatedIds, worthBatching } from './usdmBatch.js'

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(join(import.meta.dirname, '__fixtures__', name), 'utf8'))

/** The documented USD-M order (`trade/rest-api/Cancel-Order`, client id `myOrder1`; see __fixtures__/SOURCES.md). */
const order = () => fixture('rest_usdm_orderCancel_ok.json') as Record<string, unknown>
/** The refusal entry of the "Cancel Multiple Orders" response example. */
const unknownOrder = { code: -2011, msg: 'Unknown order sent.' }
const REQ = 'DELETE /fapi/v1/batchOrders'
const codes = (rs: ReturnType<typeof decodeUsdmBatch>) => rs.map((r) => (r.ok ? 'order' : r.error.code))

describe('decodeUsdmBatch', () => {
  it('reads each entry on its own, in order: an order, or its own refusal as a typed error', () => {
    const [a, b, c] = decodeUsdmBatch(
      [order(), unknownOrder, { code: -2019, msg: 'Margin is insufficient.' }],
      ['myOrder1', 'b', 'c'],
      REQ,
      0,
    )
    expect(a?.ok && [a.value.clientOrderId, a.value.venueOrderId, a.value.status]).toEqual([
      'myOrder1',
      '283194212',
      'CANCELED',
    ])
    expect(b?.ok === false && b.error).toMatchObject({ code: 'ORDER_REJECTED', venueCode: -2011 })
    expect(b?.ok === false && b.error.message).toContain('Unknown order sent.')
    expect(c?.ok === false && c.error).toMatchObject({ code: 'INSUFFICIENT_FUNDS', venueCode: -2019 })
  })

  it('an entry it cannot read, or an order entry for another client id: a data error for that order', () => {
    const bad = decodeUsdmBatch(
      [{ ...order(), status: 'SOMETHING_NEW' }, order()],
      ['myOrder1', 'other'],
      REQ,
      0,
    )
    expect(codes(bad)).toEqual(['EXCHANGE_DATA_INVALID', 'EXCHANGE_DATA_INVALID'])
    // An order entry that happens to carry `code` is still an order; a refusal needs both code and msg.
    const mixed = decodeUsdmBatch([{ ...order(), code: 1 }, { code: -2011 }], ['myOrder1', 'b'], REQ, 0)
    expect(codes(mixed)).toEqual(['order', 'EXCHANGE_DATA_INVALID'])
  })

  it('an answer that is not a list, or has more or fewer entries than orders sent: a data error for every order', () => {
    expect(codes(decodeUsdmBatch({ code: -1000 }, ['a', 'b'], REQ, 0))).toEqual([
      'EXCHANGE_DATA_INVALID',
      'EXCHANGE_DATA_INVALID',
    ])
    expect(codes(decodeUsdmBatch([order()], ['myOrder1', 'b'], REQ, 0))).toEqual([
      'EXCHANGE_DATA_INVALID',
      'EXCHANGE_DATA_INVALID',
    ])
    expect(codes(decodeUsdmBatch([order(), unknownOrder], ['myOrder1'], REQ, 0))).toEqual([
      'EXCHANGE_DATA_INVALID',
    ])
  })
})

describe('repeatedIds and cancelRequests', () => {
  it('refuses every repeat of a client id after its first', () => {
    const r = repeatedIds(['a', 'b', 'a', 'a'])
    expect([...r.keys()]).toEqual([2, 3])
    expect(r.get(2)).toMatchObject({ code: 'VALIDATION_FAILED', field: 'clientOrderId' })
  })

  it('groups cancels by upper-cased symbol in requests of at most the limit; algo orders go alone', () => {
    const orders = [
      ...Array.from({ length: 12 }, (_, i) => ({
        symbol: i % 2 === 0 ? 'BTCUSDT' : 'btcusdt',
        clientOrderId: `b${i}`,
      })),
      { symbol: 'ETHUSDT', clientOrderId: 'e0' },
      { symbol: 'BTCUSDT', clientOrderId: 'algo-1' },
    ]
    const { alone, requests } = cancelRequests(orders, (cid) => cid.startsWith('algo'), 10)
    expect(alone).toEqual([13])
    expect(requests.map((r) => [r.symbol, r.indices.length])).toEqual([
      ['BTCUSDT', 10],
      ['BTCUSDT', 2],
      ['ETHUSDT', 1],
    ])
    expect(requests.flatMap((r) => r.indices).sort((a, b) => a - b)).toEqual([...Array(13).keys()])
  })
})

describe('worthBatching', () => {
  it("batches from 4 orders on with Binance's default limits, and follows the account's own", () => {
    expect([1, 2, 3, 4, 5].map((n) => worthBatching(n, []))).toEqual([false, false, false, true, true])
    const windows = (per10s: number, perMinute: number) => [
      { id: 'ORDERS_10S', limit: per10s },
      { id: 'ORDERS_1M', limit: perMinute },
    ]
    expect(worthBatching(4, windows(300, 1200))).toBe(true)
    // A minute budget as tight as the 10-second one: a batch pays from 2 orders on.
    expect([1, 2].map((n) => worthBatching(n, windows(300, 300)))).toEqual([false, true])
    // A roomy minute: the 10-second window binds, where a batch always costs 5.
    expect(worthBatching(5, windows(300, 100_000))).toBe(false)
  })
})
