import * as z from 'zod/mini'
import { parseConfig } from '../core/config.js'
import type { BookSnapshot } from '../core/types.js'
import { Decimal } from '../decimal/index.js'
import type { Strategy, StrategyContext, StrategyRequirements } from './Strategy.js'

/** Parameters of {@link ResolutionSniper}. */
export const ResolutionSniperConfigSchema = z.strictObject({
  id: z.optional(/* @__PURE__ */ z.string().check(z.minLength(1))),
  venue: z._default(/* @__PURE__ */ z.string().check(z.minLength(1)), 'polymarket'),
  /** Outcome token ids to watch. */
  tokenIds: /* @__PURE__ */ z.array(/* @__PURE__ */ z.string().check(z.minLength(1))).check(z.minLength(1)),
  /** Buy only while the winning outcome's ask is below this price. Default 0.98. */
  threshold: z._default(/* @__PURE__ */ z.number().check(z.gt(0), z.lt(1)), 0.98),
  /** Largest quantity per resolved outcome (shares). Default 100. */
  maxShares: z._default(/* @__PURE__ */ z.number().check(z.positive()), 100),
})
/** Parameters of {@link ResolutionSniper} (input form). */
export type ResolutionSniperConfig = z.input<typeof ResolutionSniperConfigSchema>

/** Saved state of a {@link ResolutionSniper}. */
export interface ResolutionSniperState {
  readonly resolved: readonly string[]
  readonly bought: Readonly<Record<string, number>>
}

/**
 * Resolution sniping: once the host says an outcome has resolved (`markResolved(tokenId)`, e.g. from an oracle or
 * Polymarket's `market_resolved` event), buy that outcome while it still trades below `threshold`, sized by the ask
 * depth below the threshold and capped by `maxShares` over all signals for that token.
 *
 * @example
 * ```ts
 * const sniper = new ResolutionSniper({ tokenIds: [yesId, noId], threshold: 0.98 })
 * polymarket.market.events.on('market', (e) => {
 *   if (e.type === 'market_resolved' && e.winningTokenId !== undefined) sniper.markResolved(e.winningTokenId)
 * })
 * ```
 */
export class ResolutionSniper implements Strategy<ResolutionSniperState> {
  readonly id: string
  readonly requirements: StrategyRequirements
  readonly #c: z.output<typeof ResolutionSniperConfigSchema>
  readonly #resolved = new Set<string>()
  readonly #bought = new Map<string, number>()

  constructor(config: ResolutionSniperConfig) {
    this.#c = parseConfig(ResolutionSniperConfigSchema, config, 'ResolutionSniper')
    this.id = this.#c.id ?? `resolution-sniper:${this.#c.tokenIds[0]?.slice(0, 8)}`
    this.requirements = {
      instruments: this.#c.tokenIds.map((symbol) => ({ venue: this.#c.venue, symbol })),
      books: true,
    }
  }

  /** Tells the strategy that `tokenId` is the winning outcome. Unknown token ids are ignored. */
  markResolved(tokenId: string): void {
    if (this.#c.tokenIds.includes(tokenId)) this.#resolved.add(tokenId)
  }

  onBook(book: BookSnapshot, ctx: StrategyContext): void {
    if (book.venue !== this.#c.venue || !this.#resolved.has(book.symbol)) return
    if (ctx.openOrders().some((o) => o.symbol === book.symbol)) return
    const room = this.#c.maxShares - (this.#bought.get(book.symbol) ?? 0)
    if (room <= 0) return
    let qty = 0
    let limit = 0
    for (const [price, size] of book.asks) {
      if (price >= this.#c.threshold || qty >= room) break
      qty += Math.min(size, room - qty)
      limit = price
    }
    if (qty <= 0) return
    this.#bought.set(book.symbol, (this.#bought.get(book.symbol) ?? 0) + qty)
    ctx.signal({
      venue: this.#c.venue,
      symbol: book.symbol,
      side: 'BUY',
      intent: 'ENTRY',
      orderType: 'LIMIT',
      limitPrice: new Decimal(limit),
      maxQty: new Decimal(qty),
      reason: `resolved outcome ${book.symbol} asks below ${this.#c.threshold}`,
      tsEvent: book.tsEvent,
    })
  }

  snapshot(): ResolutionSniperState {
    return { resolved: [...this.#resolved], bought: Object.fromEntries(this.#bought) }
  }

  restore(state: ResolutionSniperState): void {
    this.#resolved.clear()
    for (const t of state.resolved) this.#resolved.add(t)
    this.#bought.clear()
    for (const [k, v] of Object.entries(state.bought)) this.#bought.set(k, v)
  }
}
