import { describe, expect, it } from 'vitest'
import { orderPriority } from './orderPriority.js'

describe('orderPriority', () => {
  it('puts reduce-only orders (exits) with cancels and every other order in the ORDER lane', () => {
    expect(orderPriority({ reduceOnly: true })).toBe('CANCEL')
    expect(orderPriority({ reduceOnly: false })).toBe('ORDER')
    expect(orderPriority({})).toBe('ORDER')
  })
})
