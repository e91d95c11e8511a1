import { createHash } from 'node:crypto'
import { Wallet } from 'ethers'
import { afterEach, describe, expect, it } from 'vitest'
import { Decimal } from '../../../src/decimal/index.js'
import { ExchangeError } from '../../../src/errors/index.js'
import {
  DepositWalletRequiredError,
  HeartbeatIdRejectedError,
} from '../../../src/exchanges/polymarket/errors.js'
import {
  buildOrder,
  orderHash,
  PolymarketAdapter,
  PolymarketRest,
  signOrder,
} from '../../../src/exchanges/polymarket/index.js'
import { PolymarketSim } from '../../../src/sim/polymarket/index.js'

// Hardhat test keys (never funded anywhere): #0 trades, #1 stands in for a stranger.
const owner = new Wallet('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80')
const stranger = new Wallet('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d')
const DEPOSIT_WALLET = '0x5FbDB2315678afecb367f032d93F642f64180aa3'

let sim: PolymarketSim | undefined
let clob: PolymarketAdapter | undefined
afterEach(async () => {
  await clob?.close()
  await sim?.close()
  clob = undefined
  sim = undefined
})

function adapter(s: PolymarketSim, extra: Record<string, unknown> = {}): PolymarketAdapter {
  const a = new PolymarketAdapter({
    restUrl: s.restUrl,
    wsUrl: s.wsUrl,
    signer: owner,
    autoHeartbeat: false,
    ...extra,
  })
  a.events.on('error', () => {})
  return a
}

const below = (m: { fairPrice: string; tickSize: string }, ticks: number) =>
  new Decimal(m.fairPrice).minus(new Decimal(m.tickSize).times(ticks))

describe('exchange versions against PolymarketSim', () => {
  it('signs for ExchangeV3 on a Protocol V2 market and V2 elsewhere, and shows both in health()', async () => {
    sim = await PolymarketSim.start({
      seed: 4,
      markets: [{ protocol: 'v2', tickSize: '0.01' }, { tickSize: '0.01' }],
    })
    clob = adapter(sim)
    await clob.rest.createOrDeriveApiKey()
    const [v3Market, v2Market] = sim.markets as [(typeof sim.markets)[0], (typeof sim.markets)[0]]
    const v3Token = v3Market.tokens[0].tokenId
    const v2Token = v2Market.tokens[0].tokenId
    // No instrument() call first: placeOrder learns the market's version before signing (no refusal, no retry).
    const rejected: string[] = []
    sim.events.on('order.rejected', (e) => rejected.push(e.error))
    const place = (clientOrderId: string, symbol: string, m: typeof v3Market) =>
      clob!.placeOrder({
        clientOrderId,
        venue: 'polymarket',
        symbol,
        side: 'BUY',
        type: 'LIMIT',
        qty: new Decimal(10),
        price: below(m, 5),
      })
    const a3 = await place('v3-1', v3Token, v3Market)
    const a2 = await place('v2-1', v2Token, v2Market)
    expect(a3.order.status).toBe('OPEN')
    expect(a2.order.status).toBe('OPEN')
    expect(rejected).toEqual([])
    const ids = sim.ledger().openOrders.map((o) => o.id)
    expect(ids).toContain(a3.venueOrderId)
    expect(ids).toContain(a2.venueOrderId)
    const health = clob.health()
    expect(health.versions.server).toBe(2)
    expect(health.versions.markets[v3Token]).toBe(3)
    expect(health.versions.markets[v2Token]).toBeUndefined()
    // CONDITIONAL-V2 for the Protocol V2 market's token; the sim refuses the other asset type there.
    sim.fund(owner.address, { tokens: { [v3Token]: '7' } })
    const bal = await clob.rest.getBalanceAllowance({ assetType: 'CONDITIONAL', tokenId: v3Token })
    expect(bal.balance.toFixed()).toBe('7')
  })

  it('a pinned version wins; a V2 order on a V3 market is refused as order_version_mismatch by the sim', async () => {
    sim = await PolymarketSim.start({ seed: 5, markets: [{ protocol: 'v2', tickSize: '0.01' }] })
    const m = sim.markets[0]!
    const token = m.tokens[0].tokenId
    const rest = new PolymarketRest({ restUrl: sim.restUrl, signer: owner, versions: { [token]: 2 } })
    await rest.createOrDeriveApiKey()
    const signed = await rest.createOrder({
      tokenId: token,
      price: below(m, 5).toFixed(),
      size: '10',
      side: 'BUY',
    })
    expect(signed.version).toBe(2)
    const err = await rest.postOrder(signed).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ExchangeError)
    expect((err as ExchangeError).venueCode).toBe('ORDER_VERSION_MISMATCH')
    // A stale heartbeat id is refused with the session's current one, which the error carries.
    const first = await rest.sendHeartbeat('')
    const second = await rest.sendHeartbeat(first)
    const stale = await rest.sendHeartbeat(first).catch((e: unknown) => e)
    expect(stale).toBeInstanceOf(HeartbeatIdRejectedError)
    expect((stale as HeartbeatIdRejectedError).heartbeatId).toBe(second)
    rest.close()
  })

  it('migration: the sim switches 2 → 3 while orders flow; nothing lost, nothing doubled', async () => {
    sim = await PolymarketSim.start({ seed: 6, markets: [{ tickSize: '0.01', levels: 0, fairPrice: '0.5' }] })
    clob = adapter(sim)
    await clob.rest.createOrDeriveApiKey()
    const m = sim.markets[0]!
    const token = m.tokens[0].tokenId
    await clob.instrument(token)
    const acks: string[] = []
    const place = async (i: number) => {
      const ack = await clob!.placeOrder({
        clientOrderId: `mig-${i}`,
        venue: 'polymarket',
        symbol: token,
        side: 'BUY',
        type: 'LIMIT',
        qty: new Decimal(5),
        price: new Decimal('0.30').plus(new Decimal('0.01').times(i % 10)),
      })
      acks.push(ack.venueOrderId)
    }
    const rejected: string[] = []
    sim.events.on('order.rejected', (e) => rejected.push(e.error))
    for (let i = 0; i < 10; i++) await place(i)
    expect(clob.health().versions.server).toBe(2)
    sim.setVersion(3)
    await Promise.all(Array.from({ length: 10 }, (_, i) => place(10 + i)))
    for (let i = 20; i < 25; i++) await place(i)
    // Every order rests exactly once: the ten V2 orders from before the switch and the fifteen re-signed for V3.
    const open = sim.ledger().openOrders
    expect(open).toHaveLength(25)
    expect(new Set(open.map((o) => o.id)).size).toBe(25)
    expect(new Set(acks)).toEqual(new Set(open.map((o) => o.id)))
    expect(clob.health().versions.server).toBe(3)
    // Only mismatches were refused, each retried once (the concurrent ones before the version was re-read).
    expect(rejected.every((e) => e === 'order_version_mismatch')).toBe(true)
    expect(rejected.length).toBeGreaterThanOrEqual(1)
    expect(rejected.length).toBeLessThanOrEqual(10)
    for (let i = 0; i < 25; i++) {
      const q = await clob.queryOrder(token, `mig-${i}`)
      expect(q?.status).toBe('OPEN')
    }
  })

  it('deposit wallet (type 3): the owner key signs for the wallet; a wallet it does not own is refused', async () => {
    sim = await PolymarketSim.start({ seed: 7, version: 3, markets: [{ tickSize: '0.01' }] })
    const m = sim.markets[0]!
    const token = m.tokens[0].tokenId
    sim.linkDepositWallet(DEPOSIT_WALLET, owner.address)
    sim.fund(DEPOSIT_WALLET, { pusd: '1000' })
    clob = adapter(sim, { signatureType: 3, funder: DEPOSIT_WALLET })
    await clob.rest.createOrDeriveApiKey()
    const ack = await clob.placeOrder({
      clientOrderId: 'dw-1',
      venue: 'polymarket',
      symbol: token,
      side: 'BUY',
      type: 'LIMIT',
      qty: new Decimal(10),
      price: below(m, 5),
    })
    expect(ack.order.status).toBe('OPEN')
    const resting = sim.ledger().openOrders.find((o) => o.id === ack.venueOrderId)
    expect(resting).toBeDefined()
    // The same order built by hand hashes to the id the sim reports.
    const rest = new PolymarketRest({ restUrl: sim.restUrl, signer: stranger })
    await rest.createOrDeriveApiKey()
    const order = await buildOrder(
      { tokenId: token, price: below(m, 5).toFixed(), size: '10', side: 'BUY', salt: '42' },
      {
        tickSize: '0.01',
        negRisk: m.negRisk,
        signatureType: 3,
        signer: stranger.address,
        funder: DEPOSIT_WALLET,
        version: 3,
      },
    )
    expect([order.maker, order.signer, order.walletOwner]).toEqual([
      DEPOSIT_WALLET,
      DEPOSIT_WALLET,
      stranger.address,
    ])
    const signed = await signOrder(order, stranger, { negRisk: m.negRisk, version: 3 })
    expect(await rest.orderId(signed)).toBe(await orderHash(order, { negRisk: m.negRisk }))
    const err = await rest.postOrder(signed).catch((e: unknown) => e)
    expect(String((err as Error).message)).toMatch(/deposit wallet is not owned/)
    rest.close()
  })

  it('EOA and Safe makers refused for new API users become DepositWalletRequiredError; a deposit wallet trades', async () => {
    // The venue's 400 answer to new API users' type-0 / type-2 makers (patrickabedin/polymarket-glm DEPLOYMENT.md:
    // `{"error":"maker address not allowed, please use the deposit wallet flow"}`; issue 16).
    sim = await PolymarketSim.start({
      seed: 9,
      version: 3,
      markets: [{ tickSize: '0.01' }],
      refusedMakerSignatureTypes: [0, 2],
    })
    const m = sim.markets[0]!
    const token = m.tokens[0].tokenId
    const order = (clientOrderId: string) => ({
      clientOrderId,
      venue: 'polymarket',
      symbol: token,
      side: 'BUY' as const,
      type: 'LIMIT' as const,
      qty: new Decimal(10),
      price: below(m, 5),
    })
    const rejected: string[] = []
    sim.events.on('order.rejected', (e) => rejected.push(e.error))
    for (const extra of [{}, { signatureType: 2, funder: DEPOSIT_WALLET }]) {
      const a = adapter(sim, extra)
      await a.rest.createOrDeriveApiKey()
      const e = await a.placeOrder(order(`eoa-${rejected.length}`)).catch((x: unknown) => x)
      expect(e).toBeInstanceOf(DepositWalletRequiredError)
      expect(e).toMatchObject({ code: 'ORDER_REJECTED', venueCode: 'MAKER_ADDRESS_NOT_ALLOWED', status: 400 })
      expect((e as Error).message).toMatch(/deposit wallet \(signatureType: 3/)
      await a.close()
    }
    expect(rejected).toEqual([
      'maker address not allowed, please use the deposit wallet flow',
      'maker address not allowed, please use the deposit wallet flow',
    ])
    expect(sim.ledger().openOrders).toHaveLength(0)
    sim.linkDepositWallet(DEPOSIT_WALLET, owner.address)
    sim.fund(DEPOSIT_WALLET, { pusd: '1000' })
    clob = adapter(sim, { signatureType: 3, funder: DEPOSIT_WALLET })
    await clob.rest.createOrDeriveApiKey()
    expect((await clob.placeOrder(order('dw-ok'))).order.status).toBe('OPEN')
  })

  it('serves /version, /markets-by-token, /clob-markets, 404 before auth, and a stable content book hash', async () => {
    sim = await PolymarketSim.start({ seed: 8, markets: [{ tickSize: '0.001', negRisk: true }] })
    const m = sim.markets[0]!
    const token = m.tokens[1].tokenId
    const get = async (path: string) => {
      const r = await fetch(`${sim!.restUrl}${path}`)
      return [r.status, await r.json()] as const
    }
    expect(await get('/version')).toEqual([200, { version: 2 }])
    sim.setVersion(3)
    expect(await get('/version')).toEqual([200, { version: 3 }])
    expect(await get(`/markets-by-token/${token}`)).toEqual([200, { condition_id: m.conditionId }])
    const [, info] = await get(`/clob-markets/${m.conditionId}`)
    expect(info).toMatchObject({
      c: m.conditionId,
      mts: 0.001,
      nr: true,
      t: m.tokens.map((t) => ({ t: t.tokenId, o: t.outcome })),
    })
    expect((await get('/nope'))[0]).toBe(404)
    const [, b1] = await get(`/book?token_id=${token}`)
    const [, b2] = await get(`/book?token_id=${token}`)
    expect(b1.hash).toBe(b2.hash) // unchanged book, same hash
    // The official client's getOrderBookHash: SHA-1 of the summary's JSON with hash "".
    const official = createHash('sha1')
      .update(JSON.stringify({ ...b1, hash: '' }))
      .digest('hex')
    expect(b1.hash).toBe(official)
    sim.placeHouseOrder(token, 'BUY', '0.001', '100')
    const [, b3] = await get(`/book?token_id=${token}`)
    expect(b3.hash).not.toBe(b1.hash)
  })
})
