import { describe, expect, it } from 'vitest'
import { ManualClock } from '../core/clock.js'
import { Priority, RateLimiter } from './RateLimiter.js'

describe('RateLimiter.resizeWindow', () => {
  it('changes a window limit and length, keeping what was used', () => {
    const clock = new ManualClock(0)
    const limiter = new RateLimiter({ windows: [{ id: 'W', limit: 10, intervalMs: 1000 }], clock })
    expect(limiter.tryAcquire({ cost: { W: 4 }, priority: Priority.CANCEL })).toBe(true)
    limiter.resizeWindow('W', 5, 2000)
    const w = limiter.snapshot().windows[0]
    expect(w).toMatchObject({ id: 'W', limit: 5, intervalMs: 2000, remaining: 1 })
    expect(limiter.tryAcquire({ cost: { W: 2 }, priority: Priority.CANCEL })).toBe(false)
    expect(limiter.tryAcquire({ cost: { W: 1 }, priority: Priority.CANCEL })).toBe(true)
  })

  it('keeps what was used when the interval changes mid-window', () => {
    const clock = new ManualClock(1_500) // in the window [1000, 2000) of a 1 s window
    const limiter = new RateLimiter({ windows: [{ id: 'W', limit: 10, intervalMs: 1000 }], clock })
    expect(limiter.tryAcquire({ cost: { W: 4 }, priority: Priority.CANCEL })).toBe(true)
    limiter.resizeWindow('W', 5, 2000) // now in [0, 2000) of a 2 s window: the 4 still count
    expect(limiter.snapshot().windows[0]).toMatchObject({ limit: 5, intervalMs: 2000, remaining: 1 })
    expect(limiter.tryAcquire({ cost: { W: 2 }, priority: Priority.CANCEL })).toBe(false)
    expect(limiter.tryAcquire({ cost: { W: 1 }, priority: Priority.CANCEL })).toBe(true)
    clock.advance(500) // the new window's end
    expect(limiter.snapshot().windows[0]?.remaining).toBe(5)
  })

  it('keeps the spent tokens of a rolling window', () => {
    const clock = new ManualClock(0)
    const windows = [{ id: 'W', limit: 10, intervalMs: 1000, mode: 'rolling' as const }]
    const limiter = new RateLimiter({ windows, clock })
    expect(limiter.tryAcquire({ cost: { W: 4 }, priority: Priority.CANCEL })).toBe(true)
    limiter.resizeWindow('W', 20, 1000)
    expect(limiter.snapshot().windows[0]?.remaining).toBe(16)
    limiter.resizeWindow('W', 5, 1000)
    expect(limiter.snapshot().windows[0]?.remaining).toBe(1)
  })

  it('grants queued requests at once when a raised limit lets them', async () => {
    const clock = new ManualClock(0)
    const limiter = new RateLimiter({
      windows: [{ id: 'W', limit: 2, intervalMs: 60_000 }],
      clock,
      maxWaitMs: 120_000,
    })
    expect(limiter.tryAcquire({ cost: { W: 2 }, priority: Priority.CANCEL })).toBe(true)
    let granted = false
    const p = limiter.acquire({ cost: { W: 1 }, priority: Priority.CANCEL }).then(() => {
      granted = true
    })
    await Promise.resolve()
    expect(granted).toBe(false)
    limiter.resizeWindow('W', 10, 60_000)
    await p
    expect(granted).toBe(true)
    expect(limiter.snapshot().windows[0]?.remaining).toBe(7)
  })

  it('refuses a request whose defaultCost is over a lowered limit, as a cost over the limit (never admitted whole)', () => {
    const clock = new ManualClock(0)
    const limiter = new RateLimiter({
      clock,
      windows: [{ id: 'W', limit: 10, intervalMs: 60_000, defaultCost: 5 }],
      reserve: { CANCEL: 0, ORDER: 0, MARKET_DATA: 0 },
    })
    limiter.resizeWindow('W', 2, 60_000)
    let granted = 0
    for (let i = 0; i < 3; i++) {
      expect(() => {
        if (limiter.tryAcquire()) granted++
      }).toThrow(/Cost 5 exceeds the "W" limit 2/)
    }
    expect(granted).toBe(0)
    expect(limiter.snapshot().windows[0]?.remaining).toBe(2) // nothing used
    expect(limiter.tryAcquire({ cost: 2 })).toBe(true) // what fits still goes
  })

  it('rejects queued requests a lowered limit can never admit; the others keep waiting', async () => {
    for (const mode of ['fixed', 'rolling'] as const) {
      const clock = new ManualClock(0)
      const limiter = new RateLimiter({
        clock,
        windows: [{ id: 'W', limit: 10, intervalMs: 60_000, mode }],
        reserve: { CANCEL: 0, ORDER: 0, MARKET_DATA: 0 },
        maxWaitMs: 600_000,
      })
      expect(limiter.tryAcquire({ cost: 10 })).toBe(true)
      const big = limiter.acquire({ cost: 5 }).catch((e: unknown) => e)
      const small = limiter.acquire({ cost: 1 }).catch((e: unknown) => e)
      limiter.resizeWindow('W', 2, 60_000)
      expect(await big).toMatchObject({
        code: 'VALIDATION_FAILED',
        message: 'Cost 5 exceeds the "W" limit 2',
      })
      expect(limiter.snapshot().queued.MARKET_DATA).toBe(1)
      await clock.advanceAsync(300_000) // the fixed window's next minute; the rolling one's 10 spent tokens refilled
      expect(await small).toBeUndefined()
      expect(limiter.snapshot().granted).toBe(2)
    }
  })

  it('ignores an unknown window and refuses a limit that is not positive', () => {
    const limiter = new RateLimiter({ windows: [{ id: 'W', limit: 10, intervalMs: 1000 }] })
    limiter.resizeWindow('X', 5, 1000)
    expect(limiter.snapshot().windows.map((w) => w.id)).toEqual(['W'])
    expect(() => limiter.resizeWindow('W', 0, 1000)).toThrow(/positive/)
    expect(() => limiter.resizeWindow('W', Number.POSITIVE_INFINITY, 1000)).toThrow(/positive/)
  })
})
