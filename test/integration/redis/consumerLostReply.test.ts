/**
 * A consumer whose XREADGROUP ran on a real redis-server but whose answer never arrived (the connection stalled on
 * the way back): Redis already moved those entries to the consumer's pending list, so reading only new entries
 * (`>`) would never deliver them. Also the entries a consumer read but never acknowledged before it stopped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RedisConnection, RedisEventConsumer, RedisEventPublisher } from '../../../src/redis/index.js'
import { type RedisServer, startRedisServer } from '../../helpers/redisServer.js'
import { waitFor } from '../../helpers/waitFor.js'
import { startStallProxy } from './stallProxy.js'

let server: RedisServer
beforeAll(async () => {
  server = await startRedisServer()
})
afterAll(async () => {
  await server?.close()
})

type Ticks = { tick: [e: { i: number }] }

describe('RedisEventConsumer after a lost answer', () => {
  it('delivers the entries a read took whose answer was lost', async () => {
    const proxy = await startStallProxy(server.port)
    const bot = await RedisConnection.connect({ url: server.url, deployment: 'lost-reply' })
    const dash = await RedisConnection.connect({
      url: proxy.url,
      deployment: 'lost-reply',
      commandTimeoutMs: 200,
    })
    const consumer = new RedisEventConsumer<Ticks>({
      redis: dash,
      group: 'g',
      consumer: 'c',
      kinds: ['tick'],
      pollMs: 20,
    })
    const seen: number[] = []
    const errors: string[] = []
    consumer.events.on('tick', (e) => seen.push(e.i))
    consumer.events.on('error', (e) => errors.push(e.name))
    const pub = new RedisEventPublisher({ redis: bot, source: 'bot-1' })
    try {
      await consumer.start()
      pub.publish('tick', { i: 1 })
      await waitFor(() => seen.length === 1, 10_000, 'the first tick')
      // Reads still reach Redis, its answers no longer come back.
      proxy.stall({ requests: false, replies: true })
      pub.publish('tick', { i: 2 })
      await waitFor(() => errors.length > 0, 10_000, 'a read that timed out')
      pub.publish('tick', { i: 3 })
      await waitFor(() => seen.length === 3, 10_000, 'ticks 2 and 3')
      expect(seen).toEqual([1, 2, 3])
    } finally {
      consumer.stop()
      bot.close()
      dash.close()
      await proxy.close()
    }
  })

  it('a consumer started again delivers what it read and did not acknowledge before', async () => {
    const redis = await RedisConnection.connect({ url: server.url, deployment: 'unacked' })
    try {
      const pub = new RedisEventPublisher({ redis, source: 'bot-1' })
      const make = () =>
        new RedisEventConsumer<Ticks>({ redis, group: 'g', consumer: 'c', kinds: ['tick'], pollMs: 20 })
      const previous = make()
      await previous.start() // creates the group
      previous.stop()
      pub.publish('tick', { i: 1 })
      await waitFor(() => pub.stats.published === 1)
      // The previous run read it (now pending for "c") and stopped before acknowledging it.
      const key = redis.key('events', 'tick')
      await redis.command(['XREADGROUP', 'GROUP', 'g', 'c', 'COUNT', '10', 'STREAMS', key, '>'])
      const seen: number[] = []
      const again = make()
      again.events.on('tick', (e) => seen.push(e.i))
      await again.start()
      pub.publish('tick', { i: 2 })
      await waitFor(() => seen.length === 2, 10_000, 'both ticks')
      expect(seen).toEqual([1, 2])
      again.stop()
    } finally {
      redis.close()
    }
  })
})
