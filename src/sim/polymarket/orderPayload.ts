import { HttpFail } from './HttpFail.js'
import { SimRejection } from './SimExchange.js'

/** The signed order struct (CTF Exchange V2) as its EIP-712 signature covers it. */
export interface SignedOrder {
  readonly salt: string
  readonly maker: string
  readonly signer: string
  readonly tokenId: string
  readonly makerAmount: string
  readonly takerAmount: string
  readonly side: 0 | 1
  readonly signatureType: 0 | 1 | 2 | 3
  readonly timestamp: string
  readonly metadata: string
  readonly builder: string
}

/** A `POST /order` payload after its shape was checked (signature and amounts are checked later). */
export interface OrderPayload {
  readonly order: SignedOrder
  readonly side: 'BUY' | 'SELL'
  readonly orderType: 'GTC' | 'GTD' | 'FOK' | 'FAK'
  readonly postOnly: boolean
  /** Unix seconds, 0 for none. */
  readonly expiration: number
  readonly signature: string
}

const UINT = /^(0|[1-9]\d{0,77})$/
const ADDRESS = /^0x[0-9a-fA-F]{40}$/
const BYTES32 = /^0x[0-9a-fA-F]{64}$/

/**
 * Checks the shape of one order payload of `POST /order` or `POST /orders` like Polymarket does: V2 fields, the
 * owner is the API key, order type and post-only, and every field's format. Throws {@link HttpFail} or
 * {@link SimRejection} with Polymarket's error texts.
 *
 * @example
 * ```ts
 * const payload = parseOrderPayload(JSON.parse(body), key.apiKey)
 * ```
 */
export function parseOrderPayload(raw: unknown, owner: string): OrderPayload {
  const invalid = () => new HttpFail(400, { error: 'Invalid order payload' })
  if (typeof raw !== 'object' || raw === null) throw invalid()
  const b = raw as Record<string, unknown>
  const o = b.order as Record<string, unknown> | undefined
  if (o === undefined || typeof o !== 'object' || o === null) throw invalid()
  if ('nonce' in o || 'feeRateBps' in o || !('timestamp' in o)) {
    throw new HttpFail(400, { error: 'order_version_mismatch' })
  }
  if (b.owner !== owner)
    throw new HttpFail(400, { error: 'the order owner has to be the owner of the API KEY' })
  const orderType = b.orderType
  if (orderType !== 'GTC' && orderType !== 'GTD' && orderType !== 'FOK' && orderType !== 'FAK')
    throw invalid()
  const postOnly = b.postOnly === true
  if (postOnly && (orderType === 'FOK' || orderType === 'FAK')) {
    throw new SimRejection(
      'INVALID_POST_ONLY_ORDER_TYPE',
      'invalid post-only order: only GTC and GTD order types are allowed',
    )
  }
  const str = (v: unknown, re: RegExp) => {
    if (typeof v !== 'string' || !re.test(v)) throw invalid()
    return v
  }
  if (typeof o.salt !== 'number' || !Number.isSafeInteger(o.salt) || o.salt < 0) throw invalid()
  const side = o.side
  if (side !== 'BUY' && side !== 'SELL') throw invalid()
  const sigType = o.signatureType
  if (sigType !== 0 && sigType !== 1 && sigType !== 2 && sigType !== 3) throw invalid()
  const order: SignedOrder = {
    salt: String(o.salt),
    maker: str(o.maker, ADDRESS),
    signer: str(o.signer, ADDRESS),
    tokenId: str(o.tokenId, UINT),
    makerAmount: str(o.makerAmount, UINT),
    takerAmount: str(o.takerAmount, UINT),
    side: side === 'BUY' ? 0 : 1,
    signatureType: sigType,
    timestamp: str(o.timestamp, UINT),
    metadata: str(o.metadata, BYTES32),
    builder: str(o.builder, BYTES32),
  }
  const expiration = Number(str(o.expiration, UINT))
  // 65 bytes; a deposit wallet's (type 3) ERC-7739 wrapped signature is 317.
  const signature = str(o.signature, sigType === 3 ? /^0x[0-9a-fA-F]{634}$/ : /^0x[0-9a-fA-F]{130}$/)
  return { order, side, orderType, postOnly, expiration, signature }
}
