import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../core/clock.js'
import { LivenessMonitor } from './LivenessMonitor.js'

function setup(staleAfterMs: number, pingIntervalMs: number) {
  const clock = new ManualClock(0)
  const stale: number[] = []
  const pings: unknown[] = []
  let open = true
  const m = new LivenessMonitor(
    { clock, staleAfterMs, pingIntervalMs, pingMessage: 'ping' },
    { isOpen: () => open, onStale: (s) => stale.push(s), sendPing: (p) => pings.push(p) },
  )
  return { clock, m, stale, pings, close: () => (open = false) }
}

describe('LivenessMonitor', () => {
  it('reports a connection silent for staleAfterMs, re-arming after each frame', () => {
    const { clock, m, stale } = setup(1_000, 0)
    m.start(0)
    clock.advance(600)
    m.touch(clock.now())
    clock.advance(600)
    expect(stale).toEqual([])
    clock.advance(400)
    expect(stale).toEqual([1_000])
  })

  it('pings every interval while open and stops with stop()', () => {
    const { clock, m, pings } = setup(0, 100)
    m.start(0)
    clock.advance(350)
    expect(pings).toEqual(['ping', 'ping', 'ping'])
    m.stop()
    clock.advance(500)
    expect(pings).toHaveLength(3)
    expect(clock.pendingTimers).toBe(0)
  })

  it('does nothing when the connection is no longer open, and arms nothing when disabled', () => {
    const a = setup(100, 50)
    a.m.start(0)
    a.close()
    a.clock.advance(1_000)
    expect(a.stale).toEqual([])
    expect(a.pings).toEqual([])
    const b = setup(0, 0)
    b.m.start(0)
    expect(b.clock.pendingTimers).toBe(0)
  })
})
