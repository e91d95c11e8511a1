import { describe, expect, it } from 'vitest'
import { SeededRandom } from './random.js'

describe('SeededRandom', () => {
  it('is deterministic per seed, uniform in [0, 1), and forks independent streams', () => {
    const a = new SeededRandom(7)
    const b = new SeededRandom(7)
    const xs = Array.from({ length: 1000 }, () => a.next())
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b.next()))
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true)
    expect(new Set(xs).size).toBe(1000)
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.05)
    expect(new SeededRandom(8).next()).not.toBe(new SeededRandom(7).next())
    const dice = Array.from({ length: 600 }, () => a.int(1, 6))
    expect(new Set(dice)).toEqual(new Set([1, 2, 3, 4, 5, 6]))
    const f1 = a.fork('x')
    const f2 = a.fork('y')
    expect(f1.next()).not.toBe(f2.next())
    expect(Number.isFinite(a.gauss())).toBe(true)
  })
})
