import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../core/clock.js'
import { fetchWithTimeout } from './fetchWithTimeout.js'

const opts = {
  method: 'GET',
  headers: {},
  body: undefined,
  timeoutMs: 100,
  label: 'GET /x',
  maxResponseBytes: 1000,
  venue: 'v',
}

/** A fetch that never answers until aborted. */
const hanging: typeof fetch = (_url, init) =>
  new Promise((_resolve, reject) =>
    init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)),
  )

describe('fetchWithTimeout', () => {
  it('returns the response with its body', async () => {
    const f: typeof fetch = async () => new Response('ok', { status: 201, headers: { 'x-a': '1' } })
    const r = await fetchWithTimeout(f, new ManualClock(0), 'http://h/x', opts)
    expect(r).toMatchObject({ kind: 'response', status: 201, bodyText: 'ok' })
  })

  it('reports a timeout when the timer fires first, and clears the timer otherwise', async () => {
    const clock = new ManualClock(0)
    const p = fetchWithTimeout(hanging, clock, 'http://h/x', opts)
    await clock.advanceAsync(100)
    expect(await p).toEqual({ kind: 'timeout' })
    await fetchWithTimeout(async () => new Response(''), clock, 'http://h/x', opts)
    expect(clock.pendingTimers).toBe(0)
  })

  it('reports the caller abort, a refused body and a network error', async () => {
    const ctl = new AbortController()
    const p = fetchWithTimeout(hanging, new ManualClock(0), 'http://h/x', { ...opts, signal: ctl.signal })
    ctl.abort(new Error('stop'))
    expect(await p).toEqual({ kind: 'aborted' })
    const big: typeof fetch = async () => new Response('x'.repeat(2000))
    expect((await fetchWithTimeout(big, new ManualClock(0), 'http://h/x', opts)).kind).toBe('refused')
    const down: typeof fetch = async () => {
      throw new TypeError('fetch failed')
    }
    expect(await fetchWithTimeout(down, new ManualClock(0), 'http://h/x', opts)).toMatchObject({
      kind: 'network',
    })
  })
})
