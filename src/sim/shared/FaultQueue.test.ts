import { describe, expect, it } from 'vitest'
import { FaultQueue } from './FaultQueue.js'

describe('FaultQueue', () => {
  it('counts a fault down per matching request, first queued first', () => {
    const q = new FaultQueue<{ n: number }>()
    q.add({ n: 1 }, { count: 2 })
    q.add({ n: 2 })
    expect(q.take('/a')).toEqual({ n: 1 })
    expect(q.take('/b')).toEqual({ n: 1 })
    expect(q.take('/c')).toEqual({ n: 2 })
    expect(q.take('/d')).toBeUndefined()
    expect(q.size).toBe(0)
  })

  it('matches paths by substring by default, by prefix when asked', () => {
    const inc = new FaultQueue<{ n: number }>()
    inc.add({ n: 1 }, { path: '/order' })
    expect(inc.take('/api/v3/ticker')).toBeUndefined()
    expect(inc.take('/api/v3/order')).toEqual({ n: 1 })
    const pre = new FaultQueue<{ n: number }>('prefix')
    pre.add({ n: 1 }, { path: '/book' })
    expect(pre.take('/x/book')).toBeUndefined()
    expect(pre.take('/books')).toEqual({ n: 1 })
  })

  it('treats an empty path as every path, ignores a zero count, and clears', () => {
    const q = new FaultQueue<{ n: number }>()
    q.add({ n: 0 }, { count: 0 })
    q.add({ n: 1 }, { path: '' })
    expect(q.size).toBe(1)
    q.add({ n: 2 })
    q.clear()
    expect(q.take('/anything')).toBeUndefined()
  })
})
