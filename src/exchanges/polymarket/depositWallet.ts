import {
  BYTES32_ZERO,
  DEPOSIT_WALLET_DOMAIN_NAME,
  DEPOSIT_WALLET_DOMAIN_VERSION,
  ORDER_EIP712_TYPES,
  ORDER_TYPE_STRING,
} from './constants.js'
import { loadEthers } from './loadEthers.js'
import { orderMessage } from './signOrder.js'
import type { PolymarketOrder, TypedDataSigner } from './types.js'

/** ERC-7739 `TypedDataSign` struct around the order (clob-client-v2 1.1.0 `exchangeOrderBuilderV2.ts`). */
const TYPED_DATA_SIGN_TYPES: Record<string, Array<{ name: string; type: string }>> = {
  TypedDataSign: [
    { name: 'contents', type: 'Order' },
    { name: 'name', type: 'string' },
    { name: 'version', type: 'string' },
    { name: 'chainId', type: 'uint256' },
    { name: 'verifyingContract', type: 'address' },
    { name: 'salt', type: 'bytes32' },
  ],
  Order: ORDER_EIP712_TYPES.Order ?? [],
}

/**
 * The signature of a deposit-wallet order (signature type 3, POLY_1271), as the wallet contract verifies it
 * (ERC-7739 nested typed data): the owner's 65-byte signature of `TypedDataSign(Order contents, "DepositWallet",
 * "1", chainId, wallet, 0x0)` under the exchange's domain, followed by the exchange's domain separator, the hash of
 * the order struct, the ASCII order type string and its length as uint16 big-endian.
 *
 * @example
 * ```ts
 * const signature = await wrapDepositWalletSignature(order, ownerWallet, orderDomain({ negRisk: false, version: 3 }))
 * ```
 */
export async function wrapDepositWalletSignature(
  order: PolymarketOrder,
  owner: TypedDataSigner,
  appDomain: { name: string; version: string; chainId: number; verifyingContract: string },
): Promise<string> {
  const { TypedDataEncoder, hexlify, toUtf8Bytes } = await loadEthers()
  const contents = orderMessage(order)
  const inner = await owner.signTypedData(appDomain, TYPED_DATA_SIGN_TYPES, {
    contents,
    name: DEPOSIT_WALLET_DOMAIN_NAME,
    version: DEPOSIT_WALLET_DOMAIN_VERSION,
    chainId: appDomain.chainId,
    verifyingContract: order.signer,
    salt: BYTES32_ZERO,
  })
  const domainSeparator = TypedDataEncoder.hashDomain(appDomain)
  const contentsHash = TypedDataEncoder.hashStruct('Order', ORDER_EIP712_TYPES, contents)
  const typeString = hexlify(toUtf8Bytes(ORDER_TYPE_STRING)).slice(2)
  const length = ORDER_TYPE_STRING.length.toString(16).padStart(4, '0')
  return `0x${inner.slice(2)}${domainSeparator.slice(2)}${contentsHash.slice(2)}${typeString}${length}`
}
