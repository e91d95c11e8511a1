import type { Clock } from '../core/clock.js'
import type { Logger } from '../core/logger.js'
import type { CancelAllResult, OrderFilter, Signal } from '../core/ports.js'
import type { QuoteOptions, QuoteTargets } from '../core/quotes.js'
import type { BookSnapshot, Candle, Fill, Order, Position, Trade } from '../core/types.js'

/** One instrument a strategy trades or watches. */
export interface InstrumentRef {
  readonly venue: string
  readonly symbol: string
}

/** What a strategy needs from the feeds; the engine subscribes to exactly this. */
export interface StrategyRequirements {
  readonly instruments: readonly InstrumentRef[]
  /** Candle intervals (`1m`, `1h`); only closed candles are delivered. */
  readonly candles?: readonly string[]
  /** Whether it needs order-book snapshots. */
  readonly books?: boolean
  /** Whether it needs public trades. */
  readonly trades?: boolean
}

/** What a strategy passes to {@link StrategyContext.signal}: a {@link Signal} without the fields the runner fills. */
export type SignalOptions = Omit<Signal, 'strategyId' | 'tsEvent'> & { readonly tsEvent?: number }

/**
 * What a strategy can do and see while it runs: emit signals, cancel its orders, read its positions and orders,
 * tell the time, log. It never sees an exchange.
 */
export interface StrategyContext {
  readonly strategyId: string
  readonly clock: Clock
  readonly logger: Logger
  /** Emits a signal for the RiskManager to size and approve. Returns the emitted signal. */
  signal(params: SignalOptions): Signal
  /**
   * States the orders this strategy wants resting (market makers): the set replaces its previous one for the same
   * instruments; the RiskManager approves it as a whole and a `QuoteManager` keeps the venue's orders equal to it.
   */
  quote(targets: QuoteOptions): QuoteTargets
  /** Cancels this strategy's open orders (optionally of one instrument). */
  cancelOrders(filter?: InstrumentRef): Promise<CancelAllResult>
  /** The position on one instrument, if any. */
  position(venue: string, symbol: string): Position | undefined
  /** All positions visible to this strategy. */
  positions(): readonly Position[]
  /** This strategy's open orders. */
  openOrders(): readonly Order[]
  /**
   * Whether the books this strategy receives of `venue` show its own resting orders: true live (the venue's book
   * holds them), false when its orders are simulated (PaperTrader, `Backtester`), whose public books never do. A market
   * maker takes its orders out of a book only when it shows them (see `bookOfOthers`).
   */
  booksShowOwnOrders(venue: string): boolean
}

/**
 * The strategy contract. Implement the hooks you need; everything is optional but `id` and `requirements`.
 * A strategy reacts to events and emits signals through the context; it never places orders itself, so risk
 * checks and paper/live parity always hold. `snapshot`/`restore` let a restart continue where it stopped.
 *
 * @example
 * ```ts
 * class BuyTheDip implements Strategy {
 *   readonly id = 'dip'
 *   readonly requirements = { instruments: [{ venue: 'binance', symbol: 'BTCUSDT' }], candles: ['1m'] }
 *   onCandle(c: Candle, ctx: StrategyContext) {
 *     if (c.close < c.open * 0.97) ctx.signal({ venue: c.venue, symbol: c.symbol, side: 'BUY', intent: 'ENTRY', reason: 'dip' })
 *   }
 * }
 * ```
 */
export interface Strategy<S = unknown> {
  /** Unique id; signals and orders carry it. */
  readonly id: string
  readonly requirements: StrategyRequirements
  onStart?(ctx: StrategyContext): void
  onStop?(ctx: StrategyContext): void
  /** A closed candle of a required interval. */
  onCandle?(candle: Candle, ctx: StrategyContext): void
  onBook?(book: BookSnapshot, ctx: StrategyContext): void
  onTrade?(trade: Trade, ctx: StrategyContext): void
  /** A fill of one of this strategy's orders. */
  onFill?(fill: Fill, ctx: StrategyContext): void
  /** The venue undid a fill it had reported for one of this strategy's orders (a failed Polymarket settlement). */
  onFillReversed?(fill: Fill, ctx: StrategyContext): void
  /** A status change of one of this strategy's orders. */
  onOrderUpdate?(order: Order, ctx: StrategyContext): void
  /** JSON-serialisable state. */
  snapshot?(): S
  /** Restores state from {@link Strategy.snapshot}'s output. */
  restore?(state: S): void
}

/** What a {@link StrategyRunner} needs from its host (the engine, or an app wiring modules by hand). */
export interface StrategyHost {
  readonly clock: Clock
  readonly logger?: Logger
  /** Positions visible to strategies (usually a Portfolio's). */
  positions(): readonly Position[]
  /** Open orders of one strategy. */
  openOrders(strategyId: string): readonly Order[]
  /** Cancels orders matching the filter. */
  cancelOrders(filter: OrderFilter): Promise<CancelAllResult>
  /**
   * Whether the books the host feeds of `venue` show the strategies' own resting orders: `false` when the executor
   * of that venue simulates it (`executor.isSimulated`, a PaperTrader). Absent: `true` (orders rest at the venue).
   */
  booksShowOwnOrders?(venue: string): boolean
}

/**
 * True when `ref` is one of the strategy's instruments.
 *
 * @example
 * ```ts
 * requiresInstrument(strategy.requirements, 'binance', 'BTCUSDT') // true when the strategy trades it
 * ```
 */
export function requiresInstrument(req: StrategyRequirements, venue: string, symbol: string): boolean {
  return req.instruments.some((i) => i.venue === venue && i.symbol === symbol)
}
