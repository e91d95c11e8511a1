/**
 * Binance Spot and USD-M Futures: REST clients with signing and filter checks, market streams, a local order book,
 * user data, and the strict decoders behind them.
 *
 * @packageDocumentation
 */
export {
  type BinanceBookTicker,
  BinanceClient,
  type BinanceKlinesParams,
  type BinanceOrderBookParams,
  type BinancePlaceOrderOptions,
} from './BinanceClient.js'
export {
  BinanceMarketStream,
  type BinanceMarketStreamConfig,
  type BinanceMarketStreamEvents,
  type UsdmRoute,
  usdmStreamRoute,
} from './BinanceMarketStream.js'
export { type BinanceCall, BinanceRest, type BinanceSecurity } from './BinanceRest.js'
export { BinanceSpot } from './BinanceSpot.js'
export { type BinanceLeverageBracket, type BinanceMarkPrice, BinanceUsdm } from './BinanceUsdm.js'
export {
  BINANCE_ENDPOINTS,
  type BinanceConfig,
  BinanceConfigSchema,
  type BinanceResolvedConfig,
  type BinanceUrls,
  resolveUrls,
} from './config.js'
export { type DecodeMarketEventOptions, decodeMarketEvent, strictNumber } from './decodeMarketEvent.js'
export { BinanceErrorCode, type BinanceErrorContext, mapBinanceError } from './errors.js'
export {
  type BinanceNotionalFilter,
  type BinancePercentPriceFilter,
  type BinanceRangeFilter,
  type BinanceSymbolRules,
  isOnTick,
  type PreparedOrder,
  type PrepareOrderOptions,
  parseExchangeInfo,
  parseSymbolRules,
  prepareOrder,
} from './instruments.js'
export {
  type DiffOutcome,
  LocalOrderBook,
  type LocalOrderBookConfig,
  type LocalOrderBookEvents,
  type SnapshotOutcome,
} from './LocalOrderBook.js'
export { type BinanceSigner, createEd25519Signer, createHmacSigner, signQuery } from './sign.js'
export {
  BINANCE_VENUE,
  type BinanceBookDepthEvent,
  type BinanceBookTickerEvent,
  type BinanceCandleEvent,
  type BinanceDepthDiffEvent,
  type BinanceMarket,
  type BinanceMarketEvent,
  type BinanceMarkPriceEvent,
  type BinanceServerShutdownEvent,
  type BinanceStreamResponseEvent,
  type BinanceTradeEvent,
} from './types.js'
