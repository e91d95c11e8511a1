import { describe, expect, it } from 'vitest'
import { ManualClock } from '../core/clock.js'
import { isTradekitError } from '../errors/index.js'
import { RateLimiter } from './RateLimiter.js'

const settle = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await Promise.resolve()
}

function track(p: Promise<void>): { done: boolean; error: unknown } {
  const s = { done: false, error: undefined as unknown }
  p.then(
    () => {
      s.done = true
    },
    (e) => {
      s.error = e
    },
  )
  return s
}

describe('RateLimiter', () => {
  it('grants within budget and waits for the next fixed window', async () => {
    const clock = new ManualClock(0)
    const rl = new RateLimiter({
      clock,
      windows: [{ id: 'W', limit: 10, intervalMs: 1000 }],
      reserve: { ORDER: 0, MARKET_DATA: 0 },
    })
    expect(rl.tryAcquire({ cost: 6 })).toBe(true)
    expect(rl.tryAcquire({ cost: 5 })).toBe(false)
    const p = track(rl.acquire({ cost: 5 }))
    await settle()
    expect(p.done).toBe(false)
    expect(rl.snapshot().queued.MARKET_DATA).toBe(1)
    await clock.advanceAsync(999)
    expect(p.done).toBe(false)
    await clock.advanceAsync(1)
    expect(p.done).toBe(true)
    const s = rl.snapshot()
    expect(s.windows[0]?.remaining).toBe(5)
    expect(s.waited).toBe(1)
    expect(s.waitedMs).toBe(1000)
    expect(clock.pendingTimers).toBe(0)
  })

  it('rolling windows refill continuously', async () => {
    const clock = new ManualClock(0)
    const rl = new RateLimiter({
      clock,
      windows: [{ id: 'R', limit: 10, intervalMs: 1000, mode: 'rolling' }],
      reserve: { ORDER: 0, MARKET_DATA: 0 },
    })
    expect(rl.tryAcquire({ cost: 10 })).toBe(true)
    const p = track(rl.acquire({ cost: 2 }))
    await clock.advanceAsync(150)
    expect(p.done).toBe(false)
    await clock.advanceAsync(50)
    expect(p.done).toBe(true)
    expect(rl.snapshot().windows[0]?.remaining).toBeCloseTo(0)
  })

  it('charges several windows at once and waits for the tightest', async () => {
    const clock = new ManualClock(0)
    const rl = new RateLimiter({
      clock,
      windows: [
        { id: 'WEIGHT', limit: 100, intervalMs: 60_000 },
        { id: 'ORDERS_10S', limit: 2, intervalMs: 10_000 },
      ],
      reserve: { ORDER: 0, MARKET_DATA: 0 },
    })
    const order = { cost: { WEIGHT: 1, ORDERS_10S: 1 }, priority: 'ORDER' as const }
    expect(rl.tryAcquire(order)).toBe(true)
    expect(rl.tryAcquire(order)).toBe(true)
    expect(rl.tryAcquire(order)).toBe(false)
    // A market-data request on the weight window alone is not held behind the orders window.
    expect(rl.tryAcquire({ cost: { WEIGHT: 5 } })).toBe(true)
    const p = track(rl.acquire(order))
    const data = track(rl.acquire({ cost: { WEIGHT: 1 } }))
    await settle()
    expect(data.done).toBe(true)
    expect(p.done).toBe(false)
    await clock.advanceAsync(10_000)
    expect(p.done).toBe(true)
    expect(rl.snapshot().windows.map((w) => w.remaining)).toEqual([91, 1])
  })

  it('serves cancels before orders before market data when the budget is tight', async () => {
    const clock = new ManualClock(0)
    const rl = new RateLimiter({
      clock,
      windows: [{ id: 'W', limit: 3, intervalMs: 1000 }],
      reserve: { ORDER: 0, MARKET_DATA: 0 },
    })
    expect(rl.tryAcquire({ cost: 3 })).toBe(true)
    const order: string[] = []
    const a = rl.acquire({ priority: 'MARKET_DATA' }).then(() => order.push('data'))
    const b = rl.acquire({ priority: 'ORDER' }).then(() => order.push('order'))
    const c = rl.acquire({ priority: 'CANCEL' }).then(() => order.push('cancel'))
    await clock.advanceAsync(1000)
    await Promise.all([a, b, c])
    expect(order).toEqual(['cancel', 'order', 'data'])
  })

  it('keeps a reserve for higher lanes', () => {
    const clock = new ManualClock(0)
    const rl = new RateLimiter({
      clock,
      windows: [{ id: 'W', limit: 10, intervalMs: 1000 }],
      reserve: { CANCEL: 0, ORDER: 0.1, MARKET_DATA: 0.5 },
    })
    for (let i = 0; i < 5; i++) expect(rl.tryAcquire({ priority: 'MARKET_DATA' })).toBe(true)
    expect(rl.tryAcquire({ priority: 'MARKET_DATA' })).toBe(false)
    for (let i = 0; i < 4; i++) expect(rl.tryAcquire({ priority: 'ORDER' })).toBe(true)
    expect(rl.tryAcquire({ priority: 'ORDER' })).toBe(false)
    expect(rl.tryAcquire({ priority: 'CANCEL' })).toBe(true)
    expect(rl.tryAcquire({ priority: 'CANCEL' })).toBe(false)
  })

  it('takes usage reported by the server into account', () => {
    const clock = new ManualClock(0)
    const rl = new RateLimiter({
      clock,
      windows: [{ id: 'W', limit: 1200, intervalMs: 60_000 }],
      reserve: { ORDER: 0, MARKET_DATA: 0 },
    })
    rl.observeUsage('W', 1195)
    expect(rl.snapshot().windows[0]?.remaining).toBe(5)
    expect(rl.tryAcquire({ cost: 6 })).toBe(false)
    // A lower report (requests still in flight) never gives budget back.
    rl.observeUsage('W', 10)
    expect(rl.snapshot().windows[0]?.remaining).toBe(5)
    rl.observeUsage('nope', 5)
    rl.observeUsage('W', Number.NaN)
    clock.advance(60_000)
    expect(rl.snapshot().windows[0]?.remaining).toBe(1200)
    // A response to a request sent in the previous minute says nothing about this one.
    rl.observeUsage('W', 1100, clock.now() - 1)
    expect(rl.snapshot().windows[0]?.remaining).toBe(1200)
    rl.observeUsage('W', 1100, rl.now())
    expect(rl.snapshot().windows[0]?.remaining).toBe(100)
  })

  it('bounds the wait and the queue', async () => {
    const clock = new ManualClock(0)
    const rl = new RateLimiter({
      clock,
      windows: [{ id: 'W', limit: 1, intervalMs: 60_000 }],
      maxWaitMs: 1000,
      maxQueue: 1,
      reserve: { ORDER: 0, MARKET_DATA: 0 },
    })
    expect(rl.tryAcquire()).toBe(true)
    const tooLong = await rl.acquire().catch((e) => e)
    expect(isTradekitError(tooLong) && tooLong.code).toBe('RATE_LIMITED')
    expect(tooLong.retryAfterMs).toBe(60_000)
    const ok = track(rl.acquire({ maxWaitMs: 120_000 }))
    const full = await rl.acquire({ maxWaitMs: 120_000 }).catch((e) => e)
    expect(isTradekitError(full) && full.code).toBe('QUEUE_FULL')
    await clock.advanceAsync(60_000)
    expect(ok.done).toBe(true)
    expect(rl.snapshot().rejected).toBe(2)
  })

  it('rejects a waiter whose deadline passes and frees its claim', async () => {
    const clock = new ManualClock(0)
    const rl = new RateLimiter({
      clock,
      windows: [{ id: 'W', limit: 10, intervalMs: 1000, mode: 'rolling' }],
      reserve: { ORDER: 0, MARKET_DATA: 0 },
    })
    expect(rl.tryAcquire({ cost: 10 })).toBe(true)
    const big = track(rl.acquire({ cost: 10, maxWaitMs: 1000, priority: 'CANCEL' }))
    const small = track(rl.acquire({ cost: 1, maxWaitMs: 5000 }))
    await clock.advanceAsync(500)
    expect(small.done).toBe(false) // held behind the cancel's claim
    await clock.advanceAsync(500)
    expect(big.done).toBe(true)
    await clock.advanceAsync(100)
    expect(small.done).toBe(true)
  })

  it('aborting removes a waiter', async () => {
    const clock = new ManualClock(0)
    const rl = new RateLimiter({ clock, windows: [{ id: 'W', limit: 1, intervalMs: 1000 }] })
    rl.tryAcquire({ priority: 'CANCEL' })
    const ac = new AbortController()
    const p = rl.acquire({ signal: ac.signal, priority: 'CANCEL' })
    ac.abort(new Error('stop'))
    await expect(p).rejects.toThrow('stop')
    expect(rl.snapshot().queued.CANCEL).toBe(0)
    expect(clock.pendingTimers).toBe(0)
  })

  it('a ban fails queued and new requests fast until it ends; a pause holds them', async () => {
    const clock = new ManualClock(1_000_000)
    const rl = new RateLimiter({ clock, windows: [{ id: 'W', limit: 1, intervalMs: 1000 }] })
    rl.tryAcquire({ priority: 'CANCEL' })
    const queued = rl.acquire({ priority: 'CANCEL' }).catch((e) => e)
    const events: string[] = []
    rl.events.on('limiter.banned', (e) => events.push(`banned:${e.untilMs}`))
    rl.ban(1_060_000)
    const e1 = await queued
    expect(e1.code).toBe('BANNED')
    expect(e1.untilMs).toBe(1_060_000)
    expect(() => rl.tryAcquire()).toThrow(/Banned/)
    await expect(rl.acquire()).rejects.toMatchObject({ code: 'BANNED' })
    expect(rl.bannedUntilMs).toBe(1_060_000)
    clock.advance(60_000)
    expect(rl.bannedUntilMs).toBeUndefined()
    expect(rl.tryAcquire({ priority: 'CANCEL' })).toBe(true)
    expect(events).toEqual(['banned:1060000'])

    clock.advance(1000)
    rl.pause(clock.now() + 500)
    expect(rl.tryAcquire({ priority: 'CANCEL' })).toBe(false)
    const held = track(rl.acquire({ priority: 'CANCEL' }))
    await clock.advanceAsync(499)
    expect(held.done).toBe(false)
    await clock.advanceAsync(1)
    expect(held.done).toBe(true)
  })

  it('a ban past the last time a Date holds: ban() does not throw, queued and new requests fail with BannedError', async () => {
    const clock = new ManualClock(1_000_000)
    const rl = new RateLimiter({ clock, windows: [{ id: 'W', limit: 1, intervalMs: 1000 }] })
    rl.tryAcquire({ priority: 'CANCEL' })
    const queued = rl.acquire({ priority: 'CANCEL' }).catch((e: unknown) => e)
    expect(() => rl.ban(1e16)).not.toThrow()
    expect(await queued).toMatchObject({ name: 'BannedError', untilMs: 8.64e15 })
    let next: Promise<void> | undefined
    expect(() => {
      next = rl.acquire()
    }).not.toThrow()
    await expect(next).rejects.toMatchObject({ name: 'BannedError', code: 'BANNED' })
    expect(() => rl.tryAcquire()).toThrow(/Banned by the venue until \+275760-09-13/)
    expect(rl.bannedUntilMs).toBe(8.64e15) // held to the last time a Date holds: "forever", in words
    rl.ban(Number.NaN) // ignored
    expect(rl.bannedUntilMs).toBe(8.64e15)
  })

  it('a pause past the last time a Date holds is held there, and waits fail as too long, never throwing', async () => {
    const clock = new ManualClock(0)
    const rl = new RateLimiter({ clock, windows: [{ id: 'W', limit: 1, intervalMs: 1000 }] })
    expect(() => rl.pause(Number.POSITIVE_INFINITY)).not.toThrow()
    expect(rl.snapshot().pausedUntilMs).toBe(8.64e15)
    await expect(rl.acquire({ priority: 'CANCEL' })).rejects.toMatchObject({ code: 'RATE_LIMITED' })
  })

  it('a request without a cost spends each window its defaultCost', () => {
    const rl = new RateLimiter({
      windows: [
        { id: 'WEIGHT', limit: 10, intervalMs: 60_000 },
        { id: 'ORDERS', limit: 1, intervalMs: 60_000, defaultCost: 0 },
      ],
      reserve: { MARKET_DATA: 0 },
    })
    expect(rl.tryAcquire()).toBe(true)
    expect(rl.tryAcquire()).toBe(true)
    expect(rl.snapshot().windows.map((w) => w.remaining)).toEqual([8, 1])
    expect(rl.tryAcquire({ cost: 1 })).toBe(true) // a number charges every window
    expect(rl.snapshot().windows.map((w) => w.remaining)).toEqual([7, 0])
  })

  it('validates costs and configuration', async () => {
    const rl = new RateLimiter({ windows: [{ id: 'W', limit: 5, intervalMs: 1000 }] })
    await expect(rl.acquire({ cost: 6 })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' })
    await expect(rl.acquire({ cost: { X: 1 } })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' })
    await expect(rl.acquire({ cost: -1 })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' })
    expect(rl.tryAcquire({ cost: 0 })).toBe(true)
    expect(() => new RateLimiter({ windows: [{ id: 'W', limit: 0, intervalMs: 1000 }] })).toThrow(/limit/)
    // A default cost no request could pay, as a cost over the limit is refused.
    expect(
      () => new RateLimiter({ windows: [{ id: 'W', limit: 2, intervalMs: 1000, defaultCost: 3 }] }),
    ).toThrow(/defaultCost must not exceed limit/)
    expect(
      () =>
        new RateLimiter({
          windows: [
            { id: 'W', limit: 1, intervalMs: 1 },
            { id: 'W', limit: 1, intervalMs: 1 },
          ],
        }),
    ).toThrow(/Duplicate/)
    expect(() => new RateLimiter({ bogus: 1 } as never)).toThrow(/bogus|Unrecognized/)
  })

  it('close rejects waiters and refuses new work', async () => {
    const clock = new ManualClock(0)
    const rl = new RateLimiter({ clock, windows: [{ id: 'W', limit: 1, intervalMs: 1000 }] })
    rl.tryAcquire({ priority: 'CANCEL' })
    const p = rl.acquire({ priority: 'CANCEL' })
    rl.close()
    await expect(p).rejects.toMatchObject({ code: 'INVALID_STATE' })
    await expect(rl.acquire()).rejects.toMatchObject({ code: 'INVALID_STATE' })
    expect(clock.pendingTimers).toBe(0)
  })

  it('is shared by several users of the same budget', () => {
    const rl = new RateLimiter({
      windows: [{ id: 'W', limit: 4, intervalMs: 60_000 }],
      reserve: { MARKET_DATA: 0 },
    })
    const users = [rl, rl]
    let granted = 0
    for (let i = 0; i < 10; i++) if (users[i % 2]?.tryAcquire()) granted++
    expect(granted).toBe(4)
  })
})
