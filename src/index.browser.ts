/**
 * tradekit core, browser build (the `browser` export condition of `tradekit`): everything of the Node build except
 * the Node-only {@link serveMetrics} (a metrics HTTP server). Keep in sync with src/index.ts; src/exports.test.ts
 * checks that the two differ by exactly the Node-only names.
 *
 * @packageDocumentation
 */
export * from './core/index.js'
export * from './decimal/index.js'
export type { EngineHealth } from './engine/EngineMetrics.js'
export type {
  FeedHealth,
  FeedRegistration,
  FeedStatus,
  VenueHealth,
  VenueRegistration,
} from './engine/FeedHealthMonitor.js'
export type { GroupCompletedEvent, GroupRebalancedEvent } from './engine/GroupRouter.js'
export type { Labels } from './engine/metrics.js'
export { DEFAULT_LATENCY_BUCKETS, MetricsRegistry } from './engine/metrics.js'
export type { StrategyStateStore } from './engine/StrategyStateStore.js'
export type { ClosedTrade } from './engine/TradeLedger.js'
export { TradeLedger } from './engine/TradeLedger.js'
export { TradingEngine } from './engine/TradingEngine.js'
export type { TradingEngineConfig } from './engine/TradingEngineConfig.js'
export { TradingEngineConfigSchema } from './engine/TradingEngineConfig.js'
export type { TradingEngineEvents } from './engine/TradingEngineEvents.js'
export * from './errors/index.js'
