/** The latched risk state shared on a real redis-server by two connections (two processes' worth). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RedisConnection, RedisStateStore } from '../../../src/redis/index.js'
import type { PersistedRiskState } from '../../../src/risk/index.js'
import { type RedisServer, startRedisServer } from '../../helpers/redisServer.js'
import { waitFor } from '../../helpers/waitFor.js'

let server: RedisServer
beforeAll(async () => {
  server = await startRedisServer()
})
afterAll(async () => {
  await server?.close()
})

const state = (s: PersistedRiskState['state'], since: number): PersistedRiskState => ({
  version: 1,
  state: s,
  reason: s === 'HALTED' ? 'KILL_SWITCH' : 'MANUAL',
  since,
  consecutiveLosses: 0,
  tsSaved: since,
})

describe('RedisStateStore', () => {
  it('latches a halt across processes and restarts; a stale process cannot unlatch it', async () => {
    const a = await RedisConnection.connect({ url: server.url, deployment: 'risk-test' })
    const b = await RedisConnection.connect({ url: server.url, deployment: 'risk-test' })
    try {
      const storeA = new RedisStateStore({ redis: a })
      const storeB = new RedisStateStore({ redis: b, pollMs: 100 })
      await storeA.save(state('ACTIVE', 1_000))
      const seen: PersistedRiskState[] = []
      const halted = new Promise<void>((resolve) => {
        const stop = storeB.watch((s) => {
          seen.push(s)
          if (s.state === 'HALTED') {
            stop()
            resolve()
          }
        })
      })
      await storeA.save(state('HALTED', 2_000)) // emergencyStop in process A
      await halted
      expect(seen.at(-1)?.state).toBe('HALTED')
      // Process B still thinks it is active: refused, and said so (the guard reports it on `error`).
      await expect(storeB.save(state('ACTIVE', 1_500))).rejects.toMatchObject({ code: 'INVALID_STATE' })
      expect((await storeA.load())?.state).toBe('HALTED')
      const restarted = new RedisStateStore({ redis: b })
      expect((await restarted.load())?.state).toBe('HALTED')
      await storeB.save({ ...state('ACTIVE', 3_000), reason: 'RESUME' }) // an explicit resume of the halt B saw
      expect((await restarted.load())?.state).toBe('ACTIVE')
    } finally {
      a.close()
      b.close()
    }
  })

  it('other deployments do not see it', async () => {
    const c = await RedisConnection.connect({ url: server.url, deployment: 'elsewhere' })
    try {
      expect(await new RedisStateStore({ redis: c }).load()).toBeUndefined()
    } finally {
      c.close()
    }
  })

  it('a stopped watch leaves the channel (and hears nothing more); another watch keeps it', async () => {
    const a = await RedisConnection.connect({ url: server.url, deployment: 'risk-unwatch' })
    try {
      const store = new RedisStateStore({ redis: a, pollMs: 3_600_000 }) // pub/sub alone delivers
      const channel = a.key('risk:risk')
      const subscribers = async () => ((await a.command(['PUBSUB', 'NUMSUB', channel])) as unknown[])[1]
      const first: string[] = []
      const second: string[] = []
      const stopFirst = store.watch((s) => first.push(s.state))
      const stopSecond = store.watch((s) => second.push(s.state))
      await waitFor(async () => (await subscribers()) === 1, 5_000, 'the watches subscribed')
      stopFirst()
      await store.save(state('HALTED', 1_000))
      await waitFor(() => second.includes('HALTED'), 5_000, 'the halt pushed to the watch still running')
      expect(first).toEqual([])
      expect(await subscribers()).toBe(1)
      stopSecond()
      await waitFor(async () => (await subscribers()) === 0, 5_000, 'the channel left')
      // A watch stopped at once (its first poll and its subscription still in flight) leaves no subscription behind
      // and hears nothing, neither the stored halt its poll reads nor a state pushed right after.
      const late: string[] = []
      store.watch((s) => late.push(s.state))()
      await store.save({ ...state('ACTIVE', 3_000), reason: 'RESUME' })
      await new Promise((r) => setTimeout(r, 200))
      expect(late).toEqual([])
      expect(await subscribers()).toBe(0)
    } finally {
      a.close()
    }
  })
})
