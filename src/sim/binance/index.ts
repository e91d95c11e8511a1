export { BinanceSim } from './BinanceSim.js'
export type {
  SimAlgoOrder as BinanceSimAlgoOrder,
  SimMarket as BinanceSimMarket,
  SimOrder as BinanceSimOrder,
} from './engine.js'
export type { SimSymbolSpec as BinanceSimSymbolSpec } from './market.js'
export type { SimSymbolInput as BinanceSimSymbolInput } from './specs.js'
export type { BinanceSimTransferOptions } from './transfers.js'
export {
  type BinanceSimApiKey,
  type BinanceSimConfig,
  BinanceSimConfigSchema,
  type BinanceSimFaults,
  type BinanceSimHostileKind,
  type BinanceSimLedger,
  type BinanceSimUrls,
} from './types.js'
