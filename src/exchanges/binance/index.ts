/**
 * Binance Spot and USD-M Futures, in the venue template's parts: a stateless signed REST client (`BinanceRest`),
 * a market stream (`BinanceMarketStream`) with depth sync onto core's OrderBook (`BinanceDepthSync`), user-data
 * streams (`BinanceSpotUserStream`, `BinanceUsdmUserStream`), pure wire decoders, and the adapters composing them
 * (`BinanceSpot`, `BinanceUsdm`).
 *
 * Guides: [Binance](../../../docs/binance.md), [Exchange adapters](../../../docs/exchange-adapters.md).
 *
 * @module tradekit/binance
 * @packageDocumentation
 */

export {
  BinanceCancelCountdown,
  type BinanceCancelCountdownConfig,
  BinanceCancelCountdownConfigSchema,
  type BinanceCancelCountdownEvents,
  type CountdownVenue,
} from './BinanceCancelCountdown.js'
export {
  type BinanceBookTicker,
  BinanceClient,
  type BinanceKlinesOptions,
  type BinanceOrderBookOptions,
  type BinancePlaceOrderOptions,
} from './BinanceClient.js'
export {
  BinanceDepthSync,
  type BinanceDepthSyncConfig,
  BinanceDepthSyncConfigSchema,
  type BinanceDepthSyncEvents,
  type DiffOutcome,
  type SnapshotOutcome,
} from './BinanceDepthSync.js'
export {
  BinanceMarketStream,
  type BinanceMarketStreamConfig,
  BinanceMarketStreamConfigSchema,
  type BinanceMarketStreamEvents,
  type BinanceSyncBookOptions,
  type UsdmRoute,
  usdmStreamRoute,
} from './BinanceMarketStream.js'
export { type BinanceCall, BinanceRest, type BinanceSecurity } from './BinanceRest.js'
export { BinanceSpot } from './BinanceSpot.js'
export { BinanceSpotUserStream } from './BinanceSpotUserStream.js'
export { BinanceUsdm } from './BinanceUsdm.js'
export { BinanceUsdmUserStream, type BinanceUsdmUserStreamConfig } from './BinanceUsdmUserStream.js'
export {
  BinanceWsApi,
  type BinanceWsApiConfig,
  BinanceWsApiConfigSchema,
  type BinanceWsApiRequestFields,
  type BinanceWsApiRequestOptions,
} from './BinanceWsApi.js'
export { binanceReplayDecoder } from './binanceReplayDecoder.js'
export {
  BINANCE_ENDPOINTS,
  type BinanceConfig,
  BinanceConfigSchema,
  type BinanceResolvedConfig,
  type BinanceUrls,
} from './config.js'
export { type BinanceDepthSnapshot, decodeDepthSnapshot, depthSnapshotToBook } from './decodeDepthSnapshot.js'
export { type DecodeMarketEventOptions, decodeMarketEvent } from './decodeMarketEvent.js'
export {
  type BinanceMarketDataContext,
  type DecodeKlinesOptions,
  decodeBookTicker,
  decodeCountdownCancelAll,
  decodeKlines,
  decodeLeverageBrackets,
  decodeLeverageChange,
  decodeListenKey,
  decodeMarkPrice,
  decodeRecentTrades,
  decodeServerTime,
  decodeTickerPrice,
} from './decodeMarketRest.js'
export {
  type BinanceSpotCancelAllResponse,
  decodeAlgoIds,
  decodeAlgoOrders,
  decodeSpotCancelAll,
  decodeSpotOrders,
  decodeUsdmOrders,
} from './decodeOrderLists.js'
export {
  type BinanceSpotOrderResponse,
  decodeAccountTrades,
  decodeAlgoOrder,
  decodePositionMode,
  decodeSpotBalances,
  decodeSpotOrder,
  decodeUsdmBalances,
  decodeUsdmOrder,
  decodeUsdmPositions,
} from './decodeRest.js'
export {
  type BinanceSpotUserEvent,
  type BinanceUsdmUserEvent,
  decodeSpotUserEvent,
  decodeUsdmUserEvent,
} from './decodeUserEvent.js'
export {
  type BinanceRateLimit,
  BinanceRateLimitSchema,
  type BinanceWsApiResponse,
  decodeWsApiResponse,
  rateLimitWindow,
} from './decodeWsApiResponse.js'
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
export { type BinanceSigner, createEd25519Signer, createHmacSigner, signQuery } from './sign.js'
export {
  BINANCE_VENUE,
  type BinanceBookDepthEvent,
  type BinanceBookTickerEvent,
  type BinanceCandleEvent,
  type BinanceDepthDiffEvent,
  type BinanceLeverageBracket,
  type BinanceMarket,
  type BinanceMarketEvent,
  type BinanceMarkPrice,
  type BinanceMarkPriceEvent,
  type BinanceServerShutdownEvent,
  type BinanceStreamResponseEvent,
  type BinanceTradeEvent,
} from './types.js'
export { type BinanceUserStreamConfig, BinanceUserStreamConfigSchema } from './userStreamConfig.js'
export type { BinanceAlgoUpdate, BinanceOrderTradeUpdate } from './wire.js'
