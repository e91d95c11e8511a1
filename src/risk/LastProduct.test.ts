import { describe, expect, it } from 'vitest'
import { Decimal } from '../decimal/index.js'
import { LastProduct } from './LastProduct.js'

describe('LastProduct', () => {
  it('gives a × b, the same object for the same operands and a new product for other ones (by identity)', () => {
    const p = new LastProduct()
    const a = new Decimal('100000')
    const b = new Decimal('0.01')
    const first = p.of(a, b)
    expect(first.toString()).toBe('1000')
    expect(p.of(a, b)).toBe(first)
    // Equal values in other objects are other operands: computed again, the same value.
    const again = p.of(new Decimal('100000'), b)
    expect(again).not.toBe(first)
    expect(again.toString()).toBe('1000')
    expect(p.of(a, new Decimal('0.02')).toString()).toBe('2000')
    expect(p.of(a, b).toString()).toBe('1000')
  })
})
