import { createServer, type Server, type Socket } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isTradekitError, type TradekitError } from '../../../src/errors/index.js'
import {
  ReconnectingWebSocket,
  type ReconnectingWebSocketConfig,
  type WsCloseEvent,
  type WsReconnectingEvent,
} from '../../../src/transport/index.js'
import { startWsServer, type TestWsServer, waitFor } from './servers.js'

let server: TestWsServer
let sockets: ReconnectingWebSocket[] = []

beforeEach(async () => {
  server = await startWsServer()
})
afterEach(async () => {
  await Promise.all(sockets.map((s) => s.close()))
  sockets = []
  await server.close()
})

interface Recorder {
  ws: ReconnectingWebSocket
  messages: string[]
  closes: WsCloseEvent[]
  reconnects: WsReconnectingEvent[]
  errors: TradekitError[]
  opens: number
  stales: number
}

function open(
  url: ReconnectingWebSocket extends never ? never : ConstructorParameters<typeof ReconnectingWebSocket>[0],
  config: ReconnectingWebSocketConfig = {},
): Recorder {
  const ws = new ReconnectingWebSocket(url, { backoffBaseMs: 10, backoffMaxMs: 50, ...config })
  sockets.push(ws)
  const r: Recorder = { ws, messages: [], closes: [], reconnects: [], errors: [], opens: 0, stales: 0 }
  ws.events.on('message', (m) =>
    r.messages.push(typeof m.data === 'string' ? m.data : `<${m.data.byteLength} bytes>`),
  )
  ws.events.on('socket.closed', (e) => r.closes.push(e))
  ws.events.on('socket.reconnectScheduled', (e) => r.reconnects.push(e))
  ws.events.on('error', (e) => r.errors.push(e))
  ws.events.on('socket.opened', () => r.opens++)
  ws.events.on('socket.stalled', () => r.stales++)
  return r
}

describe('ReconnectingWebSocket against a loopback ws server', () => {
  it('keeps receiving when the server closes with 1000 again and again', async () => {
    server.onConnection = (c, i) => {
      c.send(`tick ${i}`)
      if (i < 5) setTimeout(() => c.close(1000, 'bye'), 10)
    }
    const r = open(server.url)
    await waitFor(() => r.messages.length >= 6, 10_000, 'six ticks')
    expect(r.messages.slice(0, 6)).toEqual(['tick 0', 'tick 1', 'tick 2', 'tick 3', 'tick 4', 'tick 5'])
    expect(r.closes.slice(0, 5).every((c) => c.code === 1000 && c.willReconnect)).toBe(true)
    expect(r.ws.stats().reconnects).toBe(5)
    expect(r.ws.state).toBe('OPEN')
  })

  it('reconnects after the socket is destroyed abruptly', async () => {
    server.onConnection = (c, i) => {
      c.send(`hello ${i}`)
      if (i === 0) setTimeout(() => c.terminate(), 10)
    }
    const r = open(server.url)
    await waitFor(() => r.messages.includes('hello 1'), 10_000, 'second connection')
    expect(r.closes[0]?.code).toBe(1006)
    expect(r.closes[0]?.willReconnect).toBe(true)
  })

  it('detects a stalled server, terminates and reconnects within the window', async () => {
    server.onConnection = (c, i) => {
      c.send(`first ${i}`) // then silence on the first connection
      if (i > 0) {
        const t = setInterval(() => c.send('beat'), 20)
        c.on('close', () => clearInterval(t))
      }
    }
    const r = open(server.url, { staleAfterMs: 500 })
    await waitFor(() => r.messages.includes('first 1'), 10_000, 'reconnect after stall')
    expect(r.stales).toBe(1)
    expect(r.closes[0]?.code).toBe(4000)
    expect(r.ws.stats().staleDetections).toBe(1)
    // The live second connection (heartbeat every 20 ms) is never declared stale.
    await new Promise((res) => setTimeout(res, 800))
    expect(r.stales).toBe(1)
    expect(r.ws.state).toBe('OPEN')
  })

  it('server down for a while: backoff grows, then every subscription is replayed on return', async () => {
    const r = open(server.url, { backoffBaseMs: 20, backoffMaxMs: 160, random: () => 0.999 })
    r.ws.subscribe('trades', { method: 'SUBSCRIBE', params: ['btcusdt@trade'], id: 1 })
    r.ws.subscribe('depth', () => ({ method: 'SUBSCRIBE', params: ['btcusdt@depth'], id: 2 }))
    await waitFor(() => (server.received[0]?.length ?? 0) >= 2, 10_000, 'initial subscriptions')
    await server.stop()
    await waitFor(() => r.reconnects.length >= 5, 10_000, 'five failed reconnects')
    const delays = r.reconnects.slice(0, 5).map((e) => e.delayMs)
    expect(r.reconnects.slice(0, 5).map((e) => e.attempt)).toEqual([1, 2, 3, 4, 5])
    expect(delays).toEqual([20, 40, 80, 160, 160])
    r.ws.unsubscribe('depth')
    r.ws.subscribe('book', 'book-sub')
    await server.restart()
    await waitFor(
      () => server.connections.length >= 2 && (server.received[1]?.length ?? 0) >= 2,
      10_000,
      'replay',
    )
    expect(server.received[1]).toEqual([
      JSON.stringify({ method: 'SUBSCRIBE', params: ['btcusdt@trade'], id: 1 }),
      'book-sub',
    ])
    expect(r.ws.subscriptions()).toEqual(['trades', 'book'])
    expect(r.errors.every((e) => isTradekitError(e))).toBe(true)
  })

  it('a flood while disconnected hits the queue bound with a typed error; the rest is sent in order', async () => {
    await server.stop()
    const r = open(server.url, { sendQueueSize: 100 })
    let refused = 0
    let firstError: unknown
    for (let i = 0; i < 1000; i++) {
      try {
        r.ws.send(`m${i}`)
      } catch (e) {
        refused++
        firstError ??= e
      }
    }
    expect(refused).toBe(900)
    expect(isTradekitError(firstError) && firstError.code).toBe('QUEUE_FULL')
    expect(r.ws.stats().queuedOutgoing).toBe(100)
    await server.restart()
    await waitFor(() => (server.received.at(-1)?.length ?? 0) >= 100, 10_000, 'queued messages')
    expect(server.received.at(-1)).toEqual(Array.from({ length: 100 }, (_, i) => `m${i}`))
    expect(r.ws.stats().queuedOutgoing).toBe(0)
  })

  it('re-evaluates an async URL function on every reconnect', async () => {
    let key = 0
    server.onConnection = (c, i) => {
      if (i < 2) setTimeout(() => c.close(1000), 10)
    }
    const r = open(async () => {
      await new Promise((res) => setTimeout(res, 1))
      key++
      return `${server.url}/ws/listenKey${key}`
    })
    await waitFor(() => server.connections.length >= 3 && r.opens >= 3, 10_000, 'three connections')
    expect(server.connections.slice(0, 3)).toEqual(['/ws/listenKey1', '/ws/listenKey2', '/ws/listenKey3'])
  })

  it('a failing URL function is reported and retried, never thrown', async () => {
    let calls = 0
    const r = open(() => {
      calls++
      if (calls < 3) throw new Error('listen key service down')
      return server.url
    })
    await waitFor(() => r.opens === 1, 10_000, 'open after URL failures')
    expect(r.errors.filter((e) => e.code === 'NETWORK')).toHaveLength(2)
  })

  it('sends application pings on an interval and reconnects proactively at max lifetime', async () => {
    const r = open(server.url, { pingIntervalMs: 30, pingMessage: { op: 'ping' }, maxLifetimeMs: 400 })
    await waitFor(
      () => (server.received[0]?.filter((m) => m === '{"op":"ping"}').length ?? 0) >= 3,
      10_000,
      'pings',
    )
    await waitFor(() => server.connections.length >= 2, 10_000, 'lifetime reconnect')
    expect(r.closes[0]?.code).toBe(4002)
    expect(r.closes[0]?.willReconnect).toBe(true)
    expect(r.reconnects[0]?.delayMs).toBe(0)
  })

  it('gives up after maxReconnectAttempts when a cap is set', async () => {
    await server.stop()
    const r = open(server.url, { maxReconnectAttempts: 3 })
    await waitFor(() => r.ws.state === 'CLOSED', 10_000, 'give up')
    expect(r.reconnects).toHaveLength(3)
    expect(r.closes.at(-1)?.willReconnect).toBe(false)
    expect(r.errors.some((e) => e.code === 'SOCKET_CLOSED')).toBe(true)
  })

  it('close() is final: no reconnect, sends refused, iterators end', async () => {
    const r = open(server.url)
    await waitFor(() => r.opens === 1, 10_000, 'open')
    const it = r.ws.messages()
    const pending = it.next()
    await r.ws.close()
    expect(await pending).toEqual({ value: undefined, done: true })
    expect(r.ws.state).toBe('CLOSED')
    expect(r.closes.at(-1)?.willReconnect).toBe(false)
    expect(() => r.ws.send('x')).toThrow(expect.objectContaining({ code: 'SOCKET_CLOSED' }))
    await new Promise((res) => setTimeout(res, 100))
    expect(server.connections).toHaveLength(1)
    expect(r.reconnects).toHaveLength(0)
    await r.ws.close() // idempotent
  })

  it('messages() bounds a slow consumer: oldest dropped, counted, reported', async () => {
    server.onConnection = (c) => {
      for (let i = 0; i < 50; i++) c.send(`n${i}`)
    }
    const r = open(server.url)
    const it = r.ws.messages({ bufferSize: 10 })
    await waitFor(() => r.messages.length === 50, 10_000, 'all messages')
    const got: string[] = []
    for (let i = 0; i < 10; i++) got.push((await it.next()).value?.data as string)
    expect(got).toEqual(Array.from({ length: 10 }, (_, i) => `n${i + 40}`))
    expect(r.ws.stats().droppedMessages).toBe(40)
    expect(r.errors.filter((e) => e.code === 'QUEUE_FULL')).toHaveLength(1)
    await it.return?.()
  })

  it('times out a handshake that never completes and retries', async () => {
    const held = new Set<Socket>()
    const tcp: Server = createServer((s) => {
      held.add(s) // accept TCP, never answer the upgrade
      s.on('error', () => {})
    })
    await new Promise<void>((res) => tcp.listen(0, '127.0.0.1', () => res()))
    const port = (tcp.address() as { port: number }).port
    try {
      const r = open(`ws://127.0.0.1:${port}/secret-listen-key`, { connectTimeoutMs: 100 })
      await waitFor(() => r.closes.length >= 2, 10_000, 'two handshake timeouts')
      expect(r.closes[0]?.code).toBe(4001)
      expect(r.errors.some((e) => e.code === 'NETWORK' && /timed out/.test(e.message))).toBe(true)
      for (const e of r.errors)
        expect(`${e.message}${JSON.stringify(e.details)}`).not.toContain('secret-listen-key')
      await r.ws.close()
    } finally {
      for (const s of held) s.destroy()
      await new Promise<void>((res) => tcp.close(() => res()))
    }
  })

  it('counts binary frames and stats; a throwing listener never breaks the socket', async () => {
    server.onConnection = (c) => {
      c.send(Buffer.from([1, 2, 3, 4]))
      c.send('{"a":1}')
    }
    const r = open(server.url)
    r.ws.events.on('message', () => {
      throw new Error('listener bug')
    })
    await waitFor(() => r.messages.length === 2, 10_000, 'two frames')
    expect(r.messages).toEqual(['<4 bytes>', '{"a":1}'])
    const s = r.ws.stats()
    expect(s.messagesReceived).toBe(2)
    expect(s.bytesReceived).toBe(11)
    expect(s.lastMessageAt).toBeTypeOf('number')
    expect(r.errors.filter((e) => e.code === 'LISTENER_FAILED')).toHaveLength(2)
    r.ws.sendJson({ hi: 1 })
    await waitFor(() => server.received[0]?.includes('{"hi":1}') ?? false, 10_000, 'echo')
  })

  it('autoConnect: false waits for connect(); reconnect() forces a new connection', async () => {
    const r = open(server.url, { autoConnect: false })
    await new Promise((res) => setTimeout(res, 50))
    expect(r.ws.state).toBe('IDLE')
    expect(server.connections).toHaveLength(0)
    r.ws.connect()
    await waitFor(() => r.opens === 1, 10_000, 'open')
    r.ws.reconnect()
    await waitFor(() => r.opens === 2, 10_000, 'second open')
    expect(r.closes[0]?.code).toBe(4003)
  })

  it('rejects invalid config', () => {
    expect(() => new ReconnectingWebSocket(server.url, { pingIntervalMs: 10 })).toThrow(/pingMessage/)
    expect(() => new ReconnectingWebSocket(server.url, { staleAfterMs: -1 })).toThrow(/staleAfterMs/)
  })
})
