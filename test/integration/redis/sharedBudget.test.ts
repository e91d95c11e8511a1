/**
 * Many bot processes, one Binance IP: child processes drive the real BinanceSpot adapter (its `rateLimitStore`
 * option) against BinanceSim, which enforces Binance's per-minute request weight with 429 and reports it in
 * `x-mbx-used-weight-1m` (and order counts in `x-mbx-order-count-*`), as documented at
 * https://developers.binance.com/docs/binance-spot-api-docs/rest-api/limits — with one budget shared on a real
 * redis-server, killed and restarted mid-run in one case, and the shared kill switch pressed in one process in another.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as z from 'zod/mini'
import { BinanceSpot } from '../../../src/exchanges/binance/index.js'
import { RedisConnection, RedisRateLimitStore } from '../../../src/redis/index.js'
import { BinanceSim } from '../../../src/sim/index.js'
import { type RedisServer, startRedisServer } from '../../helpers/redisServer.js'
import { waitFor } from '../../helpers/waitFor.js'
import { runHammer, startHammer, total } from './runHammers.js'

const LIMIT = 400
let redis: RedisServer
let sim: BinanceSim

beforeAll(async () => {
  redis = await startRedisServer()
})
afterAll(async () => {
  await redis?.close()
})

describe('shared rate budget on Redis', () => {
  // The comparison with local limiters (which overshoot only when a process starts without knowing what the others
  // spent: timing, not a property) is in the bench: bench/redis.bench.ts, 8 shared vs 8 local in the same run.
  it('4 processes sharing one budget spend it without one 429 or 418', async () => {
    sim = await BinanceSim.start({ weightLimitPerMinute: LIMIT })
    try {
      const base = { restUrl: sim.restUrl, concurrency: 16, maxWaitMs: 200 } as const
      const shared = await Promise.all(
        Array.from({ length: 4 }, () =>
          runHammer({
            ...base,
            redisUrl: redis.url,
            deployment: 'budget',
            requests: LIMIT,
            actions: ['ping'],
            stopOnExhausted: true,
          }),
        ),
      )
      const s = total(shared)
      expect([s.s429, s.s418]).toEqual([0, 0])
      // Together they spend the window (less the order lane's 5 % reserve and each process's exchangeInfo, weight 20),
      // not a cautious fraction of it.
      expect(s.ok + 4 * 20).toBeGreaterThanOrEqual(0.85 * LIMIT)
      // Each process alone may spend the whole window; together they must stay within it (a minute boundary during
      // the run refills it once).
      expect(s.ok).toBeLessThanOrEqual(2 * LIMIT)
      expect(shared.every((r) => r.limited > 0)).toBe(true)
    } finally {
      await sim.close()
    }
  }, 120_000)

  it('survives Redis killed and restarted mid-run: entries fail closed, cancels and exits go on locally, then recovery', async () => {
    sim = await BinanceSim.start({ weightLimitPerMinute: 100_000 })
    try {
      const entryPrice = (Number(sim.midPrice('spot', 'BTCUSDT')) * 0.9).toFixed(2)
      const runs = Array.from({ length: 3 }, () =>
        startHammer({
          restUrl: sim.restUrl,
          redisUrl: redis.url,
          deployment: 'outage',
          concurrency: 1,
          // ~7.5 orders per second from the 3 processes: under spot's shared 100 orders per 10 s.
          intervalMs: 200,
          maxWaitMs: 500,
          // Long enough after the restart (at ~3.5 s) for every process to reconnect and trade on a loaded machine.
          durationMs: 12_000,
          entryPrice,
          actions: ['entry', 'entry', 'cancel', 'exit', 'ping'],
        }),
      )
      await Promise.all(runs.map((h) => h.ready))
      await new Promise((r) => setTimeout(r, 1_500))
      await redis.stop()
      await new Promise((r) => setTimeout(r, 2_000))
      await redis.start()
      const s = total(await Promise.all(runs.map((h) => h.done)))
      const { entries, cancels, exits, failedClosed, cancelsWhileDown, exitsWhileDown } = s
      console.log('outage run', { entries, cancels, exits, failedClosed, cancelsWhileDown, exitsWhileDown })
      expect([s.s429, s.s418]).toEqual([0, 0])
      expect([s.unknown, s.errors, s.unavailable]).toEqual([0, 0, 0])
      expect(s.failedClosed).toBeGreaterThan(0) // new entries failed closed while Redis was down
      expect(s.cancelsWhileDown).toBeGreaterThan(0) // cancels went on the local budget
      expect(s.exitsWhileDown).toBeGreaterThan(0) // and so did reduce-only exits
      expect(s.fallbackGranted).toBeGreaterThanOrEqual(s.cancelsWhileDown + s.exitsWhileDown)
      expect(s.reconnected).toBeGreaterThanOrEqual(3) // every process reconnected on its own
      expect(s.entriesAfterReconnect).toBeGreaterThan(0) // entries resumed
      // Every order the processes saw succeed reached the venue once; none refused was sent.
      expect(sim.ledger.orders.length).toBe(s.entries + s.exits)
    } finally {
      await sim.close()
    }
  }, 60_000)

  it('a kill switch pressed in one hammering process halts them all; each cancels exactly its own resting orders', async () => {
    sim = await BinanceSim.start() // spot's own header limits: 6000 weight per minute
    try {
      const entryPrice = (Number(sim.midPrice('spot', 'BTCUSDT')) * 0.9).toFixed(2)
      const runs = Array.from({ length: 3 }, () =>
        startHammer({
          restUrl: sim.restUrl,
          redisUrl: redis.url,
          deployment: 'kill-switch',
          killSwitch: true,
          concurrency: 2,
          intervalMs: 100,
          maxWaitMs: 500,
          durationMs: 30_000, // a bound: the halt ends the run
          entryPrice,
          actions: ['entry', 'ping'],
        }),
      )
      await Promise.all(runs.map((h) => h.ready))
      const open = () => sim.ledger.orders.filter((o) => o.status === 'NEW')
      const resting = () => open().length
      // Every process has orders resting (client ids start with its own prefix) before the press.
      const holders = () => new Set(open().map((o) => o.clientOrderId.split('-')[0])).size
      await waitFor(() => holders() === 3 && resting() >= 9, 20_000, 'resting entries of every process')
      runs[0]!.press()
      const results = await Promise.all(runs.map((h) => h.done))
      expect(results.map((r) => [r.halted, r.relayed])).toEqual([
        [1, 0],
        [1, 1],
        [1, 1],
      ])
      for (const r of results) {
        expect(r.entries).toBeGreaterThan(0)
        expect(r.canceledForeign).toBe(0) // never another process's orders
        // Each of its own entries cancelled once: by the halt's sweep, or (in flight then) by a second sweep.
        expect(r.canceledOwn + r.lateCanceled).toBe(r.entries)
        expect([r.s429, r.s418, r.errors, r.unknown]).toEqual([0, 0, 0, 0])
      }
      expect(results.reduce((n, r) => n + r.canceledOwn, 0)).toBeGreaterThanOrEqual(6)
      expect(resting()).toBe(0)
    } finally {
      await sim.close()
    }
  }, 60_000)

  it('BinanceSpot clients given the same rateLimitStore share its budget (the adapter wiring)', async () => {
    sim = await BinanceSim.start() // Binance spot's own limit: 6000 weight per minute, as BinanceSpot's windows
    const conns = await Promise.all(
      [0, 1].map(() => RedisConnection.connect({ url: redis.url, deployment: 'adapter' })),
    )
    try {
      const stores = conns.map((c) => new RedisRateLimitStore({ redis: c, scope: 'ip-1' }))
      const clients = stores.map((store) => new BinanceSpot({ ...sim.urls.spot, rateLimitStore: store }))
      let statuses429 = 0
      for (const c of clients)
        c.rest.http.events.on('response', (r) => void (r.status === 429 && statuses429++))
      let ok = 0
      const hammer = async (spot: BinanceSpot): Promise<void> => {
        for (;;) {
          try {
            await spot.rest.call({ path: '/api/v3/ping', schema: z.unknown(), priority: 'ORDER' })
            ok++
          } catch (e) {
            expect(e).toMatchObject({ code: 'RATE_LIMITED' })
            return
          }
        }
      }
      await Promise.all(
        clients
          .flatMap((c) => Array.from({ length: 8 }, () => hammer(c)))
          .map((p) => p.then(() => undefined)),
      )
      expect(statuses429).toBe(0)
      // Each client alone would spend 5700 (ORDER keeps 5 % free); together they spend the window once (twice when
      // the run crosses a minute boundary).
      expect(ok).toBeLessThanOrEqual(2 * 5700)
      expect(ok).toBeGreaterThan(0)
      // Every request the adapters sent was reserved in the shared store first.
      expect(stores[0]!.stats.reserved + stores[1]!.stats.reserved).toBe(ok)
    } finally {
      for (const c of conns) c.close()
      await sim.close()
    }
  }, 120_000)
})
