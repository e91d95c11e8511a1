import { ValidationError } from '../../errors/index.js'
import type { PostOrderBody, PostOrderBodyOptions, SignedPolymarketOrder } from './types.js'

const ORDER_TYPES = new Set(['GTC', 'GTD', 'FOK', 'FAK'])
const ECDSA_SIGNATURE = /^0x[0-9a-fA-F]{130}$/
/** 65-byte signature ‖ domain separator ‖ contents hash ‖ 186-byte type string ‖ uint16 length. */
const WRAPPED_SIGNATURE = /^0x[0-9a-fA-F]{634}$/

/**
 * The exact JSON body of POST /order (and one element of POST /orders) for a signed V2 or V3 order, keys in the order
 * Polymarket's client sends them. The salt travels as
 * a JSON number, as Polymarket's client sends it; `postOnly` is only allowed with GTC and GTD.
 *
 * @example
 * ```ts
 * const body = JSON.stringify(toPostOrderBody(signed, { owner: creds.apiKey, orderType: 'GTC', postOnly: true }))
 * ```
 */
export function toPostOrderBody(order: SignedPolymarketOrder, options: PostOrderBodyOptions): PostOrderBody {
  if (!ORDER_TYPES.has(options.orderType)) {
    throw new ValidationError(`Invalid order type "${String(options.orderType)}"`, { field: 'orderType' })
  }
  const postOnly = options.postOnly ?? false
  if (postOnly && (options.orderType === 'FOK' || options.orderType === 'FAK')) {
    throw new ValidationError('postOnly is only allowed with GTC and GTD orders', { field: 'postOnly' })
  }
  if (options.orderType === 'GTD' && order.expiration === '0') {
    throw new ValidationError('A GTD order needs an expiration', { field: 'expiration' })
  }
  if (options.orderType !== 'GTD' && order.expiration !== '0') {
    throw new ValidationError('Only GTD orders carry an expiration', { field: 'expiration' })
  }
  const salt = Number(order.salt)
  if (!Number.isSafeInteger(salt)) {
    throw new ValidationError(`Salt "${order.salt}" does not fit a JSON number exactly`, { field: 'salt' })
  }
  const hex = order.signatureType === 3 ? WRAPPED_SIGNATURE : ECDSA_SIGNATURE
  if (!hex.test(order.signature)) {
    throw new ValidationError(
      order.signatureType === 3
        ? 'The order signature is not an ERC-7739 wrapped deposit-wallet signature'
        : 'The order signature is not a 65-byte hex string',
      { field: 'signature' },
    )
  }
  if (options.owner.length === 0) throw new ValidationError('owner (API key) is empty', { field: 'owner' })
  // Key order as Polymarket's client (`orderToJsonV2`) sends it, so the JSON (and its L2 HMAC) is the same.
  return {
    deferExec: options.deferExec ?? false,
    postOnly,
    order: {
      salt,
      maker: order.maker,
      signer: order.signer,
      tokenId: order.tokenId,
      makerAmount: order.makerAmount,
      takerAmount: order.takerAmount,
      side: order.side,
      signatureType: order.signatureType,
      timestamp: order.timestamp,
      expiration: order.expiration,
      metadata: order.metadata,
      builder: order.builder,
      signature: order.signature,
    },
    owner: options.owner,
    orderType: options.orderType,
  }
}
