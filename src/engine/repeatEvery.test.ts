import { describe, expect, it } from 'vitest'
import { ManualClock } from '../core/clock.js'
import { repeatEvery } from './repeatEvery.js'

describe('repeatEvery', () => {
  it('runs every interval; a run that throws is reported and the next one still comes', async () => {
    const clock = new ManualClock(0)
    const runs: number[] = []
    const errors: unknown[] = []
    const stop = repeatEvery(
      clock,
      1_000,
      () => {
        runs.push(clock.now())
        if (runs.length === 1) throw new Error('once')
      },
      (e) => errors.push(e),
    )
    await expect(clock.advanceAsync(3_000)).resolves.toBeUndefined()
    expect(runs).toEqual([1_000, 2_000, 3_000])
    expect(errors).toMatchObject([{ message: 'once' }])
    stop()
    await clock.advanceAsync(5_000)
    expect(runs).toHaveLength(3)
    expect(clock.pendingTimers).toBe(0)
  })

  it('runs nothing for an interval that is not positive, and a stop from inside a run ends it', async () => {
    const clock = new ManualClock(0)
    let runs = 0
    repeatEvery(
      clock,
      0,
      () => runs++,
      () => {},
    )
    const stop = repeatEvery(
      clock,
      10,
      () => void (++runs === 1 && stop()),
      () => {},
    )
    await clock.advanceAsync(100)
    expect(runs).toBe(1)
    expect(clock.pendingTimers).toBe(0)
  })
})
