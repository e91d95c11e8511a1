import * as z from 'zod/mini'
import { parseConfig } from '../../core/config.js'
import { OrderBook } from '../../core/OrderBook.js'
import { ClockSchema } from '../../core/schemas.js'
import type { BookLevel, BookSnapshot } from '../../core/types.js'
import type { ValidationError } from '../../errors/index.js'
import { err, ok, type Result } from '../../errors/result.js'
import { POLYMARKET_VENUE } from './constants.js'
import type { PolymarketBookEvent, PolymarketPriceChange } from './decode.js'

/** Levels kept per side, all of them published: Polymarket books are small (prices 0.001..0.999). */
const MAX_LEVELS = 10_000

/** Schema of {@link PolymarketBookSyncConfig}. */
export const PolymarketBookSyncConfigSchema = z.strictObject({
  /** The outcome token the book belongs to. */
  tokenId: /* @__PURE__ */ z.string().check(z.minLength(1)),
  /** Time source of the core OrderBook (updates always carry the venue's time). Default `SystemClock`. */
  clock: z.optional(ClockSchema),
})

/** What {@link PolymarketBookSync} takes (see {@link PolymarketBookSyncConfigSchema}). */
export type PolymarketBookSyncConfig = z.input<typeof PolymarketBookSyncConfigSchema>

/**
 * Keeps the core {@link OrderBook} of one outcome token in sync with Polymarket's market channel: a `book` snapshot
 * replaces it, the `price_change` deltas that follow update it, in arrival order (the venue's hash and timestamp of
 * the last applied message are kept). Until the first snapshot (and again after {@link invalidate}, e.g. on a
 * reconnect) it is not synced: deltas are ignored and readers should not trust the book. A crossed snapshot or a
 * delta that crosses the book means one was missed: the book becomes unsynced and the owner re-snapshots it.
 *
 * @example
 * ```ts
 * const sync = new PolymarketBookSync({ tokenId })
 * sync.book.events.on('book', (b) => strategy.onBook(b))
 * sync.applySnapshot(bookEvent)
 * sync.applyChange(change, priceChangeEvent.tsEvent)
 * sync.bestBid() // [price, size] | undefined
 * ```
 */
export class PolymarketBookSync {
  /** The outcome token this book belongs to. */
  readonly tokenId: string
  /** The core order book this unit feeds (emits `book` when the owner publishes). */
  readonly book: OrderBook
  #synced = false
  #hash = ''
  readonly #level: [number, number] = [0, 0]
  readonly #bidDelta = { bids: [this.#level] }
  readonly #askDelta = { asks: [this.#level] }
  readonly #options: { emit: false; tsEvent: number } = { emit: false, tsEvent: 0 }

  constructor(config: PolymarketBookSyncConfig) {
    const cfg = parseConfig(PolymarketBookSyncConfigSchema, config, 'PolymarketBookSync')
    this.tokenId = cfg.tokenId
    this.book = new OrderBook({
      venue: POLYMARKET_VENUE,
      symbol: config.tokenId,
      // The whole book (every kept level) on `book`; core's schema rejects `Infinity` (z.number() is finite in zod 4).
      maxLevels: MAX_LEVELS,
      bookDepth: MAX_LEVELS,
      ...(cfg.clock !== undefined ? { clock: cfg.clock } : {}),
    })
  }

  /** True once a snapshot was applied and not invalidated since. */
  get isSynced(): boolean {
    return this.#synced
  }

  /** Time of the last applied snapshot or change, epoch ms. */
  get tsEvent(): number {
    return this.book.tsEvent
  }

  /** Hash of the last snapshot or change as the venue sent it. */
  get hash(): string {
    return this.#hash
  }

  /**
   * Replaces the whole book from a `book` event (levels in any order; duplicate prices are merged, the last size
   * wins), without emitting. A crossed or invalid snapshot empties the book and leaves it unsynced.
   */
  applySnapshot(
    e: Pick<PolymarketBookEvent, 'bids' | 'asks' | 'hash' | 'tsEvent'>,
  ): Result<void, ValidationError> {
    const r = this.book.applySnapshot({ bids: e.bids, asks: e.asks }, { tsEvent: e.tsEvent, emit: false })
    this.#hash = e.hash
    this.#synced = r.ok
    if (!r.ok) this.book.clear()
    return r
  }

  /**
   * Applies one level change (size 0 removes the level) without emitting; ignored (returns false) while not synced.
   * A change that leaves the book crossed means a delta was missed: the book becomes unsynced and false is returned.
   */
  applyChange(c: Pick<PolymarketPriceChange, 'price' | 'size' | 'side' | 'hash'>, tsEvent?: number): boolean {
    if (!this.#synced) return false
    // The hot path: one level, applied through reused objects (the book copies the numbers, it keeps no reference).
    const level = this.#level
    level[0] = c.price
    level[1] = c.size
    if (c.hash !== undefined) this.#hash = c.hash
    this.#options.tsEvent = tsEvent ?? this.book.tsEvent
    const r = this.book.applyDeltas(c.side === 'BUY' ? this.#bidDelta : this.#askDelta, this.#options)
    if (!r.ok) this.#synced = false
    return r.ok
  }

  /** Applies several level changes as one batch (see {@link applyChange}); an error when ignored or broken. */
  applyChanges(
    changes: ReadonlyArray<Pick<PolymarketPriceChange, 'price' | 'size' | 'side' | 'hash'>>,
    tsEvent?: number,
  ): Result<void, ValidationError | 'UNSYNCED'> {
    if (!this.#synced) return err('UNSYNCED')
    const bids: BookLevel[] = []
    const asks: BookLevel[] = []
    for (const c of changes) {
      ;(c.side === 'BUY' ? bids : asks).push([c.price, c.size])
      if (c.hash !== undefined) this.#hash = c.hash
    }
    const r = this.book.applyDeltas(
      { bids, asks },
      { emit: false, ...(tsEvent !== undefined ? { tsEvent } : { tsEvent: this.book.tsEvent }) },
    )
    if (!r.ok) {
      this.#synced = false
      return r
    }
    return ok(undefined)
  }

  /** Marks the book stale (reconnect, silence): it stays unsynced until the next snapshot. */
  invalidate(): void {
    this.#synced = false
  }

  /** True when the best bid is at or above the best ask (never the case in a synced book). */
  get isCrossed(): boolean {
    return this.book.isCrossed
  }

  /** Best bid `[price, size]`, if any. */
  bestBid(): BookLevel | undefined {
    return this.book.bestBid()
  }

  /** Best ask `[price, size]`, if any. */
  bestAsk(): BookLevel | undefined {
    return this.book.bestAsk()
  }

  /** Mid price, when both sides have a level. */
  mid(): number | undefined {
    return this.book.mid()
  }

  /** Number of levels on each side. */
  get depth(): { bids: number; asks: number } {
    return this.book.depth
  }

  /** An immutable snapshot of the best `levels` levels of each side. */
  snapshot(levels = Number.POSITIVE_INFINITY): BookSnapshot {
    return this.book.snapshot(levels)
  }
}
