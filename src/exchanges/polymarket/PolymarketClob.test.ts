import { Wallet } from 'ethers'
import { afterEach, describe, expect, it } from 'vitest'
import { buildOrder } from './buildOrder.js'
import { PolymarketClob } from './PolymarketClob.js'
import { signOrder } from './signOrder.js'

const wallet = new Wallet('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80')
const TOKEN = '71321045679252212594626385532706912750332728571942532289631379312455583992563'
let clob: PolymarketClob | undefined

afterEach(async () => {
  await clob?.close()
})

describe('PolymarketClob (no network)', () => {
  it('validates its config with a typed error that never echoes secrets', () => {
    try {
      new PolymarketClob({
        restUrl: 'not a url',
        credentials: { address: '0x1', apiKey: 'k', secret: 's3cr3t' } as never,
      })
      expect.unreachable()
    } catch (e) {
      expect((e as { code: string }).code).toBe('CONFIG_INVALID')
      expect(String((e as Error).message)).not.toContain('s3cr3t')
    }
  })

  it('refuses to trade without credentials, checks batches and GTD lead time, and is closed for good', async () => {
    clob = new PolymarketClob({ signer: wallet, restUrl: 'http://127.0.0.1:9' })
    const signed = await signOrder(
      buildOrder(
        {
          tokenId: TOKEN,
          price: '0.5',
          size: '5',
          side: 'BUY',
          expiration: Math.floor(Date.now() / 1000) + 30,
        },
        { tickSize: '0.01', negRisk: false, signatureType: 0, signer: wallet.address },
      ),
      wallet,
      { negRisk: false },
    )
    await expect(clob.postOrder(signed)).rejects.toMatchObject({ code: 'INVALID_STATE' })
    const withCreds = new PolymarketClob({
      signer: wallet,
      restUrl: 'http://127.0.0.1:9',
      credentials: { address: wallet.address, apiKey: 'k', secret: 'c2VjcmV0', passphrase: 'p' },
    })
    await expect(withCreds.postOrder(signed, { orderType: 'GTD' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    })
    await expect(withCreds.postOrders([])).rejects.toMatchObject({ code: 'VALIDATION_FAILED' })
    await expect(
      withCreds.postOrders(Array.from({ length: 16 }, () => ({ order: signed }))),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' })
    expect(withCreds.heartbeatState).toBe('IDLE')
    await withCreds.close()
    await withCreds.close()
    expect(() => withCreds.subscribeMarket([TOKEN])).toThrowError(/closed/)
  })
})
