import { describe, expect, it } from 'vitest'
import type { TradekitError } from '../errors/index.js'
import { subscribe, subscribeNamed, TypedEmitter } from './events.js'

interface Events {
  tick: [e: { n: number }]
  tock: [e: { n: number }]
  error: [e: TradekitError]
}

describe('subscribe', () => {
  it('adds every handler and removes them all with the returned function', () => {
    const bus = new TypedEmitter<Events>({ onUnhandledError: () => {} })
    const seen: string[] = []
    const off = subscribe(bus, {
      tick: (e) => seen.push(`tick ${e.n}`),
      tock: (e) => seen.push(`tock ${e.n}`),
    })
    expect(bus.listenerCount('tick')).toBe(1)
    expect(bus.listenerCount('tock')).toBe(1)
    bus.emit('tick', { n: 1 })
    bus.emit('tock', { n: 2 })
    off()
    bus.emit('tick', { n: 3 })
    expect(seen).toEqual(['tick 1', 'tock 2'])
    expect(bus.listenerCount('tick')).toBe(0)
    expect(bus.listenerCount('tock')).toBe(0)
  })

  it('skips undefined handlers and is idempotent', () => {
    const bus = new TypedEmitter<Events>()
    const off = subscribe(bus, { tick: () => {}, tock: undefined })
    expect(bus.listenerCount('tock')).toBe(0)
    off()
    off()
    expect(bus.listenerCount('tick')).toBe(0)
  })

  it('removes only its own listeners when the same function is subscribed twice', () => {
    const bus = new TypedEmitter<Events>()
    const fn = (): void => {}
    bus.on('tick', fn)
    const off = subscribe(bus, { tick: fn })
    expect(bus.listenerCount('tick')).toBe(2)
    off()
    expect(bus.listenerCount('tick')).toBe(1)
  })

  it('subscribeNamed passes each event with its name and removes every listener', () => {
    const bus = new TypedEmitter<Events>()
    const seen: Array<[string, number]> = []
    const off = subscribeNamed(bus, ['tick', 'tock'], (name, e) => seen.push([name, e.n]))
    bus.emit('tock', { n: 1 })
    bus.emit('tick', { n: 2 })
    off()
    bus.emit('tick', { n: 3 })
    expect(seen).toEqual([
      ['tock', 1],
      ['tick', 2],
    ])
    expect(bus.listenerCount('tick') + bus.listenerCount('tock')).toBe(0)
  })
})
