import { ValidationError } from '../../errors/index.js'
import {
  EXCHANGE_DOMAIN_NAME,
  EXCHANGE_DOMAIN_VERSION,
  exchangeAddress,
  ORDER_EIP712_TYPES,
  POLYGON_CHAIN_ID,
} from './constants.js'
import { loadEthers } from './loadEthers.js'
import type { OrderDomainOptions, PolymarketOrder, SignedPolymarketOrder, TypedDataSigner } from './types.js'

/**
 * The EIP-712 domain of an order: the V2 CTF Exchange, or the V2 Neg Risk CTF Exchange.
 *
 * @example
 * ```ts
 * orderDomain({ negRisk: false }) // { name: 'Polymarket CTF Exchange', version: '2', chainId: 137, verifyingContract: CTF_EXCHANGE_V2 }
 * ```
 */
export function orderDomain(options: OrderDomainOptions): {
  name: string
  version: string
  chainId: number
  verifyingContract: string
} {
  return {
    name: EXCHANGE_DOMAIN_NAME,
    version: EXCHANGE_DOMAIN_VERSION,
    chainId: options.chainId ?? POLYGON_CHAIN_ID,
    verifyingContract: exchangeAddress(options.negRisk),
  }
}

/**
 * The signed V2 struct of an order (side as 0 = BUY, 1 = SELL; `expiration` left out, as the exchange does).
 *
 * @example
 * ```ts
 * const order = buildOrder({ tokenId, price: '0.55', size: '10', side: 'BUY' }, options)
 * orderMessage(order) // { salt, maker, signer, tokenId, makerAmount: '5500000', takerAmount: '10000000', side: 0, ... }
 * ```
 */
export function orderMessage(order: PolymarketOrder): Record<string, unknown> {
  return {
    salt: order.salt,
    maker: order.maker,
    signer: order.signer,
    tokenId: order.tokenId,
    makerAmount: order.makerAmount,
    takerAmount: order.takerAmount,
    side: order.side === 'BUY' ? 0 : 1,
    signatureType: order.signatureType,
    timestamp: order.timestamp,
    metadata: order.metadata,
    builder: order.builder,
  }
}

/**
 * The EIP-712 digest of an order: the order id the exchange reports (`orderID`). Depends on the exchange, so a
 * neg-risk order hashes differently from the same order on the standard exchange.
 *
 * @example
 * ```ts
 * const id = await orderHash(order, { negRisk: false }) // '0x…' (bytes32)
 * ```
 */
export async function orderHash(order: PolymarketOrder, options: OrderDomainOptions): Promise<string> {
  const { TypedDataEncoder } = await loadEthers()
  try {
    return TypedDataEncoder.hash(orderDomain(options), ORDER_EIP712_TYPES, orderMessage(order))
  } catch (cause) {
    throw new ValidationError('Order cannot be EIP-712 encoded', { cause })
  }
}

/**
 * Signs an order with EIP-712 against the V2 CTF Exchange (or the V2 Neg Risk CTF Exchange when `negRisk`). The
 * wallet must be the order's `signer` (the EOA); for signature types 1 and 2 the maker is the proxy or Safe.
 * Rejects with a {@link ValidationError} when the wallet is not the order's signer.
 *
 * @example
 * ```ts
 * import { Wallet } from 'ethers'
 * const signed = await signOrder(order, new Wallet(privateKey), { negRisk: false })
 * ```
 */
export async function signOrder(
  order: PolymarketOrder,
  signer: TypedDataSigner,
  options: OrderDomainOptions,
): Promise<SignedPolymarketOrder> {
  const { getAddress } = await loadEthers()
  const address = getAddress(await signer.getAddress())
  if (address !== getAddress(order.signer)) {
    throw new ValidationError(`The wallet "${address}" is not the order's signer "${order.signer}"`, {
      field: 'signer',
    })
  }
  const signature = await signer.signTypedData(orderDomain(options), ORDER_EIP712_TYPES, orderMessage(order))
  return { ...order, signature }
}
