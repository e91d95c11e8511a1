import type { Clock } from '../../core/clock.js'
import type { TickSize } from './constants.js'

/** Polymarket signature types: 0 = EOA, 1 = POLY_PROXY (email/Magic wallet), 2 = POLY_GNOSIS_SAFE (browser wallet). */
export const SignatureType = { EOA: 0, POLY_PROXY: 1, POLY_GNOSIS_SAFE: 2 } as const
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
}

/** A {@link PolymarketOrder} with its EIP-712 signature. */
export interface SignedPolymarketOrder extends PolymarketOrder {
  /** 65-byte hex signature. */
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
  /** Address of the signing EOA. */
  readonly signer: string
  /** The funding wallet (proxy or Safe); required for signature types 1 and 2, and the maker of the order. */
  readonly funder?: string
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
  readonly salt?: string
  readonly timestamp?: number | string
  readonly metadata?: string
  readonly builder?: string
}

/** Options of {@link signOrder} and {@link orderHash}. */
export interface OrderDomainOptions {
  /** Sign against the Neg Risk CTF Exchange. */
  readonly negRisk: boolean
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
