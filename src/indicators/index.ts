/**
 * Streaming technical indicators with O(1) updates that match TA-Lib's conventions, and candle aggregation.
 *
 * @packageDocumentation
 */
export { ATR } from './ATR.js'
export {
  BollingerBands,
  type BollingerBandsConfig,
  BollingerBandsConfigSchema,
  type BollingerBandsValue,
} from './BollingerBands.js'
export { EMA } from './EMA.js'
export { MACD, type MACDConfig, MACDConfigSchema, type MACDValue } from './MACD.js'
export { RSI } from './RSI.js'
export { SMA } from './SMA.js'
export { StdDev } from './StdDev.js'
export { TrueRange, trueRange } from './TrueRange.js'
export type { CandleInput, Indicator, PriceInput, TimedCandleInput } from './types.js'
