import { describe, expect, it } from 'vitest'
import { HttpFail, parseJson } from './HttpFail.js'

describe('HttpFail', () => {
  it('carries status, body and headers; its message is the error text', () => {
    const e = new HttpFail(429, { error: 'Too Many Requests' }, { 'retry-after': '1' })
    expect([e.status, e.message, e.headers]).toEqual([429, 'Too Many Requests', { 'retry-after': '1' }])
    expect(new HttpFail(500, {}).message).toBe('500')
  })

  it('parseJson answers 400 with the given text on bad JSON', () => {
    expect(parseJson<number[]>('[1]', 'x')).toEqual([1])
    try {
      parseJson('{', 'Invalid payload')
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(HttpFail)
      expect((e as HttpFail).body).toEqual({ error: 'Invalid payload' })
    }
  })
})
