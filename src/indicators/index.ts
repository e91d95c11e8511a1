/**
 * Streaming technical indicators with O(1) updates that match TA-Lib's conventions, and candle aggregation.
 *
 * Guide: [Indicators](../../docs/indicators.md).
 *
 * @module tradekit/indicators
 * @packageDocumentation
 */
export { ADX, type ADXValue } from './ADX.js'
export { ATR } from './ATR.js'
export {
  BollingerBands,
  type BollingerBandsConfig,
  BollingerBandsConfigSchema,
  type BollingerBandsValue,
} from './BollingerBands.js'
export { batch } from './batch.js'
export {
  CandleAggregator,
  type CandleAggregatorConfig,
  CandleAggregatorConfigSchema,
  type CandleAggregatorEvents,
  type CandleAggregatorInput,
  type CandleAggregatorStats,
  type IngestOutcome,
  type TradeInput,
} from './CandleAggregator.js'
export { CCI } from './CCI.js'
export { DEMA } from './DEMA.js'
export { DMI, type DMIValue } from './DMI.js'
export { Donchian, type DonchianValue } from './Donchian.js'
export { EMA } from './EMA.js'
export {
  KeltnerChannels,
  type KeltnerChannelsConfig,
  KeltnerChannelsConfigSchema,
  type KeltnerChannelsValue,
} from './KeltnerChannels.js'
export { MACD, type MACDConfig, MACDConfigSchema, type MACDValue } from './MACD.js'
export { MFI } from './MFI.js'
export { OBV } from './OBV.js'
export { ROC } from './ROC.js'
export { RSI } from './RSI.js'
export { SMA } from './SMA.js'
export { StdDev } from './StdDev.js'
export {
  Stochastic,
  type StochasticConfig,
  StochasticConfigSchema,
  type StochasticValue,
} from './Stochastic.js'
export { TEMA } from './TEMA.js'
export { TrueRange, trueRange } from './TrueRange.js'
export { isTimeframe, TIMEFRAMES, type Timeframe, timeframeEnd, timeframeStart } from './timeframe.js'
export type { CandleInput, Indicator, PriceInput, TimedCandleInput } from './types.js'
export { VWAP, type VWAPConfig, VWAPConfigSchema, type VWAPInput } from './VWAP.js'
export { WMA } from './WMA.js'
