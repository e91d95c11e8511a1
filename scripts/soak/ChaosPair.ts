import type { SeededRandom } from '../../src/core/random.js'
import type { BookSnapshot, Fill } from '../../src/core/types.js'
import { Decimal } from '../../src/decimal/index.js'
import type { Strategy, StrategyContext, StrategyRequirements } from '../../src/strategies/index.js'

/** Options of {@link ChaosPair}. */
export interface ChaosPairConfig {
  readonly id: string
  readonly venue: string
  /** The two outcome tokens of one market. */
  readonly yes: string
  readonly no: string
  /** Least time between two decisions. */
  readonly everyMs: number
  readonly rng: SeededRandom
}

/**
 * A soak-only strategy that sends two-leg groups: it buys YES and NO of one market together (marketable limits,
 * one `groupId`, so the engine approves them all or none and runs them as an `OrderGroup`), and now and then exits
 * both (marketable limit SELLs at the bids) once it holds some of either. The YES chaos trader trades the same token:
 * an EXIT closes only this strategy's own share (the Portfolio's per-strategy ledger), never the other's. Every choice
 * comes from the seeded `rng`; it ignores whether the pair is profitable.
 */
export class ChaosPair implements Strategy {
  readonly id: string
  readonly requirements: StrategyRequirements
  readonly #c: ChaosPairConfig
  readonly #asks = new Map<string, Decimal>()
  readonly #bids = new Map<string, Decimal>()
  /** This strategy's own holding of each token, from its fills (an exit is tried only while it holds some). */
  readonly #held = new Map<string, Decimal>()
  #last = 0
  #groups = 0

  constructor(config: ChaosPairConfig) {
    this.#c = config
    this.id = config.id
    this.requirements = {
      instruments: [
        { venue: config.venue, symbol: config.yes },
        { venue: config.venue, symbol: config.no },
      ],
      books: true,
    }
  }

  onBook(b: BookSnapshot, ctx: StrategyContext): void {
    if (b.venue !== this.#c.venue || (b.symbol !== this.#c.yes && b.symbol !== this.#c.no)) return
    const bid = b.bids[0]?.[0]
    const ask = b.asks[0]?.[0]
    if (bid === undefined || ask === undefined || !(bid > 0) || !(ask > bid) || !(ask < 1)) return
    this.#asks.set(b.symbol, new Decimal(ask))
    this.#bids.set(b.symbol, new Decimal(bid))
    const now = ctx.clock.now()
    if (now - this.#last < this.#c.everyMs) return
    this.#last = now
    this.#decide(ctx)
  }

  onFill(fill: Fill): void {
    const held = this.#held.get(fill.symbol) ?? new Decimal(0)
    this.#held.set(fill.symbol, fill.side === 'BUY' ? held.plus(fill.qty) : held.minus(fill.qty))
  }

  #decide(ctx: StrategyContext): void {
    const r = this.#c.rng
    const { venue, yes, no } = this.#c
    if (ctx.openOrders().length > 0) return // a group is still working
    const yesAsk = this.#asks.get(yes)
    const noAsk = this.#asks.get(no)
    // Exits only while something is held: under heavy chaos a decision spent on an exit of nothing (denied) could
    // leave a short run with no group approved at all.
    const holding = [...this.#held.values()].some((q) => q.gt(0))
    if (holding && r.chance(0.3)) {
      // Exit both legs: the RiskManager sizes each EXIT to this strategy's own share (or denies: nothing held).
      for (const symbol of [yes, no]) {
        const limitPrice = this.#bids.get(symbol)
        if (limitPrice === undefined) continue
        ctx.signal({
          venue,
          symbol,
          side: 'SELL',
          intent: 'EXIT',
          orderType: 'LIMIT',
          limitPrice,
          reason: 'chaos pair exit',
        })
      }
      return
    }
    if (yesAsk === undefined || noAsk === undefined || !r.chance(0.6)) return
    const groupId = `${this.id}#${++this.#groups}`
    const qty = new Decimal(r.int(5, 25))
    for (const [symbol, limitPrice] of [
      [yes, yesAsk],
      [no, noAsk],
    ] as const) {
      ctx.signal({
        venue,
        symbol,
        side: 'BUY',
        intent: 'ENTRY',
        orderType: 'LIMIT',
        limitPrice,
        maxQty: qty,
        groupId,
        reason: 'chaos pair entry',
      })
    }
  }
}
