/**
 * `tradekit/risk` for browsers (the `browser` export condition): all of it but the Node-only `FileStateStore` (use
 * {@link MemoryStateStore} or your own {@link StateStore}, e.g. on web storage). src/risk/index.ts re-exports this
 * file and adds the Node-only names; src/exports.test.ts checks the two builds differ by exactly those.
 */

export { QuoteRiskReason } from './checks/evaluateQuotes.js'
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
  QuotesDecidedEvent,
  RiskApprovedEvent,
  RiskDeniedEvent,
  RiskManagerEvents,
  RiskResizedEvent,
  SizingBreakdown,
  TradingGuardEvents,
  TradingStateChangedEvent,
  TransferRecordedEvent,
} from './events.js'
export type {
  EmergencyStopOptions,
  EmergencyStopReport,
  FlattenOrder,
  UncanceledOrder,
  UnflattenedPosition,
} from './killSwitch.js'
export {
  type QuoteLimitsConfig,
  QuoteLimitsConfigSchema,
  type ResolvedQuoteLimitsConfig,
} from './QuoteLimitsConfig.js'
export { RiskManager } from './RiskManager.js'
export {
  isStateSaveRefusedError,
  StateSaveRefusedError,
  type StateSaveRefusedErrorOptions,
} from './StateSaveRefusedError.js'
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
