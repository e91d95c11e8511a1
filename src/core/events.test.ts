import { describe, expect, it, vi } from 'vitest'
import type { TradekitError } from '../errors/index.js'
import { type Listenable, subscribe, subscribeAll, TypedEmitter } from './events.js'

interface Events {
  tick: [e: { n: number }]
  error: [e: TradekitError]
}

describe('TypedEmitter', () => {
  it('isolates a throwing listener: others still run and the error is reported', () => {
    const bus = new TypedEmitter<Events>()
    const seen: number[] = []
    const errors: TradekitError[] = []
    bus.on('error', (e) => errors.push(e))
    bus.on('tick', () => {
      throw new Error('listener bug')
    })
    bus.on('tick', (e) => seen.push(e.n))
    expect(() => bus.emit('tick', { n: 1 })).not.toThrow()
    expect(seen).toEqual([1])
    expect(errors).toHaveLength(1)
    expect(errors[0]?.code).toBe('LISTENER_FAILED')
    expect((errors[0]?.cause as Error | undefined)?.message).toBe('listener bug')
  })

  it('routes errors with no listener, and a throwing error listener, to onUnhandledError', () => {
    const unhandled = vi.fn()
    const bus = new TypedEmitter<Events>({ onUnhandledError: unhandled })
    bus.on('tick', () => {
      throw new Error('a')
    })
    bus.emit('tick', { n: 1 })
    expect(unhandled).toHaveBeenCalledTimes(1)
    bus.on('error', () => {
      throw new Error('b')
    })
    bus.emit('tick', { n: 2 })
    expect(unhandled).toHaveBeenCalledTimes(2)
  })

  it('supports once and off, including the same function twice', () => {
    const bus = new TypedEmitter<Events>()
    const fn = vi.fn()
    bus.once('tick', fn)
    bus.emit('tick', { n: 1 })
    bus.emit('tick', { n: 2 })
    expect(fn).toHaveBeenCalledTimes(1)
    const g = vi.fn()
    bus.on('tick', g)
    bus.on('tick', g)
    bus.off('tick', g)
    bus.emit('tick', { n: 3 })
    expect(g).toHaveBeenCalledTimes(1)
    bus.off('tick', g)
    bus.emit('tick', { n: 4 })
    expect(g).toHaveBeenCalledTimes(1)
    expect(bus.listenerCount('tick')).toBe(0)
  })

  it('exposes a subscribe-only view', () => {
    const bus = new TypedEmitter<Events>()
    const view: Listenable<Events> = bus
    const fn = vi.fn()
    view.on('tick', fn)
    bus.emit('tick', { n: 5 })
    expect(fn).toHaveBeenCalledWith({ n: 5 })
  })
})

describe('subscribe', () => {
  it('adds every handler and removes them all with the returned function (a second call does nothing)', () => {
    const bus = new TypedEmitter<Events>()
    const tick = vi.fn()
    const error = vi.fn()
    const other = vi.fn()
    bus.on('tick', other)
    const off = subscribe(bus, { tick, error })
    expect(bus.listenerCount('tick')).toBe(2)
    expect(bus.listenerCount('error')).toBe(1)
    bus.emit('tick', { n: 1 })
    expect(tick).toHaveBeenCalledWith({ n: 1 })
    off()
    off()
    expect(bus.listenerCount('tick')).toBe(1)
    expect(bus.listenerCount('error')).toBe(0)
    bus.emit('tick', { n: 2 })
    expect(tick).toHaveBeenCalledTimes(1)
    expect(other).toHaveBeenCalledTimes(2)
  })

  it('subscribeAll adds one listener to several events and removes it from each', () => {
    const bus = new TypedEmitter<{ a: [n: number]; b: [n: number]; error: [e: TradekitError] }>()
    const fn = vi.fn()
    const off = subscribeAll(bus, ['a', 'b'], fn)
    bus.emit('a', 1)
    bus.emit('b', 2)
    expect(fn.mock.calls).toEqual([[1], [2]])
    off()
    bus.emit('a', 3)
    expect(fn).toHaveBeenCalledTimes(2)
    expect(bus.listenerCount('a') + bus.listenerCount('b')).toBe(0)
  })
})
