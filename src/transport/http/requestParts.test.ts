import { describe, expect, it } from 'vitest'
import { buildUrl, encodeBody, findHeader, lowerKeys, pathOnly, toSearchParams } from './requestParts.js'

describe('request parts', () => {
  it('pathOnly drops the query string', () => {
    expect(pathOnly('/api/v3/order?symbol=BTCUSDT&signature=x')).toBe('/api/v3/order')
    expect(pathOnly('/api/v3/time')).toBe('/api/v3/time')
  })

  it('toSearchParams keeps order, drops undefined/null and copies URLSearchParams', () => {
    expect(toSearchParams({ a: 1, b: undefined, c: null, d: true, e: 2n }).toString()).toBe('a=1&d=true&e=2')
    const src = new URLSearchParams('x=1')
    const copy = toSearchParams(src)
    copy.set('y', '2')
    expect(src.toString()).toBe('x=1')
    expect(toSearchParams(undefined).toString()).toBe('')
  })

  it('lowerKeys merges headers in lower case, later sources winning', () => {
    expect(lowerKeys({ 'X-Key': 'a' }, undefined, { 'x-key': 'b', Accept: 'json' })).toEqual({
      'x-key': 'b',
      accept: 'json',
    })
  })

  it('encodeBody sends strings as is, forms and JSON with a content-type', () => {
    const h1: Record<string, string> = {}
    expect(encodeBody('raw', h1)).toBe('raw')
    expect(h1).toEqual({})
    const h2: Record<string, string> = {}
    expect(encodeBody(new URLSearchParams({ a: '1' }), h2)).toBe('a=1')
    expect(h2['content-type']).toBe('application/x-www-form-urlencoded')
    const h3: Record<string, string> = { 'content-type': 'text/plain' }
    expect(encodeBody({ a: 1 }, h3)).toBe('{"a":1}')
    expect(h3['content-type']).toBe('text/plain')
    expect(encodeBody(undefined, {})).toBeUndefined()
  })

  it('buildUrl appends the query with ? or &', () => {
    expect(buildUrl('http://h', '/p', new URLSearchParams('a=1'))).toBe('http://h/p?a=1')
    expect(buildUrl('http://h', '/p?x=0', new URLSearchParams('a=1'))).toBe('http://h/p?x=0&a=1')
    expect(buildUrl('http://h', '/p', new URLSearchParams())).toBe('http://h/p')
  })

  it('findHeader returns the first non-empty header, cut to 128 chars', () => {
    const h = new Headers({ 'x-a': '', 'x-b': 'b'.repeat(200) })
    expect(findHeader(h, ['x-none', 'x-a', 'x-b'])).toBe('b'.repeat(128))
    expect(findHeader(h, ['x-none'])).toBeUndefined()
  })
})
