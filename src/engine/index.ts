export type { EngineHealth } from './EngineMetrics.js'
export type {
  FeedHealth,
  FeedRegistration,
  FeedStatus,
  VenueHealth,
  VenueRegistration,
} from './FeedHealthMonitor.js'
export type {
  GroupCompletedEvent,
  GroupEscalatedEvent,
  GroupExposure,
  GroupRebalancedEvent,
  GroupUnwindSettings,
} from './GroupRouter.js'
export { DEFAULT_LATENCY_BUCKETS, type Labels, MetricsRegistry } from './metrics.js'
export { type EngineQuotingConfig, EngineQuotingConfigSchema } from './QuoteRouter.js'
export type { StrategyStateStore } from './StrategyStateStore.js'
export type { ClosedTrade } from './TradeLedger.js'
export { TradingEngine } from './TradingEngine.js'
export { type TradingEngineConfig, TradingEngineConfigSchema } from './TradingEngineConfig.js'
export type { TradingEngineEvents } from './TradingEngineEvents.js'
