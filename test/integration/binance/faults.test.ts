import { afterEach, describe, expect, it } from 'vitest'
import type { BinanceSpot } from '../../../src/exchanges/binance/index.js'
import { OrderExecutor } from '../../../src/execution/index.js'
import { isTradekitError, type Order, type OrderRequest } from '../../../src/index.js'
import { RiskManager } from '../../../src/risk/index.js'
import { Decimal, type Harness, harness, req, stepUntil, waitFor } from './helpers.js'

/**
 * Places an order and settles its outcome: acknowledged, rejected, or unknown then reconciled by client id (found at
 * the venue, or still absent after a grace period: never placed).
 */
async function placeAndSettle(
  spot: BinanceSpot,
  r: OrderRequest,
): Promise<{ outcome: string; order?: Order }> {
  try {
    const ack = await spot.placeOrder(r)
    return { outcome: 'acked', order: ack.order }
  } catch (e) {
    if (!isTradekitError(e)) throw e
    if (e.code !== 'ORDER_OUTCOME_UNKNOWN') return { outcome: e.code }
    const until = Date.now() + 2000
    for (;;) {
      const order = await spot.queryOrder(r.symbol, r.clientOrderId).catch(() => undefined)
      if (order !== undefined) return { outcome: 'unknown->reconciled', order }
      if (Date.now() > until) return { outcome: 'unknown->absent' }
      await new Promise((res) => setTimeout(res, 50))
    }
  }
}

describe('Binance adapter under injected faults', () => {
  let h: Harness | undefined
  afterEach(async () => {
    await h?.close()
    h = undefined
  })

  it('429 with Retry-After: reads wait and succeed; an order is refused (not executed)', async () => {
    h = await harness()
    const { spot, sim } = h
    await spot.instrument('BTCUSDT')
    sim.faults.rateLimit({ retryAfterSec: 1, path: '/ticker/price' })
    expect((await spot.tickerPrice('BTCUSDT')).gt(0)).toBe(true)
    expect(sim.requestLog.filter((r) => r.path.endsWith('/ticker/price')).map((r) => r.status)).toEqual([
      429, 200,
    ])
    sim.faults.rateLimit({ retryAfterSec: 1, path: '/order' })
    const r = req()
    await expect(spot.placeOrder(r)).rejects.toMatchObject({ code: 'RATE_LIMITED' })
    expect(sim.ledger.orders.find((o) => o.clientOrderId === r.clientOrderId)).toBeUndefined()
  })

  it('418 bans: the call fails with BannedError and the limiter holds further calls', async () => {
    h = await harness()
    const { spot, sim } = h
    sim.faults.ban({ retryAfterSec: 1 })
    await expect(spot.tickerPrice('BTCUSDT')).rejects.toMatchObject({ code: 'BANNED' })
    await expect(spot.tickerPrice('BTCUSDT')).rejects.toMatchObject({ code: 'BANNED' })
    await waitFor(
      async () => {
        try {
          return (await spot.tickerPrice('BTCUSDT')).gt(0)
        } catch {
          return false
        }
      },
      10_000,
      'ban lifted',
    )
  })

  it('5xx: reads are retried; an order whose response is lost becomes unknown, then reconciled', async () => {
    h = await harness()
    const { spot, sim } = h
    sim.faults.serverError({ status: 502, path: '/klines' })
    expect((await spot.klines('BTCUSDT', '1m')).length).toBeGreaterThanOrEqual(0)
    await spot.instrument('BTCUSDT')
    sim.faults.serverError({ status: 500, path: '/order', afterExecute: true })
    const r = req()
    const settled = await placeAndSettle(spot, r)
    expect(settled.outcome).toBe('unknown->reconciled')
    expect(settled.order?.status).toBe('FILLED')
    expect(sim.ledger.orders.find((o) => o.clientOrderId === r.clientOrderId)?.status).toBe('FILLED')
  })

  it('a slow order response beyond the timeout is unknown, not rejected; reconciliation finds it', async () => {
    h = await harness({}, { timeoutMs: 300 })
    const { spot, sim } = h
    await spot.instrument('BTCUSDT')
    sim.faults.slow({ delayMs: 800, path: '/api/v3/order' })
    const r = req()
    const err = await spot.placeOrder(r).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'ORDER_OUTCOME_UNKNOWN', clientOrderId: r.clientOrderId })
    const settled = await waitFor(
      async () => (await spot.queryOrder('BTCUSDT', r.clientOrderId)) !== undefined,
      10_000,
      'late order',
    )
    expect(settled).toBeUndefined()
    expect((await spot.queryOrder('BTCUSDT', r.clientOrderId))?.status).toBe('FILLED')
  })

  it('an order the venue receives after every look-up (but within recvWindow) is found by the executor, never rejected', async () => {
    h = await harness({}, { timeoutMs: 300, recvWindow: 1000 })
    const { spot, sim } = h
    expect(spot.orderArrivalWindowMs).toBe(2000)
    await spot.instrument('BTCUSDT')
    const exec = new OrderExecutor({
      adapter: spot,
      queryAttempts: 2,
      queryIntervalMs: 50,
      requestTimeoutMs: 1000,
    })
    exec.events.on('error', () => {})
    await exec.start()
    try {
      const rejected: string[] = []
      exec.events.on('order.rejected', (e) => rejected.push(e.order.clientOrderId))
      sim.faults.slow({ delayMs: 800, path: '/api/v3/order' }) // the POST only: look-ups meanwhile say "not known"
      const r = req()
      await exec.submit({ ...r, strategyId: 'it' })
      await waitFor(async () => exec.order(r.clientOrderId)?.status === 'FILLED', 10_000, 'late order found')
      expect(rejected).toEqual([])
      expect(exec.order(r.clientOrderId)?.filledQty.toString()).toBe(r.qty.toString())
    } finally {
      await exec.shutdown({ cancelOpenOrders: false, timeoutMs: 1000 })
    }
  })

  it('clock skew: -1021 triggers a time re-sync and one retry', async () => {
    h = await harness()
    const { spot, sim } = h
    await spot.balances()
    sim.faults.clockSkew(20_000)
    const bal = await spot.balances()
    expect(bal.length).toBeGreaterThan(0)
    expect(sim.requestLog.some((x) => x.path === '/api/v3/account' && x.status === 400)).toBe(true)
    expect(spot.rest.timeOffsetMs).toBeGreaterThan(15_000)
  })

  it('spot user stream: lost events and a dropped socket are announced as user.reconnected and recovered by the OrderExecutor; eventStreamTerminated re-subscribes', async () => {
    h = await harness()
    const { spot, sim } = h
    const updates: Order[] = []
    let reconnected = 0
    spot.events.on('order.updated', (e) => updates.push(e.order))
    spot.events.on('user.reconnected', () => reconnected++)
    // The adapter only translates; the OrderExecutor is the one reconciler.
    const exec = new OrderExecutor({ adapter: spot, queryIntervalMs: 50 })
    await exec.start()
    const mid = new Decimal(sim.midPrice('spot', 'BTCUSDT'))
    const r = req({ type: 'LIMIT', price: mid.minus(1), timeInForce: 'GTC' })
    await exec.submit({ ...r, strategyId: 'it' })
    await waitFor(() => updates.some((u) => u.clientOrderId === r.clientOrderId), 5000, 'NEW event')
    // Every event about the fill is lost...
    sim.faults.dropUserEvents(1000)
    await stepUntil(
      sim,
      () => sim.ledger.orders.find((o) => o.clientOrderId === r.clientOrderId)?.status === 'FILLED',
      15_000,
      'fill at venue',
    )
    expect(updates.some((u) => u.clientOrderId === r.clientOrderId && u.status === 'FILLED')).toBe(false)
    expect(exec.order(r.clientOrderId)?.status).not.toBe('FILLED')
    sim.faults.reset()
    // ...then the socket drops: the adapter announces the reconnect, the executor re-reads the order over REST.
    sim.faults.closeStreams({ mode: 'abrupt' })
    await waitFor(() => reconnected > 0, 10_000, 'user.reconnected')
    await waitFor(() => exec.order(r.clientOrderId)?.status === 'FILLED', 10_000, 'reconciled FILLED')
    expect(exec.order(r.clientOrderId)?.filledQty.toString()).toBe(r.qty.toString())
    // The adapter itself re-queried nothing: no FILLED update came from it.
    expect(updates.some((u) => u.clientOrderId === r.clientOrderId && u.status === 'FILLED')).toBe(false)
    await exec.shutdown({ timeoutMs: 1000, cancelOpenOrders: false })

    sim.faults.terminateUserStreams()
    await waitFor(() => reconnected > 1, 10_000, 'reconcile after termination')
    const r2 = req()
    await spot.placeOrder(r2)
    await waitFor(
      () => updates.some((u) => u.clientOrderId === r2.clientOrderId && u.status === 'FILLED'),
      5000,
      'events after re-subscribe',
    )
  })

  it('the rejection-rate breaker counts the venue’s rejections of orders, not refusals of a 429 or a ban', async () => {
    h = await harness()
    const { spot, sim } = h
    await spot.instrument('BTCUSDT')
    const exec = new OrderExecutor({ adapter: spot, maxOrdersPerInterval: 1_000 })
    exec.events.on('error', () => {})
    const risk = new RiskManager({ breakers: { rejectionRate: { minSamples: 3, maxRejectedFraction: 0.5 } } })
    risk.registerExecutor(exec)
    const codes: Array<string | undefined> = []
    exec.events.on('order.rejected', (e) => codes.push(e.code))
    const submit = async (r: OrderRequest) => (await exec.submit({ ...r, strategyId: 'it' })).status
    sim.faults.rateLimit({ retryAfterSec: 1, path: '/api/v3/order', count: 3 })
    for (let i = 0; i < 3; i++) expect(await submit(req())).toBe('REJECTED')
    await new Promise((r) => setTimeout(r, 1_100)) // Retry-After
    // Each of the three reached the venue and took its 429 (an order is never held back and retried).
    expect(sim.requestLog.filter((r) => r.path.endsWith('/order')).map((r) => r.status)).toEqual([
      429, 429, 429,
    ])
    // Long enough that the next two orders come while it lasts, even on a loaded machine.
    sim.faults.ban({ retryAfterSec: 3, path: '/api/v3/order' })
    for (let i = 0; i < 3; i++) expect(await submit(req())).toBe('REJECTED')
    expect(codes.slice(0, 3)).toEqual(['RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED'])
    expect(codes.slice(3)).toEqual(['BANNED', 'BANNED', 'BANNED'])
    expect(sim.ledger.orders).toHaveLength(0)
    // Six refusals and no venue verdict: nothing for the breaker (a latched halt would outlive the ban).
    expect(risk.state).toBe('ACTIVE')
    await waitFor(
      async () => (await spot.tickerPrice('BTCUSDT').catch(() => undefined)) !== undefined,
      10_000,
      'ban lifted',
    )
    // The venue's own rejections (insufficient balance, -2010) count: 3 of 3 trips it.
    for (let i = 0; i < 3; i++) expect(await submit(req({ qty: new Decimal('100') }))).toBe('REJECTED')
    expect(codes.slice(6)).toEqual(['INSUFFICIENT_FUNDS', 'INSUFFICIENT_FUNDS', 'INSUFFICIENT_FUNDS'])
    expect(risk.state).toBe('HALTED')
    expect(risk.guard.status().reason).toBe('REJECTION_RATE')
    await exec.shutdown({ timeoutMs: 1_000 })
  })

  it('a burst of orders under mixed faults: every order ends in a known state matching the ledger', async () => {
    h = await harness({}, { timeoutMs: 400 })
    const { spot, sim } = h
    await spot.instrument('BTCUSDT')
    const mid = new Decimal(sim.midPrice('spot', 'BTCUSDT'))
    sim.faults.serverError({ status: 503, path: '/api/v3/order', afterExecute: true, count: 2 })
    sim.faults.rateLimit({ retryAfterSec: 1, path: '/api/v3/order', count: 2 })
    sim.faults.slow({ delayMs: 700, path: '/api/v3/order', count: 2 })
    const results: Array<{ r: OrderRequest; outcome: string; order?: Order }> = []
    for (let i = 0; i < 10; i++) {
      const r = i % 2 === 0 ? req() : req({ type: 'LIMIT', price: mid.minus(1000 + i), timeInForce: 'GTC' })
      results.push({ r, ...(await placeAndSettle(spot, r)) })
    }
    for (const { r, outcome } of results) {
      const venue = sim.ledger.orders.find((o) => o.clientOrderId === r.clientOrderId)
      const known = await spot.queryOrder('BTCUSDT', r.clientOrderId)
      if (outcome === 'RATE_LIMITED' || outcome === 'unknown->absent') {
        expect(venue).toBeUndefined()
        expect(known).toBeUndefined()
        continue
      }
      expect(known?.status).toBe(venue?.status === 'NEW' ? 'OPEN' : venue?.status)
    }
    const outcomes = results.map((x) => x.outcome)
    expect(outcomes.some((o) => o.startsWith('unknown->'))).toBe(true)
    expect(
      outcomes.every((o) => ['acked', 'RATE_LIMITED', 'unknown->reconciled', 'unknown->absent'].includes(o)),
    ).toBe(true)
  })

  it('chaos: a running market under rotating faults; the book recovers and every order ends in a known state', async () => {
    h = await harness({ tickMs: 20 }, { timeoutMs: 500, staleAfterMs: 1000 })
    const { spot, sim } = h
    await spot.startUserData()
    const book = await spot.orderBook('BTCUSDT')
    const stream = spot.marketStream()
    let trades = 0
    stream.events.on('trade', () => trades++)
    await stream.subscribe(['btcusdt@trade'])
    const faults = [
      () => sim.faults.depthGap(),
      () => sim.faults.malformed({ kind: 'nan', count: 3 }),
      () => sim.faults.closeStreams({ mode: 'abrupt' }),
      () => sim.faults.serverError({ path: '/api/v3/order', afterExecute: true }),
      () => sim.faults.closeStreams({ mode: 'clean' }),
      () => sim.faults.slow({ delayMs: 700, path: '/api/v3/order' }),
      () => sim.faults.serverShutdown(),
      () => sim.faults.rateLimit({ path: '/api/v3/order', retryAfterSec: 1 }),
      () => sim.faults.dropUserEvents(3),
    ]
    const results: Array<{ r: OrderRequest; outcome: string }> = []
    for (let i = 0; i < 18; i++) {
      ;(faults[i % faults.length] as () => void)()
      const mid = new Decimal(sim.midPrice('spot', 'BTCUSDT'))
      const r =
        i % 3 === 0
          ? req()
          : req({ type: 'LIMIT', price: mid.minus(i % 2 === 0 ? 1 : 500), timeInForce: 'GTC' })
      results.push({ r, ...(await placeAndSettle(spot, r)) })
      await new Promise((res) => setTimeout(res, 30))
    }
    sim.faults.reset()
    sim.pause()
    for (const { r, outcome } of results) {
      const venue = sim.ledger.orders.find((o) => o.clientOrderId === r.clientOrderId)
      const known = await spot.queryOrder('BTCUSDT', r.clientOrderId)
      if (outcome === 'RATE_LIMITED' || outcome === 'unknown->absent') {
        expect(venue).toBeUndefined()
        expect(known).toBeUndefined()
      } else {
        expect(known?.status).toBe(venue?.status === 'NEW' ? 'OPEN' : venue?.status)
      }
    }
    sim.resume()
    const before = trades
    await waitFor(
      () => book.isSynced && trades > before + 5,
      15_000,
      'book synced and trades flowing after the chaos',
    )
  })
})
