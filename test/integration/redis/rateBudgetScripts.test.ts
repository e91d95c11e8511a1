/**
 * The shared rate budget's scripts on a real redis-server, called as the limiters call them: hosts whose clocks
 * disagree cannot overspend a rolling window, a usage header never refills the budget it reports spent, and the lane
 * reserves are clamped as the local limiter clamps them (the two agree).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ManualClock } from '../../../src/core/clock.js'
import { RedisConnection, RedisRateLimitStore } from '../../../src/redis/index.js'
import {
  type Priority,
  type RateLimitCharge,
  RateLimiter,
  type WindowMode,
} from '../../../src/transport/index.js'
import { type RedisServer, startRedisServer } from '../../helpers/redisServer.js'
import { waitFor } from '../../helpers/waitFor.js'

let server: RedisServer
let redis: RedisConnection
beforeAll(async () => {
  server = await startRedisServer()
  redis = await RedisConnection.connect({ url: server.url, deployment: 'scripts' })
})
afterAll(async () => {
  redis?.close()
  await server?.close()
})

const T = 1_800_000_000_000
let scopes = 0
const store = (): RedisRateLimitStore => new RedisRateLimitStore({ redis, scope: `s${++scopes}` })
/** Waits until the fire-and-forget usage report of the last store made has been applied (tokens down to `tokens`). */
const applied = (tokens: number) =>
  waitFor(
    async () =>
      Number(await redis.command(['HGET', redis.key('rl', `s${scopes}`, 'w:W'), 'tokens'])) <= tokens,
  )
const window = (mode: WindowMode, limit = 10, intervalMs = 10_000) => ({ id: 'W', limit, intervalMs, mode })
const charge = (w: ReturnType<typeof window>, cost: number, floor = 0): RateLimitCharge => ({
  ...w,
  cost,
  floor,
})
/** Takes `cost` at `nowMs` (the caller's clock): true when granted. */
const take = async (
  s: RedisRateLimitStore,
  c: RateLimitCharge,
  nowMs: number,
  priority: Priority = 'CANCEL',
) => (await s.reserve({ charges: [c], priority, nowMs })) === 0

describe('shared rate budget scripts', () => {
  it('a rolling window is not overspent when host clocks differ (a host behind cannot pull ts back)', async () => {
    const s = store()
    const w = window('rolling')
    // Host A runs 5 s ahead, host B is right; both at real time T.
    expect(await take(s, charge(w, 5), T + 5_000)).toBe(true)
    expect(await take(s, charge(w, 5), T + 1)).toBe(true)
    let more = 0
    for (let i = 0; i < 10; i++) if (await take(s, charge(w, 1), T + 5_002)) more++
    expect(more).toBe(0) // 2 ms later: the 10 of this window are spent (not 5 more refilled for B's past)
  })

  it('a usage header never refills what it reports spent (ts is not moved back to the send time)', async () => {
    const s = store()
    const w = window('rolling')
    expect(await take(s, charge(w, 1), T)).toBe(true)
    // A request sent 3 s ago is answered now: the venue counts the whole window spent.
    s.observeUsage(w, 10, T - 3_000, T)
    await applied(0)
    expect(await take(s, charge(w, 0.5), T + 1)).toBe(false) // 1 ms later: 0.001 refilled, not 3.001
    expect(await take(s, charge(w, 3), T + 3_001)).toBe(true) // refills from the answer on
  })

  it('a usage header from a host whose clock is behind does not move ts back', async () => {
    const s = store()
    const w = window('rolling')
    expect(await take(s, charge(w, 9), T + 5_000)).toBe(true) // host ahead spends 9
    s.observeUsage(w, 10, T - 10, T) // host right: the venue says all spent
    await applied(0)
    expect(await take(s, charge(w, 1), T + 5_010)).toBe(false)
  })

  it.each(['fixed', 'rolling'] as const)(
    'a %s window with limit 1 grants the ORDER lane (reserve clamped)',
    async (mode) => {
      const s = store()
      const w = window(mode, 1)
      expect(await take(s, charge(w, 1, 0.05), T, 'ORDER')).toBe(true)
      expect(await take(s, charge(w, 1, 0.05), T + 1, 'ORDER')).toBe(false)
      // Through a limiter (its local windows allow it): granted, not a RateLimitError after waiting for ever.
      const clock = new ManualClock(T)
      const limiter = new RateLimiter({
        windows: [{ ...w, id: 'O' }],
        store: store(),
        clock,
        maxWaitMs: 1_000,
      })
      await expect(limiter.acquire({ priority: 'ORDER' })).resolves.toBeUndefined()
    },
  )

  it.each(['fixed', 'rolling'] as const)(
    'the %s store grants exactly what the local limiter grants',
    async (mode) => {
      const s = store()
      const clock = new ManualClock(T)
      const w = window(mode, 4, 1_000)
      const reserve = { CANCEL: 0, ORDER: 0.25, MARKET_DATA: 0.5 }
      const local = new RateLimiter({ windows: [w], clock, reserve })
      const steps: ReadonlyArray<readonly [advanceMs: number, cost: number, lane: Priority]> = [
        [0, 1, 'MARKET_DATA'],
        [0, 1, 'MARKET_DATA'],
        [0, 1, 'MARKET_DATA'],
        [0, 1, 'ORDER'],
        [0, 1, 'ORDER'],
        [0, 1, 'CANCEL'],
        [0, 1, 'CANCEL'],
        [250, 1, 'ORDER'],
        [250, 4, 'ORDER'],
        [250, 3, 'MARKET_DATA'],
        [1_000, 4, 'ORDER'],
        [0, 4, 'CANCEL'],
        [1_000, 3, 'ORDER'],
        [0, 1, 'ORDER'],
        [500, 2, 'MARKET_DATA'],
        [1_000, 4, 'MARKET_DATA'],
      ]
      for (const [advanceMs, cost, lane] of steps) {
        clock.advance(advanceMs)
        const floor = reserve[lane] * w.limit
        const shared = await take(s, charge(w, cost, floor), clock.now(), lane)
        expect(shared, `${lane} ${cost} at +${clock.now() - T} ms`).toBe(
          local.tryAcquire({ cost, priority: lane }),
        )
      }
    },
  )
})

describe('shared pause', () => {
  it('holds until its last millisecond when the clock reads fractions of a millisecond', async () => {
    const s = store()
    const w = window('fixed', 100, 60_000)
    s.pause(T + 1_000) // a 429's Retry-After, seen by any process
    await waitFor(
      async () => Number(await redis.command(['GET', redis.key('rl', `s${scopes}`, 'pause')])) > 0,
    )
    // 0.5 ms before the pause ends: a wait, never a grant (nothing was charged for it).
    expect(await s.reserve({ charges: [charge(w, 1)], priority: 'CANCEL', nowMs: T + 999.5 })).toBe(1)
    expect(s.stats.reserved).toBe(0)
    expect(await take(s, charge(w, 1), T + 1_000)).toBe(true)
  })
})
