import { createHmac, generateKeyPairSync } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BinanceSpot } from '../../../src/exchanges/binance/index.js'
import type { Fill, Order } from '../../../src/index.js'
import { BinanceSim } from '../../../src/sim/index.js'
import { Decimal, type Harness, harness, req, stepUntil, waitFor } from './helpers.js'

describe('BinanceSpot against BinanceSim', () => {
  let h: Harness
  beforeEach(async () => {
    h = await harness()
  })
  afterEach(async () => {
    await h.close()
  })

  it('public REST: time, instrument, depth, klines, trades, ticker, book ticker', async () => {
    const { spot, sim } = h
    sim.step(20)
    expect(Math.abs((await spot.serverTime()) - Date.now())).toBeLessThan(5000)
    const inst = await spot.instrument('btcusdt')
    expect(inst).toMatchObject({
      venue: 'binance',
      symbol: 'BTCUSDT',
      base: 'BTC',
      quote: 'USDT',
      kind: 'spot',
    })
    expect(inst.tickSize.toString()).toBe('0.01')
    const depth = await spot.depth('BTCUSDT', 10)
    expect(depth.bids).toHaveLength(10)
    expect((depth.bids[0] as [number, number])[0]).toBeLessThan((depth.asks[0] as [number, number])[0])
    const candles = await spot.klines('BTCUSDT', '1m', { limit: 5 })
    expect(candles.length).toBeGreaterThan(0)
    expect(candles[0]?.high).toBeGreaterThanOrEqual(candles[0]?.low ?? 0)
    const trades = await spot.recentTrades('BTCUSDT', 10)
    expect(trades.length).toBeGreaterThan(0)
    expect((await spot.tickerPrice('BTCUSDT')).gt(0)).toBe(true)
    const bt = await spot.bookTicker('BTCUSDT')
    expect(bt.bidPrice.lt(bt.askPrice)).toBe(true)
    await expect(spot.instrument('NOPEUSDT')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' })
    // The venue's X-MBX-USED-WEIGHT-1M header drives the limiter's weight window.
    const weight = spot.rest.limiter.snapshot().windows.find((w) => w.id === 'REQUEST_WEIGHT')
    expect(weight?.limit).toBe(6000)
    expect(weight?.remaining).toBeLessThan(6000 - 20)
  })

  it('order placement -> fills -> user events, matching the sim ledger', async () => {
    const { spot, sim } = h
    const updates: Order[] = []
    const fills: Fill[] = []
    const balances: string[] = []
    spot.events.on('order.updated', (e) => updates.push(e.order))
    spot.events.on('fill', (e) => fills.push(e.fill))
    spot.events.on('balance.updated', (e) => balances.push(...e.balances.map((b) => b.asset)))
    await spot.startUserData()
    expect(spot.userSubscriptionId).toBe(0)

    // A market buy fills at once (FULL response carries the fills).
    const m = req({ qty: new Decimal('0.02') })
    const ack = await spot.placeOrder(m)
    expect(ack.order.status).toBe('FILLED')
    expect(ack.fills.length).toBeGreaterThan(0)
    const total = ack.fills.reduce((s, f) => s.plus(f.qty), new Decimal(0))
    expect(total.toString()).toBe('0.02')
    await waitFor(
      () => updates.some((u) => u.clientOrderId === m.clientOrderId && u.status === 'FILLED'),
      5000,
      'FILLED update',
    )
    expect(
      fills
        .filter((f) => f.clientOrderId === m.clientOrderId)
        .reduce((s, f) => s.plus(f.qty), new Decimal(0))
        .toString(),
    ).toBe('0.02')
    expect(balances).toContain('BTC')

    // A resting limit buy below the market, filled when the price path crosses it.
    const mid = new Decimal(sim.midPrice('spot', 'BTCUSDT'))
    const l = req({ type: 'LIMIT', price: mid.minus(2), timeInForce: 'GTC', qty: new Decimal('0.01') })
    const lack = await spot.placeOrder(l)
    expect(lack.order.status).toBe('OPEN')
    expect((await spot.openOrders('BTCUSDT')).map((o) => o.clientOrderId)).toContain(l.clientOrderId)
    const q = await spot.queryOrder('BTCUSDT', l.clientOrderId)
    expect(q?.status).toBe('OPEN')
    await stepUntil(
      sim,
      () => updates.some((u) => u.clientOrderId === l.clientOrderId && u.status === 'FILLED'),
      15_000,
      'limit fill',
    )
    const simOrder = sim.ledger.orders.find((o) => o.clientOrderId === l.clientOrderId)
    expect(simOrder?.status).toBe('FILLED')

    // Cancel an order far from the market.
    const c = req({
      type: 'LIMIT',
      price: mid.div(2).toDecimalPlaces(2),
      timeInForce: 'GTC',
      qty: new Decimal('0.01'),
    })
    await spot.placeOrder(c)
    const canceled = await spot.cancelOrder('BTCUSDT', c.clientOrderId)
    expect(canceled.status).toBe('CANCELED')
    await waitFor(
      () => updates.some((u) => u.clientOrderId === c.clientOrderId && u.status === 'CANCELED'),
      5000,
      'cancel update',
    )
    expect(await spot.queryOrder('BTCUSDT', 'never-sent')).toBeUndefined()
    await expect(spot.cancelOrder('BTCUSDT', c.clientOrderId)).rejects.toMatchObject({
      code: 'ORDER_REJECTED',
      venueCode: -2011,
    })

    // Balances agree with the ledger.
    const bal = await spot.balances()
    const btc = bal.find((b) => b.asset === 'BTC')
    expect(btc?.free.toString()).toBe(new Decimal(sim.ledger.spotBalance('BTC').free).toString())
    expect(await spot.positions()).toEqual([])
    expect(h.errors).toEqual([])
  })

  it('cancel-all, test orders, post-only rejection and insufficient funds', async () => {
    const { spot, sim } = h
    const mid = new Decimal(sim.midPrice('spot', 'BTCUSDT'))
    for (let i = 0; i < 3; i++)
      await spot.placeOrder(req({ type: 'LIMIT', price: mid.minus(100 + i), timeInForce: 'GTC' }))
    const canceled = await spot.cancelAllOrders('BTCUSDT')
    expect(canceled).toHaveLength(3)
    expect(await spot.cancelAllOrders('BTCUSDT')).toEqual([])
    await spot.testOrder(req({ type: 'LIMIT', price: mid.minus(1), timeInForce: 'GTC' }))
    expect(sim.ledger.openOrders('spot')).toHaveLength(0)
    await expect(
      spot.placeOrder(req({ type: 'LIMIT', price: mid.plus(50), timeInForce: 'POST_ONLY' })),
    ).rejects.toMatchObject({ code: 'ORDER_REJECTED', venueCode: -2010 })
    await expect(spot.placeOrder(req({ qty: new Decimal('50') }))).rejects.toMatchObject({
      code: 'INSUFFICIENT_FUNDS',
    })
  })

  it('filters are checked before sending: no request reaches the venue', async () => {
    const { spot, sim } = h
    await spot.instrument('BTCUSDT')
    const before = sim.requestLog.length
    await expect(spot.placeOrder(req({ qty: new Decimal('0.000001') }))).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { filter: 'LOT_SIZE' },
    })
    await expect(
      spot.placeOrder(
        req({ type: 'LIMIT', price: new Decimal('10'), qty: new Decimal('0.0001'), timeInForce: 'GTC' }),
      ),
    ).rejects.toMatchObject({ details: { filter: 'NOTIONAL' } })
    await expect(spot.placeOrder(req({ venue: 'binance-usdm' }))).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    })
    expect(sim.requestLog.length).toBe(before)
    // Rounded prices pass the venue's own filter.
    const ack = await spot.placeOrder(
      req({
        type: 'LIMIT',
        price: new Decimal('40000.129'),
        qty: new Decimal('0.012345'),
        timeInForce: 'GTC',
      }),
    )
    expect(ack.order.price?.toString()).toBe('40000.12')
    expect(ack.order.qty.toString()).toBe('0.01234')
  })

  it('MARKET orders meet MARKET_LOT_SIZE (zero step, maxQty far below LOT_SIZE) here and at the sim', async () => {
    await h.close()
    // The captured spot BTCUSDT: LOT_SIZE maxQty 9000, MARKET_LOT_SIZE [0, 112.2110882] with stepSize "0".
    const marketLot = ['0.00000000', '112.21108820', '0.00000000'] as const
    h = await harness({ symbols: [{ symbol: 'BTCUSDT', marketLot }] })
    const { spot, sim } = h
    expect((await spot.symbolRules('BTCUSDT')).marketLot?.max.toString()).toBe('112.2110882')
    const before = sim.requestLog.length
    await expect(spot.placeOrder(req({ side: 'SELL', qty: new Decimal('500') }))).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { filter: 'MARKET_LOT_SIZE' },
    })
    expect(sim.requestLog.length).toBe(before)
    // A client that skips the check is refused by the sim, as Binance does.
    const q = new URLSearchParams({
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'MARKET',
      quantity: '500',
      timestamp: String(sim.now()),
    }).toString()
    const sig = createHmac('sha256', sim.apiSecret).update(q).digest('hex')
    const r = await fetch(`${sim.restUrl}/api/v3/order?${q}&signature=${sig}`, {
      method: 'POST',
      headers: { 'X-MBX-APIKEY': sim.apiKey },
    })
    expect(r.status).toBe(400)
    expect(await r.json()).toEqual({ code: -1013, msg: 'Filter failure: MARKET_LOT_SIZE' })
    // A LIMIT order over MARKET_LOT_SIZE's max meets LOT_SIZE only: it reaches the venue (and lacks the BTC).
    const price = new Decimal(sim.midPrice('spot', 'BTCUSDT')).plus(1000)
    await expect(
      spot.placeOrder(
        req({ side: 'SELL', type: 'LIMIT', price, qty: new Decimal('150'), timeInForce: 'GTC' }),
      ),
    ).rejects.toMatchObject({ code: 'INSUFFICIENT_FUNDS' })
    // A small MARKET order still fills, on the LOT_SIZE step (MARKET_LOT_SIZE's is 0).
    const ack = await spot.placeOrder(req({ qty: new Decimal('0.0123456') }))
    expect(ack.order.status).toBe('FILLED')
    expect(ack.order.qty.toString()).toBe('0.01234')
  })

  it('production needs the live-trading opt-in; a wrong secret is an AuthError (-1022)', async () => {
    const { sim } = h
    const prod = new BinanceSpot({
      testnet: false,
      ...sim.urls.spot,
      apiKey: sim.apiKey,
      apiSecret: sim.apiSecret,
    })
    await expect(prod.placeOrder(req())).rejects.toMatchObject({ code: 'CONFIG_INVALID' })
    const live = new BinanceSpot({
      testnet: false,
      allowLiveTrading: true,
      ...sim.urls.spot,
      apiKey: sim.apiKey,
      apiSecret: sim.apiSecret,
    })
    expect((await live.placeOrder(req())).order.status).toBe('FILLED')
    const bad = new BinanceSpot({ ...sim.urls.spot, apiKey: sim.apiKey, apiSecret: 'wrong' })
    await expect(bad.balances()).rejects.toMatchObject({ code: 'AUTH_FAILED', venueCode: -1022 })
    const noKey = new BinanceSpot({ ...sim.urls.spot })
    await expect(noKey.balances()).rejects.toMatchObject({ code: 'CONFIG_INVALID' })
    await Promise.all([prod.close(), live.close(), bad.close(), noKey.close()])
    // Defaults: testnet URLs.
    expect(new BinanceSpot().urls.restUrl).toBe('https://testnet.binance.vision')
    expect(new BinanceSpot({ testnet: false }).urls.restUrl).toBe('https://api.binance.com')
  })

  it('a refused user-data subscription rejects startUserData and stops the socket', async () => {
    const { sim } = h
    const bad = new BinanceSpot({
      ...sim.urls.spot,
      apiKey: 'unknown-key',
      apiSecret: 'x',
      reconnectBaseMs: 10,
    })
    await expect(bad.startUserData()).rejects.toMatchObject({ venueCode: -2015 })
    await waitFor(() => sim.connectionCounts.wsApi === 0, 5000, 'socket closed')
    await bad.close()
  })
})

describe('BinanceSpot with an Ed25519 key', () => {
  it('signs REST with Ed25519 and subscribes user data through session.logon', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519')
    const sim = await BinanceSim.start({
      tickMs: 0,
      symbols: ['BTCUSDT'],
      apiKeys: [
        { apiKey: 'ed-key', ed25519PublicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() },
      ],
    })
    const spot = new BinanceSpot({
      ...sim.urls.spot,
      apiKey: 'ed-key',
      privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    })
    try {
      expect((await spot.balances()).map((b) => b.asset)).toContain('USDT')
      const fills: string[] = []
      spot.events.on('fill', (e) => fills.push(e.fill.clientOrderId))
      await spot.startUserData()
      const r = req()
      await spot.placeOrder(r)
      await waitFor(() => fills.includes(r.clientOrderId), 5000, 'fill via Ed25519 session')
    } finally {
      await spot.close()
      await sim.close()
    }
  })
})
