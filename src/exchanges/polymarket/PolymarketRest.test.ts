import { Wallet } from 'ethers'
import { afterEach, describe, expect, it } from 'vitest'
import { Decimal } from '../../decimal/index.js'
import { buildOrder } from './buildOrder.js'
import { PolymarketAdapter } from './PolymarketAdapter.js'
import { PolymarketRest } from './PolymarketRest.js'
import { signOrder } from './signOrder.js'

const wallet = new Wallet('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80')
const TOKEN = '71321045679252212594626385532706912750332728571942532289631379312455583992563'
let clob: PolymarketRest | undefined
let adapter: PolymarketAdapter | undefined

afterEach(async () => {
  clob?.close()
  await adapter?.close()
})

describe('PolymarketRest (no network)', () => {
  it('validates its config with a typed error that never echoes secrets', () => {
    try {
      new PolymarketRest({
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
    clob = new PolymarketRest({ signer: wallet, restUrl: 'http://127.0.0.1:9' })
    const signed = await signOrder(
      await buildOrder(
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
    const withCreds = new PolymarketRest({
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
    withCreds.close()
    withCreds.close()
    await expect(withCreds.getBook(TOKEN)).rejects.toThrowError(/closed/)
    await expect(withCreds.postOrder(signed)).rejects.toThrowError(/closed/)
  })

  it('the adapter validates its config the same way, starts with idle heartbeats and is closed for good', async () => {
    expect(() => new PolymarketAdapter({ restUrl: 'not a url' })).toThrowError(/restUrl/)
    expect(() => new PolymarketAdapter({ userReconcileDelayMs: 1 } as never)).toThrowError(
      /userReconcileDelayMs/,
    )
    adapter = new PolymarketAdapter({
      signer: wallet,
      restUrl: 'http://127.0.0.1:9',
      credentials: { address: wallet.address, apiKey: 'k', secret: 'c2VjcmV0', passphrase: 'p' },
    })
    expect(adapter.heartbeat.state).toBe('IDLE')
    await adapter.close()
    await adapter.close()
    expect(() => adapter!.market.subscribe([TOKEN])).toThrowError(/closed/)
    expect(() => adapter!.user.subscribe([])).toThrowError(/closed/)
    const req = {
      clientOrderId: 'c',
      venue: 'polymarket',
      symbol: TOKEN,
      side: 'BUY',
      type: 'LIMIT',
    } as const
    await expect(
      adapter.placeOrder({ ...req, qty: new Decimal(5), price: new Decimal('0.5') }),
    ).rejects.toMatchObject({
      code: 'INVALID_STATE',
    })
  })

  it('a 503 "cancel-only" / "trading disabled" answer to an order is a rejection (not placed), not an unknown outcome', async () => {
    // docs.polymarket.com/resources/error-codes: 503 "Trading is currently cancel-only. New orders are not accepted,
    // but cancels are allowed." and 503 "Trading is currently disabled. ..." ("No orders (including cancels) are accepted").
    const texts = [
      'Trading is currently cancel-only. New orders are not accepted, but cancels are allowed.',
      'Trading is currently disabled. Check polymarket.com for updates',
    ]
    for (const text of texts) {
      const fetch = async (input: string | URL | Request) => {
        const url = String(input instanceof Request ? input.url : input)
        if (url.includes('/neg-risk'))
          return new Response(JSON.stringify({ neg_risk: false }), { status: 200 })
        return new Response(JSON.stringify({ error: text }), { status: 503 })
      }
      const rest = new PolymarketRest({
        signer: wallet,
        restUrl: 'http://127.0.0.1:9',
        fetch: fetch as typeof globalThis.fetch,
        credentials: { address: wallet.address, apiKey: 'k', secret: 'c2VjcmV0', passphrase: 'p' },
      })
      const signed = await signOrder(
        await buildOrder(
          { tokenId: TOKEN, price: '0.5', size: '5', side: 'BUY' },
          { tickSize: '0.01', negRisk: false, signatureType: 0, signer: wallet.address },
        ),
        wallet,
        { negRisk: false },
      )
      const e = await rest.postOrder(signed).catch((x: unknown) => x)
      rest.close()
      expect(e).toMatchObject({ code: 'ORDER_REJECTED', venueCode: 'TRADING_DISABLED', status: 503 })
    }
  })
})
