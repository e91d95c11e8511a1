import { HttpFail } from './HttpFail.js'
import type { SignedOrder } from './orderPayload.js'
import { SIM_CTF_EXCHANGE, SIM_EXCHANGE_V3, SIM_NEG_RISK_EXCHANGE, SIM_ORDER_TYPES } from './protocol.js'

type Ethers = typeof import('ethers')

/** An order's EIP-712 domain on the exchange of `version` (the sim's own copy of the protocol facts). */
export interface SimOrderDomain {
  readonly name: string
  readonly version: string
  readonly chainId: number
  readonly verifyingContract: string
}

/** The ASCII order type string a deposit-wallet signature carries (ERC-7739), and the wrapper's struct. */
const ORDER_TYPE_STRING =
  'Order(uint256 salt,address maker,address signer,uint256 tokenId,uint256 makerAmount,uint256 takerAmount,uint8 side,uint8 signatureType,uint256 timestamp,bytes32 metadata,bytes32 builder)'
const TYPED_DATA_SIGN = {
  TypedDataSign: [
    { name: 'contents', type: 'Order' },
    { name: 'name', type: 'string' },
    { name: 'version', type: 'string' },
    { name: 'chainId', type: 'uint256' },
    { name: 'verifyingContract', type: 'address' },
    { name: 'salt', type: 'bytes32' },
  ],
  Order: SIM_ORDER_TYPES.Order,
}

/** The domain of an order on a market: V2 (standard or neg-risk exchange) or ExchangeV3 (one for both). */
export function simOrderDomain(version: 2 | 3, negRisk: boolean, chainId: number): SimOrderDomain {
  return {
    name: 'Polymarket CTF Exchange',
    version: String(version),
    chainId,
    verifyingContract: version === 3 ? SIM_EXCHANGE_V3 : negRisk ? SIM_NEG_RISK_EXCHANGE : SIM_CTF_EXCHANGE,
  }
}

/**
 * The address whose key made `signature` for `order` under `domain`, or '' when it does not verify: the ECDSA
 * signer for types 0–2; for a deposit wallet (type 3) the owner EOA, after the ERC-7739 wrapper's domain separator,
 * contents hash and type string were checked against the order.
 */
export function recoverOrderSigner(
  ethers: Ethers,
  domain: SimOrderDomain,
  order: SignedOrder,
  signature: string,
): string {
  try {
    if (order.signatureType !== 3) {
      const r = ethers.verifyTypedData(domain, SIM_ORDER_TYPES, order, signature)
      return r.toLowerCase() === order.signer.toLowerCase() ? r : ''
    }
    const hex = signature.slice(2)
    const typeHex = Buffer.from(ORDER_TYPE_STRING, 'ascii').toString('hex')
    if (hex.length !== 130 + 128 + typeHex.length + 4) return ''
    const inner = `0x${hex.slice(0, 130)}`
    const separator = `0x${hex.slice(130, 194)}`
    const contents = `0x${hex.slice(194, 258)}`
    const rest = hex.slice(258)
    const length = Number.parseInt(rest.slice(-4), 16)
    if (rest.slice(0, -4) !== typeHex || length !== ORDER_TYPE_STRING.length) return ''
    if (separator !== ethers.TypedDataEncoder.hashDomain(domain)) return ''
    if (contents !== ethers.TypedDataEncoder.hashStruct('Order', SIM_ORDER_TYPES, order)) return ''
    const wrapped = {
      contents: order,
      name: 'DepositWallet',
      version: '1',
      chainId: domain.chainId,
      verifyingContract: order.signer,
      salt: `0x${'0'.repeat(64)}`,
    }
    return ethers.verifyTypedData(domain, TYPED_DATA_SIGN, wrapped, inner)
  } catch {
    return ''
  }
}

/**
 * Checks an order's signature against the market's exchange version. A signature that verifies only for the other
 * version is Polymarket's `order_version_mismatch`; one that verifies for neither is `invalid signature`. Returns
 * the domain and the recovered key (the owner EOA for a deposit wallet).
 */
export function verifyOrderSignature(
  ethers: Ethers,
  order: SignedOrder,
  signature: string,
  market: { version: 2 | 3; negRisk: boolean; chainId: number },
): { domain: SimOrderDomain; recovered: string } {
  const domain = simOrderDomain(market.version, market.negRisk, market.chainId)
  const recovered = recoverOrderSigner(ethers, domain, order, signature)
  if (recovered !== '') return { domain, recovered }
  const other = simOrderDomain(market.version === 2 ? 3 : 2, market.negRisk, market.chainId)
  if (recoverOrderSigner(ethers, other, order, signature) !== '') {
    throw new HttpFail(400, { error: 'order_version_mismatch' })
  }
  throw new HttpFail(400, { error: 'invalid signature' })
}
