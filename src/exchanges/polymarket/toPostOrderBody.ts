import { ValidationError } from '../../errors/index.js'
import type { PostOrderBody, PostOrderBodyOptions, SignedPolymarketOrder } from './types.js'

const ORDER_TYPES = new Set(['GTC', 'GTD', 'FOK', 'FAK'])

/**
 * The exact JSON body of POST /order (and one element of POST /orders) for a signed V2 order. The salt travels as
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
  if (!/^0x[0-9a-fA-F]{130}$/.test(order.signature)) {
    throw new ValidationError('The order signature is not a 65-byte hex string', { field: 'signature' })
  }
  if (options.owner.length === 0) throw new ValidationError('owner (API key) is empty', { field: 'owner' })
  return {
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
    postOnly,
    deferExec: options.deferExec ?? false,
  }
}
