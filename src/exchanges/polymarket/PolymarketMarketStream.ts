import * as z from 'zod/mini'
import { type Clock, SystemClock } from '../../core/clock.js'
import { parseConfig } from '../../core/config.js'
import { type Listenable, TypedEmitter } from '../../core/events.js'
import type { MarketDataEvents, MarketDataSource } from '../../core/ports.js'
import { PositiveDurationMsSchema } from '../../core/schemas.js'
import type { BookSnapshot } from '../../core/types.js'
import { ExchangeDataError, StateError, toTradekitError } from '../../errors/index.js'
import { ReconnectingWebSocket } from '../../transport/index.js'
import { POLYMARKET_VENUE } from './constants.js'
import {
  decodeFrame,
  decodeMarketEvent,
  type PolymarketBook,
  type PolymarketMarketEvent,
  type PolymarketPriceChangeEvent,
  type PolymarketTickSizeChangeEvent,
} from './decode.js'
import { PolymarketBookSync } from './PolymarketBookSync.js'
import { PolymarketSocketConfigShape, socketConfig } from './wsConfig.js'

/** Payload of `book.changed`: a token's book after a snapshot, a delta or a REST resync (also sent on `book`). */
export interface PolymarketBookUpdate {
  readonly type: 'book.changed'
  readonly tokenId: string
  readonly reason: 'snapshot' | 'update' | 'resync'
  readonly book: BookSnapshot
  readonly tsEvent: number
}

/** Events of a {@link PolymarketMarketStream}: the core market-data events plus Polymarket's own. */
export interface PolymarketMarketStreamEvents extends MarketDataEvents {
  /** Every decoded market-channel event. */
  market: [e: PolymarketMarketEvent]
  /** Like `book`, with the token and why the book changed. */
  'book.changed': [e: PolymarketBookUpdate]
  /** A market's tick size changed; the REST client's cache is already updated (`type` set to the event name). */
  'market.tickSizeChanged': [
    e: Omit<PolymarketTickSizeChangeEvent, 'type'> & { readonly type: 'market.tickSizeChanged' },
  ]
  /** The channel (re)connected; books are rebuilt from the next snapshot. */
  'market.connected': [e: { type: 'market.connected'; tsEvent: number }]
}

/** What the market stream needs from the REST client: book snapshots and the tick-size cache. */
export interface PolymarketBookSource {
  getBook(tokenId: string): Promise<PolymarketBook>
  noteTickSize(tokenId: string, tickSize: string): void
}

/** Schema of {@link PolymarketMarketStreamConfig}; defaults are applied here. */
export const PolymarketMarketStreamConfigSchema = z.strictObject({
  ...PolymarketSocketConfigShape,
  /** Where books are re-snapshotted from (a `PolymarketRest`). */
  rest: z.custom<PolymarketBookSource>(
    (v) => typeof v === 'object' && v !== null && typeof (v as PolymarketBookSource).getBook === 'function',
    'must have getBook and noteTickSize',
  ),
  /** Market data silent this long (PONGs do not count) → books are re-snapshotted over REST, ms. Default 30 s. */
  marketSilenceMs: z._default(PositiveDurationMsSchema, 30_000),
})

/** What {@link PolymarketMarketStream} takes (defaults documented on {@link PolymarketMarketStreamConfigSchema}). */
export type PolymarketMarketStreamConfig = z.input<typeof PolymarketMarketStreamConfigSchema>

/**
 * Polymarket's market channel as a core `MarketDataSource`: a reconnecting socket whose frames are decoded into
 * events, with a {@link PolymarketBookSync} (core OrderBook) per subscribed token. Each book change goes out as
 * `book` (core BookSnapshot) and `book.changed` (with the reason); public trades as `trade`; rejected frames as
 * `dataError`. Books are invalidated on every reconnect and rebuilt from the next snapshot, and re-snapshotted over
 * REST when a delta crosses a book or market data goes silent.
 *
 * @example
 * ```ts
 * const market = new PolymarketMarketStream({ rest })
 * market.events.on('book', (b) => strategy.onBook(b))
 * market.subscribe([yesTokenId, noTokenId])
 * ```
 */
export class PolymarketMarketStream implements MarketDataSource {
  /** Market-data events; always listen to `error` and `dataError`. */
  readonly events: Listenable<PolymarketMarketStreamEvents>
  readonly #bus = new TypedEmitter<PolymarketMarketStreamEvents>()
  readonly #cfg: z.output<typeof PolymarketMarketStreamConfigSchema>
  readonly #clock: Clock
  readonly #books = new Map<string, PolymarketBookSync>()
  #reason: PolymarketBookUpdate['reason'] = 'snapshot'
  #ws: ReconnectingWebSocket | undefined
  #lastMarketData = 0
  #silenceTimer: unknown
  #closed = false

  constructor(config: PolymarketMarketStreamConfig) {
    this.#cfg = parseConfig(PolymarketMarketStreamConfigSchema, config, 'PolymarketMarketStream')
    this.#clock = this.#cfg.clock ?? new SystemClock()
    this.events = this.#bus
  }

  /**
   * Subscribes to the market channel for `tokenIds` and keeps a synced book for each. The first call opens the
   * socket with the initial message (every token; replayed after each reconnect); later tokens are added to the open
   * socket with `{ assets_ids, operation: "subscribe" }`, as Polymarket documents, not by re-sending the initial one.
   */
  subscribe(tokenIds: readonly string[]): void {
    if (this.#closed) throw new StateError('The Polymarket market stream is closed')
    const added: string[] = []
    for (const t of tokenIds) {
      if (this.#books.has(t)) continue
      const sync = new PolymarketBookSync({ tokenId: t, clock: this.#clock })
      sync.book.events.on('book', (b) => {
        this.#bus.emit('book', b)
        this.#bus.emit('book.changed', {
          type: 'book.changed',
          tokenId: t,
          reason: this.#reason,
          book: b,
          tsEvent: b.tsEvent,
        })
      })
      this.#books.set(t, sync)
      added.push(t)
    }
    if (this.#ws === undefined) this.#resubscribe()
    else if (added.length > 0) this.#operation('subscribe', added)
    this.#armSilence()
  }

  /** Stops the market channel for `tokenIds` (`operation: "unsubscribe"` on the open socket) and drops their books. */
  unsubscribe(tokenIds: readonly string[]): void {
    const removed = tokenIds.filter((t) => this.#books.delete(t))
    if (removed.length > 0 && this.#ws !== undefined && !this.#closed) this.#operation('unsubscribe', removed)
  }

  /** The synced book of a token (undefined until subscribed). */
  book(tokenId: string): PolymarketBookSync | undefined {
    return this.#books.get(tokenId)
  }

  /** Re-snapshots every subscribed book over REST (also done automatically after market-data silence). */
  async resyncBooks(): Promise<void> {
    for (const b of this.#books.values()) await this.#resyncBook(b)
  }

  /** Closes the socket and timers. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.#clock.clearTimeout(this.#silenceTimer as never)
    await this.#ws?.close()
  }

  /** (Re-)registers the initial message, built at send time from the current tokens; sent now when open. */
  #resubscribe(): void {
    if (this.#closed) return
    this.#socket().subscribe('market', () =>
      JSON.stringify({ assets_ids: [...this.#books.keys()], type: 'market', custom_feature_enabled: true }),
    )
  }

  /** Adds or removes tokens on the open socket; while it is down the replayed initial message covers them. */
  #operation(operation: 'subscribe' | 'unsubscribe', assetIds: readonly string[]): void {
    const ws = this.#ws
    if (ws === undefined || !ws.isOpen) return
    ws.send(
      JSON.stringify({
        assets_ids: assetIds,
        operation,
        ...(operation === 'subscribe' ? { custom_feature_enabled: true } : {}),
      }),
    )
  }

  #socket(): ReconnectingWebSocket {
    if (this.#ws !== undefined) return this.#ws
    const ws = new ReconnectingWebSocket(`${this.#cfg.wsUrl}/ws/market`, socketConfig(this.#cfg, this.#clock))
    ws.events.on('socket.opened', () => {
      // A new connection: every book is stale until its snapshot arrives (the subscription is replayed).
      for (const b of this.#books.values()) b.invalidate()
      this.#lastMarketData = this.#clock.now()
      this.#bus.emit('market.connected', { type: 'market.connected', tsEvent: this.#clock.now() })
    })
    ws.events.on('socket.closed', () => {
      for (const b of this.#books.values()) b.invalidate()
    })
    ws.events.on('message', (m) => {
      if (typeof m.data === 'string') this.#onFrame(m.data)
    })
    ws.events.on('error', (e) => this.#bus.emit('error', e))
    this.#ws = ws
    return ws
  }

  #onFrame(text: string): void {
    const f = decodeFrame(text, decodeMarketEvent)
    for (const e of f.errors) this.#bus.emit('dataError', e)
    if (f.events.length > 0) this.#lastMarketData = this.#clock.now()
    for (const ev of f.events) {
      this.#bus.emit('market', ev)
      switch (ev.type) {
        case 'book': {
          const b = this.#books.get(ev.tokenId)
          if (b === undefined) break
          b.applySnapshot(ev)
          if (b.isSynced) this.#publish(b, 'snapshot')
          break
        }
        case 'price_change':
          this.#onPriceChange(ev)
          break
        case 'tick_size_change':
          this.#cfg.rest.noteTickSize(ev.tokenId, ev.newTickSize)
          this.#bus.emit('market.tickSizeChanged', { ...ev, type: 'market.tickSizeChanged' })
          break
        case 'last_trade_price':
          this.#bus.emit('trade', {
            venue: POLYMARKET_VENUE,
            symbol: ev.tokenId,
            tradeId: `${ev.tokenId}:${ev.tsEvent}:${ev.price}:${ev.size}`,
            price: ev.price,
            qty: ev.size,
            side: ev.side,
            tsEvent: ev.tsEvent,
          })
          break
        default:
          break
      }
    }
  }

  #onPriceChange(ev: PolymarketPriceChangeEvent): void {
    const touched = new Set<PolymarketBookSync>()
    const broken = new Set<PolymarketBookSync>()
    for (const c of ev.changes) {
      const b = this.#books.get(c.tokenId)
      if (b === undefined) continue
      const wasSynced = b.isSynced
      if (b.applyChange(c, ev.tsEvent)) touched.add(b)
      else if (wasSynced && !b.isSynced) broken.add(b)
    }
    for (const b of touched) if (!broken.has(b)) this.#publish(b, 'update')
    for (const b of broken) {
      // A delta left the book crossed: one was missed. Report it and rebuild this book from REST.
      this.#bus.emit(
        'dataError',
        new ExchangeDataError(
          POLYMARKET_VENUE,
          `Book of ${b.tokenId} crossed after price_change; resyncing`,
          ['price_change: book crossed'],
          ev.changes,
        ),
      )
      void this.#resyncBook(b)
    }
  }

  #publish(b: PolymarketBookSync, reason: PolymarketBookUpdate['reason']): void {
    this.#reason = reason
    b.book.publish()
  }

  async #resyncBook(b: PolymarketBookSync): Promise<void> {
    try {
      const book = await this.#cfg.rest.getBook(b.tokenId)
      b.applySnapshot(book)
      if (b.isSynced) this.#publish(b, 'resync')
    } catch (e) {
      b.invalidate()
      this.#bus.emit('error', toTradekitError(e))
    }
  }

  /** Re-snapshots every book over REST when market data has been silent (PONGs keep flowing in a silent freeze). */
  #armSilence(): void {
    if (this.#silenceTimer !== undefined || this.#closed) return
    const period = Math.max(50, this.#cfg.marketSilenceMs / 4)
    const check = (): void => {
      this.#silenceTimer = undefined
      if (this.#closed) return
      const silent = this.#clock.now() - this.#lastMarketData
      if (silent >= this.#cfg.marketSilenceMs && this.#ws?.isOpen === true) {
        this.#lastMarketData = this.#clock.now()
        void this.resyncBooks()
        // Subscribe again too: if the venue lost our subscription, this brings the deltas (and snapshots) back.
        this.#resubscribe()
      }
      this.#silenceTimer = this.#clock.setTimeout(check, period)
    }
    this.#silenceTimer = this.#clock.setTimeout(check, period)
  }
}
