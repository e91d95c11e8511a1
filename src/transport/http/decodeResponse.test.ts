import { describe, expect, it } from 'vitest'
import * as z from 'zod/mini'
import { decodeResponse, tryJson } from './decodeResponse.js'

const ctx = { status: 200, requestId: 'r1' }

describe('decodeResponse', () => {
  it('parses JSON and validates it with the schema', () => {
    const r = decodeResponse('{"a":1}', z.object({ a: z.number() }), 'GET /x', 'v', ctx)
    expect(r).toEqual({ ok: true, value: { a: 1 } })
    expect(decodeResponse('  ', undefined, 'GET /x', 'v', ctx)).toEqual({ ok: true, value: undefined })
  })

  it('returns an ExchangeDataError for malformed JSON or a schema mismatch', () => {
    const bad = decodeResponse('{oops', undefined, 'GET /x', 'v', ctx)
    expect(bad.ok).toBe(false)
    if (!bad.ok) expect(bad.error.code).toBe('EXCHANGE_DATA_INVALID')
    const mismatch = decodeResponse('{"a":"x"}', z.object({ a: z.number() }), 'GET /x', 'v', ctx)
    expect(mismatch.ok).toBe(false)
    if (!mismatch.ok) expect(mismatch.error.message).toContain('Unexpected response to "GET /x"')
  })

  it('tryJson never throws', () => {
    expect(tryJson('')).toBeUndefined()
    expect(tryJson('nope')).toBeUndefined()
    expect(tryJson('{"code":-1}')).toEqual({ code: -1 })
  })
})
