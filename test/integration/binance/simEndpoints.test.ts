import { createHmac } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { BinanceSim } from '../../../src/sim/index.js'

type Json = Record<string, unknown>

/**
 * The endpoints and streams mainstream clients call (ccxt's fetchTicker/fetchTrades/fetchOrders/fetchBalance/
 * fetchPositions/fetchTradingFees, the official connectors), on the wire, in Binance's documented layouts. Each
 * layout is cited where it is built (src/sim/binance/json/ticker.ts, json/futuresAccount.ts, routes/*.ts).
 */
describe('BinanceSim: endpoints mainstream clients call', () => {
  let sim: BinanceSim
  beforeAll(async () => {
    sim = await BinanceSim.start({
      seed: 5,
      symbols: ['BTCUSDT', 'ETHUSDT'],
      tickMs: 0,
      weightLimitPerMinute: 100_000,
    })
    sim.step(30)
  })
  afterAll(async () => {
    await sim.close()
  })

  const call = async (method: string, path: string, params: Record<string, string> = {}, sign = true) => {
    let q = new URLSearchParams(params).toString()
    if (sign) {
      q = new URLSearchParams({ ...params, timestamp: String(sim.now()) }).toString()
      q += `&signature=${createHmac('sha256', sim.apiSecret).update(q).digest('hex')}`
    }
    const r = await fetch(`${sim.restUrl}${path}?${q}`, { method, headers: { 'X-MBX-APIKEY': sim.apiKey } })
    return { status: r.status, body: (await r.json()) as unknown }
  }
  const get = async (path: string, params: Record<string, string> = {}, sign = false) => {
    const r = await call('GET', path, params, sign)
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    return r.body
  }
  const trade = async (path: string, params: Record<string, string>) => {
    const r = await call('POST', path, { symbol: 'BTCUSDT', ...params })
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    return r.body as Json
  }

  it('serves the 24 h ticker for one symbol and for all, in each market layout', async () => {
    await trade('/api/v3/order', { side: 'BUY', type: 'MARKET', quantity: '0.01' })
    const spot = (await get('/api/v3/ticker/24hr', { symbol: 'BTCUSDT' })) as Json
    for (const k of ['priceChange', 'priceChangePercent', 'weightedAvgPrice', 'prevClosePrice', 'lastPrice'])
      expect(spot).toHaveProperty(k)
    expect(spot).toMatchObject({
      symbol: 'BTCUSDT',
      bidPrice: expect.any(String),
      askQty: expect.any(String),
    })
    expect(Number(spot.count)).toBeGreaterThan(0)
    expect(Number(spot.highPrice)).toBeGreaterThanOrEqual(Number(spot.lowPrice))
    expect(Number(spot.volume)).toBeGreaterThan(0)
    const all = (await get('/api/v3/ticker/24hr')) as Json[]
    expect(all.map((t) => t.symbol)).toEqual(['BTCUSDT', 'ETHUSDT'])
    const some = (await get('/api/v3/ticker/24hr', { symbols: '["ETHUSDT"]', type: 'MINI' })) as Json[]
    expect(Object.keys(some[0] as Json).sort()).toEqual(
      ['symbol', 'openPrice', 'highPrice', 'lowPrice', 'lastPrice', 'volume', 'quoteVolume']
        .concat(['openTime', 'closeTime', 'firstId', 'lastId', 'count'])
        .sort(),
    )
    expect(
      (await call('GET', '/api/v3/ticker/price', { symbols: '["BTCUSDT","NOPE"]' }, false)).body,
    ).toEqual({
      code: -1121,
      msg: 'Invalid symbol.',
    })
    expect((await call('GET', '/api/v3/ticker/24hr', { symbols: 'BTCUSDT' }, false)).body).toMatchObject({
      code: -1100,
    })
    const fut = (await get('/fapi/v1/ticker/24hr', { symbol: 'ETHUSDT' })) as Json
    expect(fut).toMatchObject({
      symbol: 'ETHUSDT',
      lastPrice: expect.any(String),
      openTime: expect.any(Number),
    })
    expect(fut).not.toHaveProperty('bidPrice')
    expect(fut).not.toHaveProperty('prevClosePrice')
    expect(await call('GET', '/api/v3/ticker/24hr', { symbol: 'NOPE' }, false)).toEqual({
      status: 400,
      body: { code: -1121, msg: 'Invalid symbol.' },
    })
  })

  it('serves aggregate trades (spot with M), from fromId on', async () => {
    const spot = (await get('/api/v3/aggTrades', { symbol: 'BTCUSDT', limit: '5' })) as Json[]
    expect(spot.length).toBe(5)
    expect(spot[0]).toEqual({
      a: expect.any(Number),
      p: expect.any(String),
      q: expect.any(String),
      f: expect.any(Number),
      l: expect.any(Number),
      T: expect.any(Number),
      m: expect.any(Boolean),
      M: true,
    })
    const from = (spot[0] as Json).a as number
    const next = (await get('/api/v3/aggTrades', {
      symbol: 'BTCUSDT',
      fromId: String(from),
      limit: '2',
    })) as Json[]
    expect(next.map((t) => t.a)).toEqual([from, (spot[1] as Json).a])
    const fut = (await get('/fapi/v1/aggTrades', { symbol: 'BTCUSDT', limit: '1' })) as Json[]
    expect(fut[0]).not.toHaveProperty('M')
  })

  it('lists every order of a symbol (allOrders), open and done, and refuses unknown symbols and orders', async () => {
    const mid = Number(sim.midPrice('spot', 'BTCUSDT'))
    const rest = await trade('/api/v3/order', {
      side: 'BUY',
      type: 'LIMIT',
      timeInForce: 'GTC',
      quantity: '0.01',
      price: (Math.floor(mid * 0.9 * 100) / 100).toFixed(2),
    })
    const all = (await get('/api/v3/allOrders', { symbol: 'BTCUSDT' }, true)) as Json[]
    expect(all.map((o) => o.status)).toEqual(['FILLED', 'NEW'])
    expect(all[1]).toMatchObject({ orderId: rest.orderId, symbol: 'BTCUSDT', type: 'LIMIT' })
    const fromRest = (await get(
      '/api/v3/allOrders',
      { symbol: 'BTCUSDT', orderId: String(rest.orderId) },
      true,
    )) as Json[]
    expect(fromRest).toHaveLength(1)
    expect(await get('/fapi/v1/allOrders', { symbol: 'ETHUSDT' }, true)).toEqual([])
    expect((await call('GET', '/api/v3/allOrders', { symbol: 'NOPE' })).body).toEqual({
      code: -1121,
      msg: 'Invalid symbol.',
    })
    expect((await call('GET', '/api/v3/order', { symbol: 'BTCUSDT', orderId: '999999' })).body).toEqual({
      code: -2013,
      msg: 'Order does not exist.',
    })
  })

  it('pages one order’s account trades: the most recent `limit`, or from `fromId` on, oldest first', async () => {
    // A market order larger than the best level fills at several levels: one trade each.
    const order = await trade('/api/v3/order', { side: 'SELL', type: 'MARKET', quantity: '3' })
    const orderId = String(order.orderId)
    const all = (await get('/api/v3/myTrades', { symbol: 'BTCUSDT', orderId }, true)) as Json[]
    expect(all.length).toBeGreaterThanOrEqual(3)
    const ids = all.map((t) => Number(t.id))
    expect(ids).toEqual([...ids].sort((x, y) => x - y))
    const recent = (await get('/api/v3/myTrades', { symbol: 'BTCUSDT', orderId, limit: '2' }, true)) as Json[]
    expect(recent.map((t) => Number(t.id))).toEqual(ids.slice(-2))
    const first = (await get(
      '/api/v3/myTrades',
      { symbol: 'BTCUSDT', orderId, fromId: '0', limit: '2' },
      true,
    )) as Json[]
    expect(first.map((t) => Number(t.id))).toEqual(ids.slice(0, 2))
    const next = (await get(
      '/api/v3/myTrades',
      { symbol: 'BTCUSDT', orderId, fromId: String((ids[1] as number) + 1), limit: '1000' },
      true,
    )) as Json[]
    expect(next.map((t) => Number(t.id))).toEqual(ids.slice(2))
  })

  it('answers USD-M account trades of the last 7 days unless given a span of at most 7 days', async () => {
    const DAY = 86_400_000
    sim.faults.clockSkew(-8 * DAY)
    let order: Json
    try {
      order = await trade('/fapi/v1/order', { side: 'BUY', type: 'MARKET', quantity: '0.01' })
    } finally {
      sim.faults.clockSkew(0)
    }
    const orderId = String(order.orderId)
    const at = Number(order.updateTime)
    expect(await get('/fapi/v1/userTrades', { symbol: 'BTCUSDT', orderId }, true)).toEqual([])
    const span = { symbol: 'BTCUSDT', orderId, startTime: String(at - 1), endTime: String(at + 7 * DAY - 1) }
    const rows = (await get('/fapi/v1/userTrades', span, true)) as Json[]
    expect(rows.length).toBeGreaterThan(0)
    expect(rows.every((t) => String(t.orderId) === orderId && Number(t.time) === at)).toBe(true)
    const tooLong = { ...span, endTime: String(at + 7 * DAY) }
    expect((await call('GET', '/fapi/v1/userTrades', tooLong)).body).toMatchObject({ code: -1127 })
    const withFromId = { symbol: 'BTCUSDT', startTime: String(at - 1), fromId: '0' }
    expect((await call('GET', '/fapi/v1/userTrades', withFromId)).body).toMatchObject({ code: -1128 })
    // Spot takes no time with an order id.
    const spot = { symbol: 'BTCUSDT', orderId: '1', startTime: String(at) }
    expect((await call('GET', '/api/v3/myTrades', spot)).body).toMatchObject({ code: -1128 })
    await trade('/fapi/v1/order', { side: 'SELL', type: 'MARKET', quantity: '0.01', reduceOnly: 'true' })
  })

  it('serves USD-M symbol config and spot trade fees', async () => {
    expect(await get('/fapi/v1/symbolConfig', { symbol: 'BTCUSDT' }, true)).toEqual([
      {
        symbol: 'BTCUSDT',
        marginType: 'CROSSED',
        isAutoAddMargin: 'false',
        leverage: 20,
        maxNotionalValue: '12000000',
      },
    ])
    expect(await get('/fapi/v1/symbolConfig', {}, true)).toHaveLength(2)
    expect(await get('/sapi/v1/asset/tradeFee', { symbol: 'ETHUSDT' }, true)).toEqual([
      { symbol: 'ETHUSDT', makerCommission: '0.001', takerCommission: '0.001' },
    ])
    expect((await call('GET', '/fapi/v1/symbolConfig', { symbol: 'NOPE' })).body).toMatchObject({
      code: -1121,
    })
  })

  it('answers /fapi/v3/account and positionRisk in the v3 layout, v2 in the v2 layout', async () => {
    const flat3 = (await get('/fapi/v3/positionRisk', {}, true)) as Json[]
    expect(flat3).toEqual([])
    expect(await get('/fapi/v2/positionRisk', {}, true)).toHaveLength(2)
    await trade('/fapi/v1/order', { side: 'BUY', type: 'MARKET', quantity: '0.01' })
    const pos = (await get('/fapi/v3/positionRisk', {}, true)) as Json[]
    expect(pos).toHaveLength(1)
    const p = pos[0] as Json
    expect(p).toMatchObject({
      symbol: 'BTCUSDT',
      positionAmt: '0.010',
      marginAsset: 'USDT',
      positionSide: 'BOTH',
    })
    const notional = Number(p.notional)
    expect(Number(p.positionInitialMargin)).toBeCloseTo(notional / 20, 6)
    expect(Number(p.initialMargin)).toBeCloseTo(notional / 20, 6)
    expect(Number(p.maintMargin)).toBeCloseTo(notional * 0.004, 6)
    expect(p).not.toHaveProperty('leverage')
    const v2 = (await get('/fapi/v2/positionRisk', { symbol: 'BTCUSDT' }, true)) as Json[]
    expect(v2[0]).toMatchObject({ leverage: '20', marginType: 'cross', positionAmt: '0.010' })
    expect(v2[0]).not.toHaveProperty('marginAsset')

    const acc = (await get('/fapi/v3/account', {}, true)) as Json
    const keys = ['totalInitialMargin', 'totalMaintMargin', 'totalWalletBalance', 'totalUnrealizedProfit']
    keys.push('totalMarginBalance', 'totalPositionInitialMargin', 'totalOpenOrderInitialMargin')
    keys.push('totalCrossWalletBalance', 'totalCrossUnPnl', 'availableBalance', 'maxWithdrawAmount')
    for (const k of keys) expect(acc[k], k).toMatch(/^-?\d+\.\d{8}$/)
    expect(Number(acc.totalInitialMargin)).toBeCloseTo(Number(p.initialMargin), 6)
    expect(Number(acc.totalMarginBalance)).toBeCloseTo(
      Number(acc.totalWalletBalance) + Number(acc.totalUnrealizedProfit),
      6,
    )
    const asset = (acc.assets as Json[])[0] as Json
    for (const k of [
      'marginBalance',
      'initialMargin',
      'maintMargin',
      'positionInitialMargin',
      'walletBalance',
    ])
      expect(asset[k], k).toMatch(/^-?\d+\.\d{8}$/)
    expect(acc.positions).toHaveLength(1)
    const acc2 = (await get('/fapi/v2/account', {}, true)) as Json
    expect(acc2).toMatchObject({ canTrade: true, multiAssetsMargin: false })
    expect(acc2.positions).toHaveLength(2)
    expect(acc).not.toHaveProperty('canTrade')
    expect((await call('GET', '/fapi/v1/account')).status).toBe(404)
  })

  it('streams @ticker, @miniTicker and the all-market arrays (spot: mini only) on spot and USD-M', async () => {
    const open = (url: string) =>
      new Promise<{ ws: WebSocket; frames: Json[] }>((resolve, reject) => {
        const ws = new WebSocket(url)
        const frames: Json[] = []
        ws.on('message', (d) => frames.push(JSON.parse(String(d)) as Json))
        ws.on('open', () => resolve({ ws, frames }))
        ws.on('error', reject)
      })
    const spot = await open(`${sim.wsUrl}/stream?streams=btcusdt@ticker/btcusdt@miniTicker/!miniTicker@arr`)
    const fut = await open(
      `${sim.wsUrl}/fstream/market/stream?streams=ethusdt@ticker/ethusdt@miniTicker/!ticker@arr`,
    )
    sim.step(2)
    const until = Date.now() + 5000
    while ((spot.frames.length < 6 || fut.frames.length < 6) && Date.now() < until)
      await new Promise((r) => setTimeout(r, 10))
    const byStream = (fs: Json[], s: string) => fs.find((f) => f.stream === s)?.data as Json | Json[]
    expect(byStream(spot.frames, 'btcusdt@ticker')).toMatchObject({
      e: '24hrTicker',
      s: 'BTCUSDT',
      x: expect.any(String),
      b: expect.any(String),
    })
    expect(byStream(spot.frames, 'btcusdt@miniTicker')).toMatchObject({ e: '24hrMiniTicker', s: 'BTCUSDT' })
    expect((byStream(spot.frames, '!miniTicker@arr') as Json[]).map((t) => t.s)).toEqual([
      'BTCUSDT',
      'ETHUSDT',
    ])
    const ft = byStream(fut.frames, 'ethusdt@ticker') as Json
    expect(ft).toMatchObject({ e: '24hrTicker', s: 'ETHUSDT', c: expect.any(String), n: expect.any(Number) })
    expect(ft).not.toHaveProperty('b')
    expect(byStream(fut.frames, 'ethusdt@miniTicker')).toMatchObject({ e: '24hrMiniTicker' })
    expect(byStream(fut.frames, '!ticker@arr')).toHaveLength(2)
    spot.ws.close()
    fut.ws.close()
  })

  it('delivers USD-M user data on the combined private stream after SUBSCRIBE <listenKey> (the official connector)', async () => {
    const r = await fetch(`${sim.restUrl}/fapi/v1/listenKey`, {
      method: 'POST',
      headers: { 'X-MBX-APIKEY': sim.apiKey },
    })
    const { listenKey } = (await r.json()) as { listenKey: string }
    const ws = new WebSocket(`${sim.wsUrl}/fstream/private/stream?streams=`)
    const frames: Json[] = []
    ws.on('message', (d) => frames.push(JSON.parse(String(d)) as Json))
    await new Promise((resolve) => ws.on('open', resolve))
    ws.send(JSON.stringify({ method: 'SUBSCRIBE', params: [listenKey], id: 7 }))
    const until = Date.now() + 5000
    while (frames.length === 0 && Date.now() < until) await new Promise((res) => setTimeout(res, 5))
    expect(frames[0]).toEqual({ result: null, id: 7 })
    await trade('/fapi/v1/order', { side: 'SELL', type: 'MARKET', quantity: '0.01', reduceOnly: 'true' })
    while (
      !frames.some((f) => (f.data as Json | undefined)?.e === 'ORDER_TRADE_UPDATE') &&
      Date.now() < until + 2000
    )
      await new Promise((res) => setTimeout(res, 5))
    const ev = frames.find((f) => (f.data as Json | undefined)?.e === 'ORDER_TRADE_UPDATE')
    expect(ev).toMatchObject({
      stream: listenKey,
      data: { e: 'ORDER_TRADE_UPDATE', o: { s: 'BTCUSDT', S: 'SELL' } },
    })
    sim.faults.expireListenKeys()
    while (
      !frames.some((f) => (f.data as Json | undefined)?.e === 'listenKeyExpired') &&
      Date.now() < until + 4000
    )
      await new Promise((res) => setTimeout(res, 5))
    expect(frames.at(-1)).toMatchObject({ stream: listenKey, data: { e: 'listenKeyExpired', listenKey } })
    ws.close()
  })

  it('answers cancel-replace failures as documented: -2022 when nothing or both legs failed, 409 -2021 when one did', async () => {
    // binance/binance-spot-api-docs rest-api.md and web-socket-api.md, "Cancel and replace order": per-leg `data`.
    const book = (await get('/api/v3/ticker/bookTicker', { symbol: 'BTCUSDT' })) as Json
    const low = (Math.floor(Number(book.bidPrice) * 0.8 * 100) / 100).toFixed(2)
    const limit = { side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.01', price: low }
    const openIds = async () =>
      ((await call('GET', '/api/v3/openOrders', { symbol: 'BTCUSDT' })).body as Json[]).map((o) => o.orderId)
    const before = await openIds() // left open by the tests above
    const open = async () => (await openIds()).filter((id) => !before.includes(id))
    const replace = (params: Record<string, string>) =>
      call('POST', '/api/v3/order/cancelReplace', { symbol: 'BTCUSDT', ...limit, ...params })
    const gone = String((await trade('/api/v3/order', limit)).orderId)
    await call('DELETE', '/api/v3/order', { symbol: 'BTCUSDT', orderId: gone })

    const stop = await replace({ cancelReplaceMode: 'STOP_ON_FAILURE', cancelOrderId: gone })
    expect(stop).toEqual({
      status: 400,
      body: {
        code: -2022,
        msg: 'Order cancel-replace failed.',
        data: {
          cancelResult: 'FAILURE',
          newOrderResult: 'NOT_ATTEMPTED',
          cancelResponse: { code: -2011, msg: 'Unknown order sent.' },
          newOrderResponse: null,
        },
      },
    })
    expect(await open()).toEqual([])

    const allow = await replace({ cancelReplaceMode: 'ALLOW_FAILURE', cancelOrderId: gone })
    expect(allow.status).toBe(409)
    expect(allow.body).toMatchObject({
      code: -2021,
      msg: 'Order cancel-replace partially failed.',
      data: { cancelResult: 'FAILURE', newOrderResult: 'SUCCESS', newOrderResponse: { status: 'NEW' } },
    })
    const placed = ((allow.body as Json).data as Json).newOrderResponse as Json
    expect(await open()).toEqual([placed.orderId])

    const tooBig = { quantity: '100000', cancelOrderId: String(placed.orderId) } // over LOT_SIZE maxQty: -1013
    const half = await replace({ cancelReplaceMode: 'STOP_ON_FAILURE', ...tooBig })
    expect(half.status).toBe(409)
    expect(half.body).toMatchObject({
      code: -2021,
      data: {
        cancelResult: 'SUCCESS',
        newOrderResult: 'FAILURE',
        cancelResponse: { orderId: placed.orderId, status: 'CANCELED' },
        newOrderResponse: { code: -1013 },
      },
    })
    expect(await open()).toEqual([])

    const both = await replace({ cancelReplaceMode: 'ALLOW_FAILURE', ...tooBig })
    expect(both.status).toBe(400)
    expect(both.body).toMatchObject({
      code: -2022,
      data: { cancelResult: 'FAILURE', newOrderResult: 'FAILURE', newOrderResponse: { code: -1013 } },
    })
    expect(await open()).toEqual([])
  })
})
