import { describe, expect, it } from 'vitest'
import type { Order } from '../core/types.js'
import { OrderStrategyMap } from './OrderStrategyMap.js'

const order = (clientOrderId: string, status: string): Order => ({ clientOrderId, status }) as Order

describe('OrderStrategyMap', () => {
  it('routes an order to its strategy, live and after it finished (late fills, reversals)', () => {
    const m = new OrderStrategyMap()
    m.set('a', 's1')
    expect(m.update(order('a', 'NEW'))).toBe('s1')
    expect(m.update(order('a', 'FILLED'))).toBe('s1')
    expect(m.strategyOf('a')).toBe('s1')
    expect(m.update(order('b', 'NEW'))).toBeUndefined()
  })

  it('forgets an order whose submit failed', () => {
    const m = new OrderStrategyMap()
    m.set('a', 's1')
    m.delete('a')
    expect(m.strategyOf('a')).toBeUndefined()
  })

  it('keeps a bounded number of finished orders, dropping the oldest', () => {
    const m = new OrderStrategyMap(2)
    for (const id of ['a', 'b', 'c']) {
      m.set(id, `s-${id}`)
      m.update(order(id, 'CANCELED'))
    }
    expect(m.strategyOf('a')).toBeUndefined()
    expect(m.strategyOf('c')).toBe('s-c')
    expect(m.size).toBe(2)
  })
})
