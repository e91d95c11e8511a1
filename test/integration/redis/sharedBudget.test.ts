/**
 * Many bot processes, one Binance IP: child processes hammer BinanceSim (Binance's per-minute request weight,
 * reported in `x-mbx-used-weight-1m` and enforced with 429, as documented at
 * https://developers.binance.com/docs/binance-spot-api-docs/rest-api/limits) through RateLimiters sharing one
 * budget on a real redis-server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BinanceSim } from '../../../src/sim/index.js'
import { type RedisServer, startRedisServer } from '../../helpers/redisServer.js'
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
  it('4 processes sharing one budget get no 429 where 4 local limiters do', async () => {
    sim = await BinanceSim.start({ weightLimitPerMinute: LIMIT })
    try {
      const base = { restUrl: sim.restUrl, limit: LIMIT, concurrency: 16, maxWaitMs: 200 } as const
      const shared = await Promise.all(
        Array.from({ length: 4 }, () =>
          runHammer({
            ...base,
            redisUrl: redis.url,
            deployment: 'budget',
            requests: LIMIT,
            priorities: ['ORDER'],
            stopOnExhausted: true,
          }),
        ),
      )
      const s = total(shared)
      expect([s.s429, s.s418]).toEqual([0, 0])
      expect(s.ok).toBeGreaterThan(0)
      // Each process alone may spend the whole window; together they must stay within it (a minute boundary during
      // the run refills it once).
      expect(s.ok).toBeLessThanOrEqual(2 * LIMIT)
      expect(shared.every((r) => r.limited > 0)).toBe(true)
    } finally {
      await sim.close()
    }
    sim = await BinanceSim.start({ weightLimitPerMinute: LIMIT })
    try {
      const local = await Promise.all(
        Array.from({ length: 4 }, () =>
          runHammer({
            restUrl: sim.restUrl,
            limit: LIMIT,
            concurrency: 16,
            maxWaitMs: 200,
            requests: LIMIT,
            priorities: ['ORDER'],
            stopOnExhausted: true,
          }),
        ),
      )
      expect(total(local).s429).toBeGreaterThan(0)
    } finally {
      await sim.close()
    }
  }, 60_000)

  it('survives Redis killed and restarted mid-run: orders fail closed, cancels go on locally, then recovery', async () => {
    sim = await BinanceSim.start({ weightLimitPerMinute: 100_000 })
    try {
      const runs = Array.from({ length: 3 }, () =>
        startHammer({
          restUrl: sim.restUrl,
          redisUrl: redis.url,
          deployment: 'outage',
          limit: 100_000,
          concurrency: 2,
          maxWaitMs: 500,
          durationMs: 5_000,
          priorities: ['ORDER', 'CANCEL'],
        }),
      )
      await Promise.all(runs.map((h) => h.ready))
      await new Promise((r) => setTimeout(r, 1_000))
      await redis.stop()
      await new Promise((r) => setTimeout(r, 1_500))
      await redis.start()
      const s = total(await Promise.all(runs.map((h) => h.done)))
      expect([s.s429, s.s418]).toEqual([0, 0])
      expect(s.unavailable).toBeGreaterThan(0) // new orders failed closed while Redis was down
      expect(s.fallbackGranted).toBeGreaterThan(0) // cancels went on the local budget
      expect(s.reconnected).toBeGreaterThanOrEqual(3) // every process reconnected on its own
      expect(s.okAfterReconnect).toBeGreaterThan(0)
    } finally {
      await sim.close()
    }
  }, 60_000)
})
