import { describe, expect, it } from 'vitest'
import { SeededRandom } from '../core/random.js'
import type { Decimal } from './Decimal.js'
import { difference } from './difference.js'
import { product } from './product.js'
import { randomDecimal } from './randomDecimal.js'

describe.each([
  { name: 'product', op: product, exact: (x: Decimal, y: Decimal) => x.times(y), seed: 2024 },
  { name: 'difference', op: difference, exact: (x: Decimal, y: Decimal) => x.minus(y), seed: 2025 },
])('$name (lastResultOf)', ({ op, exact, seed }) => {
  it('equals the decimal.js operation on 10,000 random pairs, asked for again, swapped or interleaved with others', () => {
    const r = new SeededRandom(seed)
    const pool = Array.from({ length: 50 }, () => randomDecimal(r, r.int(1, 30), -12, 12))
    let repeats = 0
    for (let i = 0; i < 10_000; i++) {
      const x = pool[r.int(0, pool.length - 1)]
      const y = pool[r.int(0, pool.length - 1)]
      if (x === undefined || y === undefined) throw new Error('pool')
      const times = r.int(1, 3) // the same pair once, twice or three times in a row
      for (let k = 0; k < times; k++)
        expect(op(x, y).toString(), `case ${i}: ${x}, ${y}`).toBe(exact(x, y).toString())
      repeats += times - 1
      expect(op(y, x).eq(exact(y, x))).toBe(true)
    }
    expect(repeats).toBeGreaterThan(5_000)
  })
})
