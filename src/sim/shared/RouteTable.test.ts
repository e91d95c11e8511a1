import { describe, expect, it } from 'vitest'
import { isTradekitError } from '../../errors/index.js'
import { type RouteEntry, RouteTable } from './RouteTable.js'

interface R extends RouteEntry {
  readonly name: string
}

describe('RouteTable', () => {
  const table = new RouteTable<R>([
    { method: 'GET', path: '/markets', name: 'list' },
    { method: 'GET', path: '/markets/*', name: 'one' },
    { method: 'POST', path: '/order', name: 'post' },
  ])

  it('matches exact paths by method, and `*` prefixes with their rest', () => {
    expect(table.match('GET', '/markets')).toEqual({
      route: expect.objectContaining({ name: 'list' }),
      rest: '',
    })
    expect(table.match('GET', '/markets/0xabc')?.rest).toBe('0xabc')
    expect(table.match('GET', '/markets/0xabc')?.route.name).toBe('one')
    expect(table.match('POST', '/order')?.route.name).toBe('post')
    expect(table.match('GET', '/order')).toBeUndefined()
    expect(table.match('GET', '/nope')).toBeUndefined()
  })

  it('lists its keys and refuses duplicates', () => {
    expect(table.keys()).toEqual(['GET /markets', 'POST /order', 'GET /markets/*'])
    try {
      new RouteTable<R>([
        { method: 'GET', path: '/a', name: '1' },
        { method: 'GET', path: '/a', name: '2' },
      ])
      expect.unreachable()
    } catch (e) {
      expect(isTradekitError(e) && e.code).toBe('INVARIANT_VIOLATED')
    }
  })
})
