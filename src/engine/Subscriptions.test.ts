import { describe, expect, it } from 'vitest'
import { TypedEmitter } from '../core/events.js'
import type { TradekitError } from '../errors/index.js'
import { Subscriptions } from './Subscriptions.js'

interface Events {
  tick: [n: number]
  error: [e: TradekitError]
}

describe('Subscriptions', () => {
  it('removes every listener and runs every detach function on clear', () => {
    const bus = new TypedEmitter<Events>()
    const subs = new Subscriptions()
    const seen: number[] = []
    let detached = 0
    subs.on(bus, 'tick', (n) => seen.push(n))
    subs.add(() => detached++)
    expect(subs.size).toBe(2)
    bus.emit('tick', 1)
    subs.clear()
    bus.emit('tick', 2)
    expect(seen).toEqual([1])
    expect(detached).toBe(1)
    expect(bus.listenerCount('tick')).toBe(0)
    subs.clear() // twice is harmless
    expect(detached).toBe(1)
  })
})
