import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { decodeUsdmBatch } from './decodeBatch.js'

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(join(import.meta.dirname, '__fixtures__', name), 'utf8'))

/** The documented USD-M order (`trade/rest-api/Cancel-Order`, see __fixtures__/SOURCES.md). */
const order = () => fixture('rest_usdm_orderCancel_ok.json') as Record<string, unknown>
/** The refusal entry of the "Cancel Multiple Orders" response example. */
const unknownOrder = { code: -2011, msg: 'Unknown order sent.' }
const REQ = 'DELETE /fapi/v1/batchOrders'

describe('decodeUsdmBatch', () => {
  it('reads each entry on its own, in order: an order, or its own refusal as a typed error', () => {
    const [a, b, c] = decodeUsdmBatch(
      [order(), unknownOrder, { code: -2019, msg: 'Margin is insufficient.' }],
      3,
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

  it('an entry it cannot read, a missing entry or an answer that is not a list: a data error per order', () => {
    const bad = decodeUsdmBatch([{ ...order(), status: 'SOMETHING_NEW' }], 2, REQ, 0)
    expect(bad.map((r) => !r.ok && r.error.code)).toEqual(['EXCHANGE_DATA_INVALID', 'EXCHANGE_DATA_INVALID'])
    expect(decodeUsdmBatch({ code: -1000 }, 2, REQ, 0).map((r) => !r.ok && r.error.code)).toEqual([
      'EXCHANGE_DATA_INVALID',
      'EXCHANGE_DATA_INVALID',
    ])
    // An order entry that happens to carry `code` is still an order, and a refusal needs both code and msg.
    const mixed = decodeUsdmBatch([{ ...order(), code: 1 }, { code: -2011 }], 2, REQ, 0)
    expect(mixed.map((r) => (r.ok ? 'order' : r.error.code))).toEqual(['order', 'EXCHANGE_DATA_INVALID'])
  })
})
