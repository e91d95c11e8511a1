import { Wallet } from 'ethers'
import { afterEach, describe, expect, it } from 'vitest'
import { ManualClock } from '../../../src/core/index.js'
import {
  buildMarketOrder,
  buildOrder,
  createL1Headers,
  createL2Headers,
  type PolymarketOrderType,
  type SignedPolymarketOrder,
  signOrder,
  type TickSize,
  toPostOrderBody,
} from '../../../src/exchanges/polymarket/index.js'
import { PolymarketSim, type SimApiCredentials } from '../../../src/sim/polymarket/index.js'

const wallet = new Wallet('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80')
let sim: PolymarketSim | undefined

afterEach(async () => {
  await sim?.close()
  sim = undefined
})

const now = () => Math.floor(Date.now() / 1000)

async function call(
  s: PolymarketSim,
  creds: SimApiCredentials,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const text = body === undefined ? undefined : JSON.stringify(body)
  const headers = await createL2Headers(creds, {
    method,
    path,
    ...(text !== undefined ? { body: text } : {}),
    timestamp: now(),
  })
  const r = await fetch(`${s.restUrl}${path}`, {
    method,
    headers: { ...headers },
    ...(text !== undefined ? { body: text } : {}),
  })
  return { status: r.status, json: (await r.json()) as Record<string, unknown> }
}

async function post(
  s: PolymarketSim,
  creds: SimApiCredentials,
  o: SignedPolymarketOrder,
  orderType: PolymarketOrderType = 'GTC',
  postOnly = false,
) {
  return call(s, creds, 'POST', '/order', toPostOrderBody(o, { owner: creds.apiKey, orderType, postOnly }))
}

describe('PolymarketSim', () => {
  it('is deterministic per seed and seeds every tick size, neg-risk and complementary tokens', async () => {
    sim = await PolymarketSim.start({ seed: 5, markets: 6 })
    const a = sim.markets.map((m) => [m.conditionId, m.tokens[0].tokenId, m.tickSize, m.negRisk, m.fairPrice])
    await sim.close()
    sim = await PolymarketSim.start({ seed: 5, markets: 6 })
    expect(
      sim.markets.map((m) => [m.conditionId, m.tokens[0].tokenId, m.tickSize, m.negRisk, m.fairPrice]),
    ).toEqual(a)
    expect(new Set(sim.markets.map((m) => m.tickSize))).toEqual(
      new Set(['0.1', '0.01', '0.001', '0.0001', '0.005', '0.0025']),
    )
    expect(sim.markets.some((m) => m.negRisk) && sim.markets.some((m) => !m.negRisk)).toBe(true)
    for (const m of sim.markets) expect(m.tokens.map((t) => t.outcome)).toEqual(['Yes', 'No'])
  })

  it('verifies L1 headers: create once, derive after, refuse a bad signature', async () => {
    sim = await PolymarketSim.start()
    const l1 = await createL1Headers(wallet, { timestamp: now(), nonce: 3 })
    const created = await fetch(`${sim.restUrl}/auth/api-key`, { method: 'POST', headers: { ...l1 } })
    expect(created.status).toBe(200)
    const key = (await created.json()) as { apiKey: string }
    expect((await fetch(`${sim.restUrl}/auth/api-key`, { method: 'POST', headers: { ...l1 } })).status).toBe(
      400,
    )
    const derived = await fetch(`${sim.restUrl}/auth/derive-api-key`, { headers: { ...l1 } })
    expect(((await derived.json()) as { apiKey: string }).apiKey).toBe(key.apiKey)
    const forged = { ...l1, POLY_ADDRESS: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' }
    const bad = await fetch(`${sim.restUrl}/auth/api-key`, { method: 'POST', headers: forged })
    expect(bad.status).toBe(401)
    expect(await bad.json()).toEqual({ error: 'Invalid L1 Request headers' })
  })

  it('rejects orders the way Polymarket does', async () => {
    sim = await PolymarketSim.start({
      seed: 3,
      markets: [{ tickSize: '0.01', fairPrice: '0.5', negRisk: false }],
    })
    const creds = sim.createApiKey(wallet.address)
    const m = sim.markets[0]!
    const yes = m.tokens[0].tokenId
    const opts = {
      tickSize: '0.01' as TickSize,
      negRisk: false,
      signatureType: 0 as const,
      signer: wallet.address,
    }
    const sign = (o: Awaited<ReturnType<typeof buildOrder>>) => signOrder(o, wallet, { negRisk: false })

    const tooSmall = await post(
      sim,
      creds,
      await sign(await buildOrder({ tokenId: yes, price: '0.3', size: '1', side: 'BUY' }, opts)),
    )
    expect(tooSmall.json.error).toBe('order is invalid. Size (1) lower than the minimum: 5')

    const offTick = await buildOrder({ tokenId: yes, price: '0.3', size: '10', side: 'BUY' }, opts)
    const r1 = await post(sim, creds, await sign({ ...offTick, makerAmount: '3050000' }))
    expect(r1.json.error).toBe('order is invalid. Price breaks minimum tick size rules')

    const r2 = await post(sim, creds, await sign({ ...offTick, takerAmount: '10001000' }))
    expect(String(r2.json.error)).toMatch(
      /^invalid amounts, the buy orders maker amount supports a max accuracy of 4 decimals/,
    )

    const crossing = await sign(
      await buildOrder({ tokenId: yes, price: '0.6', size: '10', side: 'BUY' }, opts),
    )
    expect((await post(sim, creds, crossing, 'GTC', true)).json.error).toBe(
      'invalid post-only order: order crosses book',
    )

    const fok = await sign(
      await buildMarketOrder({ tokenId: yes, side: 'BUY', amount: '100000', price: '0.51' }, opts),
    )
    sim.fund(wallet.address, { pusd: '1000000' })
    expect((await post(sim, creds, fok, 'FOK')).json.error).toBe(
      "order couldn't be fully filled, FOK orders are fully filled/killed",
    )
    const fak = await sign(
      await buildMarketOrder({ tokenId: yes, side: 'BUY', amount: '10', price: '0.3' }, opts),
    )
    expect(String((await post(sim, creds, fak, 'FAK')).json.error)).toMatch(
      /no orders found to match with FAK order/,
    )

    const huge = await sign(
      await buildOrder({ tokenId: yes, price: '0.3', size: '10000000', side: 'BUY' }, opts),
    )
    expect((await post(sim, creds, huge)).json.error).toBe('not enough balance / allowance')
    const sell = await sign(await buildOrder({ tokenId: yes, price: '0.7', size: '10', side: 'SELL' }, opts))
    expect((await post(sim, creds, sell)).json.error).toBe('not enough balance / allowance')

    const ok = await sign(await buildOrder({ tokenId: yes, price: '0.3', size: '10', side: 'BUY' }, opts))
    expect((await post(sim, creds, ok)).json.status).toBe('live')
    expect(String((await post(sim, creds, ok)).json.error)).toMatch(/Duplicated/)

    const gtd = await sign(
      await buildOrder({ tokenId: yes, price: '0.3', size: '10', side: 'BUY', expiration: now() + 30 }, opts),
    )
    expect((await post(sim, creds, gtd, 'GTD')).json.error).toBe('invalid expiration')

    const other = sim.createApiKey('0x70997970C51812dc3A010C7d01b50e0d17dc79C8')
    const stolen = await call(
      sim,
      other,
      'POST',
      '/order',
      toPostOrderBody(ok, { owner: creds.apiKey, orderType: 'GTC' }),
    )
    expect(stolen.json.error).toBe('the order owner has to be the owner of the API KEY')
  })

  it('expires GTD orders one minute before their expiration', async () => {
    const clock = new ManualClock(Date.now())
    sim = await PolymarketSim.start({ seed: 3, clock })
    const creds = sim.createApiKey(wallet.address)
    const m = sim.markets[0]!
    const o = await signOrder(
      await buildOrder(
        { tokenId: m.tokens[0].tokenId, price: '0.05', size: '5', side: 'BUY', expiration: now() + 120 },
        {
          tickSize: m.tickSize as TickSize,
          negRisk: m.negRisk,
          signatureType: 0,
          signer: wallet.address,
        },
      ),
      wallet,
      { negRisk: m.negRisk },
    )
    expect((await post(sim, creds, o, 'GTD')).json.status).toBe('live')
    clock.advance(50_000)
    expect(sim.ledger().openOrders).toHaveLength(1)
    clock.advance(15_000)
    expect(sim.ledger().openOrders).toHaveLength(0)
  })

  it('paginates with cursors, enforces the heartbeat id and cancels on heartbeat expiry', async () => {
    sim = await PolymarketSim.start({ markets: 5, pageSize: 2, heartbeatTimeoutMs: 200 })
    const creds = sim.createApiKey(wallet.address)
    const ids: string[] = []
    let cursor = 'MA=='
    while (cursor !== 'LTE=') {
      const r = (await (await fetch(`${sim.restUrl}/markets?next_cursor=${cursor}`)).json()) as {
        data: Array<{ condition_id: string }>
        next_cursor: string
      }
      ids.push(...r.data.map((d) => d.condition_id))
      cursor = r.next_cursor
    }
    expect(ids).toEqual(sim.markets.map((m) => m.conditionId))

    const m = sim.markets[0]!
    const o = await signOrder(
      await buildOrder(
        { tokenId: m.tokens[0].tokenId, price: '0.05', size: '5', side: 'BUY' },
        {
          tickSize: m.tickSize as TickSize,
          negRisk: m.negRisk,
          signatureType: 0,
          signer: wallet.address,
        },
      ),
      wallet,
      { negRisk: m.negRisk },
    )
    const placed = await post(sim, creds, o)
    expect(placed.json.status).toBe('live')
    // Listen before the first heartbeat: its 200 ms timer may run out while the next request is in flight.
    const expiry = new Promise<{ canceled: readonly string[] }>((resolve) =>
      sim!.events.once('heartbeat.expired', resolve),
    )
    const hb1 = await call(sim, creds, 'POST', '/v1/heartbeats', { heartbeat_id: '' })
    expect(typeof hb1.json.heartbeat_id).toBe('string')
    const wrong = await call(sim, creds, 'POST', '/v1/heartbeats', { heartbeat_id: 'nope' })
    expect(wrong.status).toBe(400)
    const expired = await expiry
    expect(expired.canceled).toEqual([placed.json.orderID])
    expect(sim.ledger().openOrders).toEqual([])
  })
})

describe('PolymarketSim books are never crossed', () => {
  it('a house order through its own resting orders cancels them (self-trade prevention) instead of crossing', async () => {
    sim = await PolymarketSim.start({ seed: 11 })
    const m = sim.markets[0]!
    const yes = m.tokens[0].tokenId
    const before = (await (await fetch(`${sim.restUrl}/book?token_id=${yes}`)).json()) as {
      bids: { price: string }[]
    }
    const bestBid = Math.max(...before.bids.map((b) => Number(b.price)))
    const low = (bestBid - 0.05).toFixed(2)
    sim.placeHouseOrder(yes, 'SELL', low, '60')
    const after = (await (await fetch(`${sim.restUrl}/book?token_id=${yes}`)).json()) as {
      bids: { price: string }[]
      asks: { price: string }[]
    }
    const bid = Math.max(...after.bids.map((b) => Number(b.price)))
    const ask = Math.min(...after.asks.map((a) => Number(a.price)))
    expect(ask).toBe(Number(low))
    expect(bid).toBeLessThan(ask)
  })
})
