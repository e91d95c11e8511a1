import { describe, expect, it } from 'vitest'
import { SeededRandom } from '../core/random.js'
import { base36 } from './base36.js'

describe('base36', () => {
  it('gives the digits of toString(36) at the edges of its split', () => {
    const edges = [
      0,
      1,
      35,
      36,
      60_466_175,
      60_466_176,
      60_466_177,
      36 ** 6,
      36 ** 10 - 1,
      Number.MAX_SAFE_INTEGER,
    ]
    for (const n of edges) expect(base36(n)).toBe(n.toString(36))
  })

  it('gives the digits of toString(36) on 10⁴ random times, sequence numbers and odd values', () => {
    const r = new SeededRandom(36)
    const odd = [
      -1,
      -1_767_225_600_000,
      0.5,
      1_767_225_600_000.25,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      2 ** 60,
    ]
    for (const n of odd) expect(base36(n)).toBe(n.toString(36))
    for (let i = 0; i < 10_000; i++) {
      const n = i % 2 === 0 ? r.int(0, 2 ** 31) : 1_600_000_000_000 + r.int(0, 2 ** 40)
      expect(base36(n)).toBe(n.toString(36))
    }
  })
})
