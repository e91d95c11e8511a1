export {
  BinanceSim,
  type BinanceSimApiKey,
  type BinanceSimConfig,
  type BinanceSimFaults,
  type BinanceSimHostileKind,
  type BinanceSimLedger,
  type BinanceSimUrls,
  usdmRouteOf,
} from './BinanceSim.js'
export type {
  SimAlgoOrder as BinanceSimAlgoOrder,
  SimMarket as BinanceSimMarket,
  SimOrder as BinanceSimOrder,
} from './engine.js'
export type { SimSymbolSpec as BinanceSimSymbolSpec } from './market.js'
export type { SimSymbolInput as BinanceSimSymbolInput } from './specs.js'
