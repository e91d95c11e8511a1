/**
 * Order entry over Binance's WebSocket API (`orderEntry: 'ws-api'`) against BinanceSim: spot `/ws-api/v3` and USD-M
 * `/ws-fapi/v1`, HMAC and Ed25519 (`session.logon`), `rateLimits` accounting, and the faults that leave an order's
 * outcome unknown (socket dropped after the request, unreadable answer), resolved by querying the client id.
 *
 * Layouts: spot https://developers.binance.com/docs/binance-spot-api-docs/web-socket-api/trading-requests
 * (order.place, order.cancel, order.status, order.cancelReplace; 429/418 answers carry `error.data.retryAfter`),
 * https://developers.binance.com/docs/binance-spot-api-docs/web-socket-api/rate-limits (`rateLimits` arrays),
 * USD-M https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/websocket-api/Modify-Order
 * (order.modify: symbol, orderId | origClientOrderId, side, quantity, price).
 */
import { generateKeyPairSync } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BinanceSpot, BinanceUsdm } from '../../../src/exchanges/binance/index.js'
import { OrderExecutor } from '../../../src/execution/index.js'
import { isTradekitError } from '../../../src/index.js'
import { BinanceSim } from '../../../src/sim/index.js'
import { Decimal, type Harness, harness, req, stepUntil, waitFor } from './helpers.js'

const restOrderPosts = (h: Harness) =>
  h.sim.requestLog.filter((r) => r.method !== 'GET' && /\/(api\/v3|fapi\/v1)\/order$/.test(r.path)).length

async function restingPrice(h: Harness, market: 'spot' | 'usdm', factor = '0.9'): Promise<Decimal> {
  return new Decimal(h.sim.midPrice(market, 'BTCUSDT')).times(factor).toDecimalPlaces(1, Decimal.ROUND_DOWN)
}

describe('orderEntry: ws-api on BinanceSim', () => {
  let h: Harness
  beforeEach(async () => {
    h = await harness({}, { orderEntry: 'ws-api', timeoutMs: 1500 })
  })
  afterEach(async () => {
    await h.close()
  })

  it('places, queries, cancels and cancel-replaces spot orders over the WebSocket API, not REST', async () => {
    const price = await restingPrice(h, 'spot')
    const a = req({ type: 'LIMIT', price, timeInForce: 'GTC' })
    const ack = await h.spot.placeOrder(a)
    expect(ack.order.status).toBe('OPEN')
    expect(h.sim.ledger.openOrders('spot').map((o) => o.clientOrderId)).toContain(a.clientOrderId)
    expect((await h.spot.queryOrder('BTCUSDT', a.clientOrderId))?.status).toBe('OPEN')
    const b = req({ type: 'LIMIT', price: price.minus(10), timeInForce: 'GTC' })
    const replaced = await h.spot.cancelReplaceOrder(a.clientOrderId, b)
    expect(replaced.clientOrderId).toBe(b.clientOrderId)
    expect(replaced.order.price?.toString()).toBe(price.minus(10).toString())
    expect((await h.spot.queryOrder('BTCUSDT', a.clientOrderId))?.status).toBe('CANCELED')
    expect((await h.spot.cancelOrder('BTCUSDT', b.clientOrderId)).status).toBe('CANCELED')
    expect(restOrderPosts(h)).toBe(0)
    expect(h.sim.connectionCounts.wsApi).toBe(1)
  })

  it('feeds the answers rateLimits to the RateLimiter (request weight and order counts)', async () => {
    await h.spot.placeOrder(req({ type: 'LIMIT', price: await restingPrice(h, 'spot'), timeInForce: 'GTC' }))
    const windows = new Map(h.spot.rest.limiter.snapshot().windows.map((w) => [w.id, w]))
    expect(windows.get('ORDERS_10S')?.remaining).toBe((windows.get('ORDERS_10S')?.limit ?? 0) - 1)
    expect(windows.get('REQUEST_WEIGHT')?.remaining).toBeLessThan(windows.get('REQUEST_WEIGHT')?.limit ?? 0)
  })

  it('places, modifies and cancels USD-M orders over /ws-fapi/v1', async () => {
    const price = await restingPrice(h, 'usdm')
    const a = req({ venue: 'binance-usdm', type: 'LIMIT', price, timeInForce: 'GTC' })
    const ack = await h.usdm.placeOrder(a)
    expect(ack.order.status).toBe('OPEN')
    const modified = await h.usdm.modifyOrder('BTCUSDT', a.clientOrderId, {
      side: 'BUY',
      qty: new Decimal('0.02'),
      price: price.minus(5),
    })
    expect(modified.venueOrderId).toBe(ack.venueOrderId)
    expect(modified.qty.toString()).toBe('0.02')
    expect(modified.price?.toString()).toBe(price.minus(5).toString())
    const held = h.sim.ledger.openOrders('usdm').find((o) => o.clientOrderId === a.clientOrderId)
    expect(held?.price?.toString()).toBe(price.minus(5).toString())
    expect((await h.usdm.cancelOrder('BTCUSDT', a.clientOrderId)).status).toBe('CANCELED')
    expect(restOrderPosts(h)).toBe(0)
  })

  it('a socket dropped after the request leaves the outcome unknown; a query by client id resolves it', async () => {
    const a = req({ type: 'LIMIT', price: await restingPrice(h, 'spot'), timeInForce: 'GTC' })
    h.sim.faults.wsApiAnswer({ kind: 'drop', method: 'order.place' })
    const e = await h.spot.placeOrder(a).catch((x: unknown) => x)
    expect(isTradekitError(e, 'ORDER_OUTCOME_UNKNOWN')).toBe(true)
    // The venue did take it: the reconnecting socket answers the query.
    expect((await h.spot.queryOrder('BTCUSDT', a.clientOrderId))?.status).toBe('OPEN')
  })

  it('an unreadable answer leaves the outcome unknown (USD-M); the query resolves it', async () => {
    const a = req({
      venue: 'binance-usdm',
      type: 'LIMIT',
      price: await restingPrice(h, 'usdm'),
      timeInForce: 'GTC',
    })
    h.sim.faults.wsApiAnswer({ kind: 'malformed', method: 'order.place' })
    const e = await h.usdm.placeOrder(a).catch((x: unknown) => x)
    expect(isTradekitError(e, 'ORDER_OUTCOME_UNKNOWN')).toBe(true)
    expect((await h.usdm.queryOrder('BTCUSDT', a.clientOrderId))?.status).toBe('OPEN')
  })

  it('a request dropped before it executes is unknown too, and the query finds nothing', async () => {
    const a = req({ type: 'LIMIT', price: await restingPrice(h, 'spot'), timeInForce: 'GTC' })
    h.sim.faults.wsApiAnswer({ kind: 'drop', method: 'order.place', afterExecute: false })
    const e = await h.spot.placeOrder(a).catch((x: unknown) => x)
    expect(isTradekitError(e, 'ORDER_OUTCOME_UNKNOWN')).toBe(true)
    expect(await h.spot.queryOrder('BTCUSDT', a.clientOrderId)).toBeUndefined()
  })

  it('an answer that never comes (socket open) times out: outcome unknown, the socket stays usable', async () => {
    const a = req({
      venue: 'binance-usdm',
      type: 'LIMIT',
      price: await restingPrice(h, 'usdm'),
      timeInForce: 'GTC',
    })
    h.sim.faults.wsApiAnswer({ kind: 'silent', method: 'order.place' })
    const e = await h.usdm.placeOrder(a).catch((x: unknown) => x)
    expect(isTradekitError(e, 'ORDER_OUTCOME_UNKNOWN')).toBe(true)
    if (isTradekitError(e, 'ORDER_OUTCOME_UNKNOWN')) expect(isTradekitError(e.cause, 'TIMEOUT')).toBe(true)
    expect((await h.usdm.queryOrder('BTCUSDT', a.clientOrderId))?.status).toBe('OPEN')
    expect(h.usdm.wsApi().inFlight).toBe(0)
  })

  it('a 429 (-1003) answer is a RateLimitError with the venue retryAfter, and pauses the limiter', async () => {
    h.sim.faults.rateLimit({ retryAfterSec: 2, path: 'order.place' })
    const e = await h.spot
      .placeOrder(req({ type: 'LIMIT', price: await restingPrice(h, 'spot'), timeInForce: 'GTC' }))
      .catch((x: unknown) => x)
    expect(isTradekitError(e, 'RATE_LIMITED')).toBe(true)
    if (isTradekitError(e, 'RATE_LIMITED')) expect(e.retryAfterMs).toBeGreaterThanOrEqual(1000)
    expect(h.spot.rest.limiter.snapshot().pausedUntilMs).toBeGreaterThan(Date.now())
    expect(h.sim.ledger.openOrders('spot')).toHaveLength(0)
  })

  it("a 418 ban lasts its retryAfter counted from the answer's serverTime, whatever the clock skew", async () => {
    for (const skewMs of [-30_000, 30_000]) {
      h.sim.faults.clockSkew(skewMs)
      h.sim.faults.ban({ retryAfterSec: 2, path: 'order.place' })
      const e = await h.spot
        .placeOrder(req({ type: 'LIMIT', price: await restingPrice(h, 'spot'), timeInForce: 'GTC' }))
        .catch((x: unknown) => x)
      expect(isTradekitError(e, 'BANNED')).toBe(true)
      // 2 s, not 2 s + 30 s (server ahead) nor the 2-minute default (server behind: retryAfter before our now).
      const left = (h.spot.rest.limiter.snapshot().bannedUntilMs ?? 0) - Date.now()
      expect(left).toBeGreaterThan(0)
      expect(left).toBeLessThanOrEqual(2_000)
      // The venue bans the IP, not the method: REST of the same market is refused until the ban ends too.
      expect((await fetch(`${h.sim.restUrl}/api/v3/time`)).status).toBe(418)
      await new Promise((r) => setTimeout(r, left + 50))
    }
    h.sim.faults.clockSkew(0)
  })

  it('venue rejections keep their codes (-2013 on an unknown order, -2011 on a cancel)', async () => {
    expect(await h.usdm.queryOrder('BTCUSDT', 'never-sent')).toBeUndefined()
    const e = await h.spot.cancelOrder('BTCUSDT', 'never-sent').catch((x: unknown) => x)
    expect(isTradekitError(e, 'ORDER_REJECTED')).toBe(true)
    if (isTradekitError(e, 'ORDER_REJECTED')) expect(e.venueCode).toBe(-2011)
  })
})

describe('orderEntry: ws-api while its socket reconnects', () => {
  it('cancels and queries over REST instead of waiting out the reconnect backoff; back on the socket once it is up', async () => {
    // A reconnect backoff far longer than the request timeout: before, every request failed "not ready in time".
    const h = await harness(
      {},
      { orderEntry: 'ws-api', timeoutMs: 1500, reconnectBaseMs: 3_000, reconnectMaxMs: 3_000 },
    )
    try {
      const restDeletes = () =>
        h.sim.requestLog.filter((r) => r.method === 'DELETE' && r.path === '/fapi/v1/order').length
      const price = await restingPrice(h, 'usdm')
      const a = req({ venue: 'binance-usdm', type: 'LIMIT', price, timeInForce: 'GTC' })
      const b = req({ venue: 'binance-usdm', type: 'LIMIT', price: price.minus(1), timeInForce: 'GTC' })
      await h.usdm.placeOrder(a)
      await h.usdm.placeOrder(b)
      expect(restOrderPosts(h)).toBe(0)
      h.sim.faults.closeStreams({ mode: 'abrupt' })
      await waitFor(() => h.usdm.wsApi().isReconnecting, 2_000)
      expect((await h.usdm.cancelOrder('BTCUSDT', a.clientOrderId)).status).toBe('CANCELED')
      expect((await h.usdm.queryOrder('BTCUSDT', a.clientOrderId))?.status).toBe('CANCELED')
      expect(restDeletes()).toBe(1)
      expect(h.sim.ledger.openOrders('usdm').map((o) => o.clientOrderId)).toEqual([b.clientOrderId])
      // Reconnected: order requests use the socket again.
      await waitFor(() => h.usdm.wsApi().isReady, 6_000)
      expect((await h.usdm.cancelOrder('BTCUSDT', b.clientOrderId)).status).toBe('CANCELED')
      expect(restDeletes()).toBe(1)
      expect(h.sim.connectionCounts.wsApi).toBe(1)
    } finally {
      await h.close()
    }
  }, 20_000)
})

describe('amending over REST (orderEntry: rest)', () => {
  it('cancel-replaces on POST /api/v3/order/cancelReplace and modifies on PUT /fapi/v1/order', async () => {
    const h = await harness()
    try {
      const sp = await restingPrice(h, 'spot')
      const a = req({ type: 'LIMIT', price: sp, timeInForce: 'GTC' })
      await h.spot.placeOrder(a)
      const b = req({ type: 'LIMIT', price: sp.minus(10), timeInForce: 'GTC' })
      expect((await h.spot.cancelReplaceOrder(a.clientOrderId, b)).order.status).toBe('OPEN')
      expect(h.sim.ledger.openOrders('spot').map((o) => o.clientOrderId)).toEqual([b.clientOrderId])
      const failed = await h.spot
        .cancelReplaceOrder(a.clientOrderId, req({ type: 'LIMIT', price: sp, timeInForce: 'GTC' }))
        .catch((x: unknown) => x)
      // STOP_ON_FAILURE with a failed cancel: 400 -2022 "Order cancel-replace failed." (binance-spot-api-docs
      // rest-api.md, "Cancel an Existing Order and Send a New Order"); -2021 is for one leg of two failing.
      expect(isTradekitError(failed, 'ORDER_REJECTED') && failed.venueCode).toBe(-2022)
      expect(h.sim.ledger.openOrders('spot')).toHaveLength(1)

      const up = await restingPrice(h, 'usdm')
      const c = req({ venue: 'binance-usdm', type: 'LIMIT', price: up, timeInForce: 'GTC' })
      await h.usdm.placeOrder(c)
      const m = await h.usdm.modifyOrder('BTCUSDT', c.clientOrderId, {
        side: 'BUY',
        qty: c.qty,
        price: up.minus(1),
      })
      expect(m.price?.toString()).toBe(up.minus(1).toString())
      const same = await h.usdm
        .modifyOrder('BTCUSDT', c.clientOrderId, { side: 'BUY', qty: c.qty, price: up.minus(1) })
        .catch((x: unknown) => x)
      expect(isTradekitError(same, 'ORDER_REJECTED') && same.venueCode).toBe(-5027)
      expect(h.sim.requestLog.filter((r) => r.path.endsWith('/order/cancelReplace'))).toHaveLength(2)
    } finally {
      await h.close()
    }
  })
})

describe('OrderExecutor over ws-api entry', () => {
  it('a placement whose answer was lost is reported unresolved, then known OPEN by client id', async () => {
    const h = await harness({}, { orderEntry: 'ws-api', timeoutMs: 1500 })
    const exec = new OrderExecutor({ adapter: h.usdm, queryIntervalMs: 50 })
    exec.events.on('error', () => {})
    try {
      await exec.start()
      const unresolved: string[] = []
      exec.events.on('order.outcomeUnresolved', (e) => unresolved.push(e.error.code))
      h.sim.faults.wsApiAnswer({ kind: 'drop', method: 'order.place' })
      const price = await restingPrice(h, 'usdm')
      const o = await exec.submit({
        clientOrderId: 'lost-ack-1',
        venue: 'binance-usdm',
        symbol: 'BTCUSDT',
        side: 'BUY',
        type: 'LIMIT',
        qty: new Decimal('0.01'),
        price,
        timeInForce: 'GTC',
        strategyId: 's',
      })
      expect(['PENDING_NEW', 'OPEN']).toContain(o.status) // OPEN when the user stream told first
      expect(unresolved).toEqual(['ORDER_OUTCOME_UNKNOWN'])
      await waitFor(() => exec.order('lost-ack-1')?.status === 'OPEN', 5000, 'reconciled to OPEN')
      expect(h.sim.ledger.openOrders('usdm').filter((x) => x.clientOrderId === 'lost-ack-1')).toHaveLength(1)
    } finally {
      await exec.shutdown({ timeoutMs: 1000 })
      await h.close()
    }
  })
})

describe('orderEntry: ws-api with an Ed25519 key', () => {
  it('logs the session on once, then sends unsigned order requests', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519')
    const sim = await BinanceSim.start({
      tickMs: 0,
      symbols: ['BTCUSDT'],
      apiKeys: [
        { apiKey: 'ed-key', ed25519PublicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() },
      ],
    })
    const key = {
      apiKey: 'ed-key',
      privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    }
    const spot = new BinanceSpot({ ...sim.urls.spot, ...key, orderEntry: 'ws-api' })
    const usdm = new BinanceUsdm({ ...sim.urls.usdm, ...key, orderEntry: 'ws-api' })
    try {
      for (const [client, market] of [
        [spot, 'spot'],
        [usdm, 'usdm'],
      ] as const) {
        const price = new Decimal(sim.midPrice(market, 'BTCUSDT')).times('0.9').toDecimalPlaces(1)
        const a = req({ venue: client.venue, type: 'LIMIT', price, timeInForce: 'GTC' })
        expect((await client.placeOrder(a)).order.status).toBe('OPEN')
        expect((await client.cancelOrder('BTCUSDT', a.clientOrderId)).status).toBe('CANCELED')
      }
      expect(sim.connectionCounts.wsApi).toBe(2)
      // After a reconnect the session logs on again before the next request.
      const price = new Decimal(sim.midPrice('spot', 'BTCUSDT')).times('0.9').toDecimalPlaces(1)
      const b = req({ type: 'LIMIT', price, timeInForce: 'GTC' })
      sim.faults.wsApiAnswer({ kind: 'drop', method: 'order.place' })
      const e = await spot.placeOrder(b).catch((x: unknown) => x)
      expect(isTradekitError(e, 'ORDER_OUTCOME_UNKNOWN')).toBe(true)
      expect((await spot.queryOrder('BTCUSDT', b.clientOrderId))?.status).toBe('OPEN')
    } finally {
      await spot.close()
      await usdm.close()
      await sim.close()
    }
  })
})

describe('orderEntry: ws-api with a refused logon', () => {
  it('rejects with the venue AuthError (never sent, so not an unknown outcome)', async () => {
    const registered = generateKeyPairSync('ed25519')
    const other = generateKeyPairSync('ed25519')
    const sim = await BinanceSim.start({
      tickMs: 0,
      symbols: ['BTCUSDT'],
      apiKeys: [
        {
          apiKey: 'ed-key',
          ed25519PublicKey: registered.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        },
      ],
    })
    const spot = new BinanceSpot({
      ...sim.urls.spot,
      apiKey: 'ed-key',
      privateKey: other.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      orderEntry: 'ws-api',
      reconnectBaseMs: 200,
    })
    try {
      // order.status has no signed REST step before it: only the (refused) WebSocket API session.
      const e = await spot.queryOrder('BTCUSDT', 'any').catch((x: unknown) => x)
      expect(isTradekitError(e, 'AUTH_FAILED')).toBe(true)
      if (isTradekitError(e, 'AUTH_FAILED')) expect(e.venueCode).toBe(-1022)
      expect(sim.requestLog.filter((r) => r.path.endsWith('/order'))).toHaveLength(0)
      expect(sim.ledger.orders).toHaveLength(0)
    } finally {
      await spot.close()
      await sim.close()
    }
  })
})

describe('USD-M private stream on the documented URL', () => {
  it('delivers USD-M fills on /private/ws/<listenKey>', async () => {
    const h = await harness()
    try {
      const fills: string[] = []
      h.usdm.events.on('fill', (e) => fills.push(e.fill.clientOrderId))
      await h.usdm.startUserData()
      expect(h.sim.connectionCounts.private).toBe(1)
      const a = req({ venue: 'binance-usdm' })
      await h.usdm.placeOrder(a)
      await waitFor(() => fills.includes(a.clientOrderId), 5000, 'USD-M fill on the private stream')
    } finally {
      await h.close()
    }
  })

  it('the sim honours ?listenKey=K&events=… (only the listed events)', async () => {
    const h = await harness()
    try {
      const lk = await h.usdm.rest.call({
        method: 'POST',
        path: '/fapi/v1/listenKey',
        schema: (await import('zod/mini')).z.object({ listenKey: (await import('zod/mini')).z.string() }),
        security: 'API_KEY',
      })
      const { WebSocket } = await import('ws')
      const ws = new WebSocket(
        `${h.sim.urls.usdm.streamUrl}/private/ws?listenKey=${lk.listenKey}&events=ORDER_TRADE_UPDATE`,
      )
      const seen: string[] = []
      ws.on('message', (d) => seen.push(String((JSON.parse(String(d)) as { e?: unknown }).e)))
      await new Promise((r) => ws.once('open', r))
      await waitFor(() => h.sim.connectionCounts.private === 1, 2000, 'private socket')
      await h.usdm.placeOrder(req({ venue: 'binance-usdm' }))
      await stepUntil(h.sim, () => seen.includes('ORDER_TRADE_UPDATE'), 5000, 'order update')
      expect(seen.every((e) => e === 'ORDER_TRADE_UPDATE')).toBe(true)
      ws.close()
    } finally {
      await h.close()
    }
  })
})
