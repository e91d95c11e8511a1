import type { Listenable } from '../../core/index.js'
import { type BookLevel, type BookSnapshot, type Clock, SystemClock, TypedEmitter } from '../../core/index.js'
import { ExchangeDataError, type TradekitError, toTradekitError } from '../../errors/index.js'
import { strictNumber } from './decodeMarketEvent.js'
import { BINANCE_VENUE, type BinanceDepthDiffEvent, type BinanceMarket } from './types.js'

/** What {@link LocalOrderBook.applyDiff} did with an event. */
export type DiffOutcome =
  /** Applied to the book. */
  | 'applied'
  /** Dropped: already covered by the snapshot or a previous event, or for another symbol. */
  | 'stale'
  /** Continuity broken: the book is invalid until the next snapshot. */
  | 'gap'
  /** Kept for later: no valid snapshot yet (it will be replayed by the next {@link LocalOrderBook.applySnapshot}). */
  | 'buffered'

/** What {@link LocalOrderBook.applySnapshot} did with a REST depth snapshot. */
export type SnapshotOutcome =
  /** The book is synced (buffered events bridged and replayed). */
  | 'applied'
  /** The snapshot is older than the first buffered event: fetch another one. */
  | 'stale'
  /** The buffered events do not bridge the snapshot: fetch another one. */
  | 'gap'
  /** The snapshot was malformed (reported on `error`); the book is unchanged. */
  | 'invalid'

/** Events of a {@link LocalOrderBook}. */
export interface LocalOrderBookEvents {
  /** A (re)sync started: a new snapshot is being fetched. */
  resync: [
    e: { type: 'resync'; symbol: string; reason: 'initial' | 'gap' | 'stale' | 'overflow'; tsEvent: number },
  ]
  /** The book became valid from a snapshot. */
  synced: [e: { type: 'synced'; symbol: string; lastUpdateId: number; tsEvent: number }]
  error: [e: TradekitError]
}

/** Options of {@link LocalOrderBook}. */
export interface LocalOrderBookConfig {
  /** `spot` applies the `U`/`u` rules, `usdm` the `pu` rule. */
  market: BinanceMarket
  symbol: string
  /**
   * Fetches a REST depth snapshot (`GET /api/v3/depth` or `/fapi/v1/depth`, the JSON as Binance sends it). When
   * given, the book resyncs by itself: on the first buffered diff and after every gap.
   */
  fetchSnapshot?: () => Promise<unknown>
  /** Largest number of diffs buffered while waiting for a snapshot (default 10 000); overflow restarts the sync. */
  maxBuffer?: number
  /** Levels kept per side (default 10 000); the worst ones are dropped beyond it. */
  maxLevels?: number
  /** Clock for timestamps and resync backoff. */
  clock?: Clock
}

/** One side: parallel sorted arrays with the best level at the END (cheap splices near the top of book). */
class BookSide {
  readonly px: number[] = []
  readonly qt: number[] = []
  constructor(readonly isBid: boolean) {}

  clear(): void {
    this.px.length = 0
    this.qt.length = 0
  }

  /** Index of `p`, or where to insert it. Bids ascending, asks descending: best last either way. */
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

type State = 'unsynced' | 'synced'

/**
 * A local Binance order book kept in sync from a REST snapshot plus the diff-depth stream, following Binance's
 * documented procedure: diffs are buffered until a snapshot arrives; stale events are dropped; the first applied
 * event must straddle the snapshot; then spot requires `U == previous u + 1` (no gap) and USD-M requires
 * `pu == previous u`. A gap invalidates the book until the next snapshot (fetched automatically when
 * `fetchSnapshot` is given, with a `resync` event). Best bid/ask are O(1); a level with quantity 0 is removed.
 *
 * @example
 * ```ts
 * const book = new LocalOrderBook({ market: 'spot', symbol: 'BTCUSDT' })
 * stream.events.on('depthDiff', (e) => book.applyDiff(e)) // buffered until the snapshot
 * book.applySnapshot(await spot.depthRaw('BTCUSDT', 1000))  // 'applied' ({ lastUpdateId, bids, asks })
 * book.bestBid() // [price, qty]
 * // or let the client do all of it, resyncs included: const book = await spot.orderBook('BTCUSDT')
 * ```
 */
export class LocalOrderBook {
  readonly market: BinanceMarket
  readonly symbol: string
  readonly #bus = new TypedEmitter<LocalOrderBookEvents>()
  /** `resync`, `synced` and `error` events. */
  readonly events: Listenable<LocalOrderBookEvents> = this.#bus
  readonly #bids = new BookSide(true)
  readonly #asks = new BookSide(false)
  readonly #buffer: BinanceDepthDiffEvent[] = []
  readonly #maxBuffer: number
  readonly #maxLevels: number
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

  constructor(config: LocalOrderBookConfig) {
    this.market = config.market
    this.symbol = config.symbol.toUpperCase()
    this.#maxBuffer = config.maxBuffer ?? 10_000
    this.#maxLevels = config.maxLevels ?? 10_000
    this.#fetchSnapshot = config.fetchSnapshot
    this.#clock = config.clock ?? new SystemClock()
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
    const parsed = parseSnapshot(snapshot, BINANCE_VENUE[this.market])
    if (parsed instanceof ExchangeDataError) {
      this.#bus.emit('error', parsed)
      return 'invalid'
    }
    const { lastUpdateId, bids, asks } = parsed
    let topBid = Number.NEGATIVE_INFINITY
    let topAsk = Number.POSITIVE_INFINITY
    for (const [p, q] of bids) if (q > 0 && p > topBid) topBid = p
    for (const [p, q] of asks) if (q > 0 && p < topAsk) topAsk = p
    if (topBid >= topAsk) {
      this.#bus.emit(
        'error',
        new ExchangeDataError(
          BINANCE_VENUE[this.market],
          'Depth snapshot is crossed (best bid >= best ask)',
          ['bids/asks: crossed'],
          snapshot,
        ),
      )
      return 'invalid'
    }
    const first = this.#buffer[0]
    if (first !== undefined && lastUpdateId < first.firstUpdateId) {
      // Spot step 4 (and the futures straddle rule): the snapshot predates the buffered events.
      return 'stale'
    }
    this.#bids.clear()
    this.#asks.clear()
    for (const [p, q] of bids) if (q > 0) this.#bids.set(p, q, this.#maxLevels)
    for (const [p, q] of asks) if (q > 0) this.#asks.set(p, q, this.#maxLevels)
    this.#lastUpdateId = lastUpdateId
    this.#appliedSinceSnapshot = false
    this.#state = 'synced'
    const buffered = this.#buffer.splice(0, this.#buffer.length)
    for (let i = 0; i < buffered.length; i++) {
      if (this.#applySynced(buffered[i] as BinanceDepthDiffEvent) === 'gap') {
        // Keep the events after the break: the next snapshot may bridge them.
        this.#buffer.push(...buffered.slice(i + 1))
        return 'gap'
      }
    }
    this.#bus.emit('synced', {
      type: 'synced',
      symbol: this.symbol,
      lastUpdateId,
      tsEvent: this.#clock.now(),
    })
    return 'applied'
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
    return this.#applySynced(event)
  }

  #applySynced(e: BinanceDepthDiffEvent): DiffOutcome {
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
    const maxLevels = this.#maxLevels
    const bids = e.bids
    for (let i = 0; i < bids.length; i++) {
      const l = bids[i] as BookLevel
      this.#bids.set(l[0], l[1], maxLevels)
    }
    const asks = e.asks
    for (let i = 0; i < asks.length; i++) {
      const l = asks[i] as BookLevel
      this.#asks.set(l[0], l[1], maxLevels)
    }
    this.#lastUpdateId = e.finalUpdateId
    this.#appliedSinceSnapshot = true
    const bid = this.#bids.best()
    const ask = this.#asks.best()
    if (bid !== undefined && ask !== undefined && bid[0] >= ask[0]) return this.#crossed(e, bid[0], ask[0])
    return 'applied'
  }

  /** A book that crosses after a diff is corrupt whatever the update ids say: report it and resync. */
  #crossed(e: BinanceDepthDiffEvent, bid: number, ask: number): 'gap' {
    this.#gaps++
    this.#state = 'unsynced'
    this.#buffer.length = 0
    this.#bus.emit(
      'error',
      new ExchangeDataError(
        BINANCE_VENUE[this.market],
        `Book crossed after update ${e.finalUpdateId} (bid ${bid} >= ask ${ask}); resyncing`,
        ['bids/asks: crossed'],
        { firstUpdateId: e.firstUpdateId, finalUpdateId: e.finalUpdateId },
      ),
    )
    this.#startResync('gap')
    return 'gap'
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
    return this.#bids.best()
  }
  /** Best (lowest) ask in O(1), or undefined when that side is empty. */
  bestAsk(): BookLevel | undefined {
    return this.#asks.best()
  }
  /** The best `n` bids as `[price, qty]`, highest first. */
  bids(n = Number.POSITIVE_INFINITY): BookLevel[] {
    return this.#bids.top(n)
  }
  /** The best `n` asks as `[price, qty]`, lowest first. */
  asks(n = Number.POSITIVE_INFINITY): BookLevel[] {
    return this.#asks.top(n)
  }
  /** A {@link BookSnapshot} of the top `depth` levels. */
  snapshot(depth = 20): BookSnapshot {
    return {
      venue: BINANCE_VENUE[this.market],
      symbol: this.symbol,
      bids: this.bids(depth),
      asks: this.asks(depth),
      sequence: this.#lastUpdateId,
      tsEvent: this.#clock.now(),
    }
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
    this.#bus.emit('resync', { type: 'resync', symbol: this.symbol, reason, tsEvent: this.#clock.now() })
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

interface ParsedSnapshot {
  lastUpdateId: number
  bids: BookLevel[]
  asks: BookLevel[]
}

function parseLevels(raw: unknown, path: string, issues: string[]): BookLevel[] {
  if (!Array.isArray(raw)) {
    issues.push(`${path}: expected an array`)
    return []
  }
  const out: BookLevel[] = []
  for (let i = 0; i < raw.length; i++) {
    const l = raw[i]
    if (!Array.isArray(l) || l.length < 2) {
      issues.push(`${path}.${i}: expected [price, qty]`)
      continue
    }
    const p = strictNumber(l[0])
    const q = strictNumber(l[1])
    if (!(p > 0)) issues.push(`${path}.${i}.0: invalid price`)
    else if (!(q >= 0)) issues.push(`${path}.${i}.1: invalid quantity`)
    else out.push([p, q])
  }
  return out
}

function parseSnapshot(raw: unknown, venue: string): ParsedSnapshot | ExchangeDataError {
  const issues: string[] = []
  let o = raw
  if (typeof raw === 'string') {
    try {
      o = JSON.parse(raw)
    } catch {
      return new ExchangeDataError(venue, 'Depth snapshot is not valid JSON', ['(root): invalid JSON'], raw)
    }
  }
  if (typeof o !== 'object' || o === null) {
    return new ExchangeDataError(venue, 'Depth snapshot is not an object', ['(root): expected object'], raw)
  }
  const r = o as Record<string, unknown>
  const id = r.lastUpdateId
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) issues.push('lastUpdateId: invalid')
  const bids = parseLevels(r.bids, 'bids', issues)
  const asks = parseLevels(r.asks, 'asks', issues)
  if (issues.length > 0) return new ExchangeDataError(venue, 'Invalid depth snapshot', issues, raw)
  return { lastUpdateId: id as number, bids, asks }
}
