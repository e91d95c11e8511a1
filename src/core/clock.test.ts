import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it, vi } from 'vitest'
import { ValidationError } from '../errors/index.js'
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

  it('reads a NaN delay as 0, as the platform does (a backtest and a live run fire it alike)', () => {
    const c = new ManualClock(0)
    let fired = false
    c.setTimeout(() => {
      fired = true
    }, Number.NaN)
    c.advance(0)
    expect(fired).toBe(true)
  })

  it('refuses a time it could not leave (NaN, Infinity) and never moves back', async () => {
    const c = new ManualClock(1_000)
    expect(() => c.advance(Number.NaN)).toThrow(ValidationError)
    expect(() => c.advanceTo(Number.POSITIVE_INFINITY)).toThrow(ValidationError)
    await expect(c.advanceAsync(Number.NaN)).rejects.toThrow(ValidationError)
    await c.advanceAsync(-500)
    expect(c.now()).toBe(1_000)
  })

  it('SystemClock reads real time', () => {
    const c = new SystemClock()
    expect(Math.abs(c.now() - Date.now())).toBeLessThan(1000)
  })
})

describe('SystemClock timers longer than a platform timer', () => {
  it('a delay past 2^31 - 1 ms does not fire at once (Node would fire it after 1 ms)', async () => {
    const c = new SystemClock()
    let fired = 0
    const h = c.setTimeout(() => fired++, 30 * 86_400_000) // a GTD order 30 days out
    const never = c.setTimeout(() => fired++, Number.POSITIVE_INFINITY)
    await new Promise((r) => setTimeout(r, 30))
    expect(fired).toBe(0)
    c.clearTimeout(h)
    c.clearTimeout(never)
  })

  it('fires when due, in steps, and can be cleared between them', () => {
    vi.useFakeTimers({ now: 0 })
    try {
      const c = new SystemClock()
      const at: number[] = []
      c.setTimeout(() => at.push(Date.now()), 2 ** 32)
      const cleared = c.setTimeout(() => at.push(-1), 2 ** 32)
      vi.advanceTimersByTime(2 ** 31) // past the first step: the second is armed
      c.clearTimeout(cleared)
      vi.advanceTimersByTime(2 ** 32)
      expect(at).toEqual([2 ** 32])
    } finally {
      vi.useRealTimers()
    }
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

describe('sleep on the SystemClock', () => {
  it('keeps a Node process running until it resolves (an awaited wait is never abandoned at exit)', () => {
    // A script with nothing else to do: a process whose only pending work is an unref'ed timer exits with code 13
    // (an unsettled top-level await), in the middle of, say, a request's Retry-After wait.
    const clockModule = fileURLToPath(new URL('./clock.ts', import.meta.url))
    const script = `const { SystemClock, sleep } = await import(${JSON.stringify(clockModule)})
await sleep(new SystemClock(), 50)
process.stdout.write('slept')`
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 60_000,
    })
    expect([r.status, r.stdout]).toEqual([0, 'slept'])
  })
})
