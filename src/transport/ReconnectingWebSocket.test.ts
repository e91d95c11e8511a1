import { describe, expect, it } from 'vitest'
import { ManualClock } from '../core/clock.js'
import type { TradekitError } from '../errors/index.js'
import { parseRetryAfter } from './HttpClient.js'
import { ReconnectingWebSocket } from './ReconnectingWebSocket.js'
import type {
  ReconnectingWebSocketConfig,
  WebSocketConstructor,
  WsCloseEvent,
  WsReconnectingEvent,
} from './ws/wsTypes.js'

/** A scriptable stand-in for a browser WebSocket, so timing runs on a ManualClock. */
class FakeSocket {
  static all: FakeSocket[] = []
  readyState = 0
  binaryType = 'blob'
  bufferedAmount = 0
  sent: unknown[] = []
  closedWith: [number | undefined, string | undefined] | undefined
  onopen: ((ev: unknown) => void) | null = null
  onmessage: ((ev: { data: unknown }) => void) | null = null
  onclose: ((ev: { code: number; reason: string; wasClean: boolean }) => void) | null = null
  onerror: ((ev: unknown) => void) | null = null
  constructor(readonly url: string) {
    FakeSocket.all.push(this)
  }
  send(data: unknown): void {
    if (this.readyState !== 1) throw new Error('not open')
    this.sent.push(data)
  }
  /** When true the server never answers the closing handshake. */
  hangOnClose = false
  close(code?: number, reason?: string): void {
    this.closedWith = [code, reason]
    this.readyState = 2
    if (!this.hangOnClose) queueMicrotask(() => this.drop(code ?? 1005, reason ?? ''))
  }
  // test controls
  accept(): void {
    this.readyState = 1
    this.onopen?.({})
  }
  message(data: unknown): void {
    this.onmessage?.({ data })
  }
  drop(code = 1006, reason = ''): void {
    this.readyState = 3
    this.onclose?.({ code, reason, wasClean: code !== 1006 })
  }
}

const flush = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve()
}

function setup(config: ReconnectingWebSocketConfig = {}) {
  FakeSocket.all = []
  const clock = new ManualClock(0)
  const ws = new ReconnectingWebSocket('wss://venue.test/ws', {
    clock,
    WebSocket: FakeSocket as unknown as WebSocketConstructor,
    random: () => 0.999,
    backoffBaseMs: 100,
    backoffMaxMs: 1000,
    ...config,
  })
  const rec = {
    reconnects: [] as WsReconnectingEvent[],
    closes: [] as WsCloseEvent[],
    errors: [] as TradekitError[],
    stales: 0,
  }
  ws.events.on('socket.reconnectScheduled', (e) => rec.reconnects.push(e))
  ws.events.on('socket.closed', (e) => rec.closes.push(e))
  ws.events.on('error', (e) => rec.errors.push(e))
  ws.events.on('socket.stalled', () => rec.stales++)
  const last = (): FakeSocket => FakeSocket.all.at(-1) as FakeSocket
  return { clock, ws, rec, last }
}

describe('ReconnectingWebSocket (fake socket, manual clock)', () => {
  it('backoff grows on repeated failures and resets after a healthy connection', async () => {
    const { clock, ws, rec, last } = setup({ healthyAfterMs: 5000 })
    await flush()
    for (let i = 0; i < 4; i++) {
      last().drop()
      await clock.advanceAsync(2000)
    }
    expect(rec.reconnects.map((e) => e.delayMs)).toEqual([100, 200, 400, 799])
    last().accept()
    await clock.advanceAsync(5000) // stays healthy
    last().drop(1000, 'normal')
    expect(rec.reconnects.at(-1)).toMatchObject({ attempt: 1, delayMs: 100 })
    expect(rec.closes.at(-1)).toMatchObject({ code: 1000, willReconnect: true })
    await ws.close()
  })

  it('stale detection re-arms on traffic and fires only after a full silent window', async () => {
    const { clock, ws, rec, last } = setup({ staleAfterMs: 1000 })
    await flush()
    const first = last()
    first.accept()
    for (let i = 0; i < 5; i++) {
      await clock.advanceAsync(900)
      first.message('tick')
    }
    expect(rec.stales).toBe(0)
    await clock.advanceAsync(999)
    expect(rec.stales).toBe(0)
    await clock.advanceAsync(1)
    expect(rec.stales).toBe(1)
    expect(first.closedWith?.[0]).toBe(4000)
    expect(rec.closes.at(-1)).toMatchObject({ code: 4000, willReconnect: true })
    // Late events of the dropped socket are ignored.
    first.message('late')
    first.drop(1006)
    expect(rec.closes).toHaveLength(1)
    expect(ws.stats().messagesReceived).toBe(5)
    await ws.close()
  })

  it('close() while waiting to reconnect cancels the attempt; close() times out a hung handshake', async () => {
    const { clock, ws, rec, last } = setup({ closeTimeoutMs: 500 })
    await flush()
    last().drop()
    expect(ws.state).toBe('RECONNECTING')
    await ws.close()
    expect(ws.state).toBe('CLOSED')
    await clock.advanceAsync(10_000)
    expect(FakeSocket.all).toHaveLength(1)
    expect(clock.pendingTimers).toBe(0)

    const b = setup({ closeTimeoutMs: 500 })
    await flush()
    b.last().accept()
    b.last().hangOnClose = true
    const done = b.ws.close(1000, 'bye')
    let resolved = false
    void done.then(() => {
      resolved = true
    })
    await flush()
    expect(resolved).toBe(false) // waiting for the server's close frame
    await b.clock.advanceAsync(500)
    expect(resolved).toBe(true)
    expect(b.rec.closes.at(-1)).toMatchObject({ willReconnect: false })
    expect(b.clock.pendingTimers).toBe(0)
    expect(rec.closes).toHaveLength(1) // the drop; no connection existed when close() was called
  })

  it('replays subscriptions before queued sends, and refuses sends over the socket buffer bound', async () => {
    const { ws, last } = setup({ maxBufferedBytes: 10 })
    ws.send('queued-1')
    ws.subscribe('a', { op: 'sub', ch: 'a' })
    ws.send('queued-2')
    await flush()
    const s = last()
    s.accept()
    expect(s.sent).toEqual(['{"op":"sub","ch":"a"}', 'queued-1', 'queued-2'])
    expect(s.binaryType).toBe('arraybuffer')
    s.bufferedAmount = 11
    expect(() => ws.send('x')).toThrow(expect.objectContaining({ code: 'QUEUE_FULL' }))
    s.bufferedAmount = 0
    ws.send(new Uint8Array([1, 2]))
    expect(ws.stats().messagesSent).toBe(4)
    await ws.close()
  })

  it('refuses a subscription without a key or a message (it would replay "undefined" on every reconnect)', async () => {
    const { ws, last } = setup()
    const subscribe = ws.subscribe.bind(ws) as (key: unknown, message?: unknown) => void
    expect(() => subscribe('trades')).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }))
    expect(() => subscribe('trades', null)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }))
    expect(() => subscribe('', 'sub')).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }))
    expect(ws.subscriptions()).toEqual([])
    await flush()
    last().accept()
    expect(last().sent).toEqual([])
    await ws.close()
  })

  it('delivers binary views as ArrayBuffer and counts bytes', async () => {
    const { ws, last } = setup()
    const got: unknown[] = []
    ws.events.on('message', (m) => got.push(m.data))
    await flush()
    last().accept()
    const bytes = new Uint8Array([9, 8, 7, 6]).subarray(1, 3)
    last().message(bytes)
    expect(got[0]).toBeInstanceOf(ArrayBuffer)
    expect([...new Uint8Array(got[0] as ArrayBuffer)]).toEqual([8, 7])
    expect(ws.stats().bytesReceived).toBe(2)
    await ws.close()
  })

  it('reports errors of the socket without the URL', async () => {
    const { ws, rec, last } = setup()
    await flush()
    last().onerror?.({ message: 'getaddrinfo ENOTFOUND wss://venue.test/ws?listenKey=abc' })
    expect(rec.errors[0]?.code).toBe('NETWORK')
    expect(rec.errors[0]?.message).not.toContain('listenKey')
    await ws.close()
  })
})

describe('ReconnectingWebSocket socket creation failures', () => {
  it('reports a constructor that throws without leaking the URL, and retries', async () => {
    const clock = new ManualClock(0)
    let calls = 0
    const Throwing = function (this: unknown, url: string) {
      calls++
      throw new SyntaxError(`Invalid URL: ${url}`)
    } as unknown as WebSocketConstructor
    const ws = new ReconnectingWebSocket('wss://x.test/ws?listenKey=secret', {
      clock,
      WebSocket: Throwing,
      backoffBaseMs: 10,
      backoffMaxMs: 10,
    })
    const errors: TradekitError[] = []
    ws.events.on('error', (e) => errors.push(e))
    await clock.advanceAsync(100)
    expect(calls).toBeGreaterThan(2)
    expect(errors[0]?.code).toBe('NETWORK')
    expect(errors[0]?.cause).toBeUndefined()
    expect(errors.every((e) => !e.message.includes('secret'))).toBe(true)
    await ws.close()
  })
})

describe('ReconnectingWebSocket URL function that hangs', () => {
  it('is bounded by connectTimeoutMs and called again on the next attempt', async () => {
    const clock = new ManualClock(0)
    let calls = 0
    const ws = new ReconnectingWebSocket(
      () => {
        calls++
        return new Promise<string>(() => {}) // never settles
      },
      {
        clock,
        WebSocket: FakeSocket as unknown as WebSocketConstructor,
        connectTimeoutMs: 1000,
        backoffBaseMs: 10,
      },
    )
    const closes: WsCloseEvent[] = []
    ws.events.on('socket.closed', (e) => closes.push(e))
    ws.events.on('error', () => {})
    await clock.advanceAsync(999)
    expect(closes).toHaveLength(0)
    await clock.advanceAsync(1)
    expect(closes[0]).toMatchObject({ code: 4001, willReconnect: true })
    await clock.advanceAsync(20)
    expect(calls).toBe(2)
    await ws.close()
    expect(clock.pendingTimers).toBe(0)
  })
})

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('2', 0)).toBe(2000)
    expect(parseRetryAfter(' 0.5 ', 0)).toBe(500)
    expect(parseRetryAfter(null, 0)).toBeUndefined()
    expect(parseRetryAfter('soon', 0)).toBeUndefined()
    const now = Date.parse('2024-01-01T00:00:00Z')
    expect(parseRetryAfter('Mon, 01 Jan 2024 00:00:30 GMT', now)).toBe(30_000)
    expect(parseRetryAfter('Mon, 01 Jan 2023 00:00:30 GMT', now)).toBe(0)
  })
})
