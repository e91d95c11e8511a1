import { describe, expect, it } from 'vitest'
import type { Signal } from '../core/ports.js'
import { signal } from './__fixtures__/market.js'
import { SignalGate } from './SignalGate.js'

function gate(maxHeld?: number) {
  const seen: string[] = []
  const g = new SignalGate({
    route: (s: Signal) => seen.push(`route ${s.reason}`),
    deny: (s: Signal, code: string) => seen.push(`deny ${s.reason} ${code}`),
    ...(maxHeld !== undefined ? { maxHeld } : {}),
  })
  return { g, seen }
}

describe('SignalGate', () => {
  it('holds signals while starting and routes them in order once open, then routes at once', () => {
    const { g, seen } = gate()
    g.offer(signal({ reason: 'a' }))
    g.offer(signal({ reason: 'b' }))
    expect(seen).toEqual([])
    g.open()
    g.offer(signal({ reason: 'c' }))
    g.open() // again: nothing held twice
    expect(seen).toEqual(['route a', 'route b', 'route c'])
  })

  it('refuses held and later signals once closed, and never opens again', () => {
    const { g, seen } = gate()
    g.offer(signal({ reason: 'held' }))
    g.close()
    g.open() // a start that ends after the stop began
    g.offer(signal({ reason: 'late' }))
    expect(seen).toEqual(['deny held ENGINE_STOPPING', 'deny late ENGINE_STOPPING'])
  })

  it('holds at most maxHeld signals; past it each is denied SIGNAL_QUEUE_FULL', () => {
    const { g, seen } = gate(1)
    g.offer(signal({ reason: 'a' }))
    g.offer(signal({ reason: 'b' }))
    g.open()
    expect(seen).toEqual(['deny b SIGNAL_QUEUE_FULL', 'route a'])
  })
})
