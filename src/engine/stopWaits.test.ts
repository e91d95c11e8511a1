import { describe, expect, it } from 'vitest'
import { ManualClock } from '../core/clock.js'
import type { TradekitError } from '../errors/index.js'
import { settleReported } from './stopWaits.js'

describe('settleReported', () => {
  it('reports a wait that throws or rejects (never throws itself) and resolves true when all ended', async () => {
    const errors: TradekitError[] = []
    const ok = await settleReported(
      new ManualClock(0),
      'Executor shutdown',
      [
        ['"a"', () => Promise.resolve()],
        [
          '"b"',
          () => {
            throw new Error('not connected')
          },
        ],
        ['"c"', () => Promise.reject(new Error('cancel failed'))],
      ],
      1_000,
      (e) => errors.push(e),
    )
    expect(ok).toBe(true)
    expect(errors.map((e) => `${e.code} ${e.message}`)).toEqual([
      'INVALID_STATE Executor shutdown ("b") failed: not connected',
      'INVALID_STATE Executor shutdown ("c") failed: cancel failed',
    ])
    expect(errors[0]?.cause).toMatchObject({ message: 'not connected' })
  })

  it('past the bound, reports one TimeoutError naming only the waits still running', async () => {
    const clock = new ManualClock(0)
    const errors: TradekitError[] = []
    let result: boolean | undefined
    const never = () => new Promise<void>(() => {})
    void settleReported(
      clock,
      'Feed close',
      [
        ['"x"', never],
        ['"y"', () => undefined],
        ['"z"', never],
      ],
      500,
      (e) => errors.push(e),
    ).then((r) => {
      result = r
    })
    await clock.advanceAsync(499)
    expect([result, errors]).toEqual([undefined, []])
    await clock.advanceAsync(1)
    expect(result).toBe(false)
    expect(errors.map((e) => `${e.code} ${e.message}`)).toEqual([
      'TIMEOUT Feed close ("x", "z") did not finish within shutdown.timeoutMs (500 ms): stopping without it',
    ])
    expect(errors[0]?.details).toMatchObject({ step: 'Feed close', pending: ['"x"', '"z"'], timeoutMs: 500 })
  })
})
