/**
 * Polymarket CLOB V2 constants: hosts, chain, exchange contracts, EIP-712 domains and types, and the per-tick-size
 * rounding rules of Polymarket's own clients. Sources: docs.polymarket.com (v2-migration, contracts, authentication)
 * and Polymarket/clob-client-v2 (roundingConfig, ctfExchangeV2TypedData); see __fixtures__/SOURCES.md.
 */

/** Venue id used in tradekit's domain objects. */
export const POLYMARKET_VENUE = 'polymarket'

/** Production CLOB REST host. */
export const POLYMARKET_CLOB_HOST = 'https://clob.polymarket.com'
/** Production WebSocket host; channels live at `/ws/market` and `/ws/user`. */
export const POLYMARKET_WS_HOST = 'wss://ws-subscriptions-clob.polymarket.com'

/** Polygon mainnet chain id. */
export const POLYGON_CHAIN_ID = 137
/** Polygon Amoy testnet chain id. */
export const AMOY_CHAIN_ID = 80002

/** V2 CTF Exchange (standard markets): the EIP-712 verifying contract of their orders. */
export const CTF_EXCHANGE_V2 = '0xE111180000d2663C0091e4f400237545B87B996B'
/** V2 Neg Risk CTF Exchange (multi-outcome markets). */
export const NEG_RISK_CTF_EXCHANGE_V2 = '0xe2222d279d744050d28e00520010520000310F59'

/**
 * ExchangeV3 (Protocol V2 markets): one contract for standard and neg-risk markets, same order struct as V2,
 * EIP-712 domain version "3". From clob-client-v2 1.1.0 `config.ts` (`exchangeV3`, chain 137).
 */
export const CTF_EXCHANGE_V3 = '0xe3333700cA9d93003F00f0F71f8515005F6c00Aa'
/** ExchangeV3 on Polygon Amoy (chain 80002), from the same `config.ts`. */
export const CTF_EXCHANGE_V3_AMOY = '0x9fE6e61422AdB6F610d8597F9684b16912D50C3D'

/** The exchange generation an order is signed for: 2 (V2 exchanges) or 3 (ExchangeV3). */
export type ExchangeVersion = 2 | 3

/** EIP-712 domain name of the V2 exchanges. */
export const EXCHANGE_DOMAIN_NAME = 'Polymarket CTF Exchange'
/** EIP-712 domain version of the V2 exchanges (V1 was "1"). */
export const EXCHANGE_DOMAIN_VERSION = '2'
/** EIP-712 domain version of ExchangeV3 (same domain name). */
export const EXCHANGE_V3_DOMAIN_VERSION = '3'

/** The signed order struct as a type string (ERC-7739 wraps it verbatim into deposit-wallet signatures). */
export const ORDER_TYPE_STRING =
  'Order(uint256 salt,address maker,address signer,uint256 tokenId,uint256 makerAmount,uint256 takerAmount,uint8 side,uint8 signatureType,uint256 timestamp,bytes32 metadata,bytes32 builder)'

/** EIP-712 domain name a deposit wallet (signature type 3) verifies its owner's signatures under. */
export const DEPOSIT_WALLET_DOMAIN_NAME = 'DepositWallet'
/** EIP-712 domain version of deposit wallets. */
export const DEPOSIT_WALLET_DOMAIN_VERSION = '1'

/** The V2 order struct, field order as signed. `expiration` is sent in the body but not signed. */
export const ORDER_EIP712_TYPES: Record<string, Array<{ name: string; type: string }>> = {
  Order: [
    { name: 'salt', type: 'uint256' },
    { name: 'maker', type: 'address' },
    { name: 'signer', type: 'address' },
    { name: 'tokenId', type: 'uint256' },
    { name: 'makerAmount', type: 'uint256' },
    { name: 'takerAmount', type: 'uint256' },
    { name: 'side', type: 'uint8' },
    { name: 'signatureType', type: 'uint8' },
    { name: 'timestamp', type: 'uint256' },
    { name: 'metadata', type: 'bytes32' },
    { name: 'builder', type: 'bytes32' },
  ],
}

/** EIP-712 domain name of L1 (ClobAuth) signatures. */
export const CLOB_AUTH_DOMAIN_NAME = 'ClobAuthDomain'
/** EIP-712 domain version of L1 signatures (unchanged by V2). */
export const CLOB_AUTH_DOMAIN_VERSION = '1'
/** The fixed message every L1 signature attests. */
export const CLOB_AUTH_MESSAGE = 'This message attests that I control the given wallet'
/** The ClobAuth struct signed for L1 headers. */
export const CLOB_AUTH_EIP712_TYPES: Record<string, Array<{ name: string; type: string }>> = {
  ClobAuth: [
    { name: 'address', type: 'address' },
    { name: 'timestamp', type: 'string' },
    { name: 'nonce', type: 'uint256' },
    { name: 'message', type: 'string' },
  ],
}

/** 32 zero bytes: the default `metadata` and `builder`. */
export const BYTES32_ZERO = `0x${'0'.repeat(64)}`

/** Decimals of pUSD collateral and of outcome tokens: amounts are sent in 1e-6 base units. */
export const COLLATERAL_DECIMALS = 6

/** Every tick size Polymarket's client supports. */
export const TICK_SIZES = ['0.1', '0.01', '0.001', '0.0001', '0.005', '0.0025'] as const
/** A supported tick size. */
export type TickSize = (typeof TICK_SIZES)[number]

/** Decimals Polymarket allows for a price, a size and an amount (size × price) at one tick size. */
export interface RoundingRule {
  readonly price: number
  readonly size: number
  readonly amount: number
}

/** Per-tick-size decimals, as in Polymarket's clob-client-v2 `ROUNDING_CONFIG`. */
export const ROUNDING_RULES: Readonly<Record<TickSize, RoundingRule>> = {
  '0.1': { price: 1, size: 2, amount: 3 },
  '0.01': { price: 2, size: 2, amount: 4 },
  '0.005': { price: 3, size: 2, amount: 5 },
  '0.0025': { price: 4, size: 2, amount: 6 },
  '0.001': { price: 3, size: 2, amount: 5 },
  '0.0001': { price: 4, size: 2, amount: 6 },
}

/** Market orders (FOK/FAK): the server accepts at most this many decimals on the maker amount... */
export const MARKET_MAKER_MAX_DECIMALS = 2
/** ...and at most this many on the taker amount. */
export const MARKET_TAKER_MAX_DECIMALS = 4

/** Largest batch POST /orders accepts. */
export const MAX_BATCH_ORDERS = 15
/** Most order ids one DELETE /orders cancels ("Maximum 3000 orders per request", docs.polymarket.com). */
export const MAX_BATCH_CANCELS = 3000
/** GTD orders must expire at least this long after now (Polymarket's one-minute security threshold). */
export const GTD_MIN_LEAD_MS = 60_000
/** Without a heartbeat for this long, the venue cancels every order of the API key. */
export const HEARTBEAT_TIMEOUT_MS = 10_000

/** Cursor of the first page of a paginated listing. */
export const INITIAL_CURSOR = 'MA=='
/** Cursor Polymarket returns after the last page. */
export const END_CURSOR = 'LTE='

/**
 * True when `s` is a supported tick size.
 *
 * @example
 * ```ts
 * isTickSize('0.01') // true
 * isTickSize('0.02') // false
 * ```
 */
export function isTickSize(s: unknown): s is TickSize {
  return typeof s === 'string' && (TICK_SIZES as readonly string[]).includes(s)
}

/**
 * The verifying contract of an order: for version 2 the Neg Risk exchange for neg-risk markets, for version 3 the
 * one ExchangeV3 of the chain (standard and neg-risk alike).
 *
 * @example
 * ```ts
 * exchangeAddress(false) // CTF_EXCHANGE_V2
 * exchangeAddress(true)  // NEG_RISK_CTF_EXCHANGE_V2
 * exchangeAddress(true, 3) // CTF_EXCHANGE_V3
 * ```
 */
export function exchangeAddress(
  negRisk: boolean,
  version: ExchangeVersion = 2,
  chainId = POLYGON_CHAIN_ID,
): string {
  if (version === 3) return chainId === AMOY_CHAIN_ID ? CTF_EXCHANGE_V3_AMOY : CTF_EXCHANGE_V3
  return negRisk ? NEG_RISK_CTF_EXCHANGE_V2 : CTF_EXCHANGE_V2
}
