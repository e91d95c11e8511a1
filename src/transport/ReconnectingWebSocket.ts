import { WebSocket as IsoWebSocket } from 'isows'
import { z } from 'zod'
import { type Clock, SystemClock, type TimerHandle } from '../core/clock.js'
import { parseConfig } from '../core/config.js'
import { type Listenable, TypedEmitter } from '../core/events.js'
import { ClockSchema, DurationMsSchema, PositiveDurationMsSchema } from '../core/schemas.js'
import {
  NetworkError,
  QueueFullError,
  SocketClosedError,
  type TradekitError,
  toTradekitError,
} from '../errors/index.js'
import { backoffDelay } from './backoff.js'

/** Where to connect: a URL, or a (possibly async) function called again before every reconnect. */
export type WebSocketUrl = string | URL | (() => string | URL | Promise<string | URL>)

/** Data that can be sent on the socket. */
export type WebSocketData = string | ArrayBuffer | ArrayBufferView

/** A subscribe (or ping) message: text/binary as is, an object as JSON, or a function evaluated at send time. */
export type OutgoingMessage = WebSocketData | object | (() => WebSocketData | object)

/** Connection states of a {@link ReconnectingWebSocket}. */
export const ConnectionState = {
  /** Created with `autoConnect: false` and not started yet. */
  IDLE: 'IDLE',
  CONNECTING: 'CONNECTING',
  OPEN: 'OPEN',
  /** Waiting out the backoff delay before the next attempt. */
  RECONNECTING: 'RECONNECTING',
  /** Final: `close()` was called or the attempt cap was reached. */
  CLOSED: 'CLOSED',
} as const
/** One of the {@link ConnectionState} values. */
export type ConnectionState = (typeof ConnectionState)[keyof typeof ConnectionState]

/** Close codes this client reports for connections it ended itself (the server never sent them). */
export const LocalCloseCode = {
  /** No frame within `staleAfterMs`. */
  STALE: 4000,
  /** The handshake did not complete within `connectTimeoutMs`. */
  CONNECT_TIMEOUT: 4001,
  /** `maxLifetimeMs` reached: proactive reconnect. */
  MAX_LIFETIME: 4002,
  /** `reconnect()` was called. */
  RECONNECT_REQUESTED: 4003,
  /** The socket failed before it could be opened (bad URL, URL function threw). */
  CONNECT_FAILED: 4004,
} as const

/** Minimal shape of a WebSocket constructor (the isows/`ws`/browser one by default). */
export interface WebSocketConstructor {
  new (url: string, protocols?: string | string[]): WebSocket
}

const isFn = (v: unknown): boolean => typeof v === 'function'

/** Schema of {@link ReconnectingWebSocketConfig}; defaults are applied here. */
export const ReconnectingWebSocketConfigSchema = z
  .object({
    /** Sub-protocols for the handshake. */
    protocols: z.union([z.string(), z.array(z.string())]).optional(),
    /** Connect in the constructor. Default true; otherwise call `connect()`. */
    autoConnect: z.boolean().default(true),
    /** Ceiling of the first reconnect delay (full jitter), ms. Default 500. */
    backoffBaseMs: DurationMsSchema.default(500),
    /** Largest reconnect delay ceiling, ms. Default 30 s. */
    backoffMaxMs: DurationMsSchema.default(30_000),
    /** Reconnect attempts in a row before giving up for good. Default unlimited. */
    maxReconnectAttempts: z.number().int().positive().optional(),
    /** A connection open this long resets the backoff to its base, ms. Default 30 s. */
    healthyAfterMs: PositiveDurationMsSchema.default(30_000),
    /** Time allowed to connect (URL function and handshake), ms. Default 10 s. */
    connectTimeoutMs: PositiveDurationMsSchema.default(10_000),
    /** No frame (message, or `ws` ping/pong) for this long means dead: terminate and reconnect. `0` disables. Default 60 s. */
    staleAfterMs: DurationMsSchema.default(60_000),
    /** Send `pingMessage` every this many ms while open. `0` (default) disables. */
    pingIntervalMs: DurationMsSchema.default(0),
    /** Application-level ping: text, an object (sent as JSON) or a function. */
    pingMessage: z.custom<OutgoingMessage>((v) => v !== undefined && v !== null).optional(),
    /** Reconnect proactively once a connection is this old, ms (Binance closes at 24 h). Default off. */
    maxLifetimeMs: PositiveDurationMsSchema.optional(),
    /** Messages kept while disconnected; more throw `QueueFullError`. Default 1000. */
    sendQueueSize: z.number().int().nonnegative().default(1000),
    /** Bytes the socket may hold unsent while open before `send` throws `QueueFullError`. Default 16 MiB. */
    maxBufferedBytes: z
      .number()
      .int()
      .positive()
      .default(16 * 1024 * 1024),
    /** How long `close()` waits for the closing handshake before dropping the socket, ms. Default 2 s. */
    closeTimeoutMs: PositiveDurationMsSchema.default(2_000),
    /** WebSocket implementation; default isows (native where available, `ws` in Node). */
    WebSocket: z.custom<WebSocketConstructor>(isFn, 'must be a constructor').optional(),
    /** Time source; default `SystemClock`. */
    clock: ClockSchema.optional(),
    /** Randomness for jitter, in [0, 1). Default `Math.random`. */
    random: z.custom<() => number>(isFn, 'must be a function').optional(),
    /** Receives errors emitted while nobody listens to `error`. */
    onUnhandledError: z.custom<(e: TradekitError) => void>(isFn, 'must be a function').optional(),
  })
  .strict()
  .refine((c) => c.pingIntervalMs === 0 || c.pingMessage !== undefined, {
    message: 'pingMessage is required when pingIntervalMs > 0',
    path: ['pingMessage'],
  })

/** What {@link ReconnectingWebSocket} takes (defaults documented on {@link ReconnectingWebSocketConfigSchema}). */
export type ReconnectingWebSocketConfig = z.input<typeof ReconnectingWebSocketConfigSchema>

/** Payload of `open`. */
export interface WsOpenEvent {
  readonly type: 'open'
  /** Failed attempts in a row before this one succeeded (0 on a clean first connect). */
  readonly attempt: number
  readonly tsEvent: number
}

/** Payload of `message`: text frames arrive as strings, binary frames as `ArrayBuffer`. */
export interface WsMessageEvent {
  readonly type: 'message'
  readonly data: string | ArrayBuffer
  readonly tsEvent: number
}

/** Payload of `close`: one per connection that ends (or fails to open). */
export interface WsCloseEvent {
  readonly type: 'close'
  readonly code: number
  readonly reason: string
  readonly wasClean: boolean
  /** False only after `close()` or when the attempt cap is reached. */
  readonly willReconnect: boolean
  readonly tsEvent: number
}

/** Payload of `reconnecting`. */
export interface WsReconnectingEvent {
  readonly type: 'reconnecting'
  /** 1 for the first reconnect after a healthy connection, growing until a connection stays up. */
  readonly attempt: number
  readonly delayMs: number
  readonly tsEvent: number
}

/** Payload of `stale`: no frame for `silentMs`; the socket is terminated and reconnected. */
export interface WsStaleEvent {
  readonly type: 'stale'
  readonly silentMs: number
  readonly tsEvent: number
}

/** Events of a {@link ReconnectingWebSocket}. Always listen to `error`. */
export interface ReconnectingWebSocketEvents {
  open: [e: WsOpenEvent]
  message: [e: WsMessageEvent]
  close: [e: WsCloseEvent]
  reconnecting: [e: WsReconnectingEvent]
  stale: [e: WsStaleEvent]
  error: [error: TradekitError]
}

/** Counters of a {@link ReconnectingWebSocket}. */
export interface WebSocketStats {
  readonly state: ConnectionState
  readonly messagesReceived: number
  /** Payload size received: UTF-16 code units for text frames (bytes for ASCII JSON), bytes for binary. */
  readonly bytesReceived: number
  readonly messagesSent: number
  /** Reconnect attempts scheduled since creation. */
  readonly reconnects: number
  /** Connections ended for staleness. */
  readonly staleDetections: number
  /** Epoch ms of the last message, or `undefined`. */
  readonly lastMessageAt: number | undefined
  /** Epoch ms at which the current connection opened, or `undefined` when not open. */
  readonly connectedAt: number | undefined
  /** Messages waiting to be sent. */
  readonly queuedOutgoing: number
  /** Messages dropped by {@link ReconnectingWebSocket.messages} iterators whose consumer fell behind. */
  readonly droppedMessages: number
}

/** Options of {@link ReconnectingWebSocket.messages}. */
export interface MessagesOptions {
  /** Messages buffered for a slow consumer; past it the oldest is dropped and counted. Default 1024. */
  readonly bufferSize?: number
}

type WsLike = WebSocket & {
  on?: (event: string, fn: (...args: unknown[]) => void) => unknown
  terminate?: () => void
}

const noop = (): void => {}

/**
 * A WebSocket that never gives up: it reconnects after every close it did not ask for (1000 included), forever by
 * default, with jittered exponential backoff; detects silent sockets; replays subscriptions; and bounds every queue.
 * `close()` is the only final stop. Runs on isows (Node, Bun, Deno, browsers). Background failures are emitted on
 * `error`, never thrown.
 *
 * Inbound policy: messages are delivered synchronously, in order, to `message` listeners, and tradekit keeps no
 * inbound queue of its own. A consumer that works asynchronously should read {@link ReconnectingWebSocket.messages},
 * whose buffer is bounded (oldest dropped, counted in `stats().droppedMessages`, reported on `error`).
 *
 * @example
 * ```ts
 * const ws = new ReconnectingWebSocket(async () => `wss://stream.binance.com:9443/ws/${await listenKey()}`, {
 *   staleAfterMs: 60_000,
 *   maxLifetimeMs: 23 * 3600_000,
 * })
 * ws.events.on('message', (m) => handle(m.data))
 * ws.events.on('error', (e) => log.warn(e))
 * ws.subscribe('btc@trade', { method: 'SUBSCRIBE', params: ['btcusdt@trade'], id: 1 })
 * await ws.close()
 * ```
 */
export class ReconnectingWebSocket {
  readonly #bus: TypedEmitter<ReconnectingWebSocketEvents>
  /** Subscribe to `open`, `message`, `close`, `reconnecting`, `stale` and `error`. */
  readonly events: Listenable<ReconnectingWebSocketEvents>
  readonly #cfg: z.output<typeof ReconnectingWebSocketConfigSchema>
  readonly #url: WebSocketUrl
  readonly #clock: Clock
  readonly #Ctor: WebSocketConstructor
  readonly #subs = new Map<string, OutgoingMessage>()
  readonly #queue: WebSocketData[] = []
  readonly #sinks = new Set<MessageSink>()
  #state: ConnectionState = ConnectionState.IDLE
  #sock: WsLike | undefined
  #gen = 0
  #attempt = 0
  #closed = false
  #closePromise: Promise<void> | undefined
  #resolveClose: (() => void) | undefined
  #lastFrameAt = 0
  #connectedAt: number | undefined
  #timers: {
    reconnect?: TimerHandle
    connect?: TimerHandle
    stale?: TimerHandle
    ping?: TimerHandle
    lifetime?: TimerHandle
    healthy?: TimerHandle
    close?: TimerHandle
  } = {}
  #received = 0
  #bytes = 0
  #sent = 0
  #reconnects = 0
  #stale = 0
  #lastMessageAt: number | undefined
  #dropped = 0

  constructor(url: WebSocketUrl, config: ReconnectingWebSocketConfig = {}) {
    const cfg = parseConfig(ReconnectingWebSocketConfigSchema, config, 'ReconnectingWebSocket')
    this.#cfg = cfg
    this.#url = url
    this.#clock = cfg.clock ?? new SystemClock()
    this.#Ctor = cfg.WebSocket ?? (IsoWebSocket as unknown as WebSocketConstructor)
    this.#bus = new TypedEmitter<ReconnectingWebSocketEvents>(
      cfg.onUnhandledError ? { onUnhandledError: cfg.onUnhandledError } : {},
    )
    this.events = this.#bus
    if (cfg.autoConnect) this.connect()
  }

  /** Current connection state. */
  get state(): ConnectionState {
    return this.#state
  }

  /** True when the socket is open and `send` goes straight out. */
  get isOpen(): boolean {
    return this.#state === ConnectionState.OPEN
  }

  /** Starts connecting (only needed with `autoConnect: false`). Idempotent; does nothing after `close()`. */
  connect(): void {
    if (this.#closed || this.#state !== ConnectionState.IDLE) return
    this.#setState(ConnectionState.CONNECTING)
    // Deferred, so listeners attached right after the constructor see every event, errors included.
    const gen = this.#gen
    queueMicrotask(() => {
      if (!this.#closed && gen === this.#gen) this.#startOpen()
    })
  }

  /**
   * Sends now when open, otherwise queues (bounded) until the next open. Throws `QueueFullError` when the queue
   * (or, while open, the socket's unsent buffer) is full, and `SocketClosedError` after `close()`.
   */
  send(data: WebSocketData): void {
    if (this.#closed) throw new SocketClosedError('Cannot send: the socket was closed with close()')
    const sock = this.#sock
    if (this.#state === ConnectionState.OPEN && sock !== undefined && sock.readyState === 1) {
      if (sock.bufferedAmount > this.#cfg.maxBufferedBytes) {
        throw new QueueFullError('Socket send buffer is full', this.#cfg.maxBufferedBytes, {
          details: { bufferedAmount: sock.bufferedAmount },
        })
      }
      sock.send(data)
      this.#sent++
      return
    }
    if (this.#queue.length >= this.#cfg.sendQueueSize) {
      throw new QueueFullError(
        `Outgoing queue is full (${this.#cfg.sendQueueSize} messages) while disconnected`,
        this.#cfg.sendQueueSize,
      )
    }
    this.#queue.push(data)
  }

  /** {@link ReconnectingWebSocket.send} of `JSON.stringify(value)`. */
  sendJson(value: unknown): void {
    this.send(JSON.stringify(value))
  }

  /**
   * Registers a subscription under `key`: sent now when open, and replayed after every reconnect, in registration
   * order. Registering the same key again replaces its message.
   */
  subscribe(key: string, message: OutgoingMessage): void {
    if (this.#closed) throw new SocketClosedError('Cannot subscribe: the socket was closed with close()')
    this.#subs.delete(key)
    this.#subs.set(key, message)
    if (this.#state === ConnectionState.OPEN) this.#sendNow(message)
  }

  /**
   * Removes a subscription so it is not replayed; sends `message` (the venue's unsubscribe) when given and open.
   * Returns whether the key was registered.
   */
  unsubscribe(key: string, message?: OutgoingMessage): boolean {
    const had = this.#subs.delete(key)
    if (message !== undefined && this.#state === ConnectionState.OPEN) this.#sendNow(message)
    return had
  }

  /** Keys of the registered subscriptions, in replay order. */
  subscriptions(): readonly string[] {
    return [...this.#subs.keys()]
  }

  /** Drops the current connection and connects again at once (the URL function is called again). */
  reconnect(): void {
    if (this.#closed) return
    if (this.#state === ConnectionState.OPEN || this.#state === ConnectionState.CONNECTING) {
      this.#drop(LocalCloseCode.RECONNECT_REQUESTED, 'reconnect requested', true)
    } else if (this.#state === ConnectionState.RECONNECTING) {
      this.#clock.clearTimeout(this.#timers.reconnect)
      this.#startOpen()
    } else {
      this.connect()
    }
  }

  /**
   * A bounded async iterator over incoming messages, for consumers that process asynchronously. When the consumer
   * falls behind by `bufferSize` messages the oldest is dropped, counted and reported on `error`. Ends after
   * `close()`.
   */
  messages(options: MessagesOptions = {}): AsyncIterableIterator<WsMessageEvent> {
    const sink = new MessageSink(Math.max(1, Math.floor(options.bufferSize ?? 1024)), (first) => {
      this.#dropped++
      if (!first) return
      this.#bus.emit(
        'error',
        new QueueFullError('A messages() consumer fell behind; dropping the oldest messages', sink.capacity),
      )
    })
    if (this.#closed) sink.end()
    else this.#sinks.add(sink)
    sink.onReturn = () => this.#sinks.delete(sink)
    return sink
  }

  /** Counters for metrics. */
  stats(): WebSocketStats {
    return {
      state: this.#state,
      messagesReceived: this.#received,
      bytesReceived: this.#bytes,
      messagesSent: this.#sent,
      reconnects: this.#reconnects,
      staleDetections: this.#stale,
      lastMessageAt: this.#lastMessageAt,
      connectedAt: this.#connectedAt,
      queuedOutgoing: this.#queue.length,
      droppedMessages: this.#dropped,
    }
  }

  /**
   * Closes for good: no reconnect after this. Resolves once the socket is closed (or dropped after
   * `closeTimeoutMs`). Queued outgoing messages are discarded. Idempotent.
   */
  close(code = 1000, reason = ''): Promise<void> {
    if (this.#closePromise !== undefined) return this.#closePromise
    this.#closed = true
    this.#closePromise = new Promise<void>((resolve) => {
      this.#resolveClose = resolve
    })
    this.#clearTimers()
    this.#queue.length = 0
    const sock = this.#sock
    if (sock === undefined || this.#state !== ConnectionState.OPEN) {
      // Not open: nothing to hand-shake; drop whatever is half-made.
      if (sock !== undefined) this.#kill(sock, code, reason)
      this.#finish(code, reason, sock !== undefined)
      return this.#closePromise
    }
    try {
      sock.close(code, reason)
    } catch {
      this.#kill(sock, code, reason)
      this.#finish(code, reason, true)
      return this.#closePromise
    }
    this.#timers.close = this.#clock.setTimeout(() => {
      this.#kill(sock, code, reason)
      this.#finish(code, reason, true)
    }, this.#cfg.closeTimeoutMs)
    return this.#closePromise
  }

  // ---- connection lifecycle ----

  /** Runs `#open` so that even an unexpected throw is reported on `error`, never left unhandled. */
  #startOpen(): void {
    this.#open().catch((e: unknown) => {
      this.#bus.emit('error', toTradekitError(e))
      if (!this.#closed) this.#ended(LocalCloseCode.CONNECT_FAILED, 'connect failed', false, false)
    })
  }

  async #open(): Promise<void> {
    const gen = ++this.#gen
    this.#setState(ConnectionState.CONNECTING)
    // The deadline covers the URL function too: a listen-key call that hangs must not stall reconnecting.
    this.#timers.connect = this.#clock.setTimeout(() => {
      if (gen !== this.#gen || this.#state !== ConnectionState.CONNECTING) return
      this.#bus.emit(
        'error',
        new NetworkError(
          `WebSocket connect (URL and handshake) timed out after ${this.#cfg.connectTimeoutMs} ms`,
        ),
      )
      this.#drop(LocalCloseCode.CONNECT_TIMEOUT, 'connect timeout', false)
    }, this.#cfg.connectTimeoutMs)
    let url: string
    try {
      const u = typeof this.#url === 'function' ? await this.#url() : this.#url
      url = String(u)
    } catch (e) {
      if (gen !== this.#gen || this.#closed) return
      this.#bus.emit('error', new NetworkError('WebSocket URL provider failed', { cause: e }))
      this.#ended(LocalCloseCode.CONNECT_FAILED, 'url provider failed', false, false)
      return
    }
    if (gen !== this.#gen || this.#closed) return
    let sock: WsLike
    try {
      sock = new this.#Ctor(url, this.#cfg.protocols) as WsLike
    } catch (e) {
      // `ws` quotes the URL ("Invalid URL: wss://...?listenKey=..."): keep such an error out of `cause`.
      const text = e instanceof Error ? e.message : String(e)
      const cause = text.includes('://') || text.includes('?') ? undefined : e
      this.#bus.emit(
        'error',
        new NetworkError(
          `WebSocket could not be created: ${errorName(e)}`,
          cause === undefined ? {} : { cause },
        ),
      )
      this.#ended(LocalCloseCode.CONNECT_FAILED, 'socket creation failed', false, false)
      return
    }
    this.#sock = sock
    // The `ws` package (Node): use its EventEmitter API, which skips a MessageEvent per frame.
    const isNodeWs = typeof sock.on === 'function' && typeof sock.terminate === 'function'
    try {
      ;(sock as { binaryType: string }).binaryType = isNodeWs ? 'nodebuffer' : 'arraybuffer'
    } catch {
      // Some implementations only support one binary type; frames are still delivered.
    }
    if (isNodeWs) {
      const on = sock.on as NonNullable<WsLike['on']>
      // `ws` throws on an 'error' event without listener (e.g. terminate() while connecting): always keep one.
      on.call(sock, 'error', noop)
      const touch = (): void => {
        if (gen === this.#gen) this.#lastFrameAt = this.#clock.now()
      }
      on.call(sock, 'ping', touch)
      on.call(sock, 'pong', touch)
      on.call(sock, 'message', (data: unknown, isBinary: unknown) => {
        // Text frames arrive as a Buffer: decode to a string (UTF-8), as the browser API does.
        if (gen === this.#gen)
          this.#onMessage(isBinary === true ? data : (data as { toString(): string }).toString())
      })
    } else {
      sock.onmessage = (ev: MessageEvent) => {
        if (gen === this.#gen) this.#onMessage(ev.data)
      }
    }
    sock.onopen = () => {
      if (gen === this.#gen) this.#onOpen()
    }
    sock.onerror = (ev: Event) => {
      if (gen !== this.#gen) return
      const message = (ev as { message?: unknown }).message
      this.#bus.emit(
        'error',
        new NetworkError(`WebSocket error${typeof message === 'string' ? `: ${stripUrl(message)}` : ''}`),
      )
    }
    sock.onclose = (ev: CloseEvent) => {
      if (gen !== this.#gen) return
      this.#ended(ev.code, ev.reason ?? '', ev.wasClean ?? false, true)
    }
  }

  #onOpen(): void {
    const now = this.#clock.now()
    this.#clock.clearTimeout(this.#timers.connect)
    this.#setState(ConnectionState.OPEN)
    this.#connectedAt = now
    this.#lastFrameAt = now
    const attempt = this.#attempt
    const cfg = this.#cfg
    if (cfg.staleAfterMs > 0) this.#armStale(cfg.staleAfterMs)
    if (cfg.pingIntervalMs > 0) this.#armPing()
    if (cfg.maxLifetimeMs !== undefined) {
      this.#timers.lifetime = this.#clock.setTimeout(
        () => this.#drop(LocalCloseCode.MAX_LIFETIME, 'max lifetime reached', true),
        cfg.maxLifetimeMs,
      )
    }
    this.#timers.healthy = this.#clock.setTimeout(() => {
      this.#attempt = 0
    }, cfg.healthyAfterMs)
    // Subscriptions first, then what was queued while disconnected, in order.
    for (const message of this.#subs.values()) {
      if (this.#state !== ConnectionState.OPEN) return
      this.#sendNow(message)
    }
    while (this.#queue.length > 0 && this.#state === ConnectionState.OPEN) {
      const data = this.#queue.shift() as WebSocketData
      if (!this.#sendNow(data)) {
        this.#queue.unshift(data)
        break
      }
    }
    if (this.#state === ConnectionState.OPEN) this.#bus.emit('open', { type: 'open', attempt, tsEvent: now })
  }

  #onMessage(data: unknown): void {
    const now = this.#clock.now()
    this.#lastFrameAt = now
    this.#lastMessageAt = now
    this.#received++
    let payload: string | ArrayBuffer
    if (typeof data === 'string') {
      payload = data
      this.#bytes += data.length
    } else if (data instanceof ArrayBuffer) {
      payload = data
      this.#bytes += data.byteLength
    } else if (ArrayBuffer.isView(data)) {
      payload = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer
      this.#bytes += data.byteLength
    } else {
      payload = String(data)
      this.#bytes += payload.length
    }
    const event: WsMessageEvent = { type: 'message', data: payload, tsEvent: now }
    if (this.#sinks.size > 0) for (const sink of this.#sinks) sink.push(event)
    this.#bus.emit('message', event)
  }

  /** A connection ended (or never opened): report it and reconnect unless closed. */
  #ended(code: number, reason: string, wasClean: boolean, hadSocket: boolean): void {
    this.#gen++
    this.#sock = undefined
    this.#connectedAt = undefined
    this.#clearConnectionTimers()
    if (this.#closed) {
      this.#finish(code, reason, hadSocket)
      return
    }
    const max = this.#cfg.maxReconnectAttempts
    const willReconnect = max === undefined || this.#attempt < max
    this.#bus.emit('close', {
      type: 'close',
      code,
      reason,
      wasClean,
      willReconnect,
      tsEvent: this.#clock.now(),
    })
    if (!willReconnect) {
      this.#closed = true
      this.#bus.emit(
        'error',
        new SocketClosedError(`WebSocket gave up after ${max} reconnect attempts`, {
          details: { attempts: max },
        }),
      )
      this.#finish(code, reason, false)
      return
    }
    this.#scheduleReconnect(false)
  }

  #scheduleReconnect(immediate: boolean): void {
    if (this.#closed) return
    this.#attempt++
    this.#reconnects++
    const delayMs = immediate
      ? 0
      : backoffDelay({
          attempt: this.#attempt,
          baseMs: this.#cfg.backoffBaseMs,
          maxMs: this.#cfg.backoffMaxMs,
          ...(this.#cfg.random ? { random: this.#cfg.random } : {}),
        })
    this.#setState(ConnectionState.RECONNECTING)
    this.#bus.emit('reconnecting', {
      type: 'reconnecting',
      attempt: this.#attempt,
      delayMs,
      tsEvent: this.#clock.now(),
    })
    if (this.#closed || this.#state !== ConnectionState.RECONNECTING) return // a listener called close()/reconnect()
    this.#timers.reconnect = this.#clock.setTimeout(() => {
      this.#timers.reconnect = undefined
      if (!this.#closed && this.#state === ConnectionState.RECONNECTING) this.#startOpen()
    }, delayMs)
  }

  /** Ends the current socket ourselves (stale, timeout, lifetime, reconnect()) and reports a local close code. */
  #drop(code: number, reason: string, immediate: boolean): void {
    const sock = this.#sock
    if (sock !== undefined) this.#kill(sock, code, reason)
    if (immediate) {
      // Proactive: not a failure, so no backoff growth.
      this.#gen++
      this.#sock = undefined
      this.#connectedAt = undefined
      this.#clearConnectionTimers()
      this.#bus.emit('close', {
        type: 'close',
        code,
        reason,
        wasClean: false,
        willReconnect: !this.#closed,
        tsEvent: this.#clock.now(),
      })
      if (this.#closed) return
      this.#attempt = 0
      this.#scheduleReconnect(true)
      return
    }
    this.#ended(code, reason, false, sock !== undefined)
  }

  #kill(sock: WsLike, code: number, reason: string): void {
    try {
      if (typeof sock.terminate === 'function') sock.terminate()
      else sock.close(code >= 4000 && code < 5000 ? code : 1000, reason)
    } catch {
      // Already closing or closed.
    }
  }

  #finish(code: number, reason: string, emitClose: boolean): void {
    this.#gen++ // late events of the last socket are ignored
    this.#clearTimers()
    this.#sock = undefined
    this.#connectedAt = undefined
    const wasClosed = this.#state === ConnectionState.CLOSED
    this.#setState(ConnectionState.CLOSED)
    if (emitClose && !wasClosed) {
      this.#bus.emit('close', {
        type: 'close',
        code,
        reason,
        wasClean: true,
        willReconnect: false,
        tsEvent: this.#clock.now(),
      })
    }
    for (const sink of this.#sinks) sink.end()
    this.#sinks.clear()
    const resolve = this.#resolveClose
    this.#resolveClose = undefined
    resolve?.()
  }

  // ---- liveness ----

  #armStale(ms: number): void {
    this.#timers.stale = this.#clock.setTimeout(() => {
      if (this.#state !== ConnectionState.OPEN) return
      const silentMs = this.#clock.now() - this.#lastFrameAt
      const limit = this.#cfg.staleAfterMs
      if (silentMs < limit) {
        this.#armStale(limit - silentMs)
        return
      }
      this.#stale++
      this.#bus.emit('stale', { type: 'stale', silentMs, tsEvent: this.#clock.now() })
      if (this.#state === ConnectionState.OPEN) this.#drop(LocalCloseCode.STALE, 'stale', false)
    }, ms)
  }

  #armPing(): void {
    this.#timers.ping = this.#clock.setTimeout(() => {
      if (this.#state !== ConnectionState.OPEN || this.#cfg.pingMessage === undefined) return
      this.#sendNow(this.#cfg.pingMessage)
      this.#armPing()
    }, this.#cfg.pingIntervalMs)
  }

  // ---- helpers ----

  /** Sends on the open socket; reports failures on `error`. Returns whether it was sent. */
  #sendNow(message: OutgoingMessage): boolean {
    const sock = this.#sock
    if (sock === undefined || sock.readyState !== 1) return false
    try {
      sock.send(serialize(message))
      this.#sent++
      return true
    } catch (e) {
      this.#bus.emit('error', toTradekitError(e, 'SOCKET_CLOSED'))
      return false
    }
  }

  #setState(state: ConnectionState): void {
    this.#state = state
  }

  #clearConnectionTimers(): void {
    const t = this.#timers
    for (const h of [t.connect, t.stale, t.ping, t.lifetime, t.healthy]) this.#clock.clearTimeout(h)
    t.connect = t.stale = t.ping = t.lifetime = t.healthy = undefined
  }

  #clearTimers(): void {
    this.#clearConnectionTimers()
    this.#clock.clearTimeout(this.#timers.reconnect)
    this.#clock.clearTimeout(this.#timers.close)
    this.#timers.reconnect = this.#timers.close = undefined
  }
}

function serialize(message: OutgoingMessage): WebSocketData {
  const m = typeof message === 'function' ? message() : message
  if (typeof m === 'string' || m instanceof ArrayBuffer || ArrayBuffer.isView(m)) return m
  return JSON.stringify(m)
}

function errorName(e: unknown): string {
  return e instanceof Error ? e.name : 'unknown error'
}

/** Error texts from `ws` can quote the URL, which may hold a listen key or token. */
function stripUrl(message: string): string {
  return message.replace(/\b(wss?|https?):\/\/\S+/gi, '<url>')
}

/** Bounded buffer behind {@link ReconnectingWebSocket.messages}. */
class MessageSink implements AsyncIterableIterator<WsMessageEvent> {
  readonly capacity: number
  readonly #onDrop: (first: boolean) => void
  #buf: WsMessageEvent[] = []
  #head = 0
  #waiting: ((r: IteratorResult<WsMessageEvent>) => void) | undefined
  #done = false
  #overflowing = false
  onReturn: () => void = noop

  constructor(capacity: number, onDrop: (first: boolean) => void) {
    this.capacity = capacity
    this.#onDrop = onDrop
  }

  push(e: WsMessageEvent): void {
    if (this.#done) return
    const w = this.#waiting
    if (w !== undefined) {
      this.#waiting = undefined
      w({ value: e, done: false })
      return
    }
    this.#buf.push(e)
    if (this.#buf.length - this.#head > this.capacity) {
      this.#head++
      this.#onDrop(!this.#overflowing)
      this.#overflowing = true
    }
    if (this.#head > 1024 && this.#head * 2 > this.#buf.length) {
      this.#buf = this.#buf.slice(this.#head)
      this.#head = 0
    }
  }

  end(): void {
    this.#done = true
    const w = this.#waiting
    this.#waiting = undefined
    w?.({ value: undefined, done: true })
  }

  next(): Promise<IteratorResult<WsMessageEvent>> {
    if (this.#head < this.#buf.length) {
      const value = this.#buf[this.#head++] as WsMessageEvent
      if (this.#head === this.#buf.length) {
        this.#buf = []
        this.#head = 0
        this.#overflowing = false
      }
      return Promise.resolve({ value, done: false })
    }
    if (this.#done) return Promise.resolve({ value: undefined, done: true })
    return new Promise((resolve) => {
      this.#waiting = resolve
    })
  }

  return(): Promise<IteratorResult<WsMessageEvent>> {
    this.#done = true
    this.#buf = []
    this.#head = 0
    this.onReturn()
    this.end()
    return Promise.resolve({ value: undefined, done: true })
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<WsMessageEvent> {
    return this
  }
}
