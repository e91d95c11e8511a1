import { describe, expect, it } from 'vitest'
import { ManualClock, SystemClock, sleep } from './clock.js'

describe('ManualClock', () => {
  it('fires timers in time order and sets now() to each due time', () => {
    const c = new ManualClock(1000)
    const log: string[] = []
    c.setTimeout(() => log.push(`b@${c.now()}`), 200)
    c.setTimeout(() => {
      log.push(`a@${c.now()}`)
      c.setTimeout(() => log.push(`c@${c.now()}`), 50)
    }, 100)
    const cancelled = c.setTimeout(() => log.push('x'), 10)
    c.clearTimeout(cancelled)
    c.advance(500)
    expect(log).toEqual(['a@1100', 'c@1150', 'b@1200'])
    expect(c.now()).toBe(1500)
    expect(c.pendingTimers).toBe(0)
  })

  it('sleep resolves on the manual clock and rejects on abort', async () => {
    const c = new ManualClock(0)
    let done = false
    const p = sleep(c, 100).then(() => {
      done = true
    })
    await c.advanceAsync(99)
    expect(done).toBe(false)
    await c.advanceAsync(1)
    await p
    expect(done).toBe(true)
    const ac = new AbortController()
    const q = sleep(c, 100, ac.signal)
    ac.abort(new Error('stop'))
    await expect(q).rejects.toThrow('stop')
  })

  it('SystemClock reads real time', () => {
    const c = new SystemClock()
    expect(Math.abs(c.now() - Date.now())).toBeLessThan(1000)
  })
})

describe('ScaledClock', () => {
  it('runs faster than real time and rejects a bad speed', async () => {
    const { ScaledClock } = await import('./clock.js')
    const c = new ScaledClock({ speed: 1000, startMs: 0 })
    await new Promise((r) => setTimeout(r, 20))
    expect(c.now()).toBeGreaterThanOrEqual(10_000)
    const fired = await new Promise<number>((resolve) => c.setTimeout(() => resolve(c.now()), 5_000))
    expect(fired).toBeGreaterThanOrEqual(5_000)
    expect(() => new ScaledClock({ speed: 0 })).toThrow(/speed/)
  })
})
