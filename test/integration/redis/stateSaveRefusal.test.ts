/**
 * A save the shared risk state refuses on purpose (real redis-server): reported once and never retried, a refused
 * resume is spent, and `shareKillSwitch` copies the HALTED the refusal found instead of losing it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ManualClock } from '../../../src/core/index.js'
import { Decimal } from '../../../src/decimal/index.js'
import type { TradekitError } from '../../../src/errors/index.js'
import { RedisConnection, RedisStateStore, shareKillSwitch } from '../../../src/redis/index.js'
import {
  isStateSaveRefusedError,
  type PersistedRiskState,
  RiskManager,
  TradingGuard,
} from '../../../src/risk/index.js'
import { SAVE_MAX_RETRIES, SAVE_RETRY_MAX_MS } from '../../../src/risk/StateSaver.js'
import { type RedisServer, startRedisServer } from '../../helpers/redisServer.js'

let server: RedisServer
beforeAll(async () => {
  server = await startRedisServer()
})
afterAll(async () => {
  await server?.close()
})

const DAY = 86_400_000
const T0 = Date.UTC(2026, 0, 15, 12)

const state = (s: PersistedRiskState['state'], since: number, reason?: string): PersistedRiskState => ({
  version: 1,
  state: s,
  reason: reason ?? (s === 'HALTED' ? 'KILL_SWITCH' : 'MANUAL'),
  since,
  consecutiveLosses: 0,
  tsSaved: since,
})

/** Counts a store's save attempts. */
function counted(store: RedisStateStore): { attempts: number } {
  const n = { attempts: 0 }
  const save = store.save.bind(store)
  store.save = (s) => {
    n.attempts++
    return save(s)
  }
  return n
}

/** Resolves with the first state `store.watch` delivers that `match` accepts, then stops watching. */
function delivered(store: RedisStateStore, match: (s: PersistedRiskState) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const stop = store.watch((s) => {
      if (!match(s)) return
      stop()
      resolve()
    })
  })
}

describe('a save the shared risk state refuses', () => {
  it('is a StateSaveRefusedError, reported once by the guard and never retried', async () => {
    const a = await RedisConnection.connect({ url: server.url, deployment: 'refusal-once' })
    const b = await RedisConnection.connect({ url: server.url, deployment: 'refusal-once' })
    try {
      const storeA = new RedisStateStore({ redis: a })
      const saves = counted(storeA)
      const clock = new ManualClock(T0)
      const guard = new TradingGuard({
        clock,
        store: storeA,
        breakers: { dailyLoss: false, drawdown: false },
      })
      const errors: TradekitError[] = []
      guard.events.on('error', (e) => errors.push(e))
      await guard.start()
      await guard.flush()
      await new RedisStateStore({ redis: b }).save(state('HALTED', T0 + 1)) // another process's kill switch
      guard.updateEquity(new Decimal('10000')) // a new peak: saved, refused (only a resume replaces HALTED)
      await guard.flush()
      expect(saves.attempts).toBe(2)
      expect(errors).toHaveLength(1)
      expect(isStateSaveRefusedError(errors[0])).toBe(true)
      expect(errors[0]).toMatchObject({
        code: 'INVALID_STATE',
        refused: 'ACTIVE',
        stored: 'HALTED',
        why: 'halted',
      })
      for (let i = 0; i < SAVE_MAX_RETRIES + 1; i++) {
        clock.advance(SAVE_RETRY_MAX_MS)
        await guard.flush()
      }
      expect(saves.attempts).toBe(2) // not retried
      expect(errors).toHaveLength(1)
      expect((await storeA.load())?.state).toBe('HALTED')
    } finally {
      a.close()
      b.close()
    }
  })

  it('a resume refused for a halt this process had not seen is spent: saved again after seeing it, still refused', async () => {
    const a = await RedisConnection.connect({ url: server.url, deployment: 'refusal-spent' })
    const b = await RedisConnection.connect({ url: server.url, deployment: 'refusal-spent' })
    try {
      const storeA = new RedisStateStore({ redis: a, pollMs: 50 })
      const storeB = new RedisStateStore({ redis: b })
      await storeA.save(state('HALTED', 1_000)) // halt H1, seen by A (it saved it)
      await storeB.load() // B sees H1 ...
      await storeB.save(state('ACTIVE', 2_000, 'RESUME')) // ... and resumes it
      await storeB.save(state('HALTED', 3_000)) // then B's kill switch: halt H2
      // A's operator resumes H1 (A never saw H2): refused.
      const resume = state('ACTIVE', 4_000, 'RESUME')
      await expect(storeA.save(resume)).rejects.toSatisfy(isStateSaveRefusedError)
      await delivered(storeA, (s) => s.state === 'HALTED' && s.since === 3_000) // now A has seen H2
      // A's guard saves its state again at its next change (same transition): it must not release H2.
      await expect(storeA.save({ ...resume, peakEquity: '10000' })).rejects.toMatchObject({ why: 'halted' })
      expect((await storeB.load())?.state).toBe('HALTED')
    } finally {
      a.close()
      b.close()
    }
  })

  it('shareKillSwitch copies the HALTED a refusal found: a kill switch stored under a daily-loss halt outlives its day reset', async () => {
    const a = await RedisConnection.connect({ url: server.url, deployment: 'refusal-relay' })
    const b = await RedisConnection.connect({ url: server.url, deployment: 'refusal-relay' })
    try {
      const storeA = new RedisStateStore({ redis: a, pollMs: 50 })
      const clock = new ManualClock(T0)
      const risk = new RiskManager({
        clock,
        store: storeA,
        breakers: { dailyLoss: { maxLossFraction: 0.05, resetAtDayStart: true }, drawdown: false },
      })
      const errors: TradekitError[] = []
      risk.events.on('error', (e) => errors.push(e))
      await risk.start()
      risk.guard.updateEquity(new Decimal('10000'))
      risk.guard.updateEquity(new Decimal('9000')) // daily loss: A HALTED (lifts itself at the next day)
      await risk.flush()
      expect(risk.state).toBe('HALTED')
      // Process B presses its kill switch; A's watch delivers it while A is HALTED already (nothing to copy then).
      const seen = delivered(storeA, (s) => s.reason === 'KILL_SWITCH')
      const unlink = shareKillSwitch(risk, storeA)
      await new RedisStateStore({ redis: b }).save(state('HALTED', T0 + 1))
      await seen
      clock.advance(DAY) // the next day: the daily-loss halt lifts; Redis refuses it (a kill switch is stored)
      risk.guard.updateEquity(new Decimal('9000'))
      await risk.flush()
      expect(risk.state).toBe('HALTED') // copied from Redis, not lost
      expect(errors.filter(isStateSaveRefusedError)).toHaveLength(1)
      expect(risk.guard.status().reason).toBe('KILL_SWITCH')
      await risk.flush()
      expect((await storeA.load())?.state).toBe('HALTED')
      unlink()
    } finally {
      a.close()
      b.close()
    }
  })
})
