/**
 * The failure policy of the shared rate budget, on a real redis-server killed and restarted under a live
 * OrderExecutor and the real BinanceSpot adapter (BinanceSim): while Redis is down, a new entry fails closed (a typed
 * `SharedBudgetUnavailableError`, never sent, never an unknown outcome that could be re-sent later), a cancel and a
 * reduce-only exit still go out on the local fallback budget and no further; when Redis returns, everything resumes
 * on its own.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ManualClock } from '../../../src/core/clock.js'
import type { OrderIntent } from '../../../src/core/ports.js'
import { Decimal } from '../../../src/decimal/index.js'
import { isTradekitError } from '../../../src/errors/index.js'
import { BinanceSpot, BinanceUsdm } from '../../../src/exchanges/binance/index.js'
import { OrderExecutor } from '../../../src/execution/index.js'
import {
  RedisConnection,
  RedisRateLimitStore,
  SharedBudgetUnavailableError,
} from '../../../src/redis/index.js'
import { BinanceSim } from '../../../src/sim/index.js'
import { type RedisServer, startRedisServer } from '../../helpers/redisServer.js'
import { waitFor } from '../../helpers/waitFor.js'
import { expectOutages, unexpectedConnectionErrors } from './outageErrors.js'

let server: RedisServer
let sim: BinanceSim

beforeAll(async () => {
  server = await startRedisServer()
  sim = await BinanceSim.start({ tickMs: 0 })
})
afterAll(async () => {
  await sim?.close()
  await server?.close()
})

let n = 0
const intent = (side: 'BUY' | 'SELL', extra: Partial<OrderIntent> = {}): OrderIntent => ({
  clientOrderId: `fp-${Date.now().toString(36)}-${++n}`,
  venue: 'binance',
  symbol: 'BTCUSDT',
  side,
  type: 'MARKET',
  qty: new Decimal('0.01'),
  strategyId: 'fp',
  ...extra,
})

// The outages these tests cause are reported on each connection's `error`; nothing else may be.
afterEach(() => {
  expect(unexpectedConnectionErrors.splice(0)).toEqual([])
})

describe('shared rate budget failure policy (Redis killed and restarted)', () => {
  it('entries fail closed, a cancel and exits go out within the local budget, then entries resume', async () => {
    // The local fallback budget's windows run on this clock, so they do not refill during the test: 2 % of Binance
    // spot's 100 orders per 10 s leaves this process 2 orders while Redis is down.
    const fallbackClock = new ManualClock(Date.now())
    const redis = expectOutages(
      await RedisConnection.connect({
        url: server.url,
        deployment: 'failure-policy',
        commandTimeoutMs: 300,
        clock: fallbackClock,
      }),
    )
    const store = new RedisRateLimitStore({ redis, scope: 'binance-spot-ip', fallbackShare: 0.02 })
    const budget: string[] = []
    store.events.on('budget.fallbackStarted', (e) => budget.push(e.type))
    store.events.on('budget.fallbackEnded', (e) => budget.push(e.type))
    store.events.on('budget.failedClosed', (e) => budget.push(`${e.type} ${e.priority}`))
    const spot = new BinanceSpot({
      ...sim.urls.spot,
      apiKey: 'sim-api-key',
      apiSecret: 'sim-api-secret',
      rateLimitStore: store,
    })
    const exec = new OrderExecutor({
      adapter: spot,
      requestTimeoutMs: 30_000,
      queryIntervalMs: 50,
      queryAttempts: 5,
    })
    exec.events.on('error', () => {})
    const unresolved: string[] = []
    exec.events.on('order.outcomeUnresolved', (e) => unresolved.push(e.order.clientOrderId))
    const atVenue = (cid: string) => sim.ledger.orders.filter((o) => o.clientOrderId === cid).length
    try {
      await exec.start()
      const mid = new Decimal(sim.midPrice('spot', 'BTCUSDT'))
      const resting = await exec.submit(
        intent('BUY', { type: 'LIMIT', price: mid.times('0.9').toDecimalPlaces(2), timeInForce: 'GTC' }),
      )
      expect(resting.status).toBe('OPEN')

      await server.stop()
      await waitFor(() => !redis.isUp, 15_000, 'redis.disconnected')

      // A new entry through the adapter: the typed error, a RATE_LIMITED refusal (not sent, so not "unknown").
      const direct = intent('BUY')
      const e = await spot.placeOrder(direct).catch((x: unknown) => x)
      expect(e).toBeInstanceOf(SharedBudgetUnavailableError)
      expect(isTradekitError(e, 'RATE_LIMITED')).toBe(true)
      // Through the executor: rejected on the spot, never reconciled nor re-sent later.
      const entry = await exec.submit(intent('BUY'))
      expect(entry.status).toBe('REJECTED')

      // A cancel and reduce-only exits still go out, on the local budget.
      expect((await exec.cancel(resting.clientOrderId)).status).toBe('CANCELED')
      const exit1 = await exec.submit(intent('SELL', { reduceOnly: true }))
      const exit2 = await exec.submit(intent('SELL', { reduceOnly: true }))
      expect([exit1.status, exit2.status]).toEqual(['FILLED', 'FILLED'])
      // The local budget (2 orders) is spent: a third exit waits for budget, unsent.
      const exit3Intent = intent('SELL', { reduceOnly: true })
      const exit3 = exec.submit(exit3Intent)
      await new Promise((r) => setTimeout(r, 500))
      expect(atVenue(exit3Intent.clientOrderId)).toBe(0)
      expect(store.stats).toMatchObject({ failedClosed: 2, onFallback: true })

      // Redis returns: the waiting exit goes through the shared budget again, and so do new entries.
      await server.start()
      await waitFor(() => redis.isUp, 15_000, 'redis.reconnected')
      expect((await exit3).status).toBe('FILLED')
      const after = await exec.submit(intent('BUY'))
      expect(after.status).toBe('FILLED')
      expect(store.stats.onFallback).toBe(false)

      expect(atVenue(direct.clientOrderId) + atVenue(entry.clientOrderId)).toBe(0)
      expect(unresolved).toEqual([])
      expect(budget).toEqual([
        'budget.fallbackStarted',
        'budget.failedClosed ORDER',
        'budget.failedClosed ORDER',
        'budget.fallbackEnded',
      ])
      // The cancel, the two exits and the executor's look-ups were the fallback's grants; the third exit was not.
      expect(store.stats.fallbackGranted).toBeGreaterThanOrEqual(3)
      expect(atVenue(exit1.clientOrderId) + atVenue(exit2.clientOrderId)).toBe(2)
    } finally {
      await exec.shutdown({ cancelOpenOrders: false, timeoutMs: 2_000 })
      await spot.close()
      redis.close()
    }
  }, 60_000)

  it('the USD-M user stream starts and keeps its listen key alive while Redis is down (cancel lane)', async () => {
    const redis = expectOutages(
      await RedisConnection.connect({
        url: server.url,
        deployment: 'failure-policy-usdm',
        commandTimeoutMs: 300,
      }),
    )
    const store = new RedisRateLimitStore({ redis, scope: 'binance-usdm-ip', fallbackShare: 0.05 })
    const usdm = new BinanceUsdm({
      ...sim.urls.usdm,
      apiKey: 'sim-api-key',
      apiSecret: 'sim-api-secret',
      rateLimitStore: store,
      listenKeyKeepAliveMs: 200,
    })
    const keepAlives = () =>
      sim.requestLog.filter((r) => r.method === 'PUT' && r.path === '/fapi/v1/listenKey').length
    try {
      await usdm.positionMode() // the one-way check is a read: done before the outage, as a running bot has
      await server.stop()
      await waitFor(() => !redis.isUp, 15_000, 'redis.disconnected')
      // An entry fails closed, but the listen key is created and kept alive on the local budget.
      const e = await usdm
        .placeOrder({
          clientOrderId: `fpu-${Date.now().toString(36)}`,
          venue: 'binance-usdm',
          symbol: 'BTCUSDT',
          side: 'BUY',
          type: 'MARKET',
          qty: new Decimal('0.01'),
        })
        .catch((x: unknown) => x)
      expect(e).toBeInstanceOf(SharedBudgetUnavailableError)
      await usdm.startUserData()
      expect(usdm.listenKey).toBeDefined()
      const before = keepAlives()
      await waitFor(() => keepAlives() >= before + 2, 15_000, 'two keep-alives during the outage')
    } finally {
      await server.start()
      await waitFor(() => redis.isUp, 15_000, 'redis.reconnected')
      await usdm.close()
      redis.close()
    }
  }, 60_000)
})
