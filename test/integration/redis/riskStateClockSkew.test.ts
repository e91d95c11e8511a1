/**
 * The shared risk state when the hosts' clocks disagree (real redis-server): a halt from a host whose clock is behind
 * is stored and delivered, a refused save is reported, and a resume on one host is not undone by another still HALTED.
 */

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ManualClock } from '../../../src/core/clock.js'
import { Decimal } from '../../../src/decimal/index.js'
import type { TradekitError } from '../../../src/errors/index.js'
import { RedisConnection, RedisStateStore, shareKillSwitch } from '../../../src/redis/index.js'
import { type PersistedRiskState, RiskManager } from '../../../src/risk/index.js'
import { type RedisServer, startRedisServer } from '../../helpers/redisServer.js'
import { waitFor } from '../../helpers/waitFor.js'
import { expectOutages, unexpectedConnectionErrors } from './outageErrors.js'

let server: RedisServer
const conns: RedisConnection[] = []
beforeAll(async () => {
  server = await startRedisServer()
})
afterAll(async () => {
  for (const c of conns) c.close()
  await server?.close()
})

const T = 1_800_000_000_000
const connect = async (): Promise<RedisConnection> => {
  const c = expectOutages(await RedisConnection.connect({ url: server.url, deployment: 'skew' }))
  conns.push(c)
  return c
}
const state = (
  s: PersistedRiskState['state'],
  since: number,
  tsSaved: number,
  reason: string = s === 'HALTED' ? 'KILL_SWITCH' : 'MANUAL',
): PersistedRiskState => ({ version: 1, state: s, reason, since, consecutiveLosses: 0, tsSaved })

// The outages these tests cause are reported on each connection's `error`; nothing else may be.
afterEach(() => {
  expect(unexpectedConnectionErrors.splice(0)).toEqual([])
})

describe('RedisStateStore with skewed host clocks', () => {
  it('delivers a halt saved after a routine save from a host whose clock is ahead', async () => {
    const fast = new RedisStateStore({ redis: await connect(), name: 'deliver' })
    const slow = new RedisStateStore({ redis: await connect(), name: 'deliver' })
    const watcher = new RedisStateStore({ redis: await connect(), name: 'deliver', pollMs: 50 })
    // A routine save (a new equity peak) from a host 60 s ahead: ACTIVE for long, saved "in the future".
    await fast.save(state('ACTIVE', T - 3_600_000, T + 60_000))
    const seen: PersistedRiskState[] = []
    const stop = watcher.watch((s) => seen.push(s))
    try {
      await waitFor(() => seen.length > 0, 5_000, 'the first state')
      await slow.save(state('HALTED', T, T))
      await waitFor(() => seen.some((s) => s.state === 'HALTED'), 5_000, 'the halt')
      expect(seen.at(-1)).toMatchObject({ state: 'HALTED', tsSaved: T })
    } finally {
      stop()
    }
  })

  it('stores a halt from a host whose clock is behind the last state change', async () => {
    const fast = new RedisStateStore({ redis: await connect(), name: 'latch' })
    const slow = new RedisStateStore({ redis: await connect(), name: 'latch' })
    await fast.save(state('REDUCING', T + 60_000, T + 60_000)) // a manual reduce on the fast host
    await slow.save(state('HALTED', T, T)) // the kill switch on a host with a correct clock, a moment later
    expect((await fast.load())?.state).toBe('HALTED')
  })

  it('reports a refused save: a state that is not an explicit resume cannot replace HALTED', async () => {
    const a = new RedisStateStore({ redis: await connect(), name: 'refused' })
    const b = new RedisStateStore({ redis: await connect(), name: 'refused' })
    await a.save(state('HALTED', T, T))
    // Process B never saw the halt, and its clock is far ahead: its ACTIVE is neither newer nor a resume.
    const refused = await b.save(state('ACTIVE', T + 60_000, T + 60_000)).then(
      () => undefined,
      (e: unknown) => e as TradekitError,
    )
    expect(refused?.code).toBe('INVALID_STATE')
    expect(refused?.details).toMatchObject({ store: 'redis', stored: 'HALTED', refused: 'ACTIVE' })
    expect((await a.load())?.state).toBe('HALTED')
  })

  it('the day reset lifts a stored daily-loss halt, and no other', async () => {
    const a = new RedisStateStore({ redis: await connect(), name: 'dayreset' })
    await a.save(state('HALTED', T, T, 'DAILY_LOSS'))
    await a.save(state('ACTIVE', T + 1, T + 1, 'DAY_RESET'))
    expect((await a.load())?.state).toBe('ACTIVE')
    await a.save(state('HALTED', T + 2, T + 2, 'KILL_SWITCH'))
    const refused = await a.save(state('ACTIVE', T + 3, T + 3, 'DAY_RESET')).then(
      () => undefined,
      (e: unknown) => e as TradekitError,
    )
    expect(refused?.code).toBe('INVALID_STATE')
    expect((await a.load())?.state).toBe('HALTED')
  })

  it('a relay saved after the halt it copies was resumed is refused; a new halt is not', async () => {
    const p = new RedisStateStore({ redis: await connect(), name: 'race', pollMs: 50 })
    const q = new RedisStateStore({ redis: await connect(), name: 'race', pollMs: 50 })
    await p.save(state('HALTED', T + 5_000, T + 5_000)) // P (5 s ahead) presses the kill switch
    const seen: PersistedRiskState[] = []
    const stop = q.watch((s) => seen.push(s))
    try {
      await waitFor(() => seen.some((s) => s.state === 'HALTED'), 5_000, 'Q sees the halt')
      q.relayNextHalt() // shareKillSwitch on Q relays it...
      await p.save(state('ACTIVE', T + 6_000, T + 6_000, 'RESUME')) // ...but P resumes before Q's save lands
      await expect(q.save(state('HALTED', T + 10, T + 10))).rejects.toMatchObject({
        code: 'INVALID_STATE',
        details: { why: 'resumed' },
      })
      await expect(q.save(state('HALTED', T + 10, T + 20))).rejects.toMatchObject({ code: 'INVALID_STATE' })
      expect((await p.load())?.state).toBe('ACTIVE')
      await q.save(state('HALTED', T + 30, T + 30)) // a new halt on Q (its own kill switch)
      expect((await p.load())?.state).toBe('HALTED')
    } finally {
      stop()
    }
  })

  it('a resume on one host clears the halt; a host still HALTED by the relay does not latch it again', async () => {
    const clockA = new ManualClock(T + 5_000) // 5 s ahead
    const clockB = new ManualClock(T)
    const storeA = new RedisStateStore({ redis: await connect(), name: 'resume', pollMs: 50 })
    const storeB = new RedisStateStore({ redis: await connect(), name: 'resume', pollMs: 50 })
    const riskA = new RiskManager({ store: storeA, clock: clockA })
    const riskB = new RiskManager({ store: storeB, clock: clockB })
    const errorsA: TradekitError[] = []
    riskA.events.on('error', (e) => errorsA.push(e))
    riskB.events.on('error', () => {})
    await riskA.start()
    await riskB.start()
    const unlinkA = shareKillSwitch(riskA, storeA)
    const unlinkB = shareKillSwitch(riskB, storeB)
    try {
      clockB.advance(10)
      await riskB.emergencyStop('operator on B') // the host with the correct clock presses the kill switch
      await waitFor(() => riskA.state === 'HALTED', 5_000, 'A relays the halt')
      await riskA.guard.flush()
      expect((await storeA.load())?.state).toBe('HALTED')

      clockB.advance(10)
      expect(riskB.resume({ note: 'operator on B' })).toBe(true) // B's operator resumes
      await riskB.guard.flush()
      expect((await storeB.load())?.state).toBe('ACTIVE')

      // A is still HALTED (a resume elsewhere is never copied) and saves again (a routine save): refused, reported.
      riskA.halt('still halted here')
      riskA.guard.recordTradeResult(new Decimal('-1'))
      await riskA.guard.flush()
      expect((await storeB.load())?.state).toBe('ACTIVE')
      expect(errorsA.some((e) => e.code === 'INVALID_STATE')).toBe(true)
      await new Promise((r) => setTimeout(r, 200)) // two polls
      expect(riskB.state).toBe('ACTIVE') // B is not halted again by its own, resumed, halt

      // A's operator resumes, then a new halt on A reaches B.
      clockA.advance(10)
      riskA.resume()
      await riskA.guard.flush()
      clockA.advance(10)
      await riskA.emergencyStop('operator on A')
      await waitFor(() => riskB.state === 'HALTED', 5_000, 'B relays the new halt')
    } finally {
      unlinkA()
      unlinkB()
    }
  })
  // Last: it restarts the server.
  it('keeps delivering after Redis lost its data (a new version sequence)', async () => {
    const a = new RedisStateStore({ redis: await connect(), name: 'reset' })
    const watcherConn = await connect()
    const watcher = new RedisStateStore({ redis: watcherConn, name: 'reset', pollMs: 50 })
    for (let i = 1; i <= 5; i++) await a.save(state('ACTIVE', T, T + i)) // version 5
    const seen: PersistedRiskState[] = []
    const stop = watcher.watch((s) => seen.push(s))
    try {
      await waitFor(() => seen.some((s) => s.tsSaved === T + 5), 5_000, 'version 5')
      await server.stop()
      await server.start() // empty: no persistence
      await waitFor(() => a.connection.isUp && watcherConn.isUp, 10_000, 'reconnected')
      await a.save(state('HALTED', T + 100, T + 100)) // version 1 of the new data
      await waitFor(() => seen.some((s) => s.state === 'HALTED'), 5_000, 'the halt after the restart')
    } finally {
      stop()
    }
  })
})
