import { createHmac } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Decimal } from '../../../src/decimal/index.js'
import { BinanceSim } from '../../../src/sim/index.js'

/** BinanceSim checked on the wire, with plain fetch and a hand-made signature (independent of the adapter). */
describe('BinanceSim wire behaviour', () => {
  let sim: BinanceSim
  beforeAll(async () => {
    sim = await BinanceSim.start({ seed: 3, symbols: ['BTCUSDT'], tickMs: 0, weightLimitPerMinute: 100_000 })
  })
  afterAll(async () => {
    await sim.close()
  })

  const signed = (
    method: string,
    path: string,
    params: Record<string, string>,
    secret = sim.apiSecret,
    tsOffset = 0,
  ) => {
    const q = new URLSearchParams({
      ...params,
      recvWindow: '5000',
      timestamp: String(sim.now() + tsOffset),
    }).toString()
    const sig = createHmac('sha256', secret).update(q).digest('hex')
    return fetch(`${sim.restUrl}${path}?${q}&signature=${sig}`, {
      method,
      headers: { 'X-MBX-APIKEY': sim.apiKey },
    })
  }

  it('is deterministic for a seed', async () => {
    const a = await BinanceSim.start({ seed: 99, symbols: ['ETHUSDT'], tickMs: 0 })
    const b = await BinanceSim.start({ seed: 99, symbols: ['ETHUSDT'], tickMs: 0 })
    a.step(50)
    b.step(50)
    expect(a.midPrice('spot', 'ETHUSDT')).toBe(b.midPrice('spot', 'ETHUSDT'))
    const [da, db] = await Promise.all([
      fetch(`${a.restUrl}/api/v3/depth?symbol=ETHUSDT&limit=5`).then((r) => r.json()),
      fetch(`${b.restUrl}/api/v3/depth?symbol=ETHUSDT&limit=5`).then((r) => r.json()),
    ])
    expect(da).toEqual(db)
    await Promise.all([a.close(), b.close()])
  })

  it('answers public REST in Binance shapes with usage headers', async () => {
    const r = await fetch(`${sim.restUrl}/api/v3/exchangeInfo?symbol=BTCUSDT`)
    expect(r.headers.get('x-mbx-used-weight-1m')).toMatch(/^\d+$/)
    const info = (await r.json()) as { symbols: Array<{ filters: Array<{ filterType: string }> }> }
    expect(info.symbols[0]?.filters.map((f) => f.filterType)).toContain('NOTIONAL')
    const f = await fetch(`${sim.restUrl}/fapi/v1/exchangeInfo`).then(
      (x) => x.json() as Promise<{ symbols: Array<{ filters: Array<{ filterType: string }> }> }>,
    )
    expect(f.symbols[0]?.filters.map((x) => x.filterType)).toContain('MIN_NOTIONAL')
    const bad = await fetch(`${sim.restUrl}/api/v3/depth?symbol=NOPE`)
    expect(bad.status).toBe(400)
    expect(await bad.json()).toEqual({ code: -1121, msg: 'Invalid symbol.' })
  })

  it('checks the API key, recvWindow and HMAC signature like Binance', async () => {
    const ok = await signed('GET', '/api/v3/account', {})
    expect(ok.status).toBe(200)
    const badSig = await signed('GET', '/api/v3/account', {}, 'wrong')
    expect(await badSig.json()).toMatchObject({ code: -1022 })
    const late = await signed('GET', '/api/v3/account', {}, sim.apiSecret, -10_000)
    expect(await late.json()).toMatchObject({ code: -1021 })
    const noKey = await fetch(`${sim.restUrl}/api/v3/account?timestamp=1&signature=x`)
    expect(noKey.status).toBe(401)
    expect(await noKey.json()).toMatchObject({ code: -2015 })
  })

  it('enforces filters with Binance error codes, and order-count headers', async () => {
    const mid = Number(sim.midPrice('spot', 'BTCUSDT'))
    const tick = await signed('POST', '/api/v3/order', {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      timeInForce: 'GTC',
      quantity: '0.01',
      price: `${(mid - 100).toFixed(3)}1`,
    })
    expect(await tick.json()).toEqual({ code: -1013, msg: 'Filter failure: PRICE_FILTER' })
    const grid = await signed('POST', '/api/v3/order', {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      timeInForce: 'GTC',
      quantity: '0.000001',
      price: (mid - 100).toFixed(2),
    })
    expect(await grid.json()).toMatchObject({ code: -1111 })
    const lot = await signed('POST', '/api/v3/order', {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      timeInForce: 'GTC',
      quantity: '0.00001',
      price: (mid - 100).toFixed(2),
    })
    expect(await lot.json()).toMatchObject({ code: -1013, msg: 'Filter failure: NOTIONAL' })
    const good = await signed('POST', '/api/v3/order', {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      timeInForce: 'GTC',
      quantity: '0.01',
      price: (mid - 100).toFixed(2),
      newClientOrderId: 'wire-1',
    })
    expect(good.status).toBe(200)
    expect(good.headers.get('x-mbx-order-count-10s')).toBe('1')
    expect(await good.json()).toMatchObject({ clientOrderId: 'wire-1', status: 'NEW', orderListId: -1 })
    const dup = await signed('POST', '/api/v3/order', {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      timeInForce: 'GTC',
      quantity: '0.01',
      price: (mid - 100).toFixed(2),
      newClientOrderId: 'wire-1',
    })
    expect(await dup.json()).toMatchObject({ code: -2010 })
    const fut = await signed('POST', '/fapi/v1/order', {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      timeInForce: 'GTC',
      quantity: '0.001',
      price: '1000.0',
    })
    expect(await fut.json()).toMatchObject({ code: -4164 })
    const stopOnOrder = await signed('POST', '/fapi/v1/order', {
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'STOP_MARKET',
      quantity: '0.01',
      stopPrice: '1000.0',
    })
    expect(await stopOnOrder.json()).toMatchObject({ code: -4120 })
    expect(sim.ledger.openOrders('spot').map((o) => o.clientOrderId)).toEqual(['wire-1'])
  })

  it('weight over the limit answers 429 with Retry-After', async () => {
    const small = await BinanceSim.start({ tickMs: 0, weightLimitPerMinute: 30, symbols: ['BTCUSDT'] })
    let last: Response | undefined
    for (let i = 0; i < 3; i++) last = await fetch(`${small.restUrl}/api/v3/exchangeInfo`)
    expect(last?.status).toBe(429)
    expect(last?.headers.get('retry-after')).toBe('1')
    expect(await last?.json()).toMatchObject({ code: -1003 })
    await small.close()
  })

  it('charges exactly the commission it reports (8 decimals), spot and USD-M', async () => {
    const fresh = await BinanceSim.start({ seed: 11, symbols: ['BTCUSDT'], tickMs: 0 })
    const q = (params: Record<string, string>) => {
      const body = new URLSearchParams({ ...params, recvWindow: '5000', timestamp: String(fresh.now()) })
      const sig = createHmac('sha256', fresh.apiSecret).update(body.toString()).digest('hex')
      return `${body.toString()}&signature=${sig}`
    }
    const post = (path: string, params: Record<string, string>) =>
      fetch(`${fresh.restUrl}${path}?${q(params)}`, {
        method: 'POST',
        headers: { 'X-MBX-APIKEY': fresh.apiKey },
      })
    const usdtBefore = new Decimal(fresh.ledger.spotBalance('USDT').free)
    const sell = (await (
      await post('/api/v3/order', {
        symbol: 'BTCUSDT',
        side: 'SELL',
        type: 'MARKET',
        quantity: '0.01237',
        newOrderRespType: 'FULL',
      })
    ).json()) as { fills: Array<{ price: string; qty: string; commission: string }> }
    expect(sell.fills.length).toBeGreaterThan(0)
    let proceeds = new Decimal(0)
    let commission = new Decimal(0)
    for (const f of sell.fills) {
      proceeds = proceeds.plus(new Decimal(f.price).times(f.qty))
      commission = commission.plus(f.commission)
    }
    // The raw fee (proceeds × 0.001) has more than 8 decimals; the balance moves by the reported one.
    expect(proceeds.times('0.001').decimalPlaces()).toBeGreaterThan(8)
    expect(new Decimal(fresh.ledger.spotBalance('USDT').free).toFixed()).toBe(
      usdtBefore.plus(proceeds).minus(commission).toFixed(),
    )
    const fut = await post('/fapi/v1/order', {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'MARKET',
      quantity: '0.013',
    })
    expect(fut.status).toBe(200)
    expect(new Decimal(fresh.ledger.futuresWallet()).decimalPlaces()).toBeLessThanOrEqual(8)
    await fresh.close()
  })
})
