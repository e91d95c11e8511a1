import type { Fill, InstrumentKind, Position } from '../../core/types.js'
import type { Decimal } from '../../decimal/index.js'
import type { TradekitError } from '../../errors/index.js'

/** A position as the portfolio tracks it: the core {@link Position} plus accounting detail. */
export interface PortfolioPosition extends Position {
  readonly kind: InstrumentKind
  /** Last mark price, when one was seen. */
  readonly markPrice?: Decimal
  /** Initial margin used (perpetuals: |qty| × mark (or entry) / leverage); zero for spot and outcome tokens. */
  readonly margin: Decimal
  /** Estimated liquidation price (perpetuals, isolated-margin formula); undefined when flat or not a perpetual. */
  readonly liquidationPrice?: Decimal
  /** Fees paid on this instrument, in the quote currency. */
  readonly feesPaid: Decimal
  /**
   * Set (true) when the position is dust: less than one step of its instrument (see `isDust`), so no order can close
   * it. A dust position is not an open position: `positions()` and snapshots leave it out.
   */
  readonly dust?: true
}

/** Result of applying one fill. */
export interface FillApplied {
  readonly fill: Fill
  readonly position: PortfolioPosition
  /** Realized PnL of this fill, net of its fee (quote currency). */
  readonly realizedPnl: Decimal
  /**
   * The fee as the portfolio deducted it, in the quote currency: a spot fee in the base asset at the fill's price (a
   * sale's at cost), zero for a fee charged in a third asset (paid from that asset's cash). Negative on `fill.reversed`.
   */
  readonly feePaid: Decimal
}

/** One difference found by {@link Portfolio.reconcileWith}: what the portfolio had and what the venue reports. */
export interface PortfolioDifference {
  /** `cash` (an asset), `position` (a perpetual or outcome position) or `holding` (a spot base asset). */
  readonly kind: 'cash' | 'position' | 'holding'
  /** Asset (cash, holding) or symbol (position). */
  readonly id: string
  readonly ours: Decimal
  readonly venue: Decimal
  /** Whether the portfolio took the venue's value (spot holdings are reported, not applied). */
  readonly applied: boolean
}

/** Events a {@link Portfolio} emits. */
export interface PortfolioEvents {
  'fill.applied': [e: { type: 'fill.applied'; applied: FillApplied; tsEvent: number }]
  /** A fill the venue reversed was undone: `applied` is the position after, with the realized PnL given back. */
  'fill.reversed': [e: { type: 'fill.reversed'; applied: FillApplied; reason: string; tsEvent: number }]
  /** A fill the venue reported unsettled was settled: what it bought can be sold (`position`: after; none if flat). */
  'fill.settled': [e: { type: 'fill.settled'; fill: Fill; position?: PortfolioPosition; tsEvent: number }]
  /** A fill with a trade id already seen was ignored (fees are accounted once). */
  'fill.duplicateIgnored': [e: { type: 'fill.duplicateIgnored'; fill: Fill; tsEvent: number }]
  'position.settled': [
    e: { type: 'position.settled'; position: PortfolioPosition; payout: Decimal; tsEvent: number },
  ]
  /** The venue's balances or positions were merged in (see {@link Portfolio.reconcileWith}). */
  'portfolio.reconciled': [
    e: { type: 'portfolio.reconciled'; differences: readonly PortfolioDifference[]; tsEvent: number },
  ]
  /**
   * Funding was booked: `amount` (negative: paid) in `asset`, on `symbol` (`''`: a venue payment no single position
   * could be named for). From {@link Portfolio.applyFunding} or a venue's `funding.settled`.
   */
  'funding.applied': [
    e: {
      type: 'funding.applied'
      symbol: string
      venue: string
      asset: string
      amount: Decimal
      tsEvent: number
    },
  ]
  error: [e: TradekitError]
}

/** Options of `Portfolio.snapshot`. */
export interface PortfolioSnapshotOptions {
  /** Carry this strategy's own positions and what no strategy owns too. */
  readonly strategyId?: string
}
