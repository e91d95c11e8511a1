import { describe, expect, it } from 'vitest'
import { ReconnectBackoff } from './ReconnectBackoff.js'

describe('ReconnectBackoff', () => {
  it('grows the delay ceiling per attempt with jitter, and resets', () => {
    const b = new ReconnectBackoff({ baseMs: 100, maxMs: 1_000, random: () => 1 })
    expect(b.next(false)).toBe(100)
    expect(b.next(false)).toBe(200)
    expect(b.next(false)).toBe(400)
    expect(b.attempt).toBe(3)
    expect(b.next(true)).toBe(0)
    expect(b.attempt).toBe(4)
    expect(b.next(false)).toBe(1_000)
    b.reset()
    expect(b.attempt).toBe(0)
    expect(b.next(false)).toBe(100)
  })

  it('allows attempts up to maxAttempts', () => {
    const b = new ReconnectBackoff({ baseMs: 1, maxMs: 1, maxAttempts: 2 })
    expect(b.canRetry).toBe(true)
    b.next(false)
    expect(b.canRetry).toBe(true)
    b.next(false)
    expect(b.canRetry).toBe(false)
    expect(new ReconnectBackoff({ baseMs: 1, maxMs: 1 }).canRetry).toBe(true)
  })
})
