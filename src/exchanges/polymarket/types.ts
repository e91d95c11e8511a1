import type { Clock } from '../../core/clock.js'
import type { ExchangeVersion, TickSize } from './constants.js'

/**
 * Polymarket signature types: 0 = EOA, 1 = POLY_PROXY (email/Magic wallet), 2 = POLY_GNOSIS_SAFE (browser wallet),
 * 3 = POLY_1271 (deposit wallet: an ERC-1271 contract that checks its owner's ERC-7739-wrapped signature).
 */
export const SignatureType = { EOA: 0, POLY_PROXY: 1, POLY_GNOSIS_SAFE: 2, POLY_1271: 3 } as const
/** Union of {@link SignatureType} values. */
export type SignatureType = (typeof SignatureType)[keyof typeof SignatureType]

/** Order side on the wire. */
export type PolymarketSide = 'BUY' | 'SELL'

/** Polymarket order types: GTC and GTD rest on the book; FOK and FAK are market orders. */
export const PolymarketOrderType = { GTC: 'GTC', GTD: 'GTD', FOK: 'FOK', FAK: 'FAK' } as const
/** Union of {@link PolymarketOrderType} values. */
export type PolymarketOrderType = (typeof PolymarketOrderType)[keyof typeof PolymarketOrderType]

/**
 * An unsigned CLOB V2 order. Every uint is a decimal string; amounts are in 1e-6 base units. `expiration` (unix
 * seconds, `"0"` for none) is sent in the body but is not part of the signed struct.
 */
export interface PolymarketOrder {
  readonly salt: string
  readonly maker: string
  readonly signer: string
  readonly tokenId: string
  readonly makerAmount: string
  readonly takerAmount: string
  readonly side: PolymarketSide
  readonly signatureType: SignatureType
  /** Creation time in epoch milliseconds (signed). */
  readonly timestamp: string
  readonly expiration: string
  /** bytes32 hex. */
  readonly metadata: string
  /** bytes32 hex: the builder code, zero when none. */
  readonly builder: string
  /** The exchange generation the order was built for (not signed, not sent); 2 when absent. */
  readonly version?: ExchangeVersion
  /** Deposit wallets (type 3) only: the owner EOA whose key signs for the wallet (not signed, not sent). */
  readonly walletOwner?: string
}

/** A {@link PolymarketOrder} with its EIP-712 signature. */
export interface SignedPolymarketOrder extends PolymarketOrder {
  /** 65-byte hex signature; for a deposit wallet (type 3) the ERC-7739 wrapped signature (317 bytes). */
  readonly signature: string
}

/** Arguments of {@link buildOrder}: a limit order of `size` shares at `price`. */
export interface LimitOrderOptions {
  /** Outcome token id (uint256 decimal string). */
  readonly tokenId: string
  /** Limit price in pUSD per share, inside [tick, 1 − tick]. */
  readonly price: string | number
  /** Shares. */
  readonly size: string | number
  readonly side: PolymarketSide
  /** Random when omitted. */
  readonly salt?: string
  /** Epoch ms; the options' `clock` when omitted. */
  readonly timestamp?: number | string
  /** Unix seconds (GTD); `0` when omitted. */
  readonly expiration?: number | string
  readonly metadata?: string
  readonly builder?: string
}

/** Market facts and wallet setup every order needs. */
export interface BuildOrderOptions {
  readonly tickSize: TickSize
  readonly negRisk: boolean
  readonly signatureType: SignatureType
  /** Address of the signing EOA (for a deposit wallet: the wallet owner's address). */
  readonly signer: string
  /**
   * The funding wallet (proxy, Safe or deposit wallet); required for signature types 1, 2 and 3, and the maker of
   * the order (for type 3 also its signer).
   */
  readonly funder?: string
  /** Exchange generation: 2 (V2 exchanges, the default) or 3 (ExchangeV3). */
  readonly version?: ExchangeVersion
  /** Time source of an omitted `timestamp` (default: the system clock). */
  readonly clock?: Clock
}

/** One price level used to price a market order; best level first. */
export interface PriceLevel {
  readonly price: string | number
  readonly size: string | number
}

/** Arguments of {@link buildMarketOrder}. */
export interface MarketOrderOptions {
  readonly tokenId: string
  readonly side: PolymarketSide
  /** BUY: pUSD to spend. SELL: shares to sell. */
  readonly amount: string | number
  /** Worst acceptable price. When omitted, priced by walking `book`. */
  readonly price?: string | number
  /** Levels of the side the order takes from (asks for a BUY, bids for a SELL), best first. */
  readonly book?: readonly PriceLevel[]
  /** FOK (default) needs the book to cover the whole amount; FAK takes what there is. */
  readonly orderType?: 'FOK' | 'FAK'
  /**
   * `'official'` (default): the amounts Polymarket's client computes (spend what was asked), within the server's
   * market-order precision. `'exactRatio'`: the largest amounts whose ratio is exactly the tick price.
   */
  readonly rounding?: MarketOrderRounding
  readonly salt?: string
  readonly timestamp?: number | string
  readonly metadata?: string
  readonly builder?: string
}

/** How {@link buildMarketOrder} rounds amounts: as Polymarket's client does, or to an exact price ratio. */
export type MarketOrderRounding = 'official' | 'exactRatio'

/** Options of {@link signOrder} and {@link orderHash}. */
export interface OrderDomainOptions {
  /** Sign against the Neg Risk CTF Exchange (version 2; ExchangeV3 serves both). */
  readonly negRisk: boolean
  /** Exchange generation; the order's own `version` when omitted. Must match the order's. */
  readonly version?: ExchangeVersion
  /** Chain id; 137 (Polygon) by default. */
  readonly chainId?: number
}

/**
 * What tradekit needs from a wallet: an ethers v6 `Wallet` or `Signer` fits (`getAddress`, `signTypedData`).
 */
export interface TypedDataSigner {
  getAddress(): Promise<string>
  signTypedData(
    domain: Record<string, unknown>,
    types: Record<string, ReadonlyArray<{ name: string; type: string }>>,
    value: Record<string, unknown>,
  ): Promise<string>
}

/** L2 API credentials. `secret` is URL-safe base64. Never logged. */
export interface ApiCredentials {
  /** The EOA address the key belongs to (sent as POLY_ADDRESS). */
  readonly address: string
  readonly apiKey: string
  readonly secret: string
  readonly passphrase: string
}

/** The body of POST /order. */
export interface PostOrderBody {
  readonly order: {
    readonly salt: number
    readonly maker: string
    readonly signer: string
    readonly tokenId: string
    readonly makerAmount: string
    readonly takerAmount: string
    readonly side: PolymarketSide
    readonly signatureType: SignatureType
    readonly timestamp: string
    readonly expiration: string
    readonly metadata: string
    readonly builder: string
    readonly signature: string
  }
  /** API key of the order owner. */
  readonly owner: string
  readonly orderType: PolymarketOrderType
  readonly postOnly: boolean
  readonly deferExec: boolean
}

/** Options of {@link toPostOrderBody}. */
export interface PostOrderBodyOptions {
  /** The API key that owns the order. */
  readonly owner: string
  readonly orderType: PolymarketOrderType
  /** Rest only; rejected if it would cross. GTC/GTD only. */
  readonly postOnly?: boolean
  readonly deferExec?: boolean
}
