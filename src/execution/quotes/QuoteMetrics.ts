import * as z from 'zod/mini'
import { type Clock, SystemClock } from '../../core/clock.js'
import { parseConfig } from '../../core/config.js'
import type { Listenable } from '../../core/events.js'
import type { ExecutionClient, OrderFilledEvent } from '../../core/ports.js'
import { ClockSchema } from '../../core/schemas.js'
import type { BookSnapshot, Fill, Side } from '../../core/types.js'
import { Decimal } from '../../decimal/index.js'
import type { QuoteManagerEvents, QuoteSentEvent } from '../QuoteManager.js'

/** Schema of {@link QuoteMetricsConfig}; defaults are applied here. */
export const QuoteMetricsConfigSchema = z.strictObject({
  /** The QuoteManager whose quotes are measured (its `quote.sent` events). */
  quotes: z.custom<{ readonly events: Listenable<QuoteManagerEvents> }>(
    (v) => typeof v === 'object' && v !== null && 'events' in v,
  ),
  /** The executor the quotes rest on (its `order.filled` events and open orders). */
  client: z.custom<ExecutionClient>((v) => typeof v === 'object' && v !== null && 'openOrders' in v),
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
  /** Inventory samples and pending markouts kept (oldest dropped). Default 10 000. */
  maxSamples: z._default(/* @__PURE__ */ z.int().check(z.positive()), 10_000),
})

/** What {@link QuoteMetrics} takes. */
export type QuoteMetricsConfig = z.input<typeof QuoteMetricsConfigSchema>

/** Average markout at one horizon: mid then minus the fill price (a sell: the reverse), per share. */
export interface Markout {
  readonly horizonMs: number
  /** Fills measured so far (a fill is measured once a book arrives after its horizon). */
  readonly count: number
  /** Average per share, price units; negative means adverse selection. */
  readonly perShare: number
  /** Total over the measured fills, quote currency. */
  readonly total: number
}

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

interface PendingMarkout {
  readonly key: string
  readonly side: Side
  readonly price: number
  readonly qty: number
  readonly due: number
  readonly horizon: number
}

/**
 * Measures a market maker's run from its QuoteManager and executor: spread captured against the mid at each fill,
 * fill ratio, inventory over time, markouts at fixed horizons (the mid 1 s / 10 s / 60 s after each fill, the measure
 * of adverse selection) and, on Polymarket, the time quotes rest where they earn liquidity rewards. Feed it every
 * book with {@link QuoteMetrics.onBook}.
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
  readonly #placed = new Map<string, QuoteSentEvent>()
  readonly #mid = new Map<string, number>()
  readonly #lastAccrual = new Map<string, number>()
  readonly #pending: PendingMarkout[] = []
  readonly #markouts: Array<{ count: number; perShareSum: number; total: number }>
  readonly #inventory: Array<{ tsEvent: number; symbol: string; qty: Decimal }> = []
  readonly #net = new Map<string, Decimal>()
  readonly #offs: Array<() => void> = []
  #placedQty = new Decimal(0)
  #filledQty = new Decimal(0)
  #fills = 0
  #captured = new Decimal(0)
  #rewardMs = 0

  constructor(config: QuoteMetricsConfig) {
    this.#cfg = parseConfig(QuoteMetricsConfigSchema, config, 'QuoteMetrics')
    this.#clock = this.#cfg.clock ?? new SystemClock()
    this.#markouts = this.#cfg.markoutsMs.map(() => ({ count: 0, perShareSum: 0, total: 0 }))
    const onPlaced = (e: QuoteSentEvent): void => {
      this.#placed.set(e.clientOrderId, e)
      this.#placedQty = this.#placedQty.plus(e.qty)
    }
    const onFilled = (e: OrderFilledEvent): void => {
      for (const f of e.fills) this.#onFill(f)
    }
    this.#cfg.quotes.events.on('quote.sent', onPlaced)
    this.#cfg.client.events.on('order.filled', onFilled)
    this.#offs.push(
      () => this.#cfg.quotes.events.off('quote.sent', onPlaced),
      () => this.#cfg.client.events.off('order.filled', onFilled),
    )
  }

  /** Feeds a book: the mid for spread and markouts, and the resting time for rewards. */
  onBook(book: BookSnapshot): void {
    const bid = book.bids[0]
    const ask = book.asks[0]
    const key = `${book.venue}:${book.symbol}`
    const now = this.#clock.now()
    this.#accrue(key, now)
    if (bid === undefined || ask === undefined) return
    const mid = (bid[0] + ask[0]) / 2
    this.#mid.set(key, mid)
    for (let i = this.#pending.length - 1; i >= 0; i--) {
      const p = this.#pending[i] as PendingMarkout
      if (p.key !== key || now < p.due) continue
      this.#pending.splice(i, 1)
      const perShare = p.side === 'BUY' ? mid - p.price : p.price - mid
      const m = this.#markouts[p.horizon] as { count: number; perShareSum: number; total: number }
      m.count++
      m.perShareSum += perShare
      m.total += perShare * p.qty
    }
  }

  /** The run so far. */
  report(): QuoteMetricsReport {
    const now = this.#clock.now()
    for (const key of this.#lastAccrual.keys()) this.#accrue(key, now)
    return {
      quotesPlaced: this.#placed.size,
      placedQty: this.#placedQty,
      fills: this.#fills,
      filledQty: this.#filledQty,
      fillRatio: this.#placedQty.isZero() ? 0 : this.#filledQty.div(this.#placedQty).toNumber(),
      spreadCaptured: this.#captured,
      markouts: this.#cfg.markoutsMs.map((horizonMs, i) => {
        const m = this.#markouts[i] as { count: number; perShareSum: number; total: number }
        return {
          horizonMs,
          count: m.count,
          perShare: m.count === 0 ? 0 : m.perShareSum / m.count,
          total: m.total,
        }
      }),
      inventory: [...this.#inventory],
      rewardEligibleMs: this.#rewardMs,
    }
  }

  /** Stops listening. */
  close(): void {
    for (const off of this.#offs.splice(0)) off()
  }

  #onFill(f: Fill): void {
    if (!this.#placed.has(f.clientOrderId)) return
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
    this.#inventory.push({ tsEvent: now, symbol: f.symbol, qty: net })
    if (this.#inventory.length > this.#cfg.maxSamples) this.#inventory.shift()
    const price = f.price.toNumber()
    const qty = f.qty.toNumber()
    for (const [horizon, h] of this.#cfg.markoutsMs.entries()) {
      this.#pending.push({ key, side: f.side, price, qty, due: now + h, horizon })
    }
    if (this.#pending.length > this.#cfg.maxSamples)
      this.#pending.splice(0, this.#pending.length - this.#cfg.maxSamples)
  }

  /** Adds the time since the last book of `key` for every quote that rested reward-eligible meanwhile. */
  #accrue(key: string, now: number): void {
    const last = this.#lastAccrual.get(key)
    this.#lastAccrual.set(key, now)
    const rewards = this.#cfg.rewards
    const mid = this.#mid.get(key)
    if (rewards === undefined || last === undefined || mid === undefined || now <= last) return
    for (const o of this.#cfg.client.openOrders()) {
      if (!this.#placed.has(o.clientOrderId) || `${o.venue}:${o.symbol}` !== key || o.price === undefined)
        continue
      const open = o.qty.minus(o.filledQty).toNumber()
      if (Math.abs(o.price.toNumber() - mid) <= rewards.maxSpread + 1e-12 && open >= rewards.minSize) {
        this.#rewardMs += now - last
      }
    }
  }
}
