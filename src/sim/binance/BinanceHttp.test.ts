import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BinanceSim } from './BinanceSim.js'

// BinanceHttp is the REST front of BinanceSim; this drives it through a running sim.
describe('BinanceHttp', () => {
  let sim: BinanceSim
  beforeAll(async () => {
    sim = await BinanceSim.start({ tickMs: 0, symbols: ['BTCUSDT'] })
  })
  afterAll(() => sim.close())

  it('routes by unprefixed path on both markets, with weight headers and logging', async () => {
    const spot = await fetch(`${sim.restUrl}/api/v3/time`)
    expect(spot.headers.get('x-mbx-used-weight-1m')).toBe('1')
    expect(await spot.json()).toEqual({ serverTime: expect.any(Number) })
    const usdm = await fetch(`${sim.restUrl}/fapi/v1/ticker/price?symbol=BTCUSDT`)
    expect(await usdm.json()).toMatchObject({ symbol: 'BTCUSDT', time: expect.any(Number) })
    const unknown = await fetch(`${sim.restUrl}/api/v3/nope`)
    expect(unknown.status).toBe(404)
    expect(await unknown.json()).toEqual({ code: -1000, msg: 'Unknown endpoint GET /api/v3/nope' })
    expect(sim.requestLog.map((r) => r.status)).toEqual([200, 200, 404])
  })

  it('applies faults before routing: rate limit, server error, ban', async () => {
    sim.faults.rateLimit({ path: '/depth' })
    sim.faults.serverError({ status: 503 })
    const rl = await fetch(`${sim.restUrl}/api/v3/depth?symbol=BTCUSDT`)
    expect(rl.status).toBe(429)
    const se = await fetch(`${sim.restUrl}/api/v3/ping`)
    expect([se.status, await se.text()]).toEqual([503, 'Service Unavailable'])
    expect((await fetch(`${sim.restUrl}/api/v3/ping`)).status).toBe(200)
    sim.faults.ban({ retryAfterSec: 3 })
    const ban = await fetch(`${sim.restUrl}/api/v3/ping`)
    expect([ban.status, ban.headers.get('retry-after')]).toEqual([418, '3'])
  })

  it('a 418 bans the IP on that market, every endpoint of it, until Retry-After has passed', async () => {
    sim.faults.reset() // lifts the ban of the test before
    sim.faults.ban({ retryAfterSec: 1, path: '/api/v3/ping' })
    expect((await fetch(`${sim.restUrl}/api/v3/ping`)).status).toBe(418)
    const again = await fetch(`${sim.restUrl}/api/v3/time`)
    expect(again.status).toBe(418) // any endpoint of the market, not only the one that drew the ban
    expect(Number(again.headers.get('retry-after'))).toBeLessThanOrEqual(1)
    expect((await fetch(`${sim.restUrl}/fapi/v1/time`)).status).toBe(200) // USD-M is another venue
    await new Promise((r) => setTimeout(r, 1100))
    expect((await fetch(`${sim.restUrl}/api/v3/time`)).status).toBe(200)
  })
})
