import { describe, expect, it } from 'vitest'
import { OutboundQueue } from './OutboundQueue.js'

describe('OutboundQueue', () => {
  it('is bounded', () => {
    const q = new OutboundQueue(2)
    q.push('a')
    q.push('b')
    expect(() => q.push('c')).toThrow(expect.objectContaining({ code: 'QUEUE_FULL' }))
    expect(q.size).toBe(2)
  })

  it('flushes in order and keeps a refused message at the head', () => {
    const q = new OutboundQueue(10)
    for (const m of ['a', 'b', 'c']) q.push(m)
    const sent: unknown[] = []
    q.flush(
      (d) => {
        if (d === 'b') return false
        sent.push(d)
        return true
      },
      () => true,
    )
    expect(sent).toEqual(['a'])
    expect(q.size).toBe(2)
    q.flush(
      (d) => sent.push(d) > 0,
      () => true,
    )
    expect(sent).toEqual(['a', 'b', 'c'])
    expect(q.size).toBe(0)
  })

  it('stops when canSend turns false, and clear empties it', () => {
    const q = new OutboundQueue(10)
    q.push('a')
    q.push('b')
    let open = true
    q.flush(
      () => {
        open = false
        return true
      },
      () => open,
    )
    expect(q.size).toBe(1)
    q.clear()
    expect(q.size).toBe(0)
  })
})
