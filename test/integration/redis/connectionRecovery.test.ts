/**
 * The connection on a real redis-server when Redis stops answering without closing the socket (a stalled server, a
 * half-open connection), and pub/sub asked for while Redis is down.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { RedisConnection, RedisStateStore } from '../../../src/redis/index.js'
import type { PersistedRiskState } from '../../../src/risk/index.js'
import { type RedisServer, startRedisServer } from '../../helpers/redisServer.js'
import { waitFor } from '../../helpers/waitFor.js'
import { expectOutages, unexpectedConnectionErrors } from './outageErrors.js'
import { startStallProxy } from './stallProxy.js'

let server: RedisServer
beforeAll(async () => {
  server = await startRedisServer()
})
afterAll(async () => {
  await server?.close()
})

const halted = (since: number): PersistedRiskState => ({
  version: 1,
  state: 'HALTED',
  reason: 'KILL_SWITCH',
  since,
  consecutiveLosses: 0,
  tsSaved: since,
})

// The outages these tests cause are reported on each connection's `error`; nothing else may be.
afterEach(() => {
  expect(unexpectedConnectionErrors.splice(0)).toEqual([])
})

describe('RedisConnection recovery', () => {
  it('a connection that stops answering is dropped and made again; the lost command is never re-sent', async () => {
    const proxy = await startStallProxy(server.port)
    const redis = await RedisConnection.connect({
      url: proxy.url,
      deployment: 'stall',
      commandTimeoutMs: 200,
    })
    const seen: string[] = []
    redis.events.on('redis.disconnected', (e) => seen.push(e.type))
    redis.events.on('redis.reconnected', (e) => seen.push(e.type))
    try {
      const key = redis.key('n')
      proxy.stall() // the socket stays open, nothing gets through any more
      const lost = await redis.command(['INCR', key]).catch((e: unknown) => e)
      expect(lost).toMatchObject({ name: 'SharedStateUnavailableError', retryable: true })
      // A new connection, not an endless wait behind the unanswered command.
      await waitFor(() => seen.includes('redis.reconnected'), 10_000, 'redis.reconnected')
      expect(seen).toEqual(['redis.disconnected', 'redis.reconnected'])
      expect(proxy.accepted).toBe(2)
      expect(await redis.command(['INCR', key])).toBe(1)
    } finally {
      redis.close()
      await proxy.close()
    }
  })

  it('a watch started while Redis is down subscribes once it returns (pub/sub, not only polling)', async () => {
    const a = expectOutages(await RedisConnection.connect({ url: server.url, deployment: 'sub-down' }))
    const b = expectOutages(
      await RedisConnection.connect({
        url: server.url,
        deployment: 'sub-down',
        commandTimeoutMs: 100,
      }),
    )
    try {
      await server.stop()
      await waitFor(() => !b.isUp, 10_000, 'redis.disconnected')
      const pushed: string[] = []
      const refused = (e: unknown) => expect(e).toMatchObject({ name: 'SharedStateUnavailableError' })
      await b.subscribe('early', (m) => pushed.push(m)).then(() => expect.fail('subscribed'), refused)
      // Polling would take an hour: only pub/sub can deliver the halt.
      const watcher = new RedisStateStore({ redis: b, pollMs: 3_600_000 })
      const states: string[] = []
      watcher.watch((s) => states.push(s.state))
      // Asked for after the watch's: when it gives up, the watch's attempt has failed too.
      await b.subscribe('late', (m) => pushed.push(m)).then(() => expect.fail('subscribed'), refused)
      await server.start()
      await waitFor(() => a.isUp && b.isUp, 10_000, 'redis.reconnected')
      const channel = a.key('risk:risk')
      await waitFor(
        async () => ((await a.command(['PUBSUB', 'NUMSUB', channel])) as unknown[])[1] === 1,
        10_000,
        'the watch subscribed',
      )
      await new RedisStateStore({ redis: a }).save(halted(1_000))
      await waitFor(() => states.includes('HALTED'), 10_000, 'the halt pushed')
      await waitFor(
        async () => {
          const r = (await a.command(['PUBSUB', 'NUMSUB', a.key('early'), a.key('late')])) as unknown[]
          return r[1] === 1 && r[3] === 1
        },
        10_000,
        'the other subscriptions made',
      )
      await a.publish('early', 'hello')
      await a.publish('late', 'again')
      await waitFor(() => pushed.join() === 'hello,again', 10_000, 'the messages')
    } finally {
      a.close()
      b.close()
    }
  })
})
