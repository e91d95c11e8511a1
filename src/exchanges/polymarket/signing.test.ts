import { createHmac } from 'node:crypto'
import { AbiCoder as EthersAbi, keccak256, id as keccakText, verifyTypedData, Wallet } from 'ethers'
import { describe, expect, it } from 'vitest'
import { buildL2Signature, createL1Headers, createL2Headers } from './auth.js'
import { buildOrder } from './buildOrder.js'
import { CTF_EXCHANGE_V2, NEG_RISK_CTF_EXCHANGE_V2 } from './constants.js'
import { orderDomain, orderHash, orderMessage, signOrder } from './signOrder.js'
import { toPostOrderBody } from './toPostOrderBody.js'

// Publicly known Hardhat test key #0.
const PK = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'
const wallet = new Wallet(PK)
const SAFE = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
const TOKEN = '71321045679252212594626385532706912750332728571942532289631379312455583992563'

async function order(signatureType: 0 | 1 | 2, negRisk: boolean) {
  return await buildOrder(
    {
      tokenId: TOKEN,
      price: '0.5',
      size: '100',
      side: 'BUY',
      salt: '479249096354',
      timestamp: 1_713_398_400_000,
    },
    {
      tickSize: '0.01',
      negRisk,
      signatureType,
      signer: wallet.address,
      ...(signatureType === 0 ? {} : { funder: SAFE }),
    },
  )
}

/** The EIP-712 digest encoded by hand from the V2 type string of the issue, as an independent cross-check. */
function manualDigest(o: Awaited<ReturnType<typeof order>>, verifyingContract: string): string {
  const abi = EthersAbi.defaultAbiCoder()
  const typeHash = keccakText(
    'Order(uint256 salt,address maker,address signer,uint256 tokenId,uint256 makerAmount,uint256 takerAmount,uint8 side,uint8 signatureType,uint256 timestamp,bytes32 metadata,bytes32 builder)',
  )
  const structHash = keccak256(
    abi.encode(
      [
        'bytes32',
        'uint256',
        'address',
        'address',
        'uint256',
        'uint256',
        'uint256',
        'uint8',
        'uint8',
        'uint256',
        'bytes32',
        'bytes32',
      ],
      [
        typeHash,
        o.salt,
        o.maker,
        o.signer,
        o.tokenId,
        o.makerAmount,
        o.takerAmount,
        o.side === 'BUY' ? 0 : 1,
        o.signatureType,
        o.timestamp,
        o.metadata,
        o.builder,
      ],
    ),
  )
  const domainSep = keccak256(
    abi.encode(
      ['bytes32', 'bytes32', 'bytes32', 'uint256', 'address'],
      [
        keccakText('EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)'),
        keccakText('Polymarket CTF Exchange'),
        keccakText('2'),
        137,
        verifyingContract,
      ],
    ),
  )
  return keccak256(`0x1901${domainSep.slice(2)}${structHash.slice(2)}`)
}

describe('EIP-712 order signing (V2)', () => {
  for (const negRisk of [false, true]) {
    for (const sigType of [0, 1, 2] as const) {
      it(`signs type ${sigType} on the ${negRisk ? 'neg-risk' : 'standard'} exchange`, async () => {
        const o = await order(sigType, negRisk)
        const signed = await signOrder(o, wallet, { negRisk })
        const domain = orderDomain({ negRisk })
        expect(domain).toEqual({
          name: 'Polymarket CTF Exchange',
          version: '2',
          chainId: 137,
          verifyingContract: negRisk ? NEG_RISK_CTF_EXCHANGE_V2 : CTF_EXCHANGE_V2,
        })
        const types = {
          Order: [
            { name: 'salt', type: 'uint256' },
            { name: 'maker', type: 'address' },
            { name: 'signer', type: 'address' },
            { name: 'tokenId', type: 'uint256' },
            { name: 'makerAmount', type: 'uint256' },
            { name: 'takerAmount', type: 'uint256' },
            { name: 'side', type: 'uint8' },
            { name: 'signatureType', type: 'uint8' },
            { name: 'timestamp', type: 'uint256' },
            { name: 'metadata', type: 'bytes32' },
            { name: 'builder', type: 'bytes32' },
          ],
        }
        expect(verifyTypedData(domain, types, orderMessage(o), signed.signature)).toBe(wallet.address)
        expect(await orderHash(o, { negRisk })).toBe(manualDigest(o, domain.verifyingContract))
        expect(signed.maker).toBe(sigType === 0 ? wallet.address : SAFE)
        // a signature for one exchange does not verify against the other
        const other = orderDomain({ negRisk: !negRisk })
        expect(verifyTypedData(other, types, orderMessage(o), signed.signature)).not.toBe(wallet.address)
      })
    }
  }

  it('the hash differs per exchange and ignores the unsigned expiration', async () => {
    const o = await order(0, false)
    expect(await orderHash(o, { negRisk: false })).not.toBe(await orderHash(o, { negRisk: true }))
    expect(await orderHash({ ...o, expiration: '1900000000' }, { negRisk: false })).toBe(
      await orderHash(o, { negRisk: false }),
    )
  })

  it('refuses to sign with a wallet that is not the order signer', async () => {
    const other = Wallet.createRandom()
    await expect(signOrder(await order(0, false), other, { negRisk: false })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    })
  })

  it('builds the exact POST /order body', async () => {
    const signed = await signOrder(await order(2, true), wallet, { negRisk: true })
    const body = toPostOrderBody(signed, { owner: 'key-1', orderType: 'GTC', postOnly: true })
    // The official client's orderToJsonV2 key order (checked byte for byte in officialVectors.test.ts).
    expect(Object.keys(body)).toEqual(['deferExec', 'postOnly', 'order', 'owner', 'orderType'])
    expect(Object.keys(body.order)).toEqual([
      'salt',
      'maker',
      'signer',
      'tokenId',
      'makerAmount',
      'takerAmount',
      'side',
      'signatureType',
      'timestamp',
      'expiration',
      'metadata',
      'builder',
      'signature',
    ])
    expect(body.order.salt).toBe(479249096354)
    expect(body.order.side).toBe('BUY')
    expect(body.order.signatureType).toBe(2)
    expect(() => toPostOrderBody(signed, { owner: 'k', orderType: 'FOK', postOnly: true })).toThrow(
      /postOnly/,
    )
    expect(() => toPostOrderBody(signed, { owner: 'k', orderType: 'GTD' })).toThrow(/expiration/)
  })
})

describe('L1 and L2 headers', () => {
  it('L1: matches the official client vector (Amoy, ts 10000000, nonce 23)', async () => {
    const h = await createL1Headers(wallet, { timestamp: 10_000_000, nonce: 23, chainId: 80002 })
    expect(h).toEqual({
      POLY_ADDRESS: wallet.address,
      POLY_SIGNATURE:
        '0xf62319a987514da40e57e2f4d7529f7bac38f0355bd88bb5adbb3768d80de6c1682518e0af677d5260366425f4361e7b70c25ae232aff0ab2331e2b164a1aedc1b',
      POLY_TIMESTAMP: '10000000',
      POLY_NONCE: '23',
    })
  })

  it('L2: matches the official client vector and keeps the base64 padding', async () => {
    expect(
      await buildL2Signature(
        'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
        1_000_000,
        'test-sign',
        '/orders',
        '{"hash": "0x123"}',
      ),
    ).toBe('ZwAdJKvoYRlEKDkNMwd5BuwNNtg93kNaR_oU2HrfVvc=')
  })

  it('L2: URL-safe secret, query string dropped, equals an independent node:crypto HMAC', async () => {
    const secret = Buffer.from('a secret with +/ bytes \xfb\xff').toString('base64url')
    const creds = { address: wallet.address, apiKey: 'key', secret, passphrase: 'pass' }
    const h = await createL2Headers(creds, {
      method: 'GET',
      path: '/data/orders?market=0x1',
      timestamp: 1_700_000_000,
    })
    const expected = createHmac('sha256', Buffer.from(secret, 'base64url'))
      .update('1700000000GET/data/orders')
      .digest('base64')
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
    expect(h).toEqual({
      POLY_ADDRESS: wallet.address,
      POLY_SIGNATURE: expected,
      POLY_TIMESTAMP: '1700000000',
      POLY_API_KEY: 'key',
      POLY_PASSPHRASE: 'pass',
    })
  })

  it('never puts the secret into an error', async () => {
    const creds = { address: wallet.address, apiKey: 'k', secret: 'not base64 !!! s3cr3t', passphrase: 'p' }
    try {
      await createL2Headers(creds, { method: 'GET', path: '/x', timestamp: 1 })
      expect.unreachable()
    } catch (e) {
      expect(String((e as Error).message)).not.toContain('s3cr3t')
      expect(JSON.stringify((e as { details: unknown }).details)).not.toContain('s3cr3t')
    }
  })
})
