import { describe, expect, it } from 'vitest'
import { ManualClock } from '../core/clock.js'
import { backoffCeiling, backoffDelay } from './backoff.js'
import { CircuitBreaker } from './CircuitBreaker.js'

describe('CircuitBreaker', () => {
  it('opens on consecutive failures, half-opens after the cooldown, closes on a good trial', async () => {
    const clock = new ManualClock(0)
    const cb = new CircuitBreaker({ clock, failureThreshold: 3, cooldownMs: 1000 })
    const seen: string[] = []
    cb.events.on('state.changed', (e) => seen.push(`${e.from}->${e.to}`))
    cb.onFailure()
    cb.onFailure()
    cb.onSuccess() // resets the streak
    cb.onFailure()
    cb.onFailure()
    expect(cb.state).toBe('CLOSED')
    cb.onFailure()
    expect(cb.state).toBe('OPEN')
    expect(cb.retryAtMs).toBe(1000)
    expect(() => cb.acquire()).toThrow(expect.objectContaining({ code: 'CIRCUIT_OPEN', retryAtMs: 1000 }))
    clock.advance(1000)
    expect(cb.state).toBe('HALF_OPEN')
    cb.acquire() // the one trial
    expect(() => cb.acquire()).toThrow(expect.objectContaining({ code: 'CIRCUIT_OPEN' }))
    cb.onSuccess()
    expect(cb.state).toBe('CLOSED')
    expect(seen).toEqual(['CLOSED->OPEN', 'OPEN->HALF_OPEN', 'HALF_OPEN->CLOSED'])
  })

  it('a failed trial opens it again; release frees the trial slot', async () => {
    const clock = new ManualClock(0)
    const cb = new CircuitBreaker({ clock, failureThreshold: 1, cooldownMs: 500 })
    await expect(cb.run(() => Promise.reject(new Error('down')))).rejects.toThrow('down')
    expect(cb.state).toBe('OPEN')
    clock.advance(500)
    cb.acquire()
    cb.release()
    cb.acquire()
    cb.onFailure()
    expect(cb.state).toBe('OPEN')
    expect(cb.retryAtMs).toBe(1000)
    clock.advance(500)
    await expect(cb.run(async () => 42)).resolves.toBe(42)
    expect(cb.state).toBe('CLOSED')
  })

  it('run only counts the failures it is told to', async () => {
    const cb = new CircuitBreaker({ failureThreshold: 1 })
    await expect(
      cb.run(
        () => Promise.reject(new Error('4xx')),
        () => false,
      ),
    ).rejects.toThrow('4xx')
    expect(cb.state).toBe('CLOSED')
    cb.onFailure()
    expect(cb.state).toBe('OPEN')
    cb.reset()
    expect(cb.state).toBe('CLOSED')
    expect(cb.failures).toBe(0)
  })

  it('rejects bad config', () => {
    expect(() => new CircuitBreaker({ failureThreshold: 0 })).toThrow(/failureThreshold/)
  })
})

describe('backoffDelay', () => {
  it('grows exponentially to the cap with full jitter', () => {
    const c = (attempt: number): number => backoffCeiling({ attempt, baseMs: 100, maxMs: 1000 })
    expect([1, 2, 3, 4, 5, 100].map(c)).toEqual([100, 200, 400, 800, 1000, 1000])
    expect(backoffDelay({ attempt: 3, baseMs: 100, maxMs: 1000, random: () => 0.5 })).toBe(200)
    expect(backoffDelay({ attempt: 3, baseMs: 100, maxMs: 1000, random: () => 0 })).toBe(0)
    expect(backoffDelay({ attempt: 1e9, baseMs: 100, maxMs: 1000, random: () => 0.999 })).toBe(999)
    expect(backoffDelay({ attempt: 2, baseMs: 100, maxMs: 1000, random: () => Number.NaN })).toBe(100)
    for (let i = 0; i < 100; i++) {
      const d = backoffDelay({ attempt: 4, baseMs: 100, maxMs: 1000 })
      expect(d).toBeGreaterThanOrEqual(0)
      expect(d).toBeLessThanOrEqual(800)
    }
  })
})
