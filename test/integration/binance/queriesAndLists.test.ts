import { afterEach, describe, expect, it } from 'vitest'
import { ExchangeDataError } from '../../../src/index.js'
import { Decimal, type Harness, harness, req } from './helpers.js'

/**
 * The order-list entry of Binance's `DELETE /api/v3/openOrders` response example (an OCO cancelled with the rest),
 * verbatim from binance/binance-spot-api-docs rest-api.md, "Cancel All Open Orders on a Symbol (TRADE)".
 */
const DOCS_OCO_ENTRY = {
  orderListId: 1929,
  contingencyType: 'OCO',
  listStatusType: 'ALL_DONE',
  listOrderStatus: 'ALL_DONE',
  listClientOrderId: '2inzWQdDvZLHbbAmAozX2N',
  transactionTime: 1585230948299,
  symbol: 'BTCUSDT',
  orders: [
    { symbol: 'BTCUSDT', orderId: 20, clientOrderId: 'CwOOIPHSmYywx6jZX77TdL' },
    { symbol: 'BTCUSDT', orderId: 21, clientOrderId: '461cPg51vQjV3zIMOXNz39' },
  ],
  orderReports: [
    {
      symbol: 'BTCUSDT',
      origClientOrderId: 'CwOOIPHSmYywx6jZX77TdL',
      orderId: 20,
      orderListId: 1929,
      clientOrderId: 'pXLV6Hz6mprAcVYpVMTGgx',
      transactTime: 1688005070874,
      price: '0.668611',
      origQty: '0.690354',
      executedQty: '0.000000',
      origQuoteOrderQty: '0.000000',
      cummulativeQuoteQty: '0.000000',
      status: 'CANCELED',
      timeInForce: 'GTC',
      type: 'STOP_LOSS_LIMIT',
      side: 'BUY',
      stopPrice: '0.378131',
      icebergQty: '0.017083',
      selfTradePreventionMode: 'NONE',
    },
    {
      symbol: 'BTCUSDT',
      origClientOrderId: '461cPg51vQjV3zIMOXNz39',
      orderId: 21,
      orderListId: 1929,
      clientOrderId: 'pXLV6Hz6mprAcVYpVMTGgx',
      transactTime: 1688005070874,
      price: '0.008791',
      origQty: '0.690354',
      executedQty: '0.000000',
      origQuoteOrderQty: '0.000000',
      cummulativeQuoteQty: '0.000000',
      status: 'CANCELED',
      timeInForce: 'GTC',
      type: 'LIMIT_MAKER',
      side: 'BUY',
      icebergQty: '0.639962',
      selfTradePreventionMode: 'NONE',
    },
  ],
}

type Rewrite = (method: string, path: string, body: unknown) => unknown

/** A harness whose REST JSON responses pass through `rewrite.fn` when set. */
async function rewriting(rewrite: { fn: Rewrite | undefined }): Promise<Harness> {
  const fetchThrough: typeof fetch = async (input, init) => {
    const res = await fetch(input, init)
    const fn = rewrite.fn
    if (fn === undefined) return res
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url)
    const text = await res.text()
    let body: unknown
    try {
      body = JSON.parse(text)
    } catch {
      return new Response(text, { status: res.status, headers: res.headers })
    }
    const out = fn(init?.method ?? 'GET', url.pathname, body)
    return new Response(JSON.stringify(out), { status: res.status, headers: res.headers })
  }
  return harness({}, { fetch: fetchThrough })
}

const withStatus = (b: unknown, status: string) =>
  typeof b === 'object' && b !== null && !Array.isArray(b) ? { ...b, status } : b

describe('queried orders and order lists', () => {
  let h: Harness | undefined
  afterEach(async () => {
    await h?.close()
    h = undefined
  })

  it('an unknown status in a queried spot order is a data error, never "not found"', async () => {
    const rw: { fn: Rewrite | undefined } = { fn: undefined }
    h = await rewriting(rw)
    const mid = new Decimal(h.sim.midPrice('spot', 'BTCUSDT'))
    const r = req({ type: 'LIMIT', price: mid.times('0.9').toDecimalPlaces(2) })
    await h.spot.placeOrder(r)
    rw.fn = (m, p, b) => (m === 'GET' && p === '/api/v3/order' ? withStatus(b, 'NEW_STATUS') : b)
    const e = await h.spot.queryOrder('BTCUSDT', r.clientOrderId).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(ExchangeDataError)
    rw.fn = undefined
    expect((await h.spot.queryOrder('BTCUSDT', r.clientOrderId))?.status).toBe('OPEN')
    expect(await h.spot.queryOrder('BTCUSDT', 'never-placed')).toBeUndefined()
  })

  it('an unknown status in a queried USD-M order is a data error, never "not found"', async () => {
    const rw: { fn: Rewrite | undefined } = { fn: undefined }
    h = await rewriting(rw)
    const mid = new Decimal(h.sim.midPrice('usdm', 'BTCUSDT'))
    const r = req({ venue: 'binance-usdm', type: 'LIMIT', price: mid.times('0.9').toDecimalPlaces(1) })
    await h.usdm.placeOrder(r)
    rw.fn = (m, p, b) => (m === 'GET' && p === '/fapi/v1/order' ? withStatus(b, 'NEW_STATUS') : b)
    await expect(h.usdm.queryOrder('BTCUSDT', r.clientOrderId)).rejects.toBeInstanceOf(ExchangeDataError)
  })

  it('an open-orders list with an unreadable entry is refused, not shortened', async () => {
    const rw: { fn: Rewrite | undefined } = { fn: undefined }
    h = await rewriting(rw)
    const mid = new Decimal(h.sim.midPrice('spot', 'BTCUSDT'))
    await h.spot.placeOrder(req({ type: 'LIMIT', price: mid.times('0.9').toDecimalPlaces(2) }))
    await h.spot.placeOrder(req({ type: 'LIMIT', price: mid.times('0.8').toDecimalPlaces(2) }))
    expect(await h.spot.openOrders('BTCUSDT')).toHaveLength(2)
    rw.fn = (m, p, b) =>
      m === 'GET' && p === '/api/v3/openOrders' && Array.isArray(b)
        ? [withStatus(b[0], 'WEIRD'), ...b.slice(1)]
        : b
    await expect(h.spot.openOrders('BTCUSDT')).rejects.toBeInstanceOf(ExchangeDataError)
  })

  it('spot cancel-all reads the orders of a cancelled OCO and reports an unreadable entry on error', async () => {
    const rw: { fn: Rewrite | undefined } = { fn: undefined }
    h = await rewriting(rw)
    const mid = new Decimal(h.sim.midPrice('spot', 'BTCUSDT'))
    const placed = req({ type: 'LIMIT', price: mid.times('0.9').toDecimalPlaces(2) })
    await h.spot.placeOrder(placed)
    rw.fn = (m, p, b) =>
      m === 'DELETE' && p === '/api/v3/openOrders' && Array.isArray(b)
        ? [...b, DOCS_OCO_ENTRY, { orderListId: 7, unexpected: true }]
        : b
    const cancelled = await h.spot.cancelAllOrders('BTCUSDT')
    expect(cancelled.map((o) => o.clientOrderId)).toEqual([
      placed.clientOrderId,
      'CwOOIPHSmYywx6jZX77TdL',
      '461cPg51vQjV3zIMOXNz39',
    ])
    expect(cancelled.map((o) => o.status)).toEqual(['CANCELED', 'CANCELED', 'CANCELED'])
    expect(cancelled[1]?.type).toBe('STOP_LIMIT')
    expect(cancelled[2]?.timeInForce).toBe('POST_ONLY')
    expect(h.errors).toHaveLength(1)
    expect(h.errors[0]).toBeInstanceOf(ExchangeDataError)
  })
})
