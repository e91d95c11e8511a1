import { describe, expect, it } from 'vitest'
import { observeUsageHeaders } from './observeUsageHeaders.js'

describe('observeUsageHeaders', () => {
  it('feeds numeric usage headers to their windows and ignores the rest', () => {
    const seen: Array<[string, number, number]> = []
    const sink = { observeUsage: (w: string, used: number, at: number) => seen.push([w, used, at]) }
    const headers = new Headers({ 'x-used-weight': ' 42 ', 'x-order-count': 'lots' })
    observeUsageHeaders(
      headers,
      [
        ['x-used-weight', 'REQUEST_WEIGHT'],
        ['x-order-count', 'ORDERS'],
        ['x-missing', 'OTHER'],
      ],
      sink,
      1000,
    )
    expect(seen).toEqual([['REQUEST_WEIGHT', 42, 1000]])
  })
})
