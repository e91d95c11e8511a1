import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../core/clock.js'
import { TimeoutError } from '../../errors/index.js'
import { HeartbeatIdRejectedError } from './errors.js'
import { type HeartbeatHealthEvent, PolymarketHeartbeat } from './PolymarketHeartbeat.js'

const flush = () => new Promise((r) => setTimeout(r, 0))

describe('PolymarketHeartbeat (dead-man switch)', () => {
  it('chains heartbeat ids, turns UNHEALTHY on a failed beat (new session next), HEALTHY again, IDLE on stop', async () => {
    const clock = new ManualClock(1_000)
    const sent: string[] = []
    let fail = false
    let n = 0
    const hb = new PolymarketHeartbeat({
      clock,
      intervalMs: 100,
      send: async (id, timeoutMs) => {
        expect(timeoutMs).toBe(100)
        sent.push(id)
        if (fail) throw new TimeoutError('heartbeat timed out', 100)
        return `hb${++n}`
      },
    })
    const health: HeartbeatHealthEvent[] = []
    const errors: string[] = []
    hb.events.on('heartbeat.healthChanged', (e) => health.push(e))
    hb.events.on('error', (e) => errors.push(e.code))
    expect(hb.state).toBe('IDLE')
    hb.start()
    hb.start() // no-op when armed
    await flush()
    expect(hb.state).toBe('HEALTHY')
    clock.advance(100)
    await flush()
    expect(sent).toEqual(['', 'hb1'])
    fail = true
    clock.advance(100)
    await flush()
    expect(hb.state).toBe('UNHEALTHY')
    expect(errors).toEqual(['TIMEOUT'])
    fail = false
    clock.advance(100)
    await flush()
    expect(sent).toEqual(['', 'hb1', 'hb2', '']) // the failed beat restarts the session
    expect(hb.state).toBe('HEALTHY')
    hb.stop()
    expect(health.map((e) => e.state)).toEqual(['HEALTHY', 'UNHEALTHY', 'HEALTHY', 'IDLE'])
    clock.advance(1_000)
    await flush()
    expect(sent).toHaveLength(4)
  })

  it('adopts the heartbeat_id a 400 "Invalid Heartbeat ID" names and stays HEALTHY (orders keep their session)', async () => {
    const clock = new ManualClock(1_000)
    const sent: string[] = []
    let server = 'srv-1'
    const hb = new PolymarketHeartbeat({
      clock,
      intervalMs: 100,
      send: async (id) => {
        sent.push(id)
        if (id !== '' && id !== server) {
          throw new HeartbeatIdRejectedError(server, 'Invalid Heartbeat ID')
        }
        server = `srv-${sent.length + 1}`
        return server
      },
    })
    const states: string[] = []
    const adopted: string[] = []
    const errors: unknown[] = []
    hb.events.on('heartbeat.healthChanged', (e) => states.push(e.state))
    hb.events.on('heartbeat.idAdopted', (e) => adopted.push(e.heartbeatId))
    hb.events.on('error', (e) => errors.push(e))
    hb.start()
    await flush()
    server = 'srv-moved' // the server moved on (say our last response was lost)
    clock.advance(100)
    await flush()
    expect(sent).toEqual(['', 'srv-2', 'srv-moved'])
    expect(adopted).toEqual(['srv-moved'])
    expect(errors).toEqual([])
    expect(states).toEqual(['HEALTHY'])
    hb.close()
  })

  it('sends nothing once closed', async () => {
    const clock = new ManualClock(0)
    let beats = 0
    const hb = new PolymarketHeartbeat({ clock, send: async () => `id${++beats}` })
    hb.close()
    hb.start()
    clock.advance(60_000)
    await flush()
    expect(beats).toBe(0)
    expect(hb.isArmed).toBe(false)
    expect(() => new PolymarketHeartbeat({ send: 'no' } as never)).toThrowError(/send/)
  })
})
