import { describe, expect, it } from 'vitest'
import { SubscriptionRegistry } from './SubscriptionRegistry.js'

describe('SubscriptionRegistry', () => {
  it('keeps registration order; re-registering replaces and moves last', () => {
    const r = new SubscriptionRegistry()
    r.set('a', 'A1')
    r.set('b', 'B')
    r.set('a', 'A2')
    expect(r.keys()).toEqual(['b', 'a'])
    const sent: unknown[] = []
    expect(
      r.replay(
        (m) => sent.push(m),
        () => true,
      ),
    ).toBe(true)
    expect(sent).toEqual(['B', 'A2'])
  })

  it('delete reports whether the key existed; replay stops when canSend is false', () => {
    const r = new SubscriptionRegistry()
    r.set('a', 'A')
    r.set('b', 'B')
    expect(r.delete('a')).toBe(true)
    expect(r.delete('a')).toBe(false)
    const sent: unknown[] = []
    expect(
      r.replay(
        (m) => sent.push(m),
        () => false,
      ),
    ).toBe(false)
    expect(sent).toEqual([])
  })
})
