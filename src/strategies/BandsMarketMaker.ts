import * as z from 'zod/mini'
import { parseConfig } from '../core/config.js'
import { DurationMsSchema, PositiveDecimalSchema } from '../core/schemas.js'
import type { BookSnapshot, Order } from '../core/types.js'
import { Decimal } from '../decimal/index.js'
import { type Band, type BandOrder, type BandsPlan, planBands } from './marketMaking/planBands.js'
import { bookOfOthers } from './marketMaking/referencePrice.js'
import { NonNegativeDecimalSchema } from './marketMaking/schemas.js'
import type { Strategy, StrategyContext, StrategyRequirements } from './Strategy.js'

const BandSchema = /* @__PURE__ */ z
  .strictObject({
    /** Nearest distance from the target price, price units (0.01 = one cent). */
    minMargin: NonNegativeDecimalSchema,
    /** Where new orders go: target − avgMargin (a buy), or 1 − that for a sell of the other token. */
    avgMargin: NonNegativeDecimalSchema,
    /** Farthest distance from the target price. */
    maxMargin: NonNegativeDecimalSchema,
    /** Below this open size (shares) the band is filled up to `avgSize`. */
    minSize: NonNegativeDecimalSchema,
    avgSize: NonNegativeDecimalSchema,
    /** Above this open size the band is cancelled down to `avgSize`. */
    maxSize: NonNegativeDecimalSchema,
  })
  .check(
    z.refine(
      (b) => b.minMargin.lte(b.avgMargin) && b.avgMargin.lte(b.maxMargin) && b.minMargin.lt(b.maxMargin),
      'Margins must satisfy minMargin ≤ avgMargin ≤ maxMargin and minMargin < maxMargin',
    ),
    z.refine(
      (b) => b.minSize.lte(b.avgSize) && b.avgSize.lte(b.maxSize),
      'Sizes must satisfy minSize ≤ avgSize ≤ maxSize',
    ),
  )

/** Parameters of {@link BandsMarketMaker}. */
export const BandsMarketMakerConfigSchema = z
  .strictObject({
    id: z.optional(/* @__PURE__ */ z.string().check(z.minLength(1))),
    venue: z._default(/* @__PURE__ */ z.string().check(z.minLength(1)), 'polymarket'),
    /** Token id whose book gives the target price. */
    tokenId: /* @__PURE__ */ z.string().check(z.minLength(1)),
    /** Token id of the other outcome of the same market (its target price is 1 − the token's). */
    complementTokenId: /* @__PURE__ */ z.string().check(z.minLength(1)),
    /** The bands, nearest first; they must not overlap. */
    bands: /* @__PURE__ */ z.array(BandSchema).check(z.minLength(1)),
    /** Host-supplied target price of `tokenId` (a fair-value feed); `undefined` falls back to the book's mid. */
    fairValue: z.optional(z.custom<() => number | undefined>((v) => typeof v === 'function')),
    /** Collateral the bands may commit to new buys; default: unbounded (the RiskManager bounds it). */
    collateral: z.optional(PositiveDecimalSchema),
    /** Price increment. Default 0.01. */
    tickSize: z._default(PositiveDecimalSchema, new Decimal('0.01')),
    /** Share increment. Default 0.01. */
    sizeStep: z._default(PositiveDecimalSchema, new Decimal('0.01')),
    /** Smallest new order, shares. Default 5 (Polymarket's usual minimum order size). */
    minOrderSize: z._default(PositiveDecimalSchema, new Decimal(5)),
    /** Wait at least this long between two quote sets, ms. Default 0 (every book). */
    refreshMs: z._default(DurationMsSchema, 0),
  })
  .check(z.refine((c) => !bandsOverlap(c.bands), 'Bands must not overlap'))
/** Parameters of {@link BandsMarketMaker} (input form). */
export type BandsMarketMakerConfig = z.input<typeof BandsMarketMakerConfigSchema>

/**
 * Polymarket's reference "bands" market maker on both outcome tokens: around a target price (the mid of `tokenId`'s
 * book, or `fairValue`), each band keeps the open size of our buys of one token plus our sells of the other (a buy at
 * p counts as a sell of the other outcome at 1 − p) within [minSize, maxSize], cancelling down to avgSize or placing up
 * to avgSize, sells before the equivalent buys (see {@link planBands} for the arithmetic and its source). It states the
 * whole set with `ctx.quote`; the RiskManager approves it and the engine's QuoteManager keeps the venue equal to it.
 *
 * @example
 * ```ts
 * const mm = new BandsMarketMaker({ venue: 'polymarket', tokenId: yes, complementTokenId: no,
 *   bands: [{ minMargin: 0.01, avgMargin: 0.02, maxMargin: 0.03, minSize: 20, avgSize: 30, maxSize: 40 }] })
 * new TradingEngine({ strategies: [mm], ... })
 * ```
 */
export class BandsMarketMaker implements Strategy {
  readonly id: string
  readonly requirements: StrategyRequirements
  readonly #cfg: z.output<typeof BandsMarketMakerConfigSchema>
  readonly #bands: Band[]
  #mid: number | undefined
  #last = Number.NEGATIVE_INFINITY

  constructor(config: BandsMarketMakerConfig) {
    this.#cfg = parseConfig(BandsMarketMakerConfigSchema, config, 'BandsMarketMaker')
    const { venue, tokenId, complementTokenId } = this.#cfg
    this.id = this.#cfg.id ?? `bands:${tokenId}`
    this.#bands = this.#cfg.bands
    this.requirements = {
      instruments: [
        { venue, symbol: tokenId },
        { venue, symbol: complementTokenId },
      ],
      books: true,
    }
  }

  /**
   * Notes the target price from the other traders' book (`bookOfOthers`) and restates the bands (at most every
   * `refreshMs`).
   */
  onBook(raw: BookSnapshot, ctx: StrategyContext): void {
    const { tokenId, complementTokenId } = this.#cfg
    const book = bookOfOthers(raw, ctx)
    const bid = book.bids[0]
    const ask = book.asks[0]
    if (bid === undefined || ask === undefined) return
    if (book.symbol === tokenId) this.#mid = (bid[0] + ask[0]) / 2
    else if (book.symbol === complementTokenId && this.#mid === undefined)
      this.#mid = 1 - (bid[0] + ask[0]) / 2
    const now = ctx.clock.now()
    if (now - this.#last < this.#cfg.refreshMs) return
    const plan = this.plan(ctx)
    if (plan === undefined) return
    this.#last = now
    ctx.quote({
      venue: this.#cfg.venue,
      symbols: [tokenId, complementTokenId],
      outcomePair: [tokenId, complementTokenId],
      levels: [
        ...plan.keep.map((o) => ({ symbol: o.symbol, side: o.side, price: o.price, qty: o.size })),
        ...plan.place,
      ].sort((a, b) => (a.side === b.side ? 0 : a.side === 'SELL' ? -1 : 1)),
      reason: `bands around ${this.#target()?.toFixed()}`,
    })
  }

  /** The bands' decision now: orders to keep, to cancel and to place; `undefined` before a target price is known. */
  plan(ctx: StrategyContext): BandsPlan | undefined {
    const target = this.#target()
    if (target === undefined) return undefined
    const { venue, tokenId, complementTokenId } = this.#cfg
    const held = (s: string): Decimal => Decimal.max(0, ctx.position(venue, s)?.qty ?? 0)
    return planBands({
      bands: this.#bands,
      tokenId,
      complementTokenId,
      targetPrice: target,
      orders: ctx
        .openOrders()
        .filter((o) => o.venue === venue && o.price !== undefined)
        .map(toBandOrder),
      balances: { token: held(tokenId), complement: held(complementTokenId) },
      ...(this.#cfg.collateral !== undefined ? { collateral: this.#cfg.collateral } : {}),
      tickSize: this.#cfg.tickSize,
      sizeStep: this.#cfg.sizeStep,
      minOrderSize: this.#cfg.minOrderSize,
    })
  }

  #target(): Decimal | undefined {
    const p = this.#cfg.fairValue?.() ?? this.#mid
    if (p === undefined || !Number.isFinite(p) || p <= 0 || p >= 1) return undefined
    return new Decimal(p).toDecimalPlaces(6)
  }
}

function toBandOrder(o: Order & { readonly price?: Decimal }): BandOrder {
  return {
    id: o.clientOrderId,
    symbol: o.symbol,
    side: o.side,
    price: o.price as Decimal,
    size: o.qty.minus(o.filledQty),
  }
}

function bandsOverlap(bands: ReadonlyArray<{ minMargin: Decimal; maxMargin: Decimal }>): boolean {
  return bands.some((a, i) =>
    bands.some((b, j) => i !== j && a.minMargin.lt(b.maxMargin) && b.minMargin.lt(a.maxMargin)),
  )
}
