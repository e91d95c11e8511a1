import { WebSocket as IsoWebSocket } from 'isows'
import type * as z from 'zod/mini'
import { type Clock, SystemClock, type TimerHandle } from '../core/clock.js'
import { parseConfig } from '../core/config.js'
import { type Listenable, TypedEmitter } from '../core/events.js'
import {
  NetworkError,
  QueueFullError,
  SocketClosedError,
  toTradekitError,
  ValidationError,
} from '../errors/index.js'
import { LivenessMonitor } from './ws/LivenessMonitor.js'
import { MessageSink } from './ws/MessageSink.js'
import { OutboundQueue } from './ws/OutboundQueue.js'
import { ReconnectBackoff } from './ws/ReconnectBackoff.js'
import { SubscriptionRegistry } from './ws/SubscriptionRegistry.js'
import { checkOutgoingMessage, serializeMessage } from './ws/serializeMessage.js'
import {
  ConnectionState,
  LocalCloseCode,
  type MessagesOptions,
  type OutgoingMessage,
  type ReconnectingWebSocketConfig,
  ReconnectingWebSocketConfigSchema,
  type ReconnectingWebSocketEvents,
  type WebSocketConstructor,
  type WebSocketData,
  type WebSocketStats,
  type WebSocketUrl,
  type WsMessageEvent,
} from './ws/wsTypes.js'

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
  /** Subscribe to `socket.opened`, `message`, `socket.closed`, `socket.reconnectScheduled`, `socket.stalled` and `error`. */
  readonly events: Listenable<ReconnectingWebSocketEvents>
  readonly #cfg: z.output<typeof ReconnectingWebSocketConfigSchema>
  readonly #url: WebSocketUrl
  readonly #clock: Clock
  readonly #Ctor: WebSocketConstructor
  readonly #subs = new SubscriptionRegistry()
  readonly #queue: OutboundQueue
  readonly #backoff: ReconnectBackoff
  readonly #liveness: LivenessMonitor
  readonly #sinks = new Set<MessageSink>()
  #state: ConnectionState = ConnectionState.IDLE
  #sock: WsLike | undefined
  #gen = 0
  #closed = false
  #closePromise: Promise<void> | undefined
  #resolveClose: (() => void) | undefined
  #connectedAt: number | undefined
  #timers: {
    reconnect?: TimerHandle
    connect?: TimerHandle
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
    this.#Ctor = cfg.WebSocket ?? IsoWebSocket
    this.#queue = new OutboundQueue(cfg.sendQueueSize)
    this.#backoff = new ReconnectBackoff({
      baseMs: cfg.backoffBaseMs,
      maxMs: cfg.backoffMaxMs,
      maxAttempts: cfg.maxReconnectAttempts,
      random: cfg.random,
    })
    this.#liveness = new LivenessMonitor(
      {
        clock: this.#clock,
        staleAfterMs: cfg.staleAfterMs,
        pingIntervalMs: cfg.pingIntervalMs,
        pingMessage: cfg.pingMessage,
      },
      {
        isOpen: () => this.#state === ConnectionState.OPEN,
        onStale: (silentMs) => this.#onStale(silentMs),
        sendPing: (message) => this.#sendNow(message),
      },
    )
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
    this.#queue.push(data)
  }

  /** {@link ReconnectingWebSocket.send} of `JSON.stringify(value)`. */
  sendJson(value: unknown): void {
    this.send(JSON.stringify(value))
  }

  /**
   * Registers a subscription under `key`: sent now when open, and replayed after every reconnect, in registration
   * order. Registering the same key again replaces its message. A missing key or message throws a `ValidationError`.
   */
  subscribe(key: string, message: OutgoingMessage): void {
    if (this.#closed) throw new SocketClosedError('Cannot subscribe: the socket was closed with close()')
    if (typeof key !== 'string' || key.length === 0) {
      throw new ValidationError('Subscription key must be a non-empty string', { field: 'key' })
    }
    const bad = checkOutgoingMessage(message, `subscribe("${key}") message`)
    if (bad !== undefined) throw bad
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
    return this.#subs.keys()
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
      queuedOutgoing: this.#queue.size,
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
    this.#queue.clear()
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
    const url = await this.#resolveUrl(gen)
    if (url === undefined || gen !== this.#gen || this.#closed) return
    const sock = this.#createSocket(url)
    if (sock === undefined) return
    this.#sock = sock
    this.#bind(sock, gen)
  }

  /** Evaluates the URL (or URL function); on failure reports it, ends the attempt and returns `undefined`. */
  async #resolveUrl(gen: number): Promise<string | undefined> {
    try {
      const u = typeof this.#url === 'function' ? await this.#url() : this.#url
      return String(u)
    } catch (e) {
      if (gen !== this.#gen || this.#closed) return undefined
      this.#bus.emit('error', new NetworkError('WebSocket URL provider failed', { cause: e }))
      this.#ended(LocalCloseCode.CONNECT_FAILED, 'url provider failed', false, false)
      return undefined
    }
  }

  /** Creates the socket; on failure reports it (never quoting the URL), ends the attempt and returns `undefined`. */
  #createSocket(url: string): WsLike | undefined {
    try {
      return new this.#Ctor(url, this.#cfg.protocols) as WsLike
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
      return undefined
    }
  }

  /** Wires the socket's events to this connection generation (events of an older socket are ignored). */
  #bind(sock: WsLike, gen: number): void {
    // The `ws` package (Node): use its EventEmitter API, which skips a MessageEvent per frame.
    const isNodeWs = typeof sock.on === 'function' && typeof sock.terminate === 'function'
    try {
      ;(sock as { binaryType: string }).binaryType = isNodeWs ? 'nodebuffer' : 'arraybuffer'
    } catch {
      // Some implementations only support one binary type; frames are still delivered.
    }
    if (isNodeWs) this.#bindNodeWs(sock, gen)
    else {
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

  /** `ws` (Node): messages, pings and pongs through its EventEmitter API. */
  #bindNodeWs(sock: WsLike, gen: number): void {
    const on = sock.on as NonNullable<WsLike['on']>
    // `ws` throws on an 'error' event without listener (e.g. terminate() while connecting): always keep one.
    on.call(sock, 'error', noop)
    const touch = (): void => {
      if (gen === this.#gen) this.#liveness.touch(this.#clock.now())
    }
    on.call(sock, 'ping', touch)
    on.call(sock, 'pong', touch)
    on.call(sock, 'message', (data: unknown, isBinary: unknown) => {
      // Text frames arrive as a Buffer: decode to a string (UTF-8), as the browser API does.
      if (gen === this.#gen)
        this.#onMessage(isBinary === true ? data : (data as { toString(): string }).toString())
    })
  }

  #onOpen(): void {
    const now = this.#clock.now()
    this.#clock.clearTimeout(this.#timers.connect)
    this.#setState(ConnectionState.OPEN)
    this.#connectedAt = now
    const attempt = this.#backoff.attempt
    const cfg = this.#cfg
    this.#liveness.start(now)
    if (cfg.maxLifetimeMs !== undefined) {
      this.#timers.lifetime = this.#clock.setTimeout(
        () => this.#drop(LocalCloseCode.MAX_LIFETIME, 'max lifetime reached', true),
        cfg.maxLifetimeMs,
      )
    }
    this.#timers.healthy = this.#clock.setTimeout(() => this.#backoff.reset(), cfg.healthyAfterMs)
    // Subscriptions first, then what was queued while disconnected, in order.
    const isOpen = (): boolean => this.#state === ConnectionState.OPEN
    if (!this.#subs.replay((message) => this.#sendNow(message), isOpen)) return
    this.#queue.flush((data) => this.#sendNow(data), isOpen)
    if (isOpen()) this.#bus.emit('socket.opened', { type: 'socket.opened', attempt, tsEvent: now })
  }

  #onMessage(data: unknown): void {
    const now = this.#clock.now()
    this.#liveness.touch(now)
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
    const willReconnect = this.#backoff.canRetry
    this.#bus.emit('socket.closed', {
      type: 'socket.closed',
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
    const delayMs = this.#backoff.next(immediate)
    this.#reconnects++
    this.#setState(ConnectionState.RECONNECTING)
    this.#bus.emit('socket.reconnectScheduled', {
      type: 'socket.reconnectScheduled',
      attempt: this.#backoff.attempt,
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
      this.#bus.emit('socket.closed', {
        type: 'socket.closed',
        code,
        reason,
        wasClean: false,
        willReconnect: !this.#closed,
        tsEvent: this.#clock.now(),
      })
      if (this.#closed) return
      this.#backoff.reset()
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
      this.#bus.emit('socket.closed', {
        type: 'socket.closed',
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

  /** The liveness monitor saw no frame for `silentMs`: count, report, and end the connection. */
  #onStale(silentMs: number): void {
    this.#stale++
    this.#bus.emit('socket.stalled', { type: 'socket.stalled', silentMs, tsEvent: this.#clock.now() })
    if (this.#state === ConnectionState.OPEN) this.#drop(LocalCloseCode.STALE, 'stale', false)
  }

  // ---- helpers ----

  /** Sends on the open socket; reports failures on `error`. Returns whether it was sent. */
  #sendNow(message: OutgoingMessage): boolean {
    const sock = this.#sock
    if (sock === undefined || sock.readyState !== 1) return false
    try {
      sock.send(serializeMessage(message))
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
    for (const h of [t.connect, t.lifetime, t.healthy]) this.#clock.clearTimeout(h)
    t.connect = t.lifetime = t.healthy = undefined
    this.#liveness.stop()
  }

  #clearTimers(): void {
    this.#clearConnectionTimers()
    this.#clock.clearTimeout(this.#timers.reconnect)
    this.#clock.clearTimeout(this.#timers.close)
    this.#timers.reconnect = this.#timers.close = undefined
  }
}

function errorName(e: unknown): string {
  return e instanceof Error ? e.name : 'unknown error'
}

/** Error texts from `ws` can quote the URL, which may hold a listen key or token. */
function stripUrl(message: string): string {
  return message.replace(/\b(wss?|https?):\/\/\S+/gi, '<url>')
}
