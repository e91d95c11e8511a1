/**
 * Binance -1006 UNEXPECTED_RESP, "An unexpected response was received from the message bus. Execution status
 * unknown." (binance-spot-api-docs errors.md; the USD-M error-code page says the same), is as unknown as -1007
 * TIMEOUT: the order may exist, so placing it rejects with `OrderOutcomeUnknownError`, never a rejection.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { OrderOutcomeUnknownError } from '../../../src/index.js'
import { Decimal, type Harness, harness, req } from './helpers.js'

const UNEXPECTED = {
  code: -1006,
  msg: 'An unexpected response was received from the message bus. Execution status unknown.',
}

/** A harness whose answer to `POST <path>` (after the sim executed it) is `answer(body)` with HTTP `status`. */
async function spoiling(spoil: { path?: string; status: number; answer: (body: unknown) => unknown }) {
  const fetchThrough: typeof fetch = async (input, init) => {
    const res = await fetch(input, init)
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url)
    if ((init?.method ?? 'GET') !== 'POST' || url.pathname !== spoil.path) return res
    spoil.path = undefined
    const out = spoil.answer(await res.json())
    return new Response(JSON.stringify(out), { status: spoil.status, headers: res.headers })
  }
  return harness({}, { fetch: fetchThrough })
}

describe('Binance -1006 (execution status unknown) on order placement', () => {
  let h: Harness
  afterEach(async () => {
    await h.close()
  })

  it('USD-M and spot: a -1006 answer is OrderOutcomeUnknownError, and the order the venue holds is found', async () => {
    const spoil = { path: undefined as string | undefined, status: 400, answer: () => UNEXPECTED }
    h = await spoiling(spoil)
    const cases = [
      { path: '/fapi/v1/order', client: h.usdm, r: req({ venue: 'binance-usdm' }) },
      { path: '/api/v3/order', client: h.spot, r: req() },
    ]
    for (const { path, client, r } of cases) {
      spoil.path = path
      const e = await client.placeOrder(r).catch((x: unknown) => x)
      expect(e).toBeInstanceOf(OrderOutcomeUnknownError)
      expect((e as OrderOutcomeUnknownError).clientOrderId).toBe(r.clientOrderId)
      expect((e as Error).cause).toMatchObject({ venueCode: -1006 })
      // The venue did execute it: reconciling by client order id finds it.
      expect(await client.queryOrder(r.symbol, r.clientOrderId)).toMatchObject({ status: 'FILLED' })
    }
  })

  it('USD-M batch: an entry answered -1006 is that order outcome unknown; the others stand', async () => {
    h = await spoiling({
      path: '/fapi/v1/batchOrders',
      status: 200,
      answer: (entries) => (entries as unknown[]).map((e, i) => (i === 1 ? UNEXPECTED : e)),
    })
    const orders = [1, 2, 3, 4].map((n) => req({ venue: 'binance-usdm', qty: new Decimal(n).div(100) }))
    const results = await h.usdm.placeOrders(orders)
    expect(h.sim.requestLog.filter((r) => r.path.endsWith('/batchOrders'))).toHaveLength(1)
    expect(results.map((r) => (r.ok ? r.value.order.status : r.error.code))).toEqual([
      'FILLED',
      'ORDER_OUTCOME_UNKNOWN',
      'FILLED',
      'FILLED',
    ])
  })
})
