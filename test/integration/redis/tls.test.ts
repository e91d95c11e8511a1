/**
 * tradekit/redis over TLS: a real redis-server listening on a TLS port only (a throwaway CA and server certificate
 * made with openssl), reached with `rediss://` plus the CA, and with host/port plus socket TLS options; the shared
 * rate budget works across both connections, and a client that does not trust the CA is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  RedisConnection,
  RedisRateLimitStore,
  SharedStateUnavailableError,
} from '../../../src/redis/index.js'
import { RateLimiter } from '../../../src/transport/index.js'
import { type RedisServer, startRedisServer } from '../../helpers/redisServer.js'

let server: RedisServer
beforeAll(async () => {
  server = await startRedisServer({ tls: true })
})
afterAll(async () => {
  await server?.close()
})

describe('RedisConnection over TLS', () => {
  it('connects with rediss:// or socket TLS options and shares one rate budget', async () => {
    const ca = server.ca as string
    expect(server.url.startsWith('rediss://')).toBe(true)
    const byUrl = await RedisConnection.connect({ url: server.url, tls: { ca }, deployment: 'tls' })
    const byHost = await RedisConnection.connect({
      host: '127.0.0.1',
      port: server.port,
      tls: { ca, servername: 'localhost' },
      deployment: 'tls',
    })
    try {
      // 10 per hour, refilled continuously: nothing comes back during the test.
      const windows = [{ id: 'W', limit: 10, intervalMs: 3_600_000, mode: 'rolling' as const }]
      const reserve = { ORDER: 0, MARKET_DATA: 0 }
      const limiters = [byUrl, byHost].map(
        (redis) =>
          new RateLimiter({
            windows,
            reserve,
            maxWaitMs: 100,
            store: new RedisRateLimitStore({ redis, scope: 'tls-ip' }),
          }),
      )
      const [a, b] = limiters as [RateLimiter, RateLimiter]
      for (let i = 0; i < 6; i++) await a.acquire({ cost: 1, priority: 'ORDER' })
      for (let i = 0; i < 4; i++) await b.acquire({ cost: 1, priority: 'ORDER' })
      // b alone has spent 4 of its 10; the budget both share over TLS is spent.
      const e = await b.acquire({ cost: 1, priority: 'ORDER' }).catch((x: unknown) => x)
      expect(e).toMatchObject({ code: 'RATE_LIMITED', details: { shared: true } })
      expect(await byUrl.command(['PING'])).toBe('PONG')
    } finally {
      byUrl.close()
      byHost.close()
    }
  }, 30_000)

  it('refuses a server whose certificate it cannot verify', async () => {
    const e = await RedisConnection.connect({ url: server.url, connectTimeoutMs: 2_000 }).catch(
      (x: unknown) => x,
    )
    expect(e).toBeInstanceOf(SharedStateUnavailableError)
    expect(String((e as Error).cause)).toMatch(/certificate/i)
  }, 30_000)
})
