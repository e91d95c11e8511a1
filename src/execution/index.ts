/**
 * Execution: the {@link Portfolio} (Decimal accounting), the {@link PaperTrader} (a realistic simulated venue),
 * the live {@link OrderExecutor} (drives an `ExchangeAdapter`, never doubles an order) and {@link OrderGroup}
 * (multi-leg orders that unwind on failure). PaperTrader and OrderExecutor implement the core `ExecutionClient`.
 *
 * Guides: [Execution](../../docs/execution.md), [Paper vs live](../../docs/paper-vs-live.md), [Going live safely](../../docs/going-live.md).
 *
 * @module tradekit/execution
 * @packageDocumentation
 */
export type {
  AccountSnapshot,
  CancelAllResult,
  ExchangeAdapter,
  ExecutionClient,
  ExecutionEvents,
  OrderFilter,
  OrderIntent,
} from '../core/ports.js'
export { checkInstrumentFilters } from './filters.js'
export {
  OrderExecutor,
  type OrderExecutorConfig,
  OrderExecutorConfigSchema,
  type OrderExecutorEvents,
  type ReconcileReport,
} from './live/OrderExecutor.js'
export type { ShadowComparison, ShadowReport, ShadowSide } from './live/shadow.js'
export {
  type LegExposure,
  LegFate,
  type LegOutcome,
  OrderGroup,
  type OrderGroupConfig,
  OrderGroupConfigSchema,
  type OrderGroupOutcome,
} from './OrderGroup.js'
export {
  type FillApplied,
  Portfolio,
  type PortfolioConfig,
  PortfolioConfigSchema,
  type PortfolioDifference,
  type PortfolioEvents,
  type PortfolioPosition,
  type PortfolioSnapshotOptions,
  type VenueAccountState,
} from './Portfolio.js'
export {
  PaperTrader,
  type PaperTraderConfig,
  PaperTraderConfigSchema,
  type PaperTraderEvents,
  type SlippageRecord,
} from './paper/PaperTrader.js'
export type { PortfolioRestorePosition, PortfolioRestoreState } from './portfolio/planRestore.js'
export {
  QuoteManager,
  type QuoteManagerConfig,
  QuoteManagerConfigSchema,
  type QuoteManagerEvents,
  type QuotePullReport,
  type QuoteRefreshReport,
  type QuoteSentEvent,
  type QuoteStopReport,
} from './QuoteManager.js'
export { diffQuotes, type QuoteDiff, type QuoteTolerance, type RestingQuote } from './quotes/diffQuotes.js'
export { normalizeQuote } from './quotes/normalizeQuote.js'
export {
  type Markout,
  QuoteMetrics,
  type QuoteMetricsConfig,
  QuoteMetricsConfigSchema,
  type QuoteMetricsReport,
} from './quotes/QuoteMetrics.js'
