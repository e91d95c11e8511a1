import { describe, expect, it } from 'vitest'
import { epochMs } from './epochMs.js'

describe('epochMs', () => {
  it('reads seconds and milliseconds by magnitude', () => {
    expect(epochMs(1672290687)).toBe(1672290687000)
    expect(epochMs(1672290687000)).toBe(1672290687000)
    expect(epochMs(1_000_000_000)).toBe(1_000_000_000_000)
    expect(epochMs(9_999_999_999_999)).toBe(9_999_999_999_999)
  })

  it('refuses values that fit neither unit', () => {
    for (const v of [
      0,
      1,
      42,
      999_999_999,
      10_000_000_000,
      999_999_999_999,
      1e13,
      1672290687000000,
      1.5,
      -1,
      Number.NaN,
    ])
      expect(epochMs(v)).toBeUndefined()
  })
})
