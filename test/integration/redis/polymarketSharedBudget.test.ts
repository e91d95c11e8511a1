/**
 * The Polymarket adapter's `rateLimitStore` option on a real redis-server: two adapters (two bots on one API key)
 * given stores of the same scope spend one budget, where each alone would have had its own. Polymarket throttles on
 * rolling windows (docs.polymarket.com, "Rate limits": market data 1500 requests / 10 s); the test shrinks the
 * market-data window to 5 per 10 s so the shared count shows after a few requests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PolymarketAdapter } from '../../../src/exchanges/polymarket/index.js'
import { RedisConnection, RedisRateLimitStore } from '../../../src/redis/index.js'
import { PolymarketSim } from '../../../src/sim/index.js'
import { type RedisServer, startRedisServer } from '../../helpers/redisServer.js'

let server: RedisServer
let sim: PolymarketSim

beforeAll(async () => {
  server = await startRedisServer()
  sim = await PolymarketSim.start({ seed: 7 })
})
afterAll(async () => {
  await sim?.close()
  await server?.close()
})

describe('Polymarket adapters sharing a rate budget on Redis', () => {
  it('a request of one adapter waits for the budget the other spent; each request is reserved in Redis', async () => {
    const conns = await Promise.all(
      [0, 1].map(() => RedisConnection.connect({ url: server.url, deployment: 'polymarket' })),
    )
    const tokenId = sim.markets[0]!.tokens[0].tokenId
    const stores = conns.map((redis) => new RedisRateLimitStore({ redis, scope: 'polymarket-key-1' }))
    const adapters = stores.map(
      (rateLimitStore) =>
        new PolymarketAdapter({
          restUrl: sim.restUrl,
          wsUrl: sim.wsUrl,
          // 5 market-data requests per 10 s; reads keep 20 % (1) free, so one adapter alone may send 4 at once.
          rateLimits: { marketData10s: 5 },
          rateLimitStore,
        }),
    )
    const [a, b] = adapters as [PolymarketAdapter, PolymarketAdapter]
    try {
      await Promise.all(Array.from({ length: 4 }, () => a.rest.getBook(tokenId)))
      expect(a.rest.http.rateLimiter.snapshot().waitedMs).toBe(0)
      // b has sent nothing: its own windows are full, but the shared budget is spent, so it waits for the refill.
      await b.rest.getBook(tokenId)
      expect(b.rest.http.rateLimiter.snapshot().waitedMs).toBeGreaterThan(0)
      expect(stores.map((s) => s.stats.reserved)).toEqual([4, 1])
    } finally {
      for (const x of adapters) await x.close()
      for (const c of conns) c.close()
    }
  }, 60_000)
})
