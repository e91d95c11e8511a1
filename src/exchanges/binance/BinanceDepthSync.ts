import * as z from 'zod/mini'
import {
  type BookLevel,
  type BookSnapshot,
  type Clock,
  type Listenable,
  OrderBook,
  parseConfig,
  SystemClock,
  TypedEmitter,
} from '../../core/index.js'
import { ClockSchema } from '../../core/schemas.js'
import { ExchangeDataError, type TradekitError, toTradekitError } from '../../errors/index.js'
import { decodeDepthSnapshot } from './decodeDepthSnapshot.js'
import { BINANCE_VENUE, type BinanceDepthDiffEvent } from './types.js'

/** What {@link BinanceDepthSync.applyDiff} did with an event. */
export type DiffOutcome =
  /** Applied to the book. */
  | 'applied'
  /** Dropped: already covered by the snapshot or a previous event, or for another symbol. */
  | 'stale'
  /** Continuity broken: the book is invalid until the next snapshot. */
  | 'gap'
  /** Kept for later: no valid snapshot yet (it will be replayed by the next {@link BinanceDepthSync.applySnapshot}). */
  | 'buffered'

/** What {@link BinanceDepthSync.applySnapshot} did with a REST depth snapshot. */
export type SnapshotOutcome =
  /** The book is synced (buffered events bridged and replayed). */
  | 'applied'
  /** The snapshot is older than the first buffered event: fetch another one. */
  | 'stale'
  /** The buffered events do not bridge the snapshot: fetch another one. */
  | 'gap'
  /** The snapshot was malformed (reported on `error`); the book is unchanged. */
  | 'invalid'

/** Events of a {@link BinanceDepthSync}. */
export interface BinanceDepthSyncEvents {
  /** The synced book changed (never emitted while unsynced). */
  book: [b: BookSnapshot]
  /** A (re)sync started: a new snapshot is being fetched. */
  'book.resyncStarted': [
    e: {
      type: 'book.resyncStarted'
      symbol: string
      reason: 'initial' | 'gap' | 'stale' | 'overflow'
      tsEvent: number
    },
  ]
  /** The book became valid from a snapshot. */
  'book.synced': [e: { type: 'book.synced'; symbol: string; lastUpdateId: number; tsEvent: number }]
  error: [e: TradekitError]
}

/** Schema of {@link BinanceDepthSyncConfig}: every option with its default. */
export const BinanceDepthSyncConfigSchema = z.strictObject({
  /** `spot` applies the `U`/`u` rules, `usdm` the `pu` rule. */
  market: z.enum(['spot', 'usdm']),
  symbol: /* @__PURE__ */ z.string().check(z.minLength(1)),
  /**
   * Fetches a REST depth snapshot (`GET /api/v3/depth` or `/fapi/v1/depth`, the JSON as Binance sends it). When
   * given, the book resyncs by itself: on the first buffered diff and after every gap.
   */
  fetchSnapshot: z.optional(
    z.custom<() => Promise<unknown>>((v) => typeof v === 'function', 'must be a function'),
  ),
  /** Largest number of diffs buffered while waiting for a snapshot (default 10 000); overflow restarts the sync. */
  maxBuffer: z._default(/* @__PURE__ */ z.int().check(z.positive()), 10_000),
  /** Levels kept per side (default 10 000); the worst ones are dropped beyond it. */
  maxLevels: z._default(/* @__PURE__ */ z.int().check(z.positive()), 10_000),
  /** Levels per side in each emitted `book` (default 20). */
  bookDepth: z._default(/* @__PURE__ */ z.int().check(z.positive()), 20),
  /** Clock for timestamps and resync backoff (default the system clock). */
  clock: z.optional(ClockSchema),
})

/** Constructor options of {@link BinanceDepthSync} (see {@link BinanceDepthSyncConfigSchema}). */
export type BinanceDepthSyncConfig = z.input<typeof BinanceDepthSyncConfigSchema>

type State = 'unsynced' | 'synced'

/**
 * Keeps a core {@link OrderBook} in sync with Binance from a REST snapshot plus the diff-depth stream, following
 * Binance's documented procedure: diffs are buffered until a snapshot arrives; stale events are dropped; the first
 * applied event must straddle the snapshot; then spot requires `U == previous u + 1` (no gap) and USD-M requires
 * `pu == previous u`. A gap (or a book that crosses) invalidates the book until the next snapshot, fetched
 * automatically when `fetchSnapshot` is given, with a `book.resyncStarted` event. While synced, every change is emitted as a
 * `book` snapshot.
 *
 * @example
 * ```ts
 * const sync = new BinanceDepthSync({ market: 'spot', symbol: 'BTCUSDT', fetchSnapshot: () => spot.depthRaw('BTCUSDT', 1000) })
 * sync.events.on('book', (b) => console.log(b.bids[0], b.asks[0]))
 * stream.events.on('depthDiff', (e) => sync.applyDiff(e)) // buffered until the snapshot
 * // or let the adapter do it all: await spot.orderBook('BTCUSDT') and listen to `book` on spot.marketStream()
 * ```
 */
export class BinanceDepthSync {
  readonly market: 'spot' | 'usdm'
  readonly symbol: string
  /** The synced book (read it only while {@link BinanceDepthSync.isSynced}). */
  readonly book: OrderBook
  readonly #bus = new TypedEmitter<BinanceDepthSyncEvents>()
  /** `book`, `book.resyncStarted`, `book.synced` and `error` events. */
  readonly events: Listenable<BinanceDepthSyncEvents> = this.#bus
  readonly #venue: string
  readonly #buffer: BinanceDepthDiffEvent[] = []
  readonly #maxBuffer: number
  readonly #bookDepth: number
  readonly #fetchSnapshot: (() => Promise<unknown>) | undefined
  readonly #clock: Clock
  #state: State = 'unsynced'
  #lastUpdateId = -1
  /** USD-M: whether an event was applied since the snapshot (the straddle rule applies to the first one). */
  #appliedSinceSnapshot = false
  #resyncing = false
  #resyncAttempt = 0
  #resyncTimer: unknown
  #closed = false
  #gaps = 0
  #resyncs = 0

  constructor(config: BinanceDepthSyncConfig) {
    const cfg = parseConfig(BinanceDepthSyncConfigSchema, config, 'BinanceDepthSync')
    this.market = cfg.market
    this.symbol = cfg.symbol.toUpperCase()
    this.#venue = BINANCE_VENUE[this.market]
    this.#maxBuffer = cfg.maxBuffer
    this.#bookDepth = cfg.bookDepth
    this.#fetchSnapshot = cfg.fetchSnapshot
    this.#clock = cfg.clock ?? new SystemClock()
    this.book = new OrderBook({
      venue: this.#venue,
      symbol: this.symbol,
      maxLevels: cfg.maxLevels,
      bookDepth: cfg.bookDepth,
      clock: this.#clock,
    })
  }

  /** True when the book is valid (a snapshot was applied and no gap since). */
  get isSynced(): boolean {
    return this.#state === 'synced'
  }
  /** Update id of the last applied event (or snapshot); -1 before the first snapshot. */
  get lastUpdateId(): number {
    return this.#lastUpdateId
  }
  /** Number of gaps detected so far. */
  get gapCount(): number {
    return this.#gaps
  }
  /** Number of resyncs started so far. */
  get resyncCount(): number {
    return this.#resyncs
  }
  /** Diffs waiting for a snapshot. */
  get bufferedCount(): number {
    return this.#buffer.length
  }

  /**
   * Applies a REST depth snapshot (`{ lastUpdateId, bids, asks }` as Binance sends it) and replays the buffered
   * diffs that follow it. See {@link SnapshotOutcome}.
   */
  applySnapshot(snapshot: unknown): SnapshotOutcome {
    const parsed = decodeDepthSnapshot(snapshot, this.#venue)
    if (!parsed.ok) {
      this.#bus.emit('error', parsed.error)
      return 'invalid'
    }
    const { lastUpdateId, bids, asks } = parsed.value
    const first = this.#buffer[0]
    if (first !== undefined && lastUpdateId < first.firstUpdateId) {
      // Spot step 4 (and the futures straddle rule): the snapshot predates the buffered events.
      return 'stale'
    }
    // Stamped with the venue's time, as the diffs are: USD-M's transaction time (spot sends none), or the event time of
    // the newest buffered diff the snapshot includes if later (a lower bound: never older than a book published
    // before); the local clock only when neither is known.
    let tsEvent = parsed.value.tsEvent ?? 0
    for (const e of this.#buffer) if (e.finalUpdateId <= lastUpdateId) tsEvent = Math.max(tsEvent, e.tsEvent)
    const applied = this.book.applySnapshot(
      { bids, asks },
      { sequence: lastUpdateId, ...(tsEvent > 0 ? { tsEvent } : {}), emit: false },
    )
    if (!applied.ok) {
      this.#bus.emit('error', this.#dataError(applied.error.message, applied.error.field ?? 'book', snapshot))
      return 'invalid'
    }
    this.#lastUpdateId = lastUpdateId
    this.#appliedSinceSnapshot = false
    this.#state = 'synced'
    const buffered = this.#buffer.splice(0, this.#buffer.length)
    for (let i = 0; i < buffered.length; i++) {
      if (this.#applySynced(buffered[i] as BinanceDepthDiffEvent, false) === 'gap') {
        // Keep the events after the break: the next snapshot may bridge them.
        this.#buffer.push(...buffered.slice(i + 1))
        return 'gap'
      }
    }
    this.#bus.emit('book.synced', {
      type: 'book.synced',
      symbol: this.symbol,
      lastUpdateId,
      tsEvent: this.#clock.now(),
    })
    this.#publish()
    return 'applied'
  }

  /** Emits `book` on the core book and on this sync, building snapshots only for listeners. */
  #publish(): void {
    this.book.publish()
    if (this.#bus.listenerCount('book') > 0) this.#bus.emit('book', this.book.snapshot(this.#bookDepth))
  }

  /** Applies a `depthDiff` event from {@link decodeMarketEvent}. See {@link DiffOutcome}. */
  applyDiff(event: BinanceDepthDiffEvent): DiffOutcome {
    if (event.symbol !== this.symbol) return 'stale'
    if (this.#state !== 'synced') {
      if (this.#buffer.length >= this.#maxBuffer) {
        this.#buffer.length = 0
        this.#startResync('overflow')
      }
      this.#buffer.push(event)
      if (!this.#resyncing) this.#startResync('initial')
      return 'buffered'
    }
    return this.#applySynced(event, true)
  }

  #applySynced(e: BinanceDepthDiffEvent, emit: boolean): DiffOutcome {
    const last = this.#lastUpdateId
    if (this.market === 'spot') {
      if (e.finalUpdateId <= last) return 'stale'
      if (e.firstUpdateId > last + 1) return this.#gap(e)
    } else {
      if (e.finalUpdateId < last) return 'stale'
      if (!this.#appliedSinceSnapshot) {
        if (!(e.firstUpdateId <= last && e.finalUpdateId >= last)) return this.#gap(e)
      } else if (e.prevFinalUpdateId !== last) {
        return this.#gap(e)
      }
    }
    const r = this.book.applyDeltas(
      { bids: e.bids, asks: e.asks },
      { sequence: e.finalUpdateId, ...(e.tsEvent > 0 ? { tsEvent: e.tsEvent } : {}), emit: false },
    )
    this.#lastUpdateId = e.finalUpdateId
    this.#appliedSinceSnapshot = true
    if (!r.ok) return this.#corrupt(e, r.error.message, r.error.field ?? 'book')
    if (emit) this.#publish()
    return 'applied'
  }

  /** A diff that crosses the book (or carries a bad level) means the book is corrupt: report it and resync. */
  #corrupt(e: BinanceDepthDiffEvent, why: string, field: string): 'gap' {
    this.#gaps++
    this.#state = 'unsynced'
    this.#buffer.length = 0
    this.#bus.emit(
      'error',
      this.#dataError(`${why} at update ${e.finalUpdateId}; resyncing`, field, {
        firstUpdateId: e.firstUpdateId,
        finalUpdateId: e.finalUpdateId,
      }),
    )
    this.#startResync('gap')
    return 'gap'
  }

  #dataError(message: string, field: string, raw: unknown): ExchangeDataError {
    return new ExchangeDataError(
      this.#venue,
      message,
      [field === 'book' ? 'bids/asks: crossed' : `${field}: invalid`],
      raw,
    )
  }

  #gap(e: BinanceDepthDiffEvent): 'gap' {
    this.#gaps++
    this.#state = 'unsynced'
    // The event that broke continuity is still a valid future event: buffer it for the next snapshot.
    this.#buffer.length = 0
    this.#buffer.push(e)
    this.#startResync('gap')
    return 'gap'
  }

  /** Best (highest) bid in O(1), or undefined when that side is empty. */
  bestBid(): BookLevel | undefined {
    return this.book.bestBid()
  }
  /** Best (lowest) ask in O(1), or undefined when that side is empty. */
  bestAsk(): BookLevel | undefined {
    return this.book.bestAsk()
  }
  /** The best `n` bids as `[price, qty]`, highest first. */
  bids(n = Number.POSITIVE_INFINITY): BookLevel[] {
    return this.book.bids(n)
  }
  /** The best `n` asks as `[price, qty]`, lowest first. */
  asks(n = Number.POSITIVE_INFINITY): BookLevel[] {
    return this.book.asks(n)
  }
  /** A {@link BookSnapshot} of the top `depth` levels (`sequence` is the last applied update id). */
  snapshot(depth = 20): BookSnapshot {
    return this.book.snapshot(depth)
  }

  /** Stops automatic resyncs (pending timers are cleared). */
  close(): void {
    this.#closed = true
    if (this.#resyncTimer !== undefined) this.#clock.clearTimeout(this.#resyncTimer as never)
  }

  #startResync(reason: 'initial' | 'gap' | 'stale' | 'overflow'): void {
    if (this.#fetchSnapshot === undefined || this.#closed || this.#resyncing) return
    this.#resyncing = true
    this.#resyncAttempt = 0
    this.#resyncs++
    this.#bus.emit('book.resyncStarted', {
      type: 'book.resyncStarted',
      symbol: this.symbol,
      reason,
      tsEvent: this.#clock.now(),
    })
    void this.#runResync()
  }

  async #runResync(): Promise<void> {
    const fetch = this.#fetchSnapshot
    if (fetch === undefined) return
    while (!this.#closed && this.#state !== 'synced') {
      let outcome: SnapshotOutcome | 'failed'
      try {
        const snap = await fetch()
        if (this.#closed) break
        outcome = this.applySnapshot(snap)
      } catch (e) {
        outcome = 'failed'
        this.#bus.emit('error', toTradekitError(e, 'NETWORK'))
      }
      if (outcome === 'applied') break
      if (outcome === 'gap') this.#resyncs++
      // Backoff: 100ms doubling to 10s, so a stuck snapshot source never spins.
      const delay = Math.min(10_000, 100 * 2 ** Math.min(this.#resyncAttempt++, 7))
      await new Promise<void>((resolve) => {
        this.#resyncTimer = this.#clock.setTimeout(resolve, delay)
      })
      this.#resyncTimer = undefined
    }
    this.#resyncing = false
  }
}
