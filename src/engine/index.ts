export { DEFAULT_LATENCY_BUCKETS, type Labels, MetricsRegistry } from './metrics.js'
export { type MetricsServer, type ServeMetricsOptions, serveMetrics } from './serveMetrics.js'
export { type ClosedTrade, TradeLedger } from './TradeLedger.js'
export {
  type EngineHealth,
  type FeedHealth,
  type FeedRegistration,
  type FeedStatus,
  type GroupCompletedEvent,
  type GroupRebalancedEvent,
  InstrumentState,
  type InstrumentStateChangedEvent,
  type StrategyStateStore,
  TradingEngine,
  type TradingEngineConfig,
  type TradingEngineEvents,
  type VenueRegistration,
} from './TradingEngine.js'
