import type { Decimal } from '../decimal/index.js'
import type { Side } from './types.js'

/** One resting order a market maker wants: side, limit price and size on one instrument. */
export interface QuoteLevel {
  /** Instrument symbol (for an outcome token, its token id). */
  readonly symbol: string
  readonly side: Side
  /** Limit price; rounded to the tick when placed (a bid down, an ask up). */
  readonly price: Decimal
  /** Base quantity (shares for outcome tokens). */
  readonly qty: Decimal
}

/**
 * The complete set of resting orders a strategy wants on some instruments of one venue. It replaces the previous set
 * of that strategy for those instruments: a covered symbol without levels is to have no quote at all.
 */
export interface QuoteTargets {
  /** Id of the strategy that stated it. */
  readonly strategyId: string
  readonly venue: string
  /** The instruments the set covers (at least every symbol of `levels`). */
  readonly symbols: readonly string[]
  /** The wanted orders, best first on each side. */
  readonly levels: readonly QuoteLevel[]
  /** The two outcome tokens of one market, when the set quotes both (for the pair inventory limit). */
  readonly outcomePair?: readonly [string, string]
  /** Human-readable reason, kept in the audit trail. */
  readonly reason?: string
  /** Time of the decision, epoch ms. */
  readonly tsEvent: number
}

/** What a strategy passes to `ctx.quote`: a {@link QuoteTargets} without the fields the runner fills. */
export type QuoteOptions = Omit<QuoteTargets, 'strategyId' | 'tsEvent' | 'symbols'> & {
  /** Defaults to the symbols of `levels`; name a symbol here to pull its quotes with no level on it. */
  readonly symbols?: readonly string[]
  readonly tsEvent?: number
}

/** A level the RiskManager cut down or dropped from a quote set, and why. */
export interface QuoteTrim {
  readonly level: QuoteLevel
  /** The quantity kept (zero when dropped). */
  readonly keptQty: Decimal
  /**
   * Machine-readable reason (`INVENTORY_LIMIT`, `PAIR_INVENTORY_LIMIT`, `INSUFFICIENT_CASH`, `INSUFFICIENT_HOLDINGS`,
   * `STALE_MARKET_DATA`, an instrument's cause).
   */
  readonly code: string
}

/** A quote set the RiskManager approved: the levels to keep resting, and what it trimmed. */
export interface ApprovedQuotes extends QuoteTargets {
  readonly trimmed: readonly QuoteTrim[]
}
