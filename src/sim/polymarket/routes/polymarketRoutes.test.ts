import { describe, expect, it } from 'vitest'
import { polymarketRoutes } from './polymarketRoutes.js'

describe('polymarketRoutes', () => {
  const table = polymarketRoutes()

  it('holds every endpoint once, public ones marked public', () => {
    const keys = table.keys()
    expect(new Set(keys).size).toBe(keys.length)
    expect(keys).toHaveLength(29)
    for (const k of [
      'GET /book',
      'GET /markets/*',
      'POST /auth/api-key',
      'GET /version',
      'GET /markets-by-token/*',
      'GET /clob-markets/*',
    ]) {
      const [method, path] = k.split(' ') as [string, string]
      expect(table.match(method, path.replace('*', 'x'))?.route.auth).toBe('public')
    }
    for (const k of ['POST /order', 'DELETE /cancel-all', 'GET /data/trades', 'POST /v1/heartbeats']) {
      const [method, path] = k.split(' ') as [string, string]
      expect(table.match(method, path)?.route.auth).toBe('l2')
    }
  })

  it('matches id paths', () => {
    expect(table.match('GET', '/data/order/0xabc')?.rest).toBe('0xabc')
  })
})
