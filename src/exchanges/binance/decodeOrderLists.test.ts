import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { decodeAlgoIds, decodeAlgoOrders, decodeSpotCancelAll, decodeSpotOrders } from './decodeOrderLists.js'

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(join(import.meta.dirname, '__fixtures__', name), 'utf8'))

/** Binance's `DELETE /api/v3/openOrders` example (two orders and one OCO list), see __fixtures__/SOURCES.md. */
const cancelAll = () => fixture('rest_spot_cancelAll_ok.json') as Array<Record<string, unknown>>

describe('decodeSpotCancelAll', () => {
  it("reads the documented response: the two orders and both orders of the OCO's orderReports", () => {
    const r = decodeSpotCancelAll(cancelAll(), 0)
    if (!r.ok) throw r.error
    expect(r.value.undecodable).toEqual([])
    expect(r.value.orders.map((o) => [o.clientOrderId, o.venueOrderId, o.type, o.status])).toEqual([
      ['E6APeyTJvkMvLMYMqu1KQ4', '11', 'LIMIT', 'CANCELED'],
      ['A3EF2HCwxgZPFMrfwbgrhv', '13', 'LIMIT', 'CANCELED'],
      ['CwOOIPHSmYywx6jZX77TdL', '20', 'STOP_LIMIT', 'CANCELED'],
      ['461cPg51vQjV3zIMOXNz39', '21', 'LIMIT', 'CANCELED'],
    ])
  })

  it('returns an unreadable order report as an error and keeps the rest', () => {
    const body = cancelAll()
    const oco = body[2] as { orderReports: Array<Record<string, unknown>> }
    oco.orderReports[1] = { ...oco.orderReports[1], status: 'SOMETHING_NEW' }
    const r = decodeSpotCancelAll(body, 0)
    if (!r.ok) throw r.error
    expect(r.value.orders).toHaveLength(3)
    expect(r.value.undecodable).toHaveLength(1)
    expect(r.value.undecodable[0]?.code).toBe('EXCHANGE_DATA_INVALID')
  })

  it('refuses a body that is not a list', () => {
    expect(decodeSpotCancelAll({ code: -2011 }, 0).ok).toBe(false)
  })
})

describe('open-order lists', () => {
  it('an unknown status refuses the whole list, naming the entry', () => {
    const rows = fixture('rest_spot_openOrders_ok.json') as Array<Record<string, unknown>>
    expect(decodeSpotOrders(rows, 0).ok).toBe(true)
    const r = decodeSpotOrders([...rows, { ...rows[0], status: 'NEW_STATUS' }], 0)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error.issues.join()).toContain(`${rows.length}.status`)
  })

  it('algo lists: every order decodes, or the list is refused; cancel-all reads only the ids', () => {
    const rows = fixture('rest_usdm_openAlgoOrders_ok.json') as Array<Record<string, unknown>>
    const r = decodeAlgoOrders(rows, 0)
    expect(r.ok && r.value.map((o) => o.venueOrderId)).toEqual([`algo:${rows[0]?.algoId}`])
    const odd = [{ ...rows[0], algoStatus: 'PAUSED' }]
    expect(decodeAlgoOrders(odd, 0).ok).toBe(false)
    expect(decodeAlgoIds(odd)).toEqual({ ok: true, value: [rows[0]?.algoId] })
  })
})
