/**
 * PolymarketRest decodes each REST answer with the public decoders of `decodeRest.ts` (one way per response): a bad
 * body becomes a typed `ExchangeDataError` (never a raw zod error), and an API-key answer never leaks its secret.
 * Body shapes follow the CLOB docs (docs.polymarket.com, "Pricing" / "Orderbook" / "Authentication" pages).
 */
import { Wallet } from 'ethers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PolymarketRest } from '../../../src/exchanges/polymarket/index.js'
import { startHttpServer, type TestHttpServer } from '../transport/servers.js'

const wallet = new Wallet('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80')
const TOKEN = '71321045679252212594626385532706912750332728571942532289631379312455583992563'
const SECRET = 'VE9QU0VDUkVUX19kb19ub3RfbGVhaw=='
const creds = { address: wallet.address, apiKey: 'k', secret: 'c2VjcmV0', passphrase: 'p' }

let server: TestHttpServer
let bodies: Record<string, string> = {}

beforeAll(async () => {
  server = await startHttpServer()
  server.handle = (req, res) => {
    const path = req.url.split('?')[0] ?? ''
    res.setHeader('content-type', 'application/json')
    res.end(bodies[`${req.method} ${path}`] ?? '{}')
  }
})
afterAll(async () => server.close())

const rest = () => new PolymarketRest({ signer: wallet, restUrl: server.url, credentials: creds })

describe('PolymarketRest decodes each response with the public decoders', () => {
  it('reads the documented quote, tick, neg-risk, balance and heartbeat bodies', async () => {
    bodies = {
      'GET /price': '{"price":"0.52"}',
      'GET /midpoint': '{"mid":"0.455"}',
      'GET /spread': '{"spread":"0.01"}',
      'GET /last-trade-price': '{"price":"","side":""}',
      'GET /tick-size': '{"minimum_tick_size":0.001}',
      'GET /neg-risk': '{"neg_risk":true}',
      'GET /balance-allowance': '{"balance":"25000000"}',
      'POST /v1/heartbeats': '{"heartbeat_id":"hb-2"}',
    }
    const c = rest()
    expect((await c.getPrice(TOKEN, 'BUY')).toString()).toBe('0.52')
    expect((await c.getMidpoint(TOKEN)).toString()).toBe('0.455')
    expect((await c.getSpread(TOKEN)).toString()).toBe('0.01')
    expect(await c.getLastTradePrice(TOKEN)).toBeUndefined()
    expect(await c.getTickSize(TOKEN)).toBe('0.001')
    expect(await c.getNegRisk(TOKEN)).toBe(true)
    const bal = await c.getBalanceAllowance({ assetType: 'COLLATERAL' })
    expect(bal.balance.toString()).toBe('25')
    expect(bal.allowances).toEqual({})
    expect(await c.sendHeartbeat('')).toBe('hb-2')
    c.close()
  })

  it('refuses bad bodies with ExchangeDataError, never a zod error or a 0', async () => {
    bodies = {
      'GET /price': '{"price":"NaN"}',
      'GET /midpoint': '{}',
      'GET /spread': '{"spread":"-1"}',
      'GET /last-trade-price': '{"price":"abc"}',
      'GET /tick-size': '{"minimum_tick_size":"0.05"}',
      'GET /neg-risk': '{"neg_risk":"yes"}',
      'GET /balance-allowance': '{"balance":""}',
      'POST /v1/heartbeats': '{"heartbeat_id":""}',
      'GET /data/trades': '{"data":"not a list","next_cursor":"LTE="}',
      'GET /markets': '{"data":[]}',
    }
    const c = rest()
    const bad = { name: 'ExchangeDataError', code: 'EXCHANGE_DATA_INVALID' }
    await expect(c.getPrice(TOKEN, 'SELL')).rejects.toMatchObject(bad)
    await expect(c.getMidpoint(TOKEN)).rejects.toMatchObject(bad)
    await expect(c.getSpread(TOKEN)).rejects.toMatchObject(bad)
    await expect(c.getLastTradePrice(TOKEN)).rejects.toMatchObject(bad)
    await expect(c.getTickSize(TOKEN)).rejects.toMatchObject({ ...bad, message: 'Unsupported tick size' })
    await expect(c.getNegRisk(TOKEN)).rejects.toMatchObject(bad)
    await expect(c.getBalanceAllowance({ assetType: 'COLLATERAL' })).rejects.toMatchObject(bad)
    await expect(c.sendHeartbeat('')).rejects.toMatchObject(bad)
    await expect(c.getTrades()).rejects.toMatchObject(bad)
    await expect(c.getMarkets()).rejects.toMatchObject(bad)
    c.close()
  })

  it('an API-key answer that does not decode is refused without its secret, malformed JSON included', async () => {
    for (const [post, derive] of [
      [`{"apiKey":"k","secret":"${SECRET}","passphrase":""}`, `{"apiKey":"k","secret":"${SECRET}"}`],
      [`{"apiKey":"k","secret":"${SECRET}",`, `{"apiKey":"k","secret":"${SECRET}" "passphrase":"p"}`],
    ] as const) {
      bodies = { 'POST /auth/api-key': post, 'GET /auth/derive-api-key': derive }
      const c = new PolymarketRest({ signer: wallet, restUrl: server.url })
      const e = await c.createOrDeriveApiKey().then(
        () => expect.unreachable(),
        (x: unknown) => x,
      )
      expect(e).toMatchObject({ code: 'EXCHANGE_DATA_INVALID' })
      const seen = `${String(e)} ${JSON.stringify(e)} ${(e as Error).stack} ${String((e as Error).cause)}`
      expect(seen).not.toContain(SECRET)
      expect(c.credentials).toBeUndefined()
      c.close()
    }
    bodies = {
      'POST /auth/api-key': `{"apiKey":"k2","secret":"${SECRET}","passphrase":"pp"}`,
    }
    const ok = new PolymarketRest({ signer: wallet, restUrl: server.url })
    expect(await ok.createOrDeriveApiKey()).toEqual({
      address: wallet.address,
      apiKey: 'k2',
      secret: SECRET,
      passphrase: 'pp',
    })
    ok.close()
  })
})
