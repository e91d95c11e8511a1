/**
 * `tradekit/risk`, browser build (the `browser` export condition): everything of the Node build except the Node-only
 * `FileStateStore` (use {@link MemoryStateStore} or your own {@link StateStore}, e.g. on web storage). Keep in sync
 * with src/risk/index.ts; src/exports.test.ts checks that the two differ by exactly the Node-only names.
 *
 * `tradekit/risk`: position sizing, pre-trade checks, a trading guard with loss and rate breakers
 * (ACTIVE → REDUCING → HALTED) and a kill switch. Every order a strategy wants passes through {@link RiskManager.evaluate}.
 *
 * @packageDocumentation
 */

export {
  BreakersConfigSchema,
  ConsecutiveLossesConfigSchema,
  DailyLossConfigSchema,
  DrawdownConfigSchema,
  OrderRateConfigSchema,
  RejectionRateConfigSchema,
  type ResolvedRiskManagerConfig,
  type ResolvedSizingConfig,
  type ResolvedTradingGuardConfig,
  type RiskManagerConfig,
  RiskManagerConfigSchema,
  type SizingConfig,
  SizingConfigSchema,
  type TradingGuardConfig,
  TradingGuardConfigSchema,
} from './config.js'
export type {
  BreakerTrippedEvent,
  EmergencyStopEvent,
  InstrumentStateChangedEvent,
  RiskApprovedEvent,
  RiskDeniedEvent,
  RiskManagerEvents,
  RiskResizedEvent,
  SizingBreakdown,
  TradingGuardEvents,
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
  MemoryStateStore,
  type PersistedRiskState,
  PersistedRiskStateSchema,
  parsePersistedRiskState,
  type StateStore,
} from './StateStore.js'
export {
  type AtrStopOptions,
  atrStopPrice,
  type CappedQuantity,
  type CapQuantityOptions,
  capQuantity,
  type FixedFractionalOptions,
  type FixedNotionalOptions,
  type FractionalKellyOptions,
  fixedFractionalSize,
  fixedNotionalSize,
  fractionalKellySize,
  type KellyOptions,
  kellyFraction,
  type VolatilityTargetOptions,
  volatilityTargetSize,
} from './sizing.js'
export { TradingDay, type TradingDayRange } from './TradingDay.js'
export {
  type ResumeOptions,
  TradingGuard,
  type TradingGuardStatus,
} from './TradingGuard.js'
export {
  QuantityCap,
  type RiskDenialCode,
  RiskReason,
  type RiskRejection,
  type RiskValues,
  SizingMethod,
  StateChangeReason,
  TradingState,
} from './types.js'
