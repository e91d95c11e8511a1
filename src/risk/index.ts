/**
 * `tradekit/risk`: position sizing, pre-trade checks, circuit breakers (ACTIVE → REDUCING → HALTED) and a kill
 * switch. Every order a strategy wants passes through {@link RiskManager.evaluate}.
 *
 * @packageDocumentation
 */
export {
  CircuitBreaker,
  type CircuitBreakerStatus,
  type ResumeOptions,
} from './CircuitBreaker.js'
export {
  BreakersConfigSchema,
  type CircuitBreakerConfig,
  CircuitBreakerConfigSchema,
  ConsecutiveLossesConfigSchema,
  DailyLossConfigSchema,
  DrawdownConfigSchema,
  OrderRateConfigSchema,
  RejectionRateConfigSchema,
  type ResolvedCircuitBreakerConfig,
  type ResolvedRiskManagerConfig,
  type ResolvedSizingConfig,
  type RiskManagerConfig,
  RiskManagerConfigSchema,
  type SizingConfig,
  SizingConfigSchema,
} from './config.js'
export type {
  BreakerTrippedEvent,
  CircuitBreakerEvents,
  EmergencyStopEvent,
  RiskApprovedEvent,
  RiskDeniedEvent,
  RiskManagerEvents,
  RiskResizedEvent,
  SizingBreakdown,
  TradingStateChangedEvent,
} from './events.js'
export type {
  EmergencyStopOptions,
  EmergencyStopReport,
  FlattenOrder,
  UncanceledOrder,
  UnflattenedPosition,
} from './killSwitch.js'
export { RiskManager } from './RiskManager.js'
export {
  FileStateStore,
  type FileStateStoreOptions,
  MemoryStateStore,
  type PersistedRiskState,
  PersistedRiskStateSchema,
  parsePersistedRiskState,
  type StateStore,
} from './StateStore.js'
export {
  type AtrStopParams,
  atrStopPrice,
  type CappedQuantity,
  type CapQuantityParams,
  capQuantity,
  type FixedFractionalParams,
  type FixedNotionalParams,
  type FractionalKellyParams,
  fixedFractionalSize,
  fixedNotionalSize,
  fractionalKellySize,
  type KellyParams,
  kellyFraction,
  type VolatilityTargetParams,
  volatilityTargetSize,
} from './sizing.js'
export { TradingDay, type TradingDayRange } from './TradingDay.js'
export {
  QuantityCap,
  RiskReason,
  type RiskRejection,
  type RiskValues,
  SizingMethod,
  StateChangeReason,
  TradingState,
} from './types.js'
