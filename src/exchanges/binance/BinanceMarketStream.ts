import * as z from 'zod/mini'
import type { BookSnapshot, Candle, Clock, Listenable, MarketDataSource, Trade } from '../../core/index.js'
import { parseConfig, SystemClock, subscribe, TypedEmitter } from '../../core/index.js'
import { ClockSchema, DurationMsSchema, PositiveDurationMsSchema } from '../../core/schemas.js'
import {
  type ExchangeDataError,
  ExchangeError,
  SocketClosedError,
  TimeoutError,
  type TradekitError,
} from '../../errors/index.js'
import { ReconnectingWebSocket, type WebSocketConstructor } from '../../transport/index.js'
import { BinanceDepthSync, type BinanceDepthSyncConfig } from './BinanceDepthSync.js'
import { decodeMarketEvent } from './decodeMarketEvent.js'
import {
  BINANCE_VENUE,
  type BinanceBookTickerEvent,
  type BinanceDepthDiffEvent,
  type BinanceMarket,
  type BinanceMarkPriceEvent,
} from './types.js'

/** The USD-M route a stream belongs to: high-frequency book data on `/public`, other market data on `/market`. */
export type UsdmRoute = 'public' | 'market'

/**
 * Routes a USD-M stream to its path. Binance acknowledges a subscription on the wrong path but never delivers it,
 * so this must be right: depth and book tickers are `/public`, everything else (trades, klines, mark price...)
 * is `/market`.
 *
 * @example
 * ```ts
 * usdmStreamRoute('btcusdt@depth@100ms') // 'public'
 * usdmStreamRoute('btcusdt@kline_1m')    // 'market'
 * ```
 */
export function usdmStreamRoute(stream: string): UsdmRoute {
  return /@depth|@bookTicker$|^!bookTicker/.test(stream) ? 'public' : 'market'
}

/** Events of a {@link BinanceMarketStream}. */
export interface BinanceMarketStreamEvents {
  candle: [c: Candle]
  trade: [t: Trade]
  /**
   * An order book: partial book depth (`@depth5/10/20`) as sent, or a book kept by {@link BinanceMarketStream.syncBook}
   * (the core OrderBook synced from the diff stream), after every change while synced.
   */
  book: [b: BookSnapshot]
  bookTicker: [e: BinanceBookTickerEvent]
  depthDiff: [e: BinanceDepthDiffEvent]
  markPrice: [e: BinanceMarkPriceEvent]
  /** A payload failed to decode; it was counted and dropped. */
  dataError: [e: ExchangeDataError]
  /** A connection opened again after a drop (books must resync; they do so on the next gap). */
  'stream.reconnected': [
    e: { type: 'stream.reconnected'; route: string; streams: readonly string[]; tsEvent: number },
  ]
  error: [e: TradekitError]
}

/** Per-call options of {@link BinanceMarketStream.syncBook}. */
export type BinanceSyncBookOptions = Omit<BinanceDepthSyncConfig, 'market' | 'symbol'> & {
  /** Diff stream speed suffix (default `@100ms`). */
  speed?: '' | '@100ms' | '@500ms'
}

/** Schema of {@link BinanceMarketStreamConfig}: every option with its default. */
export const BinanceMarketStreamConfigSchema = z.strictObject({
  market: z.enum(['spot', 'usdm']),
  /** Base URL (`wss://stream.binance.com:9443`, `wss://fstream.binance.com`). */
  streamUrl: /* @__PURE__ */ z.string().check(z.regex(/^wss?:\/\//)),
  /** Streams per connection before another one is opened (default 1024 spot, 200 USD-M). */
  maxStreamsPerConnection: z.optional(/* @__PURE__ */ z.int().check(z.positive())),
  /** Control messages per second per connection (default 4 spot, 8 USD-M; Binance allows 5 and 10). */
  maxMessagesPerSecond: z.optional(/* @__PURE__ */ z.number().check(z.positive())),
  /** Wait for a SUBSCRIBE acknowledgement, ms (default 10 s). */
  subscribeTimeoutMs: z._default(PositiveDurationMsSchema, 10_000),
  /** Silent connection is reconnected after this, ms (default 60 s; 0 disables). */
  staleAfterMs: z._default(DurationMsSchema, 60_000),
  /** Proactive reconnect age (default 23.5 h, before Binance's 24 h cut). */
  maxLifetimeMs: z._default(PositiveDurationMsSchema, 23.5 * 3600_000),
  /** First reconnect delay ceiling, ms (default 500). */
  reconnectBaseMs: z._default(DurationMsSchema, 500),
  /** Largest reconnect delay ceiling, ms (default 30 s). */
  reconnectMaxMs: z._default(DurationMsSchema, 30_000),
  /** Time source (default the system clock). */
  clock: z.optional(ClockSchema),
  /**
   * The venue's clock minus `clock`, ms (e.g. `() => rest.timeOffsetMs`): a frame that carries no event time (spot
   * partial depth and bookTicker) is stamped with the venue's time when it arrived, the time base of every other event
   * (default: no offset, the local time).
   */
  serverTimeOffsetMs: z.optional(
    z.custom<() => number>((v) => typeof v === 'function', 'must be a function'),
  ),
  /** WebSocket implementation (default isows). */
  WebSocket: z.optional(
    z.custom<WebSocketConstructor>((v) => typeof v === 'function', 'must be a constructor'),
  ),
})

/** Constructor options of {@link BinanceMarketStream} (see {@link BinanceMarketStreamConfigSchema}). */
export type BinanceMarketStreamConfig = z.input<typeof BinanceMarketStreamConfigSchema>

/** Per-market defaults of the options whose default depends on the market. */
const MARKET_DEFAULTS = {
  spot: { maxStreamsPerConnection: 1024, maxMessagesPerSecond: 4 },
  usdm: { maxStreamsPerConnection: 200, maxMessagesPerSecond: 8 },
} as const

interface Pending {
  resolve: () => void
  reject: (e: TradekitError) => void
  timer: unknown
  streams: readonly string[]
}

interface Conn {
  readonly route: 'spot' | UsdmRoute
  readonly streams: Set<string>
  readonly rws: ReconnectingWebSocket
  /** Streams in the URL of the current connection attempt. */
  readonly urlStreams: ReadonlySet<string>
  readonly waiting: Map<string, Array<{ resolve: () => void }>>
  readonly outbox: Array<() => object>
  flushTimer: unknown
  opens: number
}

/**
 * Binance market streams over {@link ReconnectingWebSocket}: combined streams, runtime SUBSCRIBE/UNSUBSCRIBE
 * within the per-connection limits (split across connections when needed, control messages throttled), USD-M
 * streams routed to `/public` or `/market`, `serverShutdown` answered by reconnecting early, a proactive
 * reconnect before the 24 h cut, and every payload decoded by {@link decodeMarketEvent}: bad ones are counted and
 * emitted as `dataError`, never thrown.
 *
 * @example
 * ```ts
 * const stream = new BinanceMarketStream({ market: 'spot', streamUrl: 'wss://stream.binance.com:9443' })
 * stream.events.on('trade', (t) => console.log(t.price))
 * stream.events.on('error', (e) => console.warn(e))
 * await stream.subscribe(['btcusdt@trade', 'btcusdt@kline_1m'])
 * ```
 */
export class BinanceMarketStream implements MarketDataSource {
  readonly market: BinanceMarket
  readonly #bus = new TypedEmitter<BinanceMarketStreamEvents>()
  /** Market data, `dataError`, `stream.reconnected` and `error` events. */
  readonly events: Listenable<BinanceMarketStreamEvents> = this.#bus
  readonly #cfg: z.output<typeof BinanceMarketStreamConfigSchema> & {
    maxStreamsPerConnection: number
    maxMessagesPerSecond: number
  }
  readonly #clock: Clock
  readonly #conns: Conn[] = []
  readonly #pending = new Map<number, Pending>()
  readonly #books = new Map<string, { sync: BinanceDepthSync; ready: Promise<void> }>()
  #nextId = 1
  #dataErrors = 0
  #messages = 0
  #closed = false

  constructor(config: BinanceMarketStreamConfig) {
    const cfg = parseConfig(BinanceMarketStreamConfigSchema, config, 'BinanceMarketStream')
    this.market = cfg.market
    this.#clock = cfg.clock ?? new SystemClock()
    const defaults = MARKET_DEFAULTS[cfg.market]
    this.#cfg = {
      ...cfg,
      streamUrl: cfg.streamUrl.replace(/\/+$/, ''),
      maxStreamsPerConnection: cfg.maxStreamsPerConnection ?? defaults.maxStreamsPerConnection,
      maxMessagesPerSecond: cfg.maxMessagesPerSecond ?? defaults.maxMessagesPerSecond,
    }
  }

  /** Counters: decoded messages, rejected payloads, open connections, streams. */
  stats(): { messages: number; dataErrors: number; connections: number; streams: number } {
    return {
      messages: this.#messages,
      dataErrors: this.#dataErrors,
      connections: this.#conns.length,
      streams: this.#conns.reduce((n, c) => n + c.streams.size, 0),
    }
  }

  /** Streams currently subscribed, with the route each one uses. */
  subscriptions(): Array<{ stream: string; route: string }> {
    return this.#conns.flatMap((c) => [...c.streams].map((stream) => ({ stream, route: c.route })))
  }

  /**
   * Subscribes streams (names as Binance spells them: `btcusdt@trade`, `btcusdt@depth@100ms`). Resolves once each
   * stream is active (in the connection URL, or acknowledged); rejects with a typed error on refusal or timeout.
   */
  subscribe(streams: readonly string[]): Promise<void> {
    if (this.#closed) return Promise.reject(new SocketClosedError('BinanceMarketStream is closed'))
    const waits: Promise<void>[] = []
    const byConn = new Map<Conn, string[]>()
    for (const raw of streams) {
      const s = normalizeStream(raw)
      if (this.#conns.some((c) => c.streams.has(s))) continue
      const route = this.market === 'spot' ? 'spot' : usdmStreamRoute(s)
      const conn = this.#connFor(route)
      conn.streams.add(s)
      byConn.set(conn, [...(byConn.get(conn) ?? []), s])
    }
    for (const [conn, list] of byConn) {
      if (conn.rws.isOpen) waits.push(this.#sendControl(conn, 'SUBSCRIBE', list))
      else waits.push(...list.map((s) => this.#waitForOpen(conn, s)))
    }
    const p = Promise.all(waits).then(() => undefined)
    p.catch(() => {})
    return p
  }

  /** Unsubscribes streams; a connection left without streams is closed. */
  async unsubscribe(streams: readonly string[]): Promise<void> {
    const byConn = new Map<Conn, string[]>()
    for (const raw of streams) {
      const s = normalizeStream(raw)
      const conn = this.#conns.find((c) => c.streams.has(s))
      if (conn === undefined) continue
      conn.streams.delete(s)
      byConn.set(conn, [...(byConn.get(conn) ?? []), s])
    }
    const waits: Promise<void>[] = []
    for (const [conn, list] of byConn) {
      if (conn.streams.size === 0) {
        this.#conns.splice(this.#conns.indexOf(conn), 1)
        this.#clock.clearTimeout(conn.flushTimer as never)
        waits.push(conn.rws.close())
      } else if (conn.rws.isOpen) {
        waits.push(this.#sendControl(conn, 'UNSUBSCRIBE', list).catch(() => {}))
      }
    }
    await Promise.all(waits)
  }

  /**
   * Keeps a local order book of `symbol` in sync (a {@link BinanceDepthSync} on the core OrderBook, fed by the
   * diff stream, resynced from `fetchSnapshot` on gaps) and publishes it as `book` events on this stream. Resolves
   * once the diff stream is subscribed; the returned sync reports `book.synced`/`book.resyncStarted` on its own events. One sync per
   * symbol: a second call returns the first.
   */
  async syncBook(symbol: string, options: BinanceSyncBookOptions = {}): Promise<BinanceDepthSync> {
    const s = symbol.toUpperCase()
    const existing = this.#books.get(s)
    if (existing !== undefined) {
      await existing.ready
      return existing.sync
    }
    const { speed, ...config } = options
    const sync = new BinanceDepthSync({ clock: this.#clock, ...config, market: this.market, symbol: s })
    const onBook = (b: BookSnapshot) => this.#bus.emit('book', b)
    const onDiff = (e: BinanceDepthDiffEvent) => {
      if (e.symbol === s) sync.applyDiff(e)
    }
    const offBook = subscribe(sync.events, { book: onBook })
    const offDiff = subscribe(this.#bus, { depthDiff: onDiff })
    const ready = this.subscribe([`${s.toLowerCase()}@depth${speed ?? '@100ms'}`])
    this.#books.set(s, { sync, ready })
    try {
      await ready
    } catch (e) {
      // Not subscribed: forget this sync so a later call starts afresh.
      if (this.#books.get(s)?.sync === sync) this.#books.delete(s)
      offDiff()
      offBook()
      sync.close()
      throw e
    }
    return sync
  }

  /** Closes every connection and book sync; pending subscriptions reject. */
  async close(): Promise<void> {
    this.#closed = true
    for (const b of this.#books.values()) b.sync.close()
    this.#books.clear()
    for (const p of this.#pending.values()) {
      this.#clock.clearTimeout(p.timer as never)
      p.reject(new SocketClosedError('BinanceMarketStream closed'))
    }
    this.#pending.clear()
    const conns = this.#conns.splice(0, this.#conns.length)
    for (const c of conns) this.#clock.clearTimeout(c.flushTimer as never)
    await Promise.all(conns.map((c) => c.rws.close()))
  }

  #connFor(route: Conn['route']): Conn {
    const existing = this.#conns.find(
      (c) => c.route === route && c.streams.size < this.#cfg.maxStreamsPerConnection,
    )
    if (existing !== undefined) return existing
    const prefix = route === 'spot' ? '' : `/${route}`
    const streams = new Set<string>()
    let urlStreams = new Set<string>()
    const url = () => {
      urlStreams = new Set(streams)
      return `${this.#cfg.streamUrl}${prefix}/stream?streams=${[...streams].join('/')}`
    }
    const rws = new ReconnectingWebSocket(url, {
      clock: this.#clock,
      staleAfterMs: this.#cfg.staleAfterMs,
      maxLifetimeMs: this.#cfg.maxLifetimeMs,
      backoffBaseMs: this.#cfg.reconnectBaseMs,
      backoffMaxMs: this.#cfg.reconnectMaxMs,
      ...(this.#cfg.WebSocket !== undefined ? { WebSocket: this.#cfg.WebSocket } : {}),
      onUnhandledError: () => {},
    })
    const conn: Conn = {
      route,
      streams,
      rws,
      get urlStreams() {
        return urlStreams
      },
      waiting: new Map(),
      outbox: [],
      flushTimer: undefined,
      opens: 0,
    }
    conn.rws.events.on('socket.opened', () => this.#onOpen(conn))
    conn.rws.events.on('message', (m) => this.#onMessage(conn, m.data, m.tsEvent))
    conn.rws.events.on('error', (e) => this.#bus.emit('error', e))
    this.#conns.push(conn)
    return conn
  }

  #onOpen(conn: Conn): void {
    conn.opens++
    // Streams added while the URL was being built go out as a SUBSCRIBE; removed ones as UNSUBSCRIBE.
    const missing = [...conn.streams].filter((s) => !conn.urlStreams.has(s))
    const extra = [...conn.urlStreams].filter((s) => !conn.streams.has(s))
    for (const s of conn.urlStreams) {
      const ws = conn.waiting.get(s)
      if (ws !== undefined && conn.streams.has(s)) for (const w of ws) w.resolve()
      conn.waiting.delete(s)
    }
    if (missing.length > 0) {
      const waiters = missing.flatMap((s) => conn.waiting.get(s) ?? [])
      for (const s of missing) conn.waiting.delete(s)
      this.#sendControl(conn, 'SUBSCRIBE', missing).then(
        () => {
          for (const w of waiters) w.resolve()
        },
        (e: TradekitError) => this.#bus.emit('error', e),
      )
    }
    if (extra.length > 0) this.#sendControl(conn, 'UNSUBSCRIBE', extra).catch(() => {})
    if (conn.opens > 1) {
      this.#bus.emit('stream.reconnected', {
        type: 'stream.reconnected',
        route: conn.route,
        streams: [...conn.streams],
        tsEvent: this.#clock.now(),
      })
    }
  }

  #waitForOpen(conn: Conn, stream: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = this.#clock.setTimeout(() => {
        reject(
          new TimeoutError(
            `Stream "${stream}" not active after ${this.#cfg.subscribeTimeoutMs} ms`,
            this.#cfg.subscribeTimeoutMs,
          ),
        )
      }, this.#cfg.subscribeTimeoutMs)
      const list = conn.waiting.get(stream) ?? []
      list.push({
        resolve: () => {
          this.#clock.clearTimeout(timer)
          resolve()
        },
      })
      conn.waiting.set(stream, list)
    })
  }

  #sendControl(conn: Conn, method: 'SUBSCRIBE' | 'UNSUBSCRIBE', streams: readonly string[]): Promise<void> {
    const id = this.#nextId++
    return new Promise<void>((resolve, reject) => {
      const timer = this.#clock.setTimeout(() => {
        this.#pending.delete(id)
        reject(
          new TimeoutError(`${method} ${streams.join(',')} not acknowledged`, this.#cfg.subscribeTimeoutMs),
        )
      }, this.#cfg.subscribeTimeoutMs)
      this.#pending.set(id, { resolve, reject, timer, streams })
      conn.outbox.push(() => ({ method, params: streams, id }))
      this.#flush(conn)
    })
  }

  /** Sends queued control messages at most `maxMessagesPerSecond` per connection. */
  #flush(conn: Conn): void {
    if (conn.flushTimer !== undefined) return
    const next = conn.outbox.shift()
    if (next === undefined) return
    try {
      conn.rws.sendJson(next())
    } catch (e) {
      this.#bus.emit('error', e as TradekitError)
    }
    conn.flushTimer = this.#clock.setTimeout(
      () => {
        conn.flushTimer = undefined
        this.#flush(conn)
      },
      Math.ceil(1000 / this.#cfg.maxMessagesPerSecond),
    )
  }

  /** Local time `t` on the venue's clock, by the configured offset (a missing or non-finite offset: `t`). */
  #venueTime(t: number): number {
    const offset = this.#cfg.serverTimeOffsetMs?.()
    return offset !== undefined && Number.isFinite(offset) ? t + offset : t
  }

  #onMessage(conn: Conn, data: string | ArrayBuffer, localReceivedAt: number): void {
    if (typeof data !== 'string') return
    // A frame without an event time (spot partial depth, spot bookTicker) is stamped on the venue's clock.
    const receivedAt = this.#venueTime(localReceivedAt)
    const r = decodeMarketEvent(data, this.market, { receivedAt })
    if (!r.ok) {
      this.#dataErrors++
      this.#bus.emit('dataError', r.error)
      return
    }
    this.#messages++
    const e = r.value
    switch (e.type) {
      case 'candle':
        this.#bus.emit('candle', e)
        return
      case 'trade':
        this.#bus.emit('trade', e)
        return
      case 'depthDiff':
        this.#bus.emit('depthDiff', e)
        return
      case 'bookDepth':
        this.#bus.emit('book', {
          venue: BINANCE_VENUE[this.market],
          symbol: e.symbol,
          bids: e.bids,
          asks: e.asks,
          sequence: e.lastUpdateId,
          tsEvent: e.tsEvent || receivedAt,
        })
        return
      case 'bookTicker':
        this.#bus.emit('bookTicker', e)
        return
      case 'markPrice':
        this.#bus.emit('markPrice', e)
        return
      case 'serverShutdown':
        // Binance will close this connection soon: move now, on our terms.
        conn.rws.reconnect()
        return
      case 'response': {
        const id = typeof e.id === 'number' ? e.id : Number(e.id)
        const p = this.#pending.get(id)
        if (p === undefined) return
        this.#pending.delete(id)
        this.#clock.clearTimeout(p.timer as never)
        if (e.error !== undefined) {
          p.reject(
            new ExchangeError(BINANCE_VENUE[this.market], `Stream request refused: ${e.error.msg}`, {
              venueCode: e.error.code,
              venueMessage: e.error.msg,
              details: { streams: p.streams },
            }),
          )
        } else {
          p.resolve()
        }
        return
      }
    }
  }
}

function normalizeStream(s: string): string {
  const at = s.indexOf('@')
  return at < 0 ? s.toLowerCase() : s.slice(0, at).toLowerCase() + s.slice(at)
}
