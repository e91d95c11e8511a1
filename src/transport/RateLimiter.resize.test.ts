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

  it('ignores an unknown window and refuses a limit that is not positive', () => {
    const limiter = new RateLimiter({ windows: [{ id: 'W', limit: 10, intervalMs: 1000 }] })
    limiter.resizeWindow('X', 5, 1000)
    expect(limiter.snapshot().windows.map((w) => w.id)).toEqual(['W'])
    expect(() => limiter.resizeWindow('W', 0, 1000)).toThrow(/positive/)
  })
})
