/**
 * The `Strategy` contract, the `StrategyRunner` that drives one, and built-in strategies. Strategies read unified
 * market events and emit signals; they never import an exchange or place orders.
 *
 * Guide: [Writing a strategy](../../docs/strategies.md).
 *
 * @module tradekit/strategies
 * @packageDocumentation
 */
export {
  BandsMarketMaker,
  type BandsMarketMakerConfig,
  BandsMarketMakerConfigSchema,
} from './BandsMarketMaker.js'
export {
  BollingerBreakout,
  type BollingerBreakoutConfig,
  BollingerBreakoutConfigSchema,
} from './BollingerBreakout.js'
export {
  CandleStrategy,
  type CandleStrategyConfig,
  CandleStrategyConfigSchema,
  type CandleStrategyState,
  type CandleVerdict,
  CrossDetector,
} from './CandleStrategy.js'
export {
  ComplementArbitrage,
  type ComplementArbitrageConfig,
  ComplementArbitrageConfigSchema,
  type ComplementOpportunity,
  findComplementOpportunity,
} from './ComplementArbitrage.js'
export { EmaCrossover, type EmaCrossoverConfig, EmaCrossoverConfigSchema } from './EmaCrossover.js'
export {
  LadderMarketMaker,
  type LadderMarketMakerConfig,
  LadderMarketMakerConfigSchema,
} from './LadderMarketMaker.js'
export { MacdTrend, type MacdTrendConfig, MacdTrendConfigSchema } from './MacdTrend.js'
export {
  type Band,
  type BandOrder,
  type BandsInput,
  type BandsPlan,
  planBands,
} from './marketMaking/planBands.js'
export {
  allocateCollateral,
  type LadderLevel,
  type LadderShape,
  planLadder,
} from './marketMaking/planLadder.js'
export {
  bookOfOthers,
  bookWithout,
  type PriceSource,
  referencePrice,
} from './marketMaking/referencePrice.js'
export { NonNegativeDecimalSchema } from './marketMaking/schemas.js'
export {
  ResolutionSniper,
  type ResolutionSniperConfig,
  ResolutionSniperConfigSchema,
  type ResolutionSniperState,
} from './ResolutionSniper.js'
export {
  RsiMeanReversion,
  type RsiMeanReversionConfig,
  RsiMeanReversionConfigSchema,
} from './RsiMeanReversion.js'
export { SpreadQuoter, type SpreadQuoterConfig, SpreadQuoterConfigSchema } from './SpreadQuoter.js'
export {
  type InstrumentRef,
  requiresInstrument,
  type SignalOptions,
  type Strategy,
  type StrategyContext,
  type StrategyHost,
  type StrategyRequirements,
} from './Strategy.js'
export { type CandleIgnoredEvent, type StrategyEvents, StrategyRunner } from './StrategyRunner.js'
