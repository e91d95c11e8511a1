import type { BookLevel, BookSnapshot } from '../../core/index.js'
import { POLYMARKET_VENUE } from './constants.js'
import type { PolymarketBookEvent, PolymarketPriceChange } from './decode.js'

/**
 * The local order book of one outcome token, kept from a `book` snapshot and the `price_change` deltas that
 * follow. Until the first snapshot (and again after {@link LocalBook.invalidate}, e.g. on a reconnect) it is not
 * synced: deltas are ignored and readers should not trust it. Levels are kept sorted; updates are O(log n) to find.
 *
 * @example
 * ```ts
 * const book = new LocalBook(tokenId)
 * book.applySnapshot(bookEvent)
 * book.applyChange(change)
 * book.bestBid() // [price, size] | undefined
 * ```
 */
export class LocalBook {
  /** The outcome token this book belongs to. */
  readonly tokenId: string
  #bidPx: number[] = [] // descending
  #bidSz: number[] = []
  #askPx: number[] = [] // ascending
  #askSz: number[] = []
  #synced = false
  #hash = ''
  #ts = 0

  constructor(tokenId: string) {
    this.tokenId = tokenId
  }

  /** True once a snapshot was applied and not invalidated since. */
  get isSynced(): boolean {
    return this.#synced
  }

  /** Time of the last applied snapshot or change, epoch ms. */
  get tsEvent(): number {
    return this.#ts
  }

  /** Hash of the last snapshot or change as the venue sent it. */
  get hash(): string {
    return this.#hash
  }

  /**
   * Replaces the whole book from a `book` event (levels in any order; duplicate prices are merged, the last size
   * wins). A crossed snapshot leaves the book unsynced.
   */
  applySnapshot(e: Pick<PolymarketBookEvent, 'bids' | 'asks' | 'hash' | 'tsEvent'>): void {
    this.#bidPx = []
    this.#bidSz = []
    this.#askPx = []
    this.#askSz = []
    for (const [p, q] of e.bids) set(this.#bidPx, this.#bidSz, p, q, true)
    for (const [p, q] of e.asks) set(this.#askPx, this.#askSz, p, q, false)
    this.#hash = e.hash
    this.#ts = e.tsEvent
    this.#synced = !this.isCrossed
  }

  /**
   * Applies one level change; ignored (returns false) while not synced. Size 0 removes the level. A change that
   * leaves the book crossed (best bid >= best ask) means a delta was missed: the book becomes unsynced and false is
   * returned, so the owner re-snapshots it.
   */
  applyChange(c: Pick<PolymarketPriceChange, 'price' | 'size' | 'side' | 'hash'>, tsEvent?: number): boolean {
    if (!this.#synced) return false
    if (c.side === 'BUY') set(this.#bidPx, this.#bidSz, c.price, c.size, true)
    else set(this.#askPx, this.#askSz, c.price, c.size, false)
    if (c.hash !== undefined) this.#hash = c.hash
    if (tsEvent !== undefined) this.#ts = tsEvent
    if (this.isCrossed) {
      this.#synced = false
      return false
    }
    return true
  }

  /** True when the best bid is at or above the best ask (never the case in a sound book). */
  get isCrossed(): boolean {
    const b = this.#bidPx[0]
    const a = this.#askPx[0]
    return b !== undefined && a !== undefined && b >= a
  }

  /** Marks the book stale (reconnect, silence): it stays unsynced until the next snapshot. */
  invalidate(): void {
    this.#synced = false
  }

  /** Best bid `[price, size]`, if any. */
  bestBid(): BookLevel | undefined {
    const p = this.#bidPx[0]
    return p === undefined ? undefined : [p, this.#bidSz[0] as number]
  }

  /** Best ask `[price, size]`, if any. */
  bestAsk(): BookLevel | undefined {
    const p = this.#askPx[0]
    return p === undefined ? undefined : [p, this.#askSz[0] as number]
  }

  /** Mid price, when both sides have a level. */
  mid(): number | undefined {
    const b = this.#bidPx[0]
    const a = this.#askPx[0]
    return b === undefined || a === undefined ? undefined : (a + b) / 2
  }

  /** Number of levels on each side. */
  get depth(): { bids: number; asks: number } {
    return { bids: this.#bidPx.length, asks: this.#askPx.length }
  }

  /** An immutable snapshot of the best `levels` levels of each side. */
  snapshot(levels = Number.POSITIVE_INFINITY): BookSnapshot {
    const n = (len: number) => Math.min(len, levels)
    const bids: BookLevel[] = []
    for (let i = 0; i < n(this.#bidPx.length); i++)
      bids.push([this.#bidPx[i] as number, this.#bidSz[i] as number])
    const asks: BookLevel[] = []
    for (let i = 0; i < n(this.#askPx.length); i++)
      asks.push([this.#askPx[i] as number, this.#askSz[i] as number])
    return { venue: POLYMARKET_VENUE, symbol: this.tokenId, bids, asks, tsEvent: this.#ts }
  }
}

function set(px: number[], sz: number[], price: number, size: number, desc: boolean): void {
  let lo = 0
  let hi = px.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    const p = px[mid] as number
    if (desc ? p > price : p < price) lo = mid + 1
    else hi = mid
  }
  if (px[lo] === price) {
    if (size === 0) {
      px.splice(lo, 1)
      sz.splice(lo, 1)
    } else sz[lo] = size
  } else if (size > 0) {
    px.splice(lo, 0, price)
    sz.splice(lo, 0, size)
  }
}
