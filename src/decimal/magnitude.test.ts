import { describe, expect, it } from 'vitest'
import { Decimal } from './Decimal.js'
import { magnitude } from './magnitude.js'

describe('magnitude', () => {
  it('is x itself when not negative, and x.abs() in value otherwise (a −0 becomes +0)', () => {
    const x = new Decimal('1.25')
    expect(magnitude(x)).toBe(x)
    for (const v of ['-1.25', '-0', '0', '-1e-30', '123456789012345678901234567890123456789012345']) {
      const got = magnitude(new Decimal(v))
      const want = new Decimal(v).abs()
      expect(`${got.toString()} ${got.isNegative()}`).toBe(`${want.toString()} ${want.isNegative()}`)
    }
  })
})
