/**
 * Polymarket CLOB V2 adapter: order building with Polymarket's exact rounding, EIP-712 order signing (ethers v6),
 * L1/L2 auth headers, strict decoders, and the venue template's parts: PolymarketRest (REST),
 * PolymarketMarketStream (market channel, books synced into the core OrderBook), PolymarketUserStream (fills),
 * PolymarketHeartbeat (dead-man's switch) and PolymarketAdapter (the ExchangeAdapter, the one way to place orders).
 *
 * Guides: [Polymarket](../../../docs/polymarket.md), [Exchange adapters](../../../docs/exchange-adapters.md).
 *
 * @module tradekit/polymarket
 * @packageDocumentation
 */
export {
  buildL2Signature,
  createL1Headers,
  createL2Headers,
  type L1HeaderOptions,
  type L1Headers,
  type L2HeaderOptions,
  type L2Headers,
} from './auth.js'
export {
  buildMarketOrder,
  buildOrder,
  limitOrderAmounts,
  type OrderAmounts,
  randomSalt,
  walkBookPrice,
} from './buildOrder.js'
export {
  AMOY_CHAIN_ID,
  BYTES32_ZERO,
  CTF_EXCHANGE_V2,
  CTF_EXCHANGE_V3,
  CTF_EXCHANGE_V3_AMOY,
  DEPOSIT_WALLET_DOMAIN_NAME,
  DEPOSIT_WALLET_DOMAIN_VERSION,
  END_CURSOR,
  EXCHANGE_DOMAIN_NAME,
  EXCHANGE_DOMAIN_VERSION,
  EXCHANGE_V3_DOMAIN_VERSION,
  type ExchangeVersion,
  exchangeAddress,
  GTD_MIN_LEAD_MS,
  HEARTBEAT_TIMEOUT_MS,
  INITIAL_CURSOR,
  isTickSize,
  MAX_BATCH_ORDERS,
  NEG_RISK_CTF_EXCHANGE_V2,
  POLYGON_CHAIN_ID,
  POLYMARKET_CLOB_HOST,
  POLYMARKET_VENUE,
  POLYMARKET_WS_HOST,
  ROUNDING_RULES,
  type RoundingRule,
  TICK_SIZES,
  type TickSize,
} from './constants.js'
export {
  ConditionIdSchema,
  type DecodedFrame,
  decodeFrame,
  decodeMarketEvent,
  decodeRestBook,
  decodeUserEvent,
  type PolymarketBestBidAskEvent,
  type PolymarketBook,
  type PolymarketBookEvent,
  type PolymarketLastTradeEvent,
  type PolymarketMakerFill,
  type PolymarketMarketEvent,
  type PolymarketMarketResolvedEvent,
  type PolymarketNewMarketEvent,
  type PolymarketPriceChange,
  type PolymarketPriceChangeEvent,
  type PolymarketTickSizeChangeEvent,
  type PolymarketTradeStatus,
  type PolymarketUserEvent,
  type PolymarketUserOrderEvent,
  type PolymarketUserTradeEvent,
  TokenIdSchema,
} from './decode.js'
export {
  decodeApiKeyResponse,
  decodeBalanceAllowance,
  decodeCancelResult,
  decodeDecimal,
  decodeHeartbeat,
  decodeLastTradePrice,
  decodeMarket,
  decodeNegRisk,
  decodeOpenOrder,
  decodePage,
  decodePostResult,
  decodeQuote,
  decodeTickSize,
  decodeTradeRecord,
  type PolymarketApiKeyResponse,
} from './decodeRest.js'
export { wrapDepositWalletSignature } from './depositWallet.js'
export { DepositWalletRequiredError, mapPolymarketError, polymarketErrorCode } from './errors.js'
export { marketOrderAmounts } from './marketOrderAmounts.js'
export {
  PolymarketAdapter,
  type PolymarketAdapterConfig,
  PolymarketAdapterConfigSchema,
  saltFor,
} from './PolymarketAdapter.js'
export {
  PolymarketBookSync,
  type PolymarketBookSyncConfig,
  PolymarketBookSyncConfigSchema,
} from './PolymarketBookSync.js'
export {
  type HeartbeatHealthEvent,
  HeartbeatState,
  PolymarketHeartbeat,
  type PolymarketHeartbeatConfig,
  PolymarketHeartbeatConfigSchema,
  type PolymarketHeartbeatEvents,
  type SendHeartbeat,
} from './PolymarketHeartbeat.js'
export {
  type PolymarketBookSource,
  type PolymarketBookUpdate,
  PolymarketMarketStream,
  type PolymarketMarketStreamConfig,
  PolymarketMarketStreamConfigSchema,
  type PolymarketMarketStreamEvents,
} from './PolymarketMarketStream.js'
export { PolymarketRest, type PolymarketRestConfig, PolymarketRestConfigSchema } from './PolymarketRest.js'
export {
  type PolymarketFillEvent,
  type PolymarketFillReversedEvent,
  type PolymarketFillSettledEvent,
  PolymarketUserStream,
  type PolymarketUserStreamConfig,
  PolymarketUserStreamConfigSchema,
  type PolymarketUserStreamEvents,
} from './PolymarketUserStream.js'
export {
  type PolymarketHealth,
  PolymarketVersions,
  type PolymarketVersionsSnapshot,
} from './PolymarketVersions.js'
export { polymarketReplayDecoder } from './polymarketReplayDecoder.js'
export type {
  BalanceAllowance,
  BalanceAllowanceOptions,
  CancelResult,
  PolymarketMarket,
  PolymarketMarketFilter,
  PolymarketOpenOrder,
  PolymarketPage,
  PolymarketTradeRecord,
  PostOrderOptions,
  PostOrderResult,
} from './restTypes.js'
export { orderDomain, orderHash, orderMessage, signOrder } from './signOrder.js'
export { toPostOrderBody } from './toPostOrderBody.js'
export {
  type ApiCredentials,
  type BuildOrderOptions,
  type LimitOrderOptions,
  type MarketOrderOptions,
  type MarketOrderRounding,
  type OrderDomainOptions,
  type PolymarketOrder,
  PolymarketOrderType,
  type PolymarketSide,
  type PostOrderBody,
  type PostOrderBodyOptions,
  type PriceLevel,
  SignatureType,
  type SignedPolymarketOrder,
  type TypedDataSigner,
} from './types.js'
