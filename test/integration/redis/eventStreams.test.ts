/** Event fan-out on Redis Streams (real redis-server): typed replay with Decimals, groups, MAXLEN, an outage. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { ExecutionEvents, OrderEvent } from '../../../src/core/index.js'
import { isDecimal } from '../../../src/decimal/index.js'
import type { TradekitError } from '../../../src/errors/index.js'
import {
  encodeEvent,
  eventStreamKey,
  RedisConnection,
  RedisEventConsumer,
  type RedisEventMeta,
  RedisEventPublisher,
} from '../../../src/redis/index.js'
import { FakeExecutor, openOrder } from '../../../src/risk/__fixtures__/builders.js'
import { type RedisServer, startRedisServer } from '../../helpers/redisServer.js'
import { waitFor } from '../../helpers/waitFor.js'
import { expectOutages, unexpectedConnectionErrors } from './outageErrors.js'

let server: RedisServer
beforeAll(async () => {
  server = await startRedisServer()
})
afterAll(async () => {
  await server?.close()
})

// The outages these tests cause are reported on each connection's `error`; nothing else may be.
afterEach(() => {
  expect(unexpectedConnectionErrors.splice(0)).toEqual([])
})

describe('Redis event streams', () => {
  it("replays a bot's order events into the same types, Decimals included, once per group", async () => {
    const bot = await RedisConnection.connect({ url: server.url, deployment: 'ev' })
    const dash = await RedisConnection.connect({ url: server.url, deployment: 'ev' })
    try {
      const executor = new FakeExecutor(['binance'], [])
      const pub = new RedisEventPublisher({ redis: bot, source: 'bot-1' })
      const detach = pub.attach(executor.events, ['order.accepted', 'order.canceled'])
      const got: Array<[OrderEvent, RedisEventMeta]> = []
      const other: OrderEvent[] = []
      const a = new RedisEventConsumer<ExecutionEvents>({
        redis: dash,
        group: 'dashboard',
        consumer: 'd1',
        kinds: ['order.accepted', 'order.canceled'],
        pollMs: 20,
      })
      const b = new RedisEventConsumer<ExecutionEvents>({
        redis: dash,
        group: 'journal',
        consumer: 'j1',
        kinds: ['order.accepted'],
        pollMs: 20,
      })
      a.events.on('order.accepted', (e, meta) => got.push([e, meta]))
      a.events.on('order.canceled', (e, meta) => got.push([e, meta]))
      b.events.on('order.accepted', (e) => other.push(e))
      executor.bus.emit('order.accepted', { type: 'order.accepted', order: openOrder('x1'), tsEvent: 5 })
      executor.bus.emit('order.canceled', {
        type: 'order.canceled',
        order: openOrder('x1', { status: 'CANCELED' }),
        tsEvent: 6,
      })
      await a.start()
      await b.start()
      await waitFor(() => got.length === 2 && other.length === 1)
      const [first, meta] = got[0]!
      expect(first.type).toBe('order.accepted')
      expect(meta.source).toBe('bot-1')
      expect(isDecimal(first.order.price)).toBe(true)
      expect(first.order.price?.toFixed()).toBe('90')
      expect(isDecimal(first.order.qty) && first.order.qty.eq(1)).toBe(true)
      expect(got[1]![0].order.status).toBe('CANCELED')
      // A duplicate left by a publish retry (same source and sequence) is dropped.
      const key = eventStreamKey(bot, 'order.accepted')
      const [entry] = (await bot.command(['XRANGE', key, '-', '+', 'COUNT', '1'])) as Array<
        [string, string[]]
      >
      const run = String(JSON.parse(entry![1][1]!).run)
      const dup = encodeEvent(
        'order.accepted',
        { type: 'order.accepted', order: openOrder('x1'), tsEvent: 5 },
        { source: 'bot-1', run, seq: 1 },
      )
      await bot.command(['XADD', key, '*', 'e', dup])
      executor.bus.emit('order.accepted', { type: 'order.accepted', order: openOrder('x2'), tsEvent: 7 })
      await waitFor(() => got.length === 3)
      expect(got[2]![0].order.clientOrderId).toBe('x2')
      a.stop()
      b.stop()
      detach()
    } finally {
      bot.close()
      dash.close()
    }
  })

  it('bounds each stream with MAXLEN', async () => {
    const bot = await RedisConnection.connect({ url: server.url, deployment: 'maxlen' })
    try {
      const pub = new RedisEventPublisher({ redis: bot, source: 'bot-1', maxLen: 10 })
      for (let i = 0; i < 500; i++) pub.publish('signal', { type: 'signal', i })
      await waitFor(() => pub.stats.published === 500)
      // MAXLEN ~ trims whole nodes (100 entries by default): bounded, not exact.
      expect(Number(await bot.command(['XLEN', eventStreamKey(bot, 'signal')]))).toBeLessThan(250)
    } finally {
      bot.close()
    }
  })

  it('an event Redis refuses (WRONGTYPE) is reported once and set aside; the events behind it go out', async () => {
    const bot = await RedisConnection.connect({ url: server.url, deployment: 'refused' })
    try {
      // The stream key of one kind holds a string: every XADD to it gets an error reply, Redis itself is up.
      await bot.command(['SET', eventStreamKey(bot, 'bad'), 'not a stream'])
      const pub = new RedisEventPublisher({ redis: bot, source: 'bot-1' })
      const errors: TradekitError[] = []
      pub.events.on('error', (e) => errors.push(e))
      pub.publish('bad', { type: 'bad' })
      for (let i = 1; i <= 3; i++) pub.publish('tick', { i })
      await waitFor(() => pub.stats.published === 3, 10_000, 'the events behind the refused one')
      expect(pub.stats).toEqual({ published: 3, dropped: 0, rejected: 1, buffered: 0 })
      expect(Number(await bot.command(['XLEN', eventStreamKey(bot, 'tick')]))).toBe(3)
      pub.publish('tick', { i: 4 })
      await waitFor(() => pub.stats.published === 4, 10_000, 'a later event')
      expect(errors).toHaveLength(1)
      expect(errors[0]).toMatchObject({
        name: 'StateError',
        code: 'INVALID_STATE',
        retryable: false,
        details: { store: 'redis', stream: eventStreamKey(bot, 'bad'), replyCode: 'WRONGTYPE' },
      })
      expect(await bot.command(['GET', eventStreamKey(bot, 'bad')])).toBe('not a stream')
    } finally {
      bot.close()
    }
  })

  it('buffers events while Redis is down and sends them in order when it returns', async () => {
    const bot = expectOutages(await RedisConnection.connect({ url: server.url, deployment: 'outage' }))
    const dash = expectOutages(await RedisConnection.connect({ url: server.url, deployment: 'outage' }))
    try {
      const pub = new RedisEventPublisher({ redis: bot, source: 'bot-1' })
      const seen: number[] = []
      const c = new RedisEventConsumer<{ tick: [e: { i: number }] }>({
        redis: dash,
        group: 'g',
        consumer: 'c',
        kinds: ['tick'],
        pollMs: 20,
      })
      c.events.on('tick', (e) => seen.push(e.i))
      c.events.on('error', () => {}) // Redis down: reported, then retried
      await c.start()
      pub.publish('tick', { i: 1 })
      await waitFor(() => seen.length === 1)
      await server.stop()
      await waitFor(() => !bot.isUp)
      for (let i = 2; i <= 5; i++) pub.publish('tick', { i })
      expect(pub.stats.buffered).toBe(4)
      await server.start()
      await waitFor(() => seen.length === 5)
      expect(seen).toEqual([1, 2, 3, 4, 5])
      c.stop()
    } finally {
      bot.close()
      dash.close()
    }
  })
})
