import * as z from 'zod/mini'
import { BoundedMap } from '../../core/BoundedMap.js'
import { type Clock, SystemClock } from '../../core/clock.js'
import { parseConfig } from '../../core/config.js'
import { type Listenable, subscribe } from '../../core/events.js'
import { isTerminalStatus } from '../../core/orderState.js'
import type { ExecutionClient, OrderEvent, OrderFilledEvent } from '../../core/ports.js'
import { RecentIds } from '../../core/RecentIds.js'
import { ClockSchema } from '../../core/schemas.js'
import type { BookSnapshot, Fill, Order } from '../../core/types.js'
import { Decimal } from '../../decimal/index.js'
import type { QuoteManagerEvents, QuoteSentEvent } from '../QuoteManager.js'
import { type Markout, Markouts } from './Markouts.js'

export type { Markout } from './Markouts.js'

/** Schema of {@link QuoteMetricsConfig}; defaults are applied here. */
export const QuoteMetricsConfigSchema = z.strictObject({
  /** The QuoteManager whose quotes are measured (its `quote.sent` events). */
  quotes: z.custom<{ readonly events: Listenable<QuoteManagerEvents> }>(
    (v) => typeof v === 'object' && v !== null && 'events' in v,
  ),
  /** The executor the quotes rest on (its order events: acknowledged, filled, cancelled, expired, refused). */
  client: z.custom<ExecutionClient>((v) => typeof v === 'object' && v !== null && 'events' in v),
  clock: z.optional(ClockSchema),
  /** Markout horizons, ms after each fill. Default 1 s, 10 s, 60 s. */
  markoutsMs: z._default(z.array(/* @__PURE__ */ z.int().check(z.positive())), [1_000, 10_000, 60_000]),
  /**
   * Polymarket liquidity rewards: a quote counts as reward-eligible while its price is within `maxSpread` of the
   * midpoint and its open size is at least `minSize` (the market's `rewards.max_spread` / `min_size`). Absent: not measured.
   */
  rewards: z.optional(
    z.strictObject({ maxSpread: z.number().check(z.positive()), minSize: z.number().check(z.minimum(0)) }),
  ),
  /**
   * Inventory samples, pending markouts, resting quotes followed for rewards and ended quotes remembered for late
   * fills: at most this many of each (oldest dropped; up to 2^28). Default 10 000.
   */
  maxSamples: z._default(/* @__PURE__ */ z.int().check(z.positive(), z.maximum(2 ** 28)), 10_000),
})

/** What {@link QuoteMetrics} takes. */
export type QuoteMetricsConfig = z.input<typeof QuoteMetricsConfigSchema>

/** A market maker's run, measured. */
export interface QuoteMetricsReport {
  readonly quotesPlaced: number
  readonly placedQty: Decimal
  readonly fills: number
  readonly filledQty: Decimal
  /** Filled over placed quantity. */
  readonly fillRatio: number
  /** Σ (mid at the fill − price) × qty for buys, (price − mid) × qty for sells, quote currency. */
  readonly spreadCaptured: Decimal
  readonly markouts: readonly Markout[]
  /** Net position built by the quotes' fills, per instrument, after each fill. */
  readonly inventory: ReadonlyArray<{
    readonly tsEvent: number
    readonly symbol: string
    readonly qty: Decimal
  }>
  /** Quote-milliseconds of resting within the rewards' spread and size (0 without `rewards`). */
  readonly rewardEligibleMs: number
}

/** One of our quotes while it rests, as the reward clock follows it. */
interface LiveQuote {
  readonly cid: string
  /** `venue:symbol`. */
  readonly key: string
  price: number
  /** Open size. */
  open: number
  /** Time up to which its resting is counted. */
  since: number
  /** Within the rewards' spread of the mid of the last book, and at least their size (until the next change). */
  eligible: boolean
  /**
   * Reward time counted while the venue had not acknowledged it yet, taken back when it does (it rests from then) or
   * refuses it (it never rested); `undefined` once it rests.
   */
  unacked: number | undefined
}

/**
 * Measures a market maker's run from its QuoteManager and executor: spread captured against the mid at each fill,
 * fill ratio, inventory over time, markouts at fixed horizons (the mid 1 s / 10 s / 60 s after each fill, the measure
 * of adverse selection) and, on Polymarket, the time quotes rest where they earn liquidity rewards: each quote from
 * when it is placed (acknowledged, when the executor says so) until it is cancelled, filled, expired or refused, while
 * the last book found it eligible. Feed it every book with {@link QuoteMetrics.onBook}. Its memory is bounded: it
 * forgets a quote once it is done (but for the last `maxSamples` ids, so a late fill still counts).
 *
 * @example
 * ```ts
 * const metrics = new QuoteMetrics({ quotes: engine.quoteManager('polymarket')!, client: exec, rewards: { maxSpread: 0.03, minSize: 20 } })
 * engine.events.on('book', (b) => metrics.onBook(b))
 * console.log(metrics.report().fillRatio)
 * ```
 */
export class QuoteMetrics {
  readonly #cfg: z.output<typeof QuoteMetricsConfigSchema>
  readonly #clock: Clock
  /** Our quotes resting now, oldest first (at most `maxSamples`): what rewards accrue on. */
  readonly #live: BoundedMap<string, LiveQuote>
  /** The same quotes per instrument (`venue:symbol`): a book settles its own. */
  readonly #byKey = new Map<string, Map<string, LiveQuote>>()
  /** Quotes that ended lately: a fill the venue reports after the end still counts. */
  readonly #ended: RecentIds<string>
  readonly #mid = new Map<string, number>()
  readonly #markouts: Markouts
  /** Inventory samples by sequence number, oldest first (at most `maxSamples`). */
  readonly #inventory: BoundedMap<number, { tsEvent: number; symbol: string; qty: Decimal }>
  readonly #net = new Map<string, Decimal>()
  readonly #offs: Array<() => void> = []
  #quotesPlaced = 0
  #samples = 0
  #placedQty = new Decimal(0)
  #filledQty = new Decimal(0)
  #fills = 0
  #captured = new Decimal(0)
  #rewardMs = 0

  constructor(config: QuoteMetricsConfig) {
    this.#cfg = parseConfig(QuoteMetricsConfigSchema, config, 'QuoteMetrics')
    this.#clock = this.#cfg.clock ?? new SystemClock()
    const max = this.#cfg.maxSamples
    this.#live = new BoundedMap(max)
    this.#ended = new RecentIds(max)
    this.#inventory = new BoundedMap(max)
    this.#markouts = new Markouts(this.#cfg.markoutsMs, max)
    const unfilled = (e: OrderEvent): void => this.#onUnfilled(e.order.clientOrderId, false)
    this.#offs.push(
      subscribe(this.#cfg.quotes.events, { 'quote.sent': (e) => this.#onSent(e) }),
      subscribe(this.#cfg.client.events, {
        'order.accepted': (e) => this.#onAccepted(e.order),
        'order.filled': (e) => this.#onFilled(e),
        'order.canceled': unfilled,
        'order.expired': unfilled,
        'order.rejected': (e) => this.#onUnfilled(e.order.clientOrderId, true),
      }),
    )
  }

  /** Feeds a book: the mid for spread and markouts, and the resting time for rewards. */
  onBook(book: BookSnapshot): void {
    const bid = book.bids[0]
    const ask = book.asks[0]
    const key = `${book.venue}:${book.symbol}`
    const now = this.#clock.now()
    const quotes = this.#byKey.get(key)
    if (quotes !== undefined) for (const q of quotes.values()) this.#settle(q, now)
    if (bid === undefined || ask === undefined) return
    const mid = (bid[0] + ask[0]) / 2
    this.#mid.set(key, mid)
    if (quotes !== undefined) for (const q of quotes.values()) q.eligible = this.#isEligible(q)
    this.#markouts.onMid(key, mid, now)
  }

  /** The run so far. */
  report(): QuoteMetricsReport {
    const now = this.#clock.now()
    for (const [, q] of this.#live) this.#settle(q, now)
    return {
      quotesPlaced: this.#quotesPlaced,
      placedQty: this.#placedQty,
      fills: this.#fills,
      filledQty: this.#filledQty,
      fillRatio: this.#placedQty.isZero() ? 0 : this.#filledQty.div(this.#placedQty).toNumber(),
      spreadCaptured: this.#captured,
      markouts: this.#markouts.report(),
      inventory: Array.from(this.#inventory, ([, x]) => x),
      rewardEligibleMs: this.#rewardMs,
    }
  }

  /** Stops listening. */
  close(): void {
    for (const off of this.#offs.splice(0)) off()
  }

  /** A quote is sent: it rests from now (or from its acknowledgement); sent again with its id, it was amended. */
  #onSent(e: QuoteSentEvent): void {
    this.#placedQty = this.#placedQty.plus(e.qty)
    const now = this.#clock.now()
    const q = this.#live.get(e.clientOrderId)
    if (q !== undefined) {
      this.#settle(q, now) // at its old terms until now
      q.price = e.price.toNumber()
      q.open = e.qty.toNumber()
      q.eligible = this.#isEligible(q)
      return
    }
    if (!this.#ended.has(e.clientOrderId)) this.#quotesPlaced++
    this.#follow(e.clientOrderId, `${e.venue}:${e.symbol}`, e.price.toNumber(), e.qty.toNumber(), now, 0)
  }

  /** The venue acknowledged an order: a quote of ours rests from now (what counted before is taken back). */
  #onAccepted(order: Order): void {
    const now = this.#clock.now()
    const q = this.#live.get(order.clientOrderId)
    if (q === undefined) {
      // A quote that had ended rests again (the venue reopened it): followed again from now.
      if (!this.#ended.has(order.clientOrderId) || order.price === undefined) return
      const open = order.qty.minus(order.filledQty).toNumber()
      this.#follow(order.clientOrderId, `${order.venue}:${order.symbol}`, order.price.toNumber(), open, now)
      return
    }
    if (q.unacked === undefined) return
    this.#settle(q, now)
    this.#rewardMs -= q.unacked
    q.unacked = undefined
  }

  #onFilled(e: OrderFilledEvent): void {
    for (const f of e.fills) this.#onFill(f)
    const q = this.#live.get(e.order.clientOrderId)
    if (q === undefined) return
    this.#settle(q, this.#clock.now())
    q.unacked = undefined // it rested: the venue filled it
    if (isTerminalStatus(e.order.status)) {
      this.#end(q)
      return
    }
    q.open = e.order.qty.minus(e.order.filledQty).toNumber()
    q.eligible = this.#isEligible(q)
  }

  /** An order ended unfilled: cancelled, expired, or refused (`refused`: it never rested, and earns nothing). */
  #onUnfilled(cid: string, refused: boolean): void {
    const q = this.#live.get(cid)
    if (q === undefined) return
    this.#settle(q, this.#clock.now())
    if (refused && q.unacked !== undefined) this.#rewardMs -= q.unacked
    this.#end(q)
  }

  /** Starts following a resting quote (`unacked`: counted as resting until the venue says otherwise). */
  #follow(cid: string, key: string, price: number, open: number, now: number, unacked?: number): void {
    const oldest = this.#live.oldestKey()
    if (this.#live.size >= this.#live.capacity && oldest !== undefined) {
      const first = this.#live.get(oldest) as LiveQuote
      this.#settle(first, now)
      this.#end(first) // `maxSamples` rest already: the oldest is no longer followed
    }
    const q: LiveQuote = { cid, key, price, open, since: now, eligible: false, unacked }
    q.eligible = this.#isEligible(q)
    this.#live.set(cid, q)
    let quotes = this.#byKey.get(key)
    if (quotes === undefined) {
      quotes = new Map()
      this.#byKey.set(key, quotes)
    }
    quotes.set(cid, q)
  }

  /** Stops following a quote; its id is remembered a while, for late fills. */
  #end(q: LiveQuote): void {
    this.#live.delete(q.cid)
    this.#byKey.get(q.key)?.delete(q.cid)
    this.#ended.add(q.cid)
  }

  /** Counts the time since `q.since` if it was eligible meanwhile. */
  #settle(q: LiveQuote, now: number): void {
    if (now <= q.since) return
    if (q.eligible) {
      const ms = now - q.since
      this.#rewardMs += ms
      if (q.unacked !== undefined) q.unacked += ms
    }
    q.since = now
  }

  /** Within the rewards' spread of the last mid of its instrument, and at least their minimum size. */
  #isEligible(q: LiveQuote): boolean {
    const rewards = this.#cfg.rewards
    const mid = this.#mid.get(q.key)
    if (rewards === undefined || mid === undefined) return false
    return Math.abs(q.price - mid) <= rewards.maxSpread + 1e-12 && q.open >= rewards.minSize
  }

  #onFill(f: Fill): void {
    if (!this.#live.has(f.clientOrderId) && !this.#ended.has(f.clientOrderId)) return
    const key = `${f.venue}:${f.symbol}`
    const now = this.#clock.now()
    this.#fills++
    this.#filledQty = this.#filledQty.plus(f.qty)
    const mid = this.#mid.get(key)
    if (mid !== undefined) {
      const edge = f.side === 'BUY' ? new Decimal(mid).minus(f.price) : f.price.minus(mid)
      this.#captured = this.#captured.plus(edge.times(f.qty))
    }
    const net = (this.#net.get(key) ?? new Decimal(0)).plus(f.side === 'BUY' ? f.qty : f.qty.neg())
    this.#net.set(key, net)
    this.#inventory.set(this.#samples++, { tsEvent: now, symbol: f.symbol, qty: net })
    this.#markouts.add(key, f.side, f.price.toNumber(), f.qty.toNumber(), now)
  }
}
