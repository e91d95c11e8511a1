import { describe, expect, it } from 'vitest'
import { ManualClock } from '../core/clock.js'
import type { TradekitError } from '../errors/index.js'
import { EngineStartup } from './EngineStartup.js'
import { settleWithin } from './settleWithin.js'

describe('EngineStartup', () => {
  it('undoes a start whose steps fail, and rejects with their error', async () => {
    let undone = 0
    const s = new EngineStartup(
      async () => {
        throw new Error('journal view unreadable')
      },
      () => undone++,
    )
    await expect(s.done).rejects.toThrow('journal view unreadable')
    expect(undone).toBe(1)
  })

  it('a stop gives up on a hanging start after its bound: done rejects, and the late steps are undone', async () => {
    const clock = new ManualClock(0)
    let finish: () => void = () => {}
    const wired: string[] = []
    let undone = 0
    const s = new EngineStartup(
      async (alive) => {
        await new Promise<void>((resolve) => (finish = resolve))
        wired.push('feed') // what a late step wires...
        alive() // ...is undone: the start was abandoned
        wired.push('runners')
      },
      () => undone++,
    )
    const done = s.done.catch((e: unknown) => e)
    const errors: TradekitError[] = []
    const settled = s.settle(clock, 1_000, (e) => errors.push(e))
    await clock.advanceAsync(1_000)
    await settled
    expect(errors.map((e) => e.code)).toEqual(['TIMEOUT'])
    expect(await done).toMatchObject({ code: 'INVALID_STATE' })
    expect(undone).toBe(0)
    finish()
    await clock.advanceAsync(0)
    expect(wired).toEqual(['feed'])
    expect(undone).toBe(1)
  })

  it('settle returns at once for a start that ended in time, reporting nothing', async () => {
    const clock = new ManualClock(0)
    const s = new EngineStartup(
      async () => {},
      () => {},
    )
    const errors: TradekitError[] = []
    await s.settle(clock, 1_000, (e) => errors.push(e))
    await expect(s.done).resolves.toBeUndefined()
    expect(errors).toEqual([])
    expect(clock.pendingTimers).toBe(0)
  })
})

describe('settleWithin', () => {
  it('says whether every promise settled (rejections included) before the bound', async () => {
    const clock = new ManualClock(0)
    expect(await settleWithin(clock, [], 10)).toBe(true)
    expect(await settleWithin(clock, [Promise.reject(new Error('x')), Promise.resolve(1)], 10)).toBe(true)
    const late = settleWithin(clock, [new Promise(() => {})], 10)
    await clock.advanceAsync(10)
    expect(await late).toBe(false)
    expect(clock.pendingTimers).toBe(0)
  })
})
