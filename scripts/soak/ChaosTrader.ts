import type { SeededRandom } from '../../src/core/random.js'
import type { BookSnapshot, Candle } from '../../src/core/types.js'
import { Decimal } from '../../src/decimal/index.js'
import type { Strategy, StrategyContext, StrategyRequirements } from '../../src/strategies/index.js'

/** Options of {@link ChaosTrader}. */
export interface ChaosTraderConfig {
  readonly id: string
  readonly venue: string
  readonly symbol: string
  /** `candle`: decide on each closed 1s candle; `book`: on book updates, at most every `everyMs`. */
  readonly on: 'candle' | 'book'
  readonly everyMs?: number
  /** Whether it may open shorts (perpetuals) or only longs (spot, outcome tokens). */
  readonly canShort: boolean
  readonly tickSize: Decimal
  /** Smallest tradable quantity: a smaller position (fee dust) counts as flat. */
  readonly minQty: Decimal
  readonly rng: SeededRandom
}

/**
 * A soak-only strategy that trades all the time: it opens a position (market or marketable limit), closes it a
 * few seconds later, and now and then rests a passive limit order that it cancels on its next decision, so
 * submits, fills, cancels and exits all happen every few seconds. Every choice comes from the seeded `rng`.
 */
export class ChaosTrader implements Strategy {
  readonly id: string
  readonly requirements: StrategyRequirements
  readonly #c: ChaosTraderConfig
  #last = 0
  #bestBid: Decimal | undefined
  #bestAsk: Decimal | undefined

  constructor(config: ChaosTraderConfig) {
    this.#c = config
    this.id = config.id
    this.requirements = {
      instruments: [{ venue: config.venue, symbol: config.symbol }],
      ...(config.on === 'candle' ? { candles: ['1s'] } : { books: true }),
    }
  }

  onCandle(c: Candle, ctx: StrategyContext): void {
    if (this.#c.on !== 'candle' || c.symbol !== this.#c.symbol || c.venue !== this.#c.venue) return
    const close = new Decimal(c.close)
    this.#decide(ctx, close, close)
  }

  onBook(b: BookSnapshot, ctx: StrategyContext): void {
    if (b.symbol !== this.#c.symbol || b.venue !== this.#c.venue) return
    const bid = b.bids[0]?.[0]
    const ask = b.asks[0]?.[0]
    if (bid === undefined || ask === undefined || !(bid > 0) || !(ask > bid)) return
    this.#bestBid = new Decimal(bid)
    this.#bestAsk = new Decimal(ask)
    if (this.#c.on !== 'book') return
    const now = ctx.clock.now()
    if (now - this.#last < (this.#c.everyMs ?? 1500)) return
    this.#last = now
    this.#decide(ctx, this.#bestBid, this.#bestAsk)
  }

  #decide(ctx: StrategyContext, bid: Decimal, ask: Decimal): void {
    const r = this.#c.rng
    const { venue, symbol, tickSize } = this.#c
    // Cancel what rests from the previous decision.
    if (ctx.openOrders().length > 0) {
      void ctx.cancelOrders({ venue, symbol }).catch(() => undefined)
      if (r.chance(0.5)) return
    }
    const pos = ctx.position(venue, symbol)
    const qty = pos?.qty ?? new Decimal(0)
    if (qty.abs().gte(this.#c.minQty)) {
      if (!r.chance(0.6)) return
      const side = qty.isPositive() ? 'SELL' : 'BUY'
      const marketable = side === 'SELL' ? bid : ask
      const limit = r.chance(0.5)
      ctx.signal({
        venue,
        symbol,
        side,
        intent: 'EXIT',
        ...(limit ? { orderType: 'LIMIT' as const, limitPrice: marketable } : {}),
        reason: 'chaos exit',
      })
      return
    }
    if (!r.chance(0.7)) return
    const side = this.#c.canShort && r.chance(0.5) ? 'SELL' : 'BUY'
    const kind = r.next()
    if (kind < 0.5) {
      ctx.signal({ venue, symbol, side, intent: 'ENTRY', reason: 'chaos market entry' })
    } else if (kind < 0.8) {
      const px = side === 'BUY' ? ask : bid
      ctx.signal({
        venue,
        symbol,
        side,
        intent: 'ENTRY',
        orderType: 'LIMIT',
        limitPrice: px,
        reason: 'chaos marketable limit',
      })
    } else {
      // A passive order a few ticks away: it rests until the next decision cancels it (or the price reaches it).
      const ticks = tickSize.times(r.int(2, 20))
      const px = side === 'BUY' ? bid.minus(ticks) : ask.plus(ticks)
      if (px.lte(0)) return
      ctx.signal({
        venue,
        symbol,
        side,
        intent: 'ENTRY',
        orderType: 'LIMIT',
        limitPrice: px,
        reason: 'chaos passive limit',
      })
    }
  }
}
