import { describe, expect, it } from 'vitest'
import { DecimalCache } from './DecimalCache.js'

describe('DecimalCache', () => {
  it('converts a value once per owner and field, and once per number', () => {
    const c = new DecimalCache()
    const cfg = { riskFraction: 0.01 }
    const a = c.field(cfg, 'riskFraction', cfg.riskFraction)
    expect(a.toString()).toBe('0.01')
    expect(c.field(cfg, 'riskFraction', cfg.riskFraction)).toBe(a)
    expect(c.field({ riskFraction: 0.01 }, 'riskFraction', 0.01)).not.toBe(a)
    expect(c.field(cfg, 'other', 0.5).toString()).toBe('0.5')
    const l = c.number(3)
    expect(l.toString()).toBe('3')
    expect(c.number(3)).toBe(l)
  })

  it('remembers only the last value with last()', () => {
    const c = new DecimalCache()
    const a = c.last(0.8)
    expect(a.toString()).toBe('0.8')
    expect(c.last(0.8)).toBe(a)
    expect(c.last(0.7).toString()).toBe('0.7')
    const b = c.last(0.8)
    expect(b).not.toBe(a)
    expect(b.eq(a)).toBe(true)
  })
})
