import { describe, expect, it } from 'vitest'
import { HttpFail } from './HttpFail.js'
import { marketJson, page } from './json.js'
import { seedMarkets } from './markets.js'

describe('Polymarket JSON shapes', () => {
  it('pages with base64 cursors and LTE= at the end', () => {
    const items = [1, 2, 3]
    const first = page(items, null, 2)
    expect(first).toEqual({
      data: [1, 2],
      next_cursor: Buffer.from('2').toString('base64'),
      limit: 2,
      count: 2,
    })
    expect(page(items, first.next_cursor, 2)).toMatchObject({ data: [3], next_cursor: 'LTE=' })
    expect(() => page(items, Buffer.from('-1').toString('base64'), 2)).toThrow(HttpFail)
  })

  it('shapes a market', () => {
    const m = seedMarkets(() => 0.5, [{}])[0]
    if (m === undefined) throw new Error('no market')
    expect(marketJson(m)).toMatchObject({ active: true, closed: false, tokens: expect.any(Array) })
  })
})
