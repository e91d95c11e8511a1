import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PolymarketSim } from './PolymarketSim.js'

// PolymarketHttp is the REST front of PolymarketSim; this drives it (and PolymarketSimFaults) through a running sim.
describe('PolymarketHttp', () => {
  let sim: PolymarketSim
  beforeAll(async () => {
    sim = await PolymarketSim.start({ seed: 3, markets: 1 })
  })
  afterAll(() => sim.close())

  it('answers public routes with rate-limit headers, L2 routes behind L2 auth, unknown paths 404 before auth', async () => {
    const ok = await fetch(`${sim.restUrl}/ok`)
    expect([ok.status, await ok.json(), ok.headers.get('poly-ratelimit-limit')]).toEqual([200, 'OK', '9000'])
    const l2 = await fetch(`${sim.restUrl}/data/orders`)
    expect([l2.status, await l2.json()]).toEqual([401, { error: 'Unauthorized/Invalid api key' }])
    const unknown = await fetch(`${sim.restUrl}/no-such-path`)
    expect([unknown.status, await unknown.json()]).toEqual([404, { error: 'Not Found' }])
    const token = sim.markets[0]?.tokens[0]?.tokenId
    const book = await fetch(`${sim.restUrl}/book?token_id=${token}`)
    expect(await book.json()).toMatchObject({ asset_id: token })
  })

  it('serves injected failures by path prefix and can drop the rate-limit headers', async () => {
    sim.faults.failHttp(2, 429, { retryAfterSec: 2, path: '/time' })
    sim.faults.rateLimitHeaders(false)
    const ok = await fetch(`${sim.restUrl}/ok`)
    expect(ok.headers.get('poly-ratelimit-limit')).toBeNull()
    for (let i = 0; i < 2; i++) {
      const r = await fetch(`${sim.restUrl}/time`)
      expect([r.status, r.headers.get('retry-after'), await r.json()]).toEqual([
        429,
        '2',
        { error: 'Too Many Requests' },
      ])
    }
    expect((await fetch(`${sim.restUrl}/time`)).status).toBe(200)
    sim.faults.failHttp(1, 503)
    sim.faults.clear()
    const after = await fetch(`${sim.restUrl}/time`)
    expect([after.status, after.headers.get('poly-ratelimit-limit')]).toEqual([200, '9000'])
  })
})
