import { readFileSync } from 'node:fs'
import * as ethers from 'ethers'
import { describe, expect, it } from 'vitest'
import type { SignedOrder } from './orderPayload.js'
import { recoverOrderSigner, simOrderDomain, verifyOrderSignature } from './orderSignature.js'

// Orders signed by Polymarket's official client (src/exchanges/polymarket/__fixtures__/official/vectors.json).
interface Vector {
  input: { version: 2 | 3; negRisk: boolean; signatureType: number; signer: string }
  order: Record<string, string | number>
  signature: string
}
const FILE = JSON.parse(
  readFileSync(
    new URL('../../exchanges/polymarket/__fixtures__/official/vectors.json', import.meta.url),
    'utf8',
  ),
) as { vectors: Vector[] }
function wire(v: Vector): SignedOrder {
  const o = v.order
  const str = (k: string) => String(o[k])
  return {
    salt: str('salt'),
    maker: str('maker'),
    signer: str('signer'),
    tokenId: str('tokenId'),
    makerAmount: str('makerAmount'),
    takerAmount: str('takerAmount'),
    side: o.side === 'BUY' ? 0 : 1,
    signatureType: v.input.signatureType as SignedOrder['signatureType'],
    timestamp: str('timestamp'),
    metadata: str('metadata'),
    builder: str('builder'),
  }
}

describe('sim order signature checks (official client orders)', () => {
  const owner = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266'

  it('recovers the signer of V2 and V3 orders, and the owner of a deposit-wallet (type 3) order', () => {
    for (const v of FILE.vectors) {
      const domain = simOrderDomain(v.input.version, v.input.negRisk, 137)
      expect(recoverOrderSigner(ethers, domain, wire(v), v.signature)).toBe(owner)
    }
  })

  it('a wrapper with a wrong domain separator, struct hash or type string does not verify', () => {
    const v = FILE.vectors.find((x) => x.input.signatureType === 3 && x.input.version === 3)
    if (v === undefined) throw new Error('no type-3 vector')
    const domain = simOrderDomain(3, v.input.negRisk, 137)
    const flip = (at: number) =>
      v.signature.slice(0, at) + (v.signature[at] === '0' ? '1' : '0') + v.signature.slice(at + 1)
    for (const at of [2 + 130 + 5, 2 + 194 + 5, 2 + 258 + 5, v.signature.length - 1]) {
      expect(recoverOrderSigner(ethers, domain, wire(v), flip(at))).toBe('')
    }
  })

  it('an order signed for the other version is order_version_mismatch; a bad one invalid signature', () => {
    for (const type of [0, 3]) {
      const v = FILE.vectors.find((x) => x.input.signatureType === type && x.input.version === 2)
      if (v === undefined) throw new Error('no vector')
      const market = { version: 3 as const, negRisk: v.input.negRisk, chainId: 137 }
      expect(() => verifyOrderSignature(ethers, wire(v), v.signature, market)).toThrow(
        expect.objectContaining({ body: { error: 'order_version_mismatch' } }),
      )
      const other = FILE.vectors.find((x) => x !== v && x.input.signatureType === type)
      if (other === undefined) throw new Error('no vector')
      expect(() => verifyOrderSignature(ethers, wire(v), other.signature, market)).toThrow(
        expect.objectContaining({ body: { error: 'invalid signature' } }),
      )
    }
  })
})
