import { ValidationError } from '../../errors/index.js'
import {
  EXCHANGE_DOMAIN_NAME,
  EXCHANGE_DOMAIN_VERSION,
  EXCHANGE_V3_DOMAIN_VERSION,
  type ExchangeVersion,
  exchangeAddress,
  ORDER_EIP712_TYPES,
  POLYGON_CHAIN_ID,
} from './constants.js'
import { wrapDepositWalletSignature } from './depositWallet.js'
import { loadEthers } from './loadEthers.js'
import type { OrderDomainOptions, PolymarketOrder, SignedPolymarketOrder, TypedDataSigner } from './types.js'

/**
 * The EIP-712 domain of an order: for version 2 the V2 CTF Exchange or the V2 Neg Risk CTF Exchange, for version 3
 * ExchangeV3 (domain version "3", one contract for both).
 *
 * @example
 * ```ts
 * orderDomain({ negRisk: false }) // { name: 'Polymarket CTF Exchange', version: '2', chainId: 137, verifyingContract: CTF_EXCHANGE_V2 }
 * orderDomain({ negRisk: true, version: 3 }) // { ..., version: '3', verifyingContract: CTF_EXCHANGE_V3 }
 * ```
 */
export function orderDomain(options: OrderDomainOptions): {
  name: string
  version: string
  chainId: number
  verifyingContract: string
} {
  const version = options.version ?? 2
  const chainId = options.chainId ?? POLYGON_CHAIN_ID
  return {
    name: EXCHANGE_DOMAIN_NAME,
    version: version === 3 ? EXCHANGE_V3_DOMAIN_VERSION : EXCHANGE_DOMAIN_VERSION,
    chainId,
    verifyingContract: exchangeAddress(options.negRisk, version, chainId),
  }
}

/**
 * The signed struct of an order (side as 0 = BUY, 1 = SELL; `expiration` left out, as the exchange does). V2 and V3
 * sign the same struct.
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

/** The domain options with the order's version; a {@link ValidationError} when the caller asks for another. */
function domainFor(
  order: PolymarketOrder,
  options: OrderDomainOptions,
): OrderDomainOptions & { version: ExchangeVersion } {
  const built = order.version ?? 2
  const version = options.version ?? built
  if (version !== built) {
    throw new ValidationError(`The order was built for exchange version ${built}, not ${String(version)}`, {
      field: 'version',
    })
  }
  return { ...options, version }
}

/**
 * The EIP-712 digest of an order: the order id the exchange reports (`orderID`). Depends on the exchange, so a
 * neg-risk V2 order hashes differently from the same order on the standard exchange, and a V3 order differently
 * from both.
 *
 * @example
 * ```ts
 * const id = await orderHash(order, { negRisk: false }) // '0x…' (bytes32)
 * const v3 = await orderHash(orderV3, { negRisk: false, version: 3 })
 * ```
 */
export async function orderHash(order: PolymarketOrder, options: OrderDomainOptions): Promise<string> {
  const { TypedDataEncoder } = await loadEthers()
  const domain = orderDomain(domainFor(order, options))
  try {
    return TypedDataEncoder.hash(domain, ORDER_EIP712_TYPES, orderMessage(order))
  } catch (cause) {
    throw new ValidationError('Order cannot be EIP-712 encoded', { cause })
  }
}

/**
 * Signs an order with EIP-712 against its exchange (V2, V2 Neg Risk or ExchangeV3 by `negRisk` and `version`). The
 * wallet must be the order's `signer` (the EOA); for signature types 1 and 2 the maker is the proxy or Safe. For a
 * deposit wallet (type 3) the wallet is the owner EOA the order was built for, and the signature is its
 * ERC-7739 `TypedDataSign` signature wrapped as the wallet contract verifies it. Rejects with a
 * {@link ValidationError} when the wallet does not belong to the order or `version` differs from the order's.
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
  const domainOptions = domainFor(order, options)
  const address = getAddress(await signer.getAddress())
  if (order.signatureType === 3) {
    if (order.walletOwner === undefined) {
      throw new ValidationError(
        'A deposit-wallet order (type 3) needs the owner it was built for (walletOwner)',
        {
          field: 'walletOwner',
        },
      )
    }
    if (address !== getAddress(order.walletOwner)) {
      throw new ValidationError(
        `The wallet "${address}" is not the owner "${order.walletOwner}" of deposit wallet "${order.maker}"`,
        { field: 'signer' },
      )
    }
    const signature = await wrapDepositWalletSignature(order, signer, orderDomain(domainOptions))
    return { ...order, signature }
  }
  if (address !== getAddress(order.signer)) {
    throw new ValidationError(`The wallet "${address}" is not the order's signer "${order.signer}"`, {
      field: 'signer',
    })
  }
  const signature = await signer.signTypedData(
    orderDomain(domainOptions),
    ORDER_EIP712_TYPES,
    orderMessage(order),
  )
  return { ...order, signature }
}
