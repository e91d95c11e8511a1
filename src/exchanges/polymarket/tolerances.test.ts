import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { decodeUserEvent } from './decode.js'

/** User Channel `order` example (docs.polymarket.com): see __fixtures__/SOURCES.md. */
const order = (o: Record<string, unknown>): Record<string, unknown> => ({
  ...JSON.parse(readFileSync(new URL('./__fixtures__/user_order_ok.json', import.meta.url), 'utf8')),
  ...o,
})

describe('Polymarket user-channel tolerances', () => {
  it('"size_matched": "" on a killed FOK order (CANCELLATION) decodes as 0', () => {
    const r = decodeUserEvent(order({ type: 'CANCELLATION', size_matched: '' }))
    if (!r.ok || r.value.type !== 'order') throw new Error('expected order')
    expect(r.value.action).toBe('CANCELLATION')
    expect(r.value.sizeMatched.toFixed()).toBe('0')
  })

  it('"size_matched": "" on a PLACEMENT decodes as 0, on an UPDATE (a match) it is refused', () => {
    expect(decodeUserEvent(order({ type: 'PLACEMENT', size_matched: '' })).ok).toBe(true)
    expect(decodeUserEvent(order({ type: 'UPDATE', size_matched: '' })).ok).toBe(false)
  })

  it('a malformed price or size is still refused', () => {
    for (const bad of [
      { price: '' },
      { price: 'NaN' },
      { original_size: '' },
      { size_matched: 'x' },
      { price: '1.5' },
    ])
      expect(decodeUserEvent(order(bad)).ok).toBe(false)
  })
})
