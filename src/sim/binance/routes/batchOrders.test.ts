import { createHmac } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { ManualClock } from '../../../core/index.js'
import { BinanceSim } from '../BinanceSim.js'

type Json = Record<string, unknown>
interface Answer {
  status: number
  body: unknown
  headers: Headers
}

// USD-M batch place and cancel (POST / DELETE /fapi/v1/batchOrders), over real HTTP on 127.0.0.1. The clock is a
// ManualClock, so the order-count windows do not roll over mid-test.
describe('USD-M batch orders', () => {
  const clock = new ManualClock(1_700_000_000_000)
  let sim: BinanceSim
  let btcLow: string
  let ethLow: string
  beforeAll(async () => {
    sim = await BinanceSim.start({ seed: 3, symbols: ['BTCUSDT', 'ETHUSDT'], tickMs: 0, clock })
    btcLow = (Number(sim.midPrice('usdm', 'BTCUSDT')) * 0.9).toFixed(1)
    ethLow = (Number(sim.midPrice('usdm', 'ETHUSDT')) * 0.9).toFixed(2)
  })
  afterAll(() => sim.close())

  /** A signed request; `raw` sends the values unencoded in the form body (as ccxt sends `batchOrders`). */
  async function signed(method: string, path: string, params: Json, raw = false): Promise<Answer> {
    const all = { ...params, timestamp: sim.now() }
    const q = Object.entries(all)
      .map(([k, v]) => `${k}=${raw ? String(v) : encodeURIComponent(String(v))}`)
      .join('&')
    const signature = createHmac('sha256', sim.apiSecret).update(q).digest('hex')
    const body = method === 'POST' ? `${q}&signature=${signature}` : undefined
    const url = `${sim.restUrl}${path}${body === undefined ? `?${q}&signature=${signature}` : ''}`
    const r = await fetch(url, {
      method,
      headers: { 'X-MBX-APIKEY': sim.apiKey, 'content-type': 'application/x-www-form-urlencoded' },
      ...(body !== undefined ? { body } : {}),
    })
    return { status: r.status, body: await r.json(), headers: r.headers }
  }
  const batch = (orders: unknown, raw = false) =>
    signed('POST', '/fapi/v1/batchOrders', { batchOrders: JSON.stringify(orders) }, raw)
  const limitBuy = (symbol: string, price: string, quantity: string | number, extra: Json = {}) => ({
    symbol,
    side: 'BUY',
    type: 'LIMIT',
    timeInForce: 'GTC',
    quantity,
    price,
    ...extra,
  })
  const refusal = async (a: Promise<Answer>) => {
    const { status, body } = await a
    return { status, body }
  }

  it('places each order as POST /fapi/v1/order would, across symbols, answering a refused one in its place', async () => {
    const open = sim.ledger.openOrders('usdm').length
    const a = await batch([
      limitBuy('BTCUSDT', btcLow, '0.010', { newClientOrderId: 'b-1', reduceOnly: 'false' }),
      limitBuy('ETHUSDT', ethLow, 0.05), // JSON numbers are read like strings
      limitBuy('BTCUSDT', btcLow, '0.0001'), // finer than the symbol's quantity precision
      limitBuy('DOGEUSDT', '1', '1'),
      { side: 'BUY', type: 'MARKET', quantity: '0.01' }, // no symbol
    ])
    expect(a.status).toBe(200)
    const body = a.body as Json[]
    expect(body).toHaveLength(5)
    expect(body[0]).toMatchObject({
      symbol: 'BTCUSDT',
      clientOrderId: 'b-1',
      status: 'NEW',
      origQty: '0.010',
    })
    expect(body[1]).toMatchObject({ symbol: 'ETHUSDT', status: 'NEW', price: ethLow, origQty: '0.050' })
    expect(body[2]).toEqual({ code: -1111, msg: 'Precision is over the maximum defined for this asset.' })
    expect(body[3]).toEqual({ code: -1121, msg: 'Invalid symbol.' })
    expect(body[4]).toEqual({
      code: -1102,
      msg: "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.",
    })
    expect(sim.ledger.openOrders('usdm')).toHaveLength(open + 2)
    // a client order id already among the open orders, refused as the single endpoint refuses it
    const dup = await batch([limitBuy('BTCUSDT', btcLow, '0.010', { newClientOrderId: 'b-1' })])
    expect(dup.body).toEqual([{ code: -4015, msg: 'Duplicate order sent.' }])
  })

  it('takes batchOrders unencoded in the form body (ccxt), and fills a market order in the batch', async () => {
    const a = await batch([{ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.002' }], true)
    expect(a.status).toBe(200)
    expect(a.body).toEqual([
      expect.objectContaining({ symbol: 'BTCUSDT', status: 'FILLED', executedQty: '0.002' }),
    ])
    expect(sim.ledger.position('BTCUSDT').qty).toBe('0.002')
  })

  it('costs weight 5, 5 in the 10 s order window and 1 in the 1 min window', async () => {
    clock.advance(60_000) // fresh windows
    const single = await signed('POST', '/fapi/v1/order', limitBuy('BTCUSDT', btcLow, '0.010'))
    expect(single.headers.get('x-mbx-order-count-10s')).toBe('1')
    expect(single.headers.get('x-mbx-order-count-1m')).toBe('1')
    const a = await batch([limitBuy('BTCUSDT', btcLow, '0.010'), limitBuy('ETHUSDT', ethLow, '0.05')])
    expect(a.headers.get('x-mbx-used-weight-1m')).toBe('6')
    expect(a.headers.get('x-mbx-order-count-10s')).toBe('6')
    expect(a.headers.get('x-mbx-order-count-1m')).toBe('2')
    clock.advance(10_000) // a new 10 s window, the same minute
    const b = await batch([limitBuy('ETHUSDT', ethLow, '0.05')])
    expect(b.headers.get('x-mbx-order-count-10s')).toBe('5')
    expect(b.headers.get('x-mbx-order-count-1m')).toBe('3')
    const c = await signed('DELETE', '/fapi/v1/batchOrders', { symbol: 'ETHUSDT', orderIdList: '[1]' })
    expect(c.headers.get('x-mbx-used-weight-1m')).toBe('12') // 1 + 5 + 5 + 1
    expect(c.headers.get('x-mbx-order-count-10s')).toBeNull()
  })

  it('amends each order as PUT /fapi/v1/order would (a refused one in its place), costing as a batch placement', async () => {
    clock.advance(60_000) // fresh windows
    await batch([
      limitBuy('BTCUSDT', btcLow, '0.010', { newClientOrderId: 'm-1' }),
      limitBuy('ETHUSDT', ethLow, '0.05', { newClientOrderId: 'm-2' }),
    ])
    const lower = (Number(btcLow) - 10).toFixed(1)
    const a = await signed('PUT', '/fapi/v1/batchOrders', {
      batchOrders: JSON.stringify([
        { symbol: 'BTCUSDT', origClientOrderId: 'm-1', side: 'BUY', quantity: '0.020', price: lower },
        { symbol: 'ETHUSDT', origClientOrderId: 'm-2', side: 'SELL', quantity: '0.05', price: ethLow },
        { symbol: 'ETHUSDT', origClientOrderId: 'nope', side: 'BUY', quantity: '0.05', price: ethLow },
      ]),
    })
    expect(a.status).toBe(200)
    expect(a.body).toEqual([
      expect.objectContaining({ clientOrderId: 'm-1', price: lower, origQty: '0.020', status: 'NEW' }),
      { code: -1117, msg: 'Invalid side.' },
      { code: -2013, msg: 'Order does not exist.' },
    ])
    expect(a.headers.get('x-mbx-order-count-10s')).toBe('10')
    expect(a.headers.get('x-mbx-order-count-1m')).toBe('2')
    const one = await signed('PUT', '/fapi/v1/order', {
      symbol: 'ETHUSDT',
      origClientOrderId: 'm-2',
      side: 'BUY',
      quantity: '0.06',
      price: ethLow,
    })
    expect(one.body).toMatchObject({ clientOrderId: 'm-2', origQty: '0.060' })
    expect(one.headers.get('x-mbx-order-count-10s')).toBe('11') // a modify counts one order, as Binance documents
    expect(one.headers.get('x-mbx-order-count-1m')).toBe('3')
  })

  it('refuses a whole batch of more than 5 orders, none, malformed JSON or no list, placing nothing', async () => {
    const placed = sim.ledger.orders.length
    const six = Array.from({ length: 6 }, () => limitBuy('BTCUSDT', btcLow, '0.010'))
    expect(await refusal(batch(six))).toEqual({
      status: 400,
      body: { code: -4082, msg: 'Invalid number of batch place orders.' },
    })
    expect(await refusal(batch([]))).toEqual({
      status: 400,
      body: { code: -4082, msg: 'Invalid number of batch place orders.' },
    })
    const malformed = { code: -1130, msg: "Data sent for parameter 'batchOrders' is not valid." }
    for (const bad of ['[{"symbol":"BTCUSDT",', '[object Object]', '{"symbol":"BTCUSDT"}', '[1,2]'])
      expect(await refusal(signed('POST', '/fapi/v1/batchOrders', { batchOrders: bad }))).toEqual({
        status: 400,
        body: malformed,
      })
    expect(await refusal(signed('POST', '/fapi/v1/batchOrders', {}))).toEqual({
      status: 400,
      body: {
        code: -1102,
        msg: "Mandatory parameter 'batchOrders' was not sent, was empty/null, or malformed.",
      },
    })
    expect(sim.ledger.orders.length).toBe(placed)
  })

  it('is USD-M only: spot has no batch endpoint', async () => {
    const a = await signed('POST', '/api/v3/batchOrders', { batchOrders: '[]' })
    expect(a.status).toBe(404)
  })

  it('cancels by orderIdList or origClientOrderIdList, in list order, an unknown order as -2011', async () => {
    const placed = (await batch([
      limitBuy('BTCUSDT', btcLow, '0.010', { newClientOrderId: 'c-1' }),
      limitBuy('BTCUSDT', btcLow, '0.010', { newClientOrderId: 'c-2' }),
      limitBuy('BTCUSDT', btcLow, '0.010', { newClientOrderId: 'c-3' }),
    ]).then((a) => a.body)) as Array<{ orderId: number }>
    const [o1, o2] = placed.map((o) => o.orderId)
    // ids as JSON numbers, and as strings (the official connector's encoding)
    const byId = await signed('DELETE', '/fapi/v1/batchOrders', {
      symbol: 'BTCUSDT',
      orderIdList: `[${o1},"${o2}",987654]`,
    })
    expect(byId.status).toBe(200)
    expect(byId.body).toEqual([
      expect.objectContaining({ orderId: o1, clientOrderId: 'c-1', status: 'CANCELED', symbol: 'BTCUSDT' }),
      expect.objectContaining({ orderId: o2, status: 'CANCELED' }),
      { code: -2011, msg: 'Unknown order sent.' },
    ])
    const byCid = await signed('DELETE', '/fapi/v1/batchOrders', {
      symbol: 'BTCUSDT',
      origClientOrderIdList: '["c-1","c-3"]',
    })
    expect(byCid.body).toEqual([
      { code: -2011, msg: 'Unknown order sent.' }, // already canceled
      expect.objectContaining({ clientOrderId: 'c-3', status: 'CANCELED' }),
    ])
  })

  it('reads the list names in any case, as Binance does (ccxt sends orderidlist)', async () => {
    const [o] = (await batch([limitBuy('ETHUSDT', ethLow, '0.05', { newClientOrderId: 'lc-1' })]).then(
      (a) => a.body,
    )) as Array<{ orderId: number }>
    const a = await signed('DELETE', '/fapi/v1/batchOrders', {
      symbol: 'ETHUSDT',
      origclientorderidlist: '["lc-1"]',
    })
    expect(a.body).toEqual([expect.objectContaining({ orderId: o?.orderId, status: 'CANCELED' })])
  })

  it('refuses more than 10 ids, both lists, neither list, or a malformed list', async () => {
    const del = (params: Json) =>
      refusal(signed('DELETE', '/fapi/v1/batchOrders', { symbol: 'BTCUSDT', ...params }))
    const ids = JSON.stringify(Array.from({ length: 11 }, (_, i) => i + 1))
    expect(await del({ orderIdList: ids })).toEqual({
      status: 400,
      body: { code: -1130, msg: "Data sent for parameter 'orderIdList' is not valid." },
    })
    expect(await del({ orderIdList: '[1]', origClientOrderIdList: '["a"]' })).toEqual({
      status: 400,
      body: { code: -1128, msg: 'Combination of optional parameters invalid.' },
    })
    const neither = {
      code: -1102,
      msg: "Param 'origClientOrderIdList' or 'orderIdList' must be sent, but both were empty/null!",
    }
    expect(await del({})).toEqual({ status: 400, body: neither })
    expect(await del({ orderIdList: '[]' })).toEqual({ status: 400, body: neither })
    expect(await del({ orderIdList: '[1.5]' })).toEqual({
      status: 400,
      body: { code: -1130, msg: "Data sent for parameter 'orderIdList' is not valid." },
    })
    expect(await del({ origClientOrderIdList: 'c-1' })).toEqual({
      status: 400,
      body: { code: -1130, msg: "Data sent for parameter 'origClientOrderIdList' is not valid." },
    })
    const noSymbol = await refusal(signed('DELETE', '/fapi/v1/batchOrders', { orderIdList: '[1]' }))
    expect(noSymbol.body).toMatchObject({ code: -1102 })
  })

  it('publishes ORDER_TRADE_UPDATE for every order a batch places or cancels', async () => {
    const r = await fetch(`${sim.restUrl}/fapi/v1/listenKey`, {
      method: 'POST',
      headers: { 'X-MBX-APIKEY': sim.apiKey },
    })
    const { listenKey } = (await r.json()) as { listenKey: string }
    const ws = new WebSocket(`${sim.wsUrl}/fstream/private/ws/${listenKey}`)
    const events: Json[] = []
    ws.on('message', (d) => events.push(JSON.parse(String(d)) as Json))
    await new Promise((resolve) => ws.on('open', resolve))
    const placed = (await batch([
      limitBuy('BTCUSDT', btcLow, '0.010', { newClientOrderId: 'ev-1' }),
      limitBuy('ETHUSDT', ethLow, '0.05', { newClientOrderId: 'ev-2' }),
    ]).then((a) => a.body)) as Array<{ orderId: number }>
    await signed('DELETE', '/fapi/v1/batchOrders', {
      symbol: 'BTCUSDT',
      orderIdList: JSON.stringify([placed[0]?.orderId]),
    })
    const updates = () =>
      events
        .filter((e) => e.e === 'ORDER_TRADE_UPDATE')
        .map((e) => {
          const o = e.o as Json
          return `${o.c} ${o.s} ${o.x}`
        })
    const until = Date.now() + 5000
    while (updates().length < 3 && Date.now() < until) await new Promise((res) => setTimeout(res, 5))
    ws.close()
    expect(updates()).toEqual(['ev-1 BTCUSDT NEW', 'ev-2 ETHUSDT NEW', 'ev-1 BTCUSDT CANCELED'])
  })
})
