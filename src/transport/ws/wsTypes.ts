import * as z from 'zod/mini'
import { ClockSchema, DurationMsSchema, PositiveDurationMsSchema } from '../../core/schemas.js'
import type { TradekitError } from '../../errors/index.js'

/** Where to connect: a URL, or a (possibly async) function called again before every reconnect. */
export type WebSocketUrl = string | URL | (() => string | URL | Promise<string | URL>)

/** Data that can be sent on the socket. */
export type WebSocketData = string | ArrayBuffer | ArrayBufferView

/** A subscribe (or ping) message: text/binary as is, an object as JSON, or a function evaluated at send time. */
export type OutgoingMessage = WebSocketData | object | (() => WebSocketData | object)

/** Connection states of a `ReconnectingWebSocket`. */
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
export const ReconnectingWebSocketConfigSchema = /* @__PURE__ */ z
  .strictObject({
    /** Sub-protocols for the handshake. */
    protocols: z.optional(z.union([z.string(), z.array(z.string())])),
    /** Connect in the constructor. Default true; otherwise call `connect()`. */
    autoConnect: z._default(z.boolean(), true),
    /** Ceiling of the first reconnect delay (full jitter), ms. Default 500. */
    backoffBaseMs: z._default(DurationMsSchema, 500),
    /** Largest reconnect delay ceiling, ms. Default 30 s. */
    backoffMaxMs: z._default(DurationMsSchema, 30_000),
    /** Reconnect attempts in a row before giving up for good. Default unlimited. */
    maxReconnectAttempts: z.optional(/* @__PURE__ */ z.int().check(z.positive())),
    /** A connection open this long resets the backoff to its base, ms. Default 30 s. */
    healthyAfterMs: z._default(PositiveDurationMsSchema, 30_000),
    /** Time allowed to connect (URL function and handshake), ms. Default 10 s. */
    connectTimeoutMs: z._default(PositiveDurationMsSchema, 10_000),
    /** No frame (message, or `ws` ping/pong) for this long means dead: terminate and reconnect. `0` disables. Default 60 s. */
    staleAfterMs: z._default(DurationMsSchema, 60_000),
    /** Send `pingMessage` every this many ms while open. `0` (default) disables. */
    pingIntervalMs: z._default(DurationMsSchema, 0),
    /** Application-level ping: text, an object (sent as JSON) or a function. */
    pingMessage: z.optional(z.custom<OutgoingMessage>((v) => v !== undefined && v !== null)),
    /** Reconnect proactively once a connection is this old, ms (Binance closes at 24 h). Default off. */
    maxLifetimeMs: z.optional(PositiveDurationMsSchema),
    /** Messages kept while disconnected; more throw `QueueFullError`. Default 1000. */
    sendQueueSize: z._default(/* @__PURE__ */ z.int().check(z.nonnegative()), 1000),
    /** Bytes the socket may hold unsent while open before `send` throws `QueueFullError`. Default 16 MiB. */
    maxBufferedBytes: z._default(/* @__PURE__ */ z.int().check(z.positive()), 16 * 1024 * 1024),
    /** How long `close()` waits for the closing handshake before dropping the socket, ms. Default 2 s. */
    closeTimeoutMs: z._default(PositiveDurationMsSchema, 2_000),
    /** WebSocket implementation; default isows (native where available, `ws` in Node). */
    WebSocket: z.optional(z.custom<WebSocketConstructor>(isFn, 'must be a constructor')),
    /** Time source; default `SystemClock`. */
    clock: z.optional(ClockSchema),
    /** Randomness for jitter, in [0, 1). Default `Math.random`. */
    random: z.optional(z.custom<() => number>(isFn, 'must be a function')),
    /** Receives errors emitted while nobody listens to `error`. */
    onUnhandledError: z.optional(z.custom<(e: TradekitError) => void>(isFn, 'must be a function')),
  })
  .check(
    z.refine((c) => c.pingIntervalMs === 0 || c.pingMessage !== undefined, {
      message: 'pingMessage is required when pingIntervalMs > 0',
      path: ['pingMessage'],
    }),
  )

/** What `ReconnectingWebSocket` takes (defaults documented on {@link ReconnectingWebSocketConfigSchema}). */
export type ReconnectingWebSocketConfig = z.input<typeof ReconnectingWebSocketConfigSchema>

/** Payload of `socket.opened`. */
export interface WsOpenEvent {
  readonly type: 'socket.opened'
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

/** Payload of `socket.closed`: one per connection that ends (or fails to open). */
export interface WsCloseEvent {
  readonly type: 'socket.closed'
  readonly code: number
  readonly reason: string
  readonly wasClean: boolean
  /** False only after `close()` or when the attempt cap is reached. */
  readonly willReconnect: boolean
  readonly tsEvent: number
}

/** Payload of `socket.reconnectScheduled`. */
export interface WsReconnectingEvent {
  readonly type: 'socket.reconnectScheduled'
  /** 1 for the first reconnect after a healthy connection, growing until a connection stays up. */
  readonly attempt: number
  readonly delayMs: number
  readonly tsEvent: number
}

/** Payload of `socket.stalled`: no frame for `silentMs`; the socket is terminated and reconnected. */
export interface WsStaleEvent {
  readonly type: 'socket.stalled'
  readonly silentMs: number
  readonly tsEvent: number
}

/** Events of a `ReconnectingWebSocket`. Always listen to `error`. */
export interface ReconnectingWebSocketEvents {
  'socket.opened': [e: WsOpenEvent]
  message: [e: WsMessageEvent]
  'socket.closed': [e: WsCloseEvent]
  'socket.reconnectScheduled': [e: WsReconnectingEvent]
  'socket.stalled': [e: WsStaleEvent]
  error: [error: TradekitError]
}

/** Counters of a `ReconnectingWebSocket`. */
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
  /** Messages dropped by `ReconnectingWebSocket.messages()` iterators whose consumer fell behind. */
  readonly droppedMessages: number
}

/** Options of `ReconnectingWebSocket.messages()`. */
export interface MessagesOptions {
  /** Messages buffered for a slow consumer; past it the oldest is dropped and counted. Default 1024. */
  readonly bufferSize?: number
}
