import { describe, expect, it } from 'vitest'
import { ManualClock } from '../core/clock.js'
import { BannedError, isTradekitError, NetworkError } from '../errors/index.js'
import { RateLimiter } from './RateLimiter.js'
import type { RateLimitCharge, RateLimitReservation, RateLimitStore } from './RateLimitStore.js'

/** A store shared by limiters in one test: a fixed window per id, plus pause and ban, like the Redis one. */
class SharedMemoryStore implements RateLimitStore {
  readonly used = new Map<string, number>()
  readonly reservations: RateLimitReservation[] = []
  readonly observed: Array<[string, number, number]> = []
  pausedUntil = 0
  bannedUntil = 0
  failWith: Error | undefined
  constructor(readonly clock: ManualClock) {}
  async reserve(r: RateLimitReservation): Promise<number> {
    this.reservations.push(r)
    if (this.failWith) throw this.failWith
    if (this.bannedUntil > r.nowMs) throw new BannedError('banned', this.bannedUntil)
    if (this.pausedUntil > r.nowMs) return this.pausedUntil - r.nowMs
    let wait = 0
    for (const c of r.charges) {
      if ((this.used.get(this.#k(c, r.nowMs)) ?? 0) + c.cost + c.floor > c.limit)
        wait = Math.max(wait, c.intervalMs - (r.nowMs % c.intervalMs))
    }
    if (wait > 0) return wait
    for (const c of r.charges) {
      const k = this.#k(c, r.nowMs)
      this.used.set(k, (this.used.get(k) ?? 0) + c.cost)
    }
    return 0
  }
  observeUsage(w: Omit<RateLimitCharge, 'cost' | 'floor'>, used: number, sentAtMs: number): void {
    this.observed.push([w.id, used, sentAtMs])
    const k = this.#k(w, sentAtMs)
    this.used.set(k, Math.max(this.used.get(k) ?? 0, used))
  }
  pause(untilMs: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, untilMs)
  }
  ban(untilMs: number): void {
    this.bannedUntil = Math.max(this.bannedUntil, untilMs)
  }
  #k(c: Pick<RateLimitCharge, 'id' | 'intervalMs'>, now: number): string {
    return `${c.id}:${Math.floor(now / c.intervalMs)}`
  }
}

/** A store that always answers `wait`; past 1000 asks it fails, so a limiter that keeps asking ends (and fails the test). */
function answering(wait: number): RateLimitStore & { calls: number } {
  const store = {
    calls: 0,
    reserve: async (): Promise<number> => {
      if (++store.calls > 1000) throw new Error('asked more than 1000 times')
      return wait
    },
    observeUsage: () => {},
    pause: () => {},
    ban: () => {},
  }
  return store
}

const settle = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await Promise.resolve()
}
const windows = [{ id: 'W', limit: 10, intervalMs: 1000 }]

describe('RateLimiter with a shared store', () => {
  it('two limiters on one store never grant more than the shared window together', async () => {
    const clock = new ManualClock(0)
    const store = new SharedMemoryStore(clock)
    const a = new RateLimiter({ clock, windows, store, reserve: { ORDER: 0, MARKET_DATA: 0 } })
    const b = new RateLimiter({ clock, windows, store, reserve: { ORDER: 0, MARKET_DATA: 0 } })
    let granted = 0
    const all = Array.from({ length: 16 }, (_, i) =>
      (i % 2 ? a : b).acquire({ cost: 1, maxWaitMs: 5000 }).then(() => granted++),
    )
    await settle()
    expect(granted).toBe(10) // each alone would have granted 8
    await clock.advanceAsync(1000)
    await Promise.all(all)
    expect(granted).toBe(16)
  })

  it('sends each lane its reserve floor (cancels first) and the window definitions', async () => {
    const clock = new ManualClock(0)
    const store = new SharedMemoryStore(clock)
    const rl = new RateLimiter({ clock, windows, store })
    await rl.acquire({ cost: 2, priority: 'CANCEL' })
    await rl.acquire({ cost: 1, priority: 'MARKET_DATA' })
    expect(store.reservations.map((r) => [r.priority, r.charges[0]?.floor, r.charges[0]?.cost])).toEqual([
      ['CANCEL', 0, 2],
      ['MARKET_DATA', 2, 1],
    ])
    expect(store.reservations[0]?.charges[0]).toMatchObject({
      id: 'W',
      limit: 10,
      intervalMs: 1000,
      mode: 'fixed',
    })
  })

  it('forwards usage headers, pauses and bans; a ban seen by the store latches here', async () => {
    const clock = new ManualClock(5_000)
    const store = new SharedMemoryStore(clock)
    const rl = new RateLimiter({ clock, windows, store })
    rl.observeUsage('W', 7, 5_000)
    rl.pause(6_000)
    expect(store.observed).toEqual([['W', 7, 5_000]])
    expect(store.pausedUntil).toBe(6_000)
    await clock.advanceAsync(1_000) // the pause is over
    store.bannedUntil = 60_000 // another process saw a 418
    const e = await rl.acquire({ cost: 1, priority: 'CANCEL' }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(BannedError)
    expect(rl.bannedUntilMs).toBe(60_000)
    rl.ban(90_000)
    expect(store.bannedUntil).toBe(90_000)
  })

  it('fails with a RateLimitError when the shared wait exceeds maxWaitMs, and passes store errors through', async () => {
    const clock = new ManualClock(0)
    const store = new SharedMemoryStore(clock)
    store.pausedUntil = 10_000
    const rl = new RateLimiter({ clock, windows, store, maxWaitMs: 500 })
    const e = await rl.acquire({ cost: 1 }).catch((x: unknown) => x)
    expect(isTradekitError(e) && e.code).toBe('RATE_LIMITED')
    store.pausedUntil = 0
    store.failWith = new NetworkError('store down')
    await expect(rl.acquire({ cost: 1 })).rejects.toBe(store.failWith)
    expect(rl.snapshot().rejected).toBe(2)
  })

  it('a store answering NaN or a negative wait fails the request at once (fail closed), never re-asking in a loop', async () => {
    for (const answer of [Number.NaN, -5, Number.POSITIVE_INFINITY]) {
      const clock = new ManualClock(0)
      const store = answering(answer)
      const rl = new RateLimiter({ clock, windows, store, maxWaitMs: 50 })
      const outcome = rl.acquire({ cost: 1 }).catch((e: unknown) => e)
      await clock.advanceAsync(50)
      expect(await outcome).toMatchObject({ code: 'INVARIANT_VIOLATED', details: { shared: true } })
      expect(store.calls).toBe(1)
      expect(rl.snapshot().rejected).toBe(1)
    }
  })

  it('waits at least 1 ms between asks when the store answers a tiny wait (bounded by maxWaitMs)', async () => {
    const clock = new ManualClock(0)
    const store = answering(1e-9)
    const rl = new RateLimiter({ clock, windows, store, maxWaitMs: 50 })
    const outcome = rl.acquire({ cost: 1 }).catch((e: unknown) => e)
    await clock.advanceAsync(60)
    expect(await outcome).toMatchObject({ code: 'RATE_LIMITED' })
    expect(store.calls).toBeLessThanOrEqual(51)
  })

  it('an abort ends a wait for the shared budget at once', async () => {
    const clock = new ManualClock(0)
    const store = new SharedMemoryStore(clock)
    store.pausedUntil = 400
    const rl = new RateLimiter({ clock, windows, store })
    const ac = new AbortController()
    const p = rl.acquire({ cost: 1, signal: ac.signal }).catch((e: unknown) => e)
    await settle()
    ac.abort(new Error('gone'))
    expect(await p).toMatchObject({ message: 'gone' })
    expect(store.reservations).toHaveLength(1)
  })

  it('refuses tryAcquire (a shared budget cannot be reserved synchronously)', () => {
    const clock = new ManualClock(0)
    const rl = new RateLimiter({ clock, windows, store: new SharedMemoryStore(clock) })
    expect(() => rl.tryAcquire({ cost: 1 })).toThrow(/tryAcquire/)
  })
})
