import * as z from 'zod/mini'
import { parseConfig } from '../core/config.js'
import type { QuoteLevel } from '../core/quotes.js'
import { DurationMsSchema, PositiveDecimalSchema } from '../core/schemas.js'
import type { BookSnapshot, Fill } from '../core/types.js'
import { Decimal } from '../decimal/index.js'
import { StdDev } from '../indicators/index.js'
import { bookOfOthers, referencePrice } from './marketMaking/referencePrice.js'
import type { Strategy, StrategyContext, StrategyRequirements } from './Strategy.js'

const Bps = /* @__PURE__ */ z.number().check(z.minimum(0), z.lt(10_000))

/** Parameters of {@link SpreadQuoter}. */
export const SpreadQuoterConfigSchema = z.strictObject({
  id: z.optional(/* @__PURE__ */ z.string().check(z.minLength(1))),
  venue: /* @__PURE__ */ z.string().check(z.minLength(1)),
  symbol: /* @__PURE__ */ z.string().check(z.minLength(1)),
  /** Size of each level, base units. */
  size: PositiveDecimalSchema,
  /** Distance of the first bid and ask from the reference price, bps (half the quoted spread). Default 10. */
  spreadBps: z._default(Bps, 10),
  /** Levels per side. Default 1. */
  levels: z._default(/* @__PURE__ */ z.int().check(z.minimum(1), z.maximum(20)), 1),
  /** Distance between levels, bps. Default 10. */
  levelSpacingBps: z._default(Bps, 10),
  /** Reference price: the book's mid or microprice, unless `fairValue` gives one. Default `mid`. */
  priceSource: z._default(z.enum(['mid', 'microprice']), 'mid'),
  /** Host-supplied fair value; `undefined` falls back to the book. */
  fairValue: z.optional(z.custom<() => number | undefined>((v) => typeof v === 'function')),
  /**
   * Inventory skew toward `targetPosition`: with r = (position − target) / maxPosition clamped to [−1, 1], the
   * reference moves by −r·priceBps and bid sizes scale by (1 − r), ask sizes by (1 + r). Absent: no skew.
   */
  skew: z.optional(
    z.strictObject({
      maxPosition: PositiveDecimalSchema,
      targetPosition: z._default(/* @__PURE__ */ z.number(), 0),
      priceBps: z._default(Bps, 10),
    }),
  ),
  /**
   * Volatility-scaled spread: the first level sits at max(spreadBps, multiplier × stddev of the last `window`
   * reference prices, in bps of the price). Absent: fixed spread.
   */
  volatility: z.optional(
    z.strictObject({
      window: z._default(/* @__PURE__ */ z.int().check(z.minimum(2)), 20),
      multiplier: z._default(/* @__PURE__ */ z.number().check(z.positive()), 2),
    }),
  ),
  /** Order refresh time: a new quote set at most this often, ms. Default 1000. */
  refreshMs: z._default(DurationMsSchema, 1000),
  /** Restate before `refreshMs` when the reference moved more than this, bps. Default: never early. */
  refreshToleranceBps: z.optional(Bps),
})
/** Parameters of {@link SpreadQuoter} (input form). */
export type SpreadQuoterConfig = z.input<typeof SpreadQuoterConfigSchema>

/**
 * A pure market maker for any venue (hummingbot's most used strategy, Binance first): `levels` bids and asks at
 * `spreadBps` (plus `levelSpacingBps` per level) around the mid, the microprice or a host's fair value, skewed toward a
 * target position (prices and sizes, see `skew`), optionally widened with volatility, restated every `refreshMs` (or
 * sooner when the price moved past `refreshToleranceBps`, or after a fill). It states the set with `ctx.quote`.
 *
 * @example
 * ```ts
 * const mm = new SpreadQuoter({ venue: 'binance', symbol: 'BTCUSDT', size: '0.001', spreadBps: 5, levels: 2,
 *   skew: { maxPosition: '0.01' }, volatility: { window: 30, multiplier: 2 } })
 * ```
 */
export class SpreadQuoter implements Strategy {
  readonly id: string
  readonly requirements: StrategyRequirements
  readonly #cfg: z.output<typeof SpreadQuoterConfigSchema>
  readonly #sd: StdDev | undefined
  #lastTs = Number.NEGATIVE_INFINITY
  #lastRef: number | undefined
  #dirty = false

  constructor(config: SpreadQuoterConfig) {
    this.#cfg = parseConfig(SpreadQuoterConfigSchema, config, 'SpreadQuoter')
    this.id = this.#cfg.id ?? `spread:${this.#cfg.venue}:${this.#cfg.symbol}`
    this.requirements = { instruments: [{ venue: this.#cfg.venue, symbol: this.#cfg.symbol }], books: true }
    this.#sd = this.#cfg.volatility === undefined ? undefined : new StdDev(this.#cfg.volatility.window)
  }

  /** Updates the reference price (from the other traders' book, `bookOfOthers`) and restates the quotes when due. */
  onBook(book: BookSnapshot, ctx: StrategyContext): void {
    const ref = this.#cfg.fairValue?.() ?? referencePrice(bookOfOthers(book, ctx), this.#cfg.priceSource)
    if (ref === undefined || !Number.isFinite(ref) || ref <= 0) return
    const sd = this.#sd?.update(ref)
    const now = ctx.clock.now()
    const moved =
      this.#cfg.refreshToleranceBps !== undefined &&
      this.#lastRef !== undefined &&
      (Math.abs(ref - this.#lastRef) / this.#lastRef) * 10_000 > this.#cfg.refreshToleranceBps
    if (!this.#dirty && !moved && now - this.#lastTs < this.#cfg.refreshMs) return
    this.#lastTs = now
    this.#lastRef = ref
    this.#dirty = false
    const pos = ctx.position(this.#cfg.venue, this.#cfg.symbol)?.qty.toNumber() ?? 0
    ctx.quote({
      venue: this.#cfg.venue,
      levels: this.levels(ref, pos, sd),
      symbols: [this.#cfg.symbol],
      reason: `spread around ${ref}`,
    })
  }

  /** A fill changed the inventory: the next book restates at once. */
  onFill(_fill: Fill, _ctx: StrategyContext): void {
    this.#dirty = true
  }

  /** The quotes for a reference price, a position and (optionally) the reference's standard deviation. */
  levels(ref: number, position: number, stddev?: number): QuoteLevel[] {
    const c = this.#cfg
    let half = c.spreadBps
    if (c.volatility !== undefined && stddev !== undefined)
      half = Math.max(half, (c.volatility.multiplier * stddev * 10_000) / ref)
    let r = 0
    if (c.skew !== undefined) {
      r = (position - c.skew.targetPosition) / c.skew.maxPosition.toNumber()
      r = Math.min(1, Math.max(-1, r))
    }
    const center = ref * (1 - (r * (c.skew?.priceBps ?? 0)) / 10_000)
    const bidQty = c.size.times(new Decimal(1 - r).toDecimalPlaces(8))
    const askQty = c.size.times(new Decimal(1 + r).toDecimalPlaces(8))
    const out: QuoteLevel[] = []
    for (let k = 0; k < c.levels; k++) {
      const off = (half + k * c.levelSpacingBps) / 10_000
      if (askQty.gt(0))
        out.push({ symbol: c.symbol, side: 'SELL', price: price(center * (1 + off)), qty: askQty })
      if (bidQty.gt(0) && off < 1)
        out.push({ symbol: c.symbol, side: 'BUY', price: price(center * (1 - off)), qty: bidQty })
    }
    return out
  }
}

const price = (v: number): Decimal => new Decimal(v.toPrecision(12))
