import * as z from 'zod/mini'
import { type TradekitError, ValidationError } from '../errors/index.js'
import { err, ok, type Result } from '../errors/result.js'
import { type Clock, SystemClock } from './clock.js'
import { parseConfig } from './config.js'
import { type Listenable, TypedEmitter } from './events.js'
import { ClockSchema } from './schemas.js'
import type { BookLevel, BookSnapshot } from './types.js'

/** Schema of {@link OrderBookConfig}: every option with its default. */
export const OrderBookConfigSchema = z.strictObject({
  /** Venue name put on every snapshot (`binance`, `binance-usdm`, `polymarket`). */
  venue: /* @__PURE__ */ z.string().check(z.minLength(1)),
  /** Instrument symbol (or outcome token id) put on every snapshot. */
  symbol: /* @__PURE__ */ z.string().check(z.minLength(1)),
  /** Levels kept per side (default 10 000); the worst ones are dropped beyond it. */
  maxLevels: z._default(/* @__PURE__ */ z.int().check(z.positive()), 10_000),
  /** Levels per side in the snapshot emitted on `book` (default 20; `Infinity` for the whole book). */
  bookDepth: z._default(
    z.custom<number>(
      (n) => typeof n === 'number' && (n === Number.POSITIVE_INFINITY || (Number.isInteger(n) && n > 0)),
      'must be a positive integer or Infinity',
    ),
    20,
  ),
  /** Clock stamping updates applied without a `tsEvent` (default the system clock). */
  clock: z.optional(ClockSchema),
})

/** Constructor options of {@link OrderBook} (see {@link OrderBookConfigSchema} for defaults). */
export type OrderBookConfig = z.input<typeof OrderBookConfigSchema>

/** Events of an {@link OrderBook}. */
export interface OrderBookEvents {
  /** The book changed: its best `bookDepth` levels, best first. */
  book: [b: BookSnapshot]
  error: [e: TradekitError]
}

/** Level changes for {@link OrderBook.applyDeltas}: `[price, qty]`, a quantity of 0 removes the level. */
export interface OrderBookDeltas {
  readonly bids?: readonly BookLevel[]
  readonly asks?: readonly BookLevel[]
}

/**
 * A full book for {@link OrderBook.applySnapshot}: levels in any order; a level of quantity 0 is skipped; of duplicate
 * prices with a quantity, the last wins.
 */
export interface OrderBookLevels {
  readonly bids: readonly BookLevel[]
  readonly asks: readonly BookLevel[]
}

/** Per-call options of {@link OrderBook.applySnapshot} and {@link OrderBook.applyDeltas}. */
export interface OrderBookUpdateOptions {
  /** Venue sequence of this update (Binance `lastUpdateId`/`u`); kept and put on snapshots. */
  readonly sequence?: number
  /** Time of the update, epoch ms (default `clock.now()`). */
  readonly tsEvent?: number
  /** Emit `book` after a successful update (default true). Sync units pass false while replaying a batch. */
  readonly emit?: boolean
}

/**
 * One side: parallel sorted arrays with the best level at the END, so the common updates near the top of book
 * splice only a few elements. Bids ascending, asks descending.
 */
class BookSide {
  px: number[] = []
  qt: number[] = []
  constructor(readonly isBid: boolean) {}

  clear(): void {
    this.px = []
    this.qt = []
  }

  /** Index of `p`, or where to insert it. */
  #find(p: number): number {
    const px = this.px
    let lo = 0
    let hi = px.length
    if (this.isBid) {
      while (lo < hi) {
        const mid = (lo + hi) >>> 1
        if ((px[mid] as number) < p) lo = mid + 1
        else hi = mid
      }
    } else {
      while (lo < hi) {
        const mid = (lo + hi) >>> 1
        if ((px[mid] as number) > p) lo = mid + 1
        else hi = mid
      }
    }
    return lo
  }

  set(p: number, q: number, maxLevels: number): void {
    const px = this.px
    const i = this.#find(p)
    if (i < px.length && px[i] === p) {
      if (q === 0) {
        px.splice(i, 1)
        this.qt.splice(i, 1)
      } else {
        this.qt[i] = q
      }
    } else if (q !== 0) {
      if (i === px.length) {
        px.push(p)
        this.qt.push(q)
      } else {
        px.splice(i, 0, p)
        this.qt.splice(i, 0, q)
      }
      if (px.length > maxLevels) {
        px.splice(0, px.length - maxLevels)
        this.qt.splice(0, this.qt.length - maxLevels)
      }
    }
  }

  /**
   * Replaces the side with `levels` (any order; a level of quantity 0 is no level and is skipped, so it never
   * removes an earlier duplicate; of duplicates with a quantity the last wins), in O(n log n).
   */
  load(levels: readonly BookLevel[], maxLevels: number): void {
    const byPrice = new Map<number, number>()
    for (const [p, q] of levels) if (q > 0) byPrice.set(p, q)
    const sorted = [...byPrice]
    sorted.sort(this.isBid ? (a, b) => a[0] - b[0] : (a, b) => b[0] - a[0])
    const from = Math.max(0, sorted.length - maxLevels)
    const n = sorted.length - from
    const px: number[] = new Array(n)
    const qt: number[] = new Array(n)
    for (let j = 0; j < n; j++) {
      const l = sorted[from + j] as [number, number]
      px[j] = l[0]
      qt[j] = l[1]
    }
    this.px = px
    this.qt = qt
  }

  bestPrice(): number | undefined {
    return this.px[this.px.length - 1]
  }

  best(): BookLevel | undefined {
    const n = this.px.length
    return n === 0 ? undefined : [this.px[n - 1] as number, this.qt[n - 1] as number]
  }

  top(n: number): BookLevel[] {
    const len = this.px.length
    const k = Math.min(Math.max(0, Math.floor(n)), len)
    const out: BookLevel[] = new Array(k)
    for (let j = 0; j < k; j++) out[j] = [this.px[len - 1 - j] as number, this.qt[len - 1 - j] as number]
    return out
  }
}

/** Checks every level (price finite and > 0, quantity finite and >= 0); returns the first problem. */
function checkLevels(
  levels: readonly BookLevel[] | undefined,
  side: 'bids' | 'asks',
): ValidationError | undefined {
  if (levels === undefined) return undefined
  for (let i = 0; i < levels.length; i++) {
    const l = levels[i] as BookLevel
    const p = l[0]
    const q = l[1]
    if (typeof p !== 'number' || !Number.isFinite(p) || p <= 0) {
      return new ValidationError(`Invalid book price "${String(p)}" at ${side}[${i}]`, {
        field: `${side}.${i}.price`,
      })
    }
    if (typeof q !== 'number' || !Number.isFinite(q) || q < 0) {
      return new ValidationError(`Invalid book quantity "${String(q)}" at ${side}[${i}]`, {
        field: `${side}.${i}.qty`,
      })
    }
  }
  return undefined
}

/**
 * The one order book of tradekit: sorted price levels of one instrument (bids highest first, asks lowest first),
 * best bid/ask in O(1), updates in O(log n) to find. Venues only sync it: a venue unit applies snapshots and level
 * deltas (quantity 0 removes a level) and the book emits `book` ({@link BookSnapshot}) after each update. Levels
 * are plain `number`s, validated finite and positive: a bad level rejects the whole update with a
 * {@link ValidationError} (the book is unchanged), never becomes 0.
 *
 * @example
 * ```ts
 * const book = new OrderBook({ venue: 'binance', symbol: 'BTCUSDT' })
 * book.events.on('book', (b) => console.log(b.bids[0], b.asks[0]))
 * book.applySnapshot({ bids: [[100, 1]], asks: [[101, 2]] }, { sequence: 7 })
 * book.applyDeltas({ bids: [[100, 0], [99.5, 3]] }) // removes 100, adds 99.5
 * book.bestBid() // [99.5, 3]
 * ```
 */
export class OrderBook {
  /** Venue put on snapshots. */
  readonly venue: string
  /** Symbol put on snapshots. */
  readonly symbol: string
  readonly #bus = new TypedEmitter<OrderBookEvents>()
  /** `book` after every update, `error` (never emitted by the book itself; there for listeners' failures). */
  readonly events: Listenable<OrderBookEvents> = this.#bus
  readonly #bids = new BookSide(true)
  readonly #asks = new BookSide(false)
  readonly #maxLevels: number
  readonly #bookDepth: number
  readonly #clock: Clock
  #sequence: number | undefined
  #tsEvent = 0

  constructor(config: OrderBookConfig) {
    const cfg = parseConfig(OrderBookConfigSchema, config, 'OrderBook')
    this.venue = cfg.venue
    this.symbol = cfg.symbol
    this.#maxLevels = cfg.maxLevels
    this.#bookDepth = cfg.bookDepth
    this.#clock = cfg.clock ?? new SystemClock()
  }

  /** Sequence of the last update that carried one (`undefined` before). */
  get sequence(): number | undefined {
    return this.#sequence
  }
  /** Time of the last update, epoch ms (0 before the first). */
  get tsEvent(): number {
    return this.#tsEvent
  }
  /** Number of levels on each side. */
  get depth(): { bids: number; asks: number } {
    return { bids: this.#bids.px.length, asks: this.#asks.px.length }
  }
  /** True when both sides are empty. */
  get isEmpty(): boolean {
    return this.#bids.px.length === 0 && this.#asks.px.length === 0
  }
  /** True when the best bid is at or above the best ask (never the case in a sound book). */
  get isCrossed(): boolean {
    const b = this.#bids.bestPrice()
    const a = this.#asks.bestPrice()
    return b !== undefined && a !== undefined && b >= a
  }

  /**
   * Replaces the whole book. Rejected, with the book unchanged, when a level is invalid or the levels cross
   * (best bid >= best ask).
   */
  applySnapshot(
    levels: OrderBookLevels,
    options: OrderBookUpdateOptions = {},
  ): Result<void, ValidationError> {
    const bad = checkLevels(levels.bids, 'bids') ?? checkLevels(levels.asks, 'asks')
    if (bad !== undefined) return err(bad)
    let topBid = Number.NEGATIVE_INFINITY
    let topAsk = Number.POSITIVE_INFINITY
    for (const [p, q] of levels.bids) if (q > 0 && p > topBid) topBid = p
    for (const [p, q] of levels.asks) if (q > 0 && p < topAsk) topAsk = p
    if (topBid >= topAsk) {
      return err(
        new ValidationError(`Book snapshot is crossed (bid ${topBid} >= ask ${topAsk})`, { field: 'book' }),
      )
    }
    this.#bids.load(levels.bids, this.#maxLevels)
    this.#asks.load(levels.asks, this.#maxLevels)
    this.#updated(options)
    return ok(undefined)
  }

  /**
   * Applies level changes (quantity 0 removes a level). An invalid level rejects the whole batch with the book
   * unchanged. A batch that leaves the book crossed is applied but returns an error and emits nothing: a delta was
   * missed, and the owner must resync from a snapshot.
   */
  applyDeltas(deltas: OrderBookDeltas, options: OrderBookUpdateOptions = {}): Result<void, ValidationError> {
    const bad = checkLevels(deltas.bids, 'bids') ?? checkLevels(deltas.asks, 'asks')
    if (bad !== undefined) return err(bad)
    const maxLevels = this.#maxLevels
    const bids = deltas.bids
    if (bids !== undefined) {
      for (let i = 0; i < bids.length; i++) {
        const l = bids[i] as BookLevel
        this.#bids.set(l[0], l[1], maxLevels)
      }
    }
    const asks = deltas.asks
    if (asks !== undefined) {
      for (let i = 0; i < asks.length; i++) {
        const l = asks[i] as BookLevel
        this.#asks.set(l[0], l[1], maxLevels)
      }
    }
    if (this.isCrossed) {
      if (options.sequence !== undefined) this.#sequence = options.sequence
      const b = this.#bids.bestPrice()
      const a = this.#asks.bestPrice()
      return err(new ValidationError(`Book crossed after update (bid ${b} >= ask ${a})`, { field: 'book' }))
    }
    this.#updated(options)
    return ok(undefined)
  }

  /** Empties both sides (e.g. when the owner loses sync); emits nothing. */
  clear(): void {
    this.#bids.clear()
    this.#asks.clear()
    this.#sequence = undefined
  }

  /**
   * Emits `book` with the current snapshot (e.g. after a batch applied with `emit: false`). No snapshot is built
   * when nobody listens.
   */
  publish(): void {
    if (this.#bus.listenerCount('book') === 0) return
    this.#bus.emit('book', this.snapshot(this.#bookDepth))
  }

  /** Best (highest) bid in O(1), or undefined when that side is empty. */
  bestBid(): BookLevel | undefined {
    return this.#bids.best()
  }
  /** Best (lowest) ask in O(1), or undefined when that side is empty. */
  bestAsk(): BookLevel | undefined {
    return this.#asks.best()
  }
  /** Mid price, when both sides have a level. */
  mid(): number | undefined {
    const b = this.#bids.bestPrice()
    const a = this.#asks.bestPrice()
    return b === undefined || a === undefined ? undefined : (a + b) / 2
  }
  /** The best `n` bids as `[price, qty]`, highest first. */
  bids(n = Number.POSITIVE_INFINITY): BookLevel[] {
    return this.#bids.top(n)
  }
  /** The best `n` asks as `[price, qty]`, lowest first. */
  asks(n = Number.POSITIVE_INFINITY): BookLevel[] {
    return this.#asks.top(n)
  }
  /** An immutable {@link BookSnapshot} of the best `depth` levels per side (default: the whole book). */
  snapshot(depth = Number.POSITIVE_INFINITY): BookSnapshot {
    const snap: BookSnapshot = {
      venue: this.venue,
      symbol: this.symbol,
      bids: this.#bids.top(depth),
      asks: this.#asks.top(depth),
      tsEvent: this.#tsEvent,
    }
    return this.#sequence === undefined ? snap : { ...snap, sequence: this.#sequence }
  }

  #updated(options: OrderBookUpdateOptions): void {
    if (options.sequence !== undefined) this.#sequence = options.sequence
    this.#tsEvent = options.tsEvent ?? this.#clock.now()
    if (options.emit !== false) this.publish()
  }
}
