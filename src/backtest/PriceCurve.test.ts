import { describe, expect, it } from 'vitest'
import { PriceCurve } from './PriceCurve.js'

describe('PriceCurve', () => {
  it('keeps one symbol, at most maxPoints closes, oldest first and the newest always', () => {
    const c = new PriceCurve('BTCUSDT', 16)
    for (let i = 0; i < 1000; i++) {
      c.add({ symbol: 'BTCUSDT', closeTime: i, close: 100 + i })
      c.add({ symbol: 'ETHUSDT', closeTime: i, close: 1 })
      const pts = c.points()
      expect(pts.length).toBeLessThanOrEqual(17)
      expect(pts[pts.length - 1]).toEqual({ t: i, close: 100 + i })
    }
    const pts = c.points()
    expect(pts.every((p, i) => i === 0 || p.t > (pts[i - 1]?.t ?? 0))).toBe(true)
    expect(pts.every((p) => p.close === 100 + p.t)).toBe(true)
    expect(pts[0]?.t).toBeLessThan(100)
  })
})
