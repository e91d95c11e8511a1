import * as z from 'zod/mini'
import { parseConfig } from '../core/config.js'
import type { QuoteLevel } from '../core/quotes.js'
import { DurationMsSchema, PositiveDecimalSchema } from '../core/schemas.js'
import type { BookSnapshot } from '../core/types.js'
import { Decimal } from '../decimal/index.js'
import { allocateCollateral, type LadderShape, planLadder } from './marketMaking/planLadder.js'
import { bookOfOthers } from './marketMaking/referencePrice.js'
import { NonNegativeDecimalSchema } from './marketMaking/schemas.js'
import type { Strategy, StrategyContext, StrategyRequirements } from './Strategy.js'

/** Parameters of {@link LadderMarketMaker}. */
export const LadderMarketMakerConfigSchema = z
  .strictObject({
    id: z.optional(/* @__PURE__ */ z.string().check(z.minLength(1))),
    venue: z._default(/* @__PURE__ */ z.string().check(z.minLength(1)), 'polymarket'),
    /** Token id whose book gives the price. */
    tokenId: /* @__PURE__ */ z.string().check(z.minLength(1)),
    /** The other outcome of the market: quoted too (at 1 − the price), the collateral split as the reference does. */
    complementTokenId: z.optional(/* @__PURE__ */ z.string().check(z.minLength(1))),
    /** Lowest price of the ladder. */
    minPrice: PositiveDecimalSchema,
    /** Highest price of the ladder. */
    maxPrice: PositiveDecimalSchema,
    /** Distance of the first level from the price. Default 0.02 (the reference's default). */
    spread: z._default(NonNegativeDecimalSchema, new Decimal('0.02')),
    /** How far beyond the first level the ladder goes. Default 0.1. */
    depth: z._default(NonNegativeDecimalSchema, new Decimal('0.1')),
    /** Distance between levels. Default 0.01. */
    delta: z._default(PositiveDecimalSchema, new Decimal('0.01')),
    /** Collateral the buy ladders may use (the pool's collateral deposit). */
    collateral: PositiveDecimalSchema,
    /** Host-supplied price of `tokenId` (a fair-value feed); `undefined` falls back to the book's mid. */
    fairValue: z.optional(z.custom<() => number | undefined>((v) => typeof v === 'function')),
    /** Price increment. Default 0.01. */
    tickSize: z._default(PositiveDecimalSchema, new Decimal('0.01')),
    /** Smallest level kept, shares. Default 5. */
    minOrderSize: z._default(PositiveDecimalSchema, new Decimal(5)),
    /** Wait at least this long between two quote sets, ms. Default 0 (every book). */
    refreshMs: z._default(DurationMsSchema, 0),
  })
  .check(z.refine((c) => c.minPrice.lt(c.maxPrice) && c.maxPrice.lte(1), 'Need minPrice < maxPrice ≤ 1'))
/** Parameters of {@link LadderMarketMaker} (input form). */
export type LadderMarketMakerConfig = z.input<typeof LadderMarketMakerConfigSchema>

/**
 * A Polymarket ladder shaped like a concentrated-liquidity AMM within [minPrice, maxPrice] (Polymarket's reference
 * "amm" strategy, see {@link planLadder}): buys from `spread` below the price down to `depth` in steps of `delta`, sized
 * from the collateral, and sells above it sized from the shares held, so the book looks like the AMM's curve. With a
 * complement token, both tokens are laddered and the collateral split between them as the reference does.
 *
 * @example
 * ```ts
 * const ladder = new LadderMarketMaker({ tokenId: yes, complementTokenId: no, minPrice: 0.05, maxPrice: 0.95,
 *   collateral: 500, spread: 0.01, depth: 0.1, delta: 0.01 })
 * ```
 */
export class LadderMarketMaker implements Strategy {
  readonly id: string
  readonly requirements: StrategyRequirements
  readonly #cfg: z.output<typeof LadderMarketMakerConfigSchema>
  readonly #shape: LadderShape
  #mid: number | undefined
  #last = Number.NEGATIVE_INFINITY

  constructor(config: LadderMarketMakerConfig) {
    this.#cfg = parseConfig(LadderMarketMakerConfigSchema, config, 'LadderMarketMaker')
    const c = this.#cfg
    this.id = c.id ?? `ladder:${c.tokenId}`
    this.#shape = { ...c }
    const symbols = c.complementTokenId === undefined ? [c.tokenId] : [c.tokenId, c.complementTokenId]
    this.requirements = { instruments: symbols.map((symbol) => ({ venue: c.venue, symbol })), books: true }
  }

  /** Notes the price from the other traders' book (`bookOfOthers`), restates the ladder (at most every `refreshMs`). */
  onBook(raw: BookSnapshot, ctx: StrategyContext): void {
    const book = bookOfOthers(raw, ctx)
    const bid = book.bids[0]
    const ask = book.asks[0]
    if (bid === undefined || ask === undefined) return
    if (book.symbol === this.#cfg.tokenId) this.#mid = (bid[0] + ask[0]) / 2
    const now = ctx.clock.now()
    if (now - this.#last < this.#cfg.refreshMs) return
    const levels = this.levels(ctx)
    if (levels === undefined) return
    this.#last = now
    const { venue, tokenId, complementTokenId: other } = this.#cfg
    ctx.quote({
      venue,
      symbols: other === undefined ? [tokenId] : [tokenId, other],
      ...(other !== undefined ? { outcomePair: [tokenId, other] as const } : {}),
      levels,
      reason: 'amm ladder',
    })
  }

  /** The ladder now (sells first, then buys), or `undefined` before a price is known. */
  levels(ctx: StrategyContext): QuoteLevel[] | undefined {
    const p = this.#cfg.fairValue?.() ?? this.#mid
    if (p === undefined || !Number.isFinite(p) || p <= 0 || p >= 1) return undefined
    const { venue, tokenId, complementTokenId: other, collateral } = this.#cfg
    const held = (s: string): number => Math.max(0, ctx.position(venue, s)?.qty.toNumber() ?? 0)
    const pa = new Decimal(p)
    const y = collateral.toNumber()
    if (other === undefined) {
      const a = planLadder(pa, held(tokenId), y, this.#shape)
      return this.#keep(tokenId, [...a.sells, ...a.buys])
    }
    const pb = new Decimal(1).minus(pa)
    const a0 = planLadder(pa, held(tokenId), 0, this.#shape)
    const b0 = planLadder(pb, held(other), 0, this.#shape)
    const bestSell = (l: { sells: { qty: Decimal }[] }): number => l.sells[0]?.qty.toNumber() ?? 0
    const [ya, yb] = allocateCollateral(y, bestSell(a0), bestSell(b0), a0.phi, b0.phi)
    const a = planLadder(pa, held(tokenId), ya, this.#shape)
    const b = planLadder(pb, held(other), yb, this.#shape)
    return [
      ...this.#keep(tokenId, a.sells),
      ...this.#keep(other, b.sells),
      ...this.#keep(tokenId, a.buys),
      ...this.#keep(other, b.buys),
    ]
  }

  #keep(
    symbol: string,
    levels: ReadonlyArray<{ side: 'BUY' | 'SELL'; price: Decimal; qty: Decimal }>,
  ): QuoteLevel[] {
    return levels.filter((l) => l.qty.gte(this.#cfg.minOrderSize)).map((l) => ({ symbol, ...l }))
  }
}
