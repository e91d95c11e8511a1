import * as z from 'zod/mini'
import { parseConfig } from '../core/config.js'
import { DurationMsSchema } from '../core/schemas.js'
import type { BookLevel, BookSnapshot } from '../core/types.js'
import { Decimal } from '../decimal/index.js'
import type { Strategy, StrategyContext, StrategyRequirements } from './Strategy.js'

/** Parameters of {@link ComplementArbitrage}. */
export const ComplementArbitrageConfigSchema = z.strictObject({
  id: z.optional(/* @__PURE__ */ z.string().check(z.minLength(1))),
  venue: z._default(/* @__PURE__ */ z.string().check(z.minLength(1)), 'polymarket'),
  /** Token id of the YES outcome. */
  yesTokenId: /* @__PURE__ */ z.string().check(z.minLength(1)),
  /** Token id of the NO outcome of the same market. */
  noTokenId: /* @__PURE__ */ z.string().check(z.minLength(1)),
  /** Fee per share as a fraction of the price paid, charged on each leg. Default 0. */
  feeRate: z._default(/* @__PURE__ */ z.number().check(z.minimum(0), z.lt(1)), 0),
  /** Required edge per share pair after fees. Default 0.01 (one cent). */
  margin: z._default(/* @__PURE__ */ z.number().check(z.minimum(0), z.lt(1)), 0.01),
  /** Largest pair quantity per opportunity (shares). Default 100. */
  maxShares: z._default(/* @__PURE__ */ z.number().check(z.positive()), 100),
  /** Smallest pair quantity worth trading (shares). Default 5 (Polymarket's usual minimum order size). */
  minShares: z._default(/* @__PURE__ */ z.number().check(z.positive()), 5),
  /** Wait at least this long between two opportunities, ms. Default 5000. */
  cooldownMs: z._default(DurationMsSchema, 5000),
})
/** Parameters of {@link ComplementArbitrage} (input form). */
export type ComplementArbitrageConfig = z.input<typeof ComplementArbitrageConfigSchema>

/** An opportunity found in the two books: how many pairs, at what worst prices, with what edge per pair. */
export interface ComplementOpportunity {
  readonly qty: number
  readonly yesLimit: number
  readonly noLimit: number
  /** 1 − (average YES + average NO cost including fees), per pair. */
  readonly edgePerPair: number
}

/**
 * Finds how many YES+NO pairs can be bought with a total cost (including fees) below `1 − margin` per pair, walking
 * both ask ladders level by level. Pure; exported for tests and custom strategies.
 *
 * @example
 * ```ts
 * const o = findComplementOpportunity([[0.45, 100]], [[0.5, 80]], // [price, qty] ask levels, best first
 *   { feeRate: 0, margin: 0.01, maxShares: 100 })
 * o?.qty          // 80 pairs
 * o?.edgePerPair  // ≈ 0.05
 * ```
 */
export function findComplementOpportunity(
  yesAsks: readonly BookLevel[],
  noAsks: readonly BookLevel[],
  opts: { feeRate: number; margin: number; maxShares: number },
): ComplementOpportunity | undefined {
  const limit = 1 - opts.margin
  let i = 0
  let j = 0
  let yesLeft = yesAsks[0]?.[1] ?? 0
  let noLeft = noAsks[0]?.[1] ?? 0
  let qty = 0
  let cost = 0
  let yesLimit = 0
  let noLimit = 0
  while (i < yesAsks.length && j < noAsks.length && qty < opts.maxShares) {
    const py = (yesAsks[i] as BookLevel)[0]
    const pn = (noAsks[j] as BookLevel)[0]
    const pairCost = (py + pn) * (1 + opts.feeRate)
    if (pairCost >= limit) break
    const take = Math.min(yesLeft, noLeft, opts.maxShares - qty)
    qty += take
    cost += take * pairCost
    yesLimit = py
    noLimit = pn
    yesLeft -= take
    noLeft -= take
    if (yesLeft <= 0) yesLeft = yesAsks[++i]?.[1] ?? 0
    if (noLeft <= 0) noLeft = noAsks[++j]?.[1] ?? 0
  }
  if (qty <= 0) return undefined
  return { qty, yesLimit, noLimit, edgePerPair: 1 - cost / qty }
}

/**
 * Polymarket complement arbitrage: when the asks of YES and NO of one market sum below 1 minus fees and a margin,
 * buy both (a pair pays exactly 1 at resolution). Emits two BUY signals with one `groupId`, LIMIT at the worst
 * level taken on each side with `maxQty` set to the depth available at those prices, so the host executes them
 * together through an `OrderGroup` (a failed leg is unwound). Each book arriving pairs with the other side's last
 * one, however old: both signals carry the older book's time (`tsEvent`), so risk's data-age check (`maxDataAgeMs`;
 * the engine judges each leg of a group at that time) sees the stalest leg.
 *
 * @example
 * ```ts
 * const arb = new ComplementArbitrage({ yesTokenId: '123…', noTokenId: '456…', margin: 0.01 })
 * ```
 */
export class ComplementArbitrage implements Strategy<{ lastAt: number; groups: number }> {
  readonly id: string
  readonly requirements: StrategyRequirements
  readonly #c: z.output<typeof ComplementArbitrageConfigSchema>
  /** The last asks of each side, with their book's time. */
  readonly #books = new Map<string, { readonly asks: readonly BookLevel[]; readonly tsEvent: number }>()
  #lastAt = Number.NEGATIVE_INFINITY
  #groups = 0

  constructor(config: ComplementArbitrageConfig) {
    this.#c = parseConfig(ComplementArbitrageConfigSchema, config, 'ComplementArbitrage')
    this.id = this.#c.id ?? `complement-arb:${this.#c.yesTokenId.slice(0, 8)}`
    this.requirements = {
      instruments: [
        { venue: this.#c.venue, symbol: this.#c.yesTokenId },
        { venue: this.#c.venue, symbol: this.#c.noTokenId },
      ],
      books: true,
    }
  }

  /**
   * Keeps the side's asks and looks for an opportunity across both sides' last books; its signals carry the older
   * book's time.
   */
  onBook(book: BookSnapshot, ctx: StrategyContext): void {
    if (book.venue !== this.#c.venue) return
    if (book.symbol !== this.#c.yesTokenId && book.symbol !== this.#c.noTokenId) return
    this.#books.set(book.symbol, { asks: book.asks, tsEvent: book.tsEvent })
    const yes = this.#books.get(this.#c.yesTokenId)
    const no = this.#books.get(this.#c.noTokenId)
    if (yes === undefined || no === undefined) return
    // The pair is as old as its older book: the time risk must judge (a fresh side never vouches for the other).
    const dataTs = Math.min(yes.tsEvent, no.tsEvent)
    if (!Number.isFinite(dataTs)) return
    const now = ctx.clock.now()
    if (now - this.#lastAt < this.#c.cooldownMs) return
    if (ctx.openOrders().length > 0) return // a previous group is still working
    const opp = findComplementOpportunity(yes.asks, no.asks, this.#c)
    if (opp === undefined || opp.qty < this.#c.minShares) return
    this.#lastAt = now
    const groupId = `${this.id}#${++this.#groups}`
    const reason = `YES ${opp.yesLimit} + NO ${opp.noLimit}: edge ${opp.edgePerPair.toFixed(4)} per pair`
    const qty = new Decimal(opp.qty)
    for (const [symbol, limit] of [
      [this.#c.yesTokenId, opp.yesLimit],
      [this.#c.noTokenId, opp.noLimit],
    ] as const) {
      ctx.signal({
        venue: this.#c.venue,
        symbol,
        side: 'BUY',
        intent: 'ENTRY',
        orderType: 'LIMIT',
        limitPrice: new Decimal(limit),
        maxQty: qty,
        groupId,
        reason,
        tsEvent: dataTs,
      })
    }
  }

  snapshot(): { lastAt: number; groups: number } {
    return { lastAt: this.#lastAt, groups: this.#groups }
  }

  restore(state: { lastAt: number; groups: number }): void {
    this.#lastAt = state.lastAt
    this.#groups = state.groups
  }
}
