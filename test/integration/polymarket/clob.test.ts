import { Wallet } from 'ethers'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Decimal } from '../../../src/decimal/index.js'
import type { TradekitError } from '../../../src/errors/index.js'
import {
  buildOrder,
  createL2Headers,
  PolymarketAdapter,
  type PolymarketAdapterConfig,
  signOrder,
  toPostOrderBody,
} from '../../../src/exchanges/polymarket/index.js'
import { PolymarketSim, type PolymarketSimConfig } from '../../../src/sim/polymarket/index.js'

// Publicly known Hardhat test keys.
const wallet = new Wallet('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80')
const stranger = new Wallet('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d')

let sim: PolymarketSim
let pm: PolymarketAdapter
let seq = 0
const errors: TradekitError[] = []

async function setup(
  simOptions: PolymarketSimConfig = {},
  clobOptions: Partial<PolymarketAdapterConfig> = {},
) {
  sim = await PolymarketSim.start({ seed: 42, heartbeatTimeoutMs: 400, settlementDelayMs: 5, ...simOptions })
  pm = new PolymarketAdapter({
    restUrl: sim.restUrl,
    wsUrl: sim.wsUrl,
    signer: wallet,
    heartbeatIntervalMs: 100,
    reconnectBaseMs: 20,
    pingIntervalMs: 200,
    ...clobOptions,
  })
  pm.events.on('error', (e) => errors.push(e))
  pm.market.events.on('error', (e) => errors.push(e))
  await pm.rest.createOrDeriveApiKey()
}

/** A GTC limit order (or `timeInForce`) through the adapter, the one way to place an order. */
function place(
  tokenId: string,
  price: string,
  size: string,
  side: 'BUY' | 'SELL',
  timeInForce?: 'POST_ONLY',
) {
  return pm.placeOrder({
    clientOrderId: `t-${++seq}`,
    venue: 'polymarket',
    symbol: tokenId,
    side,
    type: 'LIMIT',
    qty: new Decimal(size),
    price: new Decimal(price),
    ...(timeInForce !== undefined ? { timeInForce } : {}),
  })
}

function waitFor<T>(
  subscribe: (fn: (v: T) => void) => () => void,
  predicate: (v: T) => boolean = () => true,
  timeoutMs = 8000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off()
      reject(new Error('waitFor timed out'))
    }, timeoutMs)
    const off = subscribe((v) => {
      if (predicate(v)) {
        clearTimeout(timer)
        off()
        resolve(v)
      }
    })
  })
}

async function until(cond: () => boolean, timeoutMs = 8000): Promise<void> {
  const start = Date.now()
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error('until timed out')
    await new Promise((r) => setTimeout(r, 10))
  }
}

type Events = { on(e: string, fn: never): unknown; off(e: string, fn: never): unknown }

/** The part of the adapter that emits `event` (book/tick/data errors: market; fills/trades: user; health: heartbeat). */
function source(event: string): Events {
  if (event === 'heartbeat.healthChanged') return pm.heartbeat.events as Events
  if (event === 'fill' || event === 'user.tradeUpdated') return pm.user.events as Events
  return pm.market.events as Events
}

function onClob<
  K extends
    | 'book.changed'
    | 'fill'
    | 'heartbeat.healthChanged'
    | 'user.tradeUpdated'
    | 'market.tickSizeChanged'
    | 'dataError'
    | 'market',
>(event: K) {
  return (fn: (v: never) => void) => {
    const l = fn as never
    source(event).on(event, l)
    return () => source(event).off(event, l)
  }
}

function onSim<K extends 'heartbeat.expired' | 'trade.statusChanged' | 'order.accepted'>(event: K) {
  return (fn: (v: never) => void) => {
    const l = fn as never
    sim.events.on(event, l)
    return () => sim.events.off(event, l)
  }
}

function bestAsk(tokenId: string): string {
  const book = pm.market.book(tokenId)?.bestAsk()
  if (book === undefined) throw new Error('no ask')
  return String(book[0])
}

beforeEach(() => {
  errors.length = 0
})

afterEach(async () => {
  await pm?.close()
  await sim?.close()
})

describe('Polymarket venue parts (PolymarketAdapter, PolymarketRest, streams) against PolymarketSim', () => {
  it('sign → post → accepted → fill over the user channel, and the ledger agrees', async () => {
    await setup()
    const market = sim.markets[0]!
    const yes = market.tokens[0].tokenId
    const markets = await pm.rest.getAllMarkets()
    expect(markets.map((m) => m.conditionId)).toEqual(sim.markets.map((m) => m.conditionId))
    pm.user.subscribe([market.conditionId])
    pm.market.subscribe([yes])
    await waitFor(onClob('book.changed'), (e: { tokenId: string }) => e.tokenId === yes)
    await until(() => sim.connections.user === 1)

    const price = bestAsk(yes)
    const fill = waitFor(onClob('fill'))
    const confirmed = waitFor(
      onClob('user.tradeUpdated'),
      (e: { status: string }) => e.status === 'CONFIRMED',
    )
    const res = await place(yes, price, '10', 'BUY')
    expect(res.order.status).toBe('FILLED')
    const f = (await fill) as { fill: { qty: Decimal; price: Decimal; side: string; venueOrderId: string } }
    expect(f.fill.qty.toFixed()).toBe('10')
    expect(f.fill.price.toFixed()).toBe(new Decimal(price).toFixed())
    expect(f.fill.venueOrderId).toBe(res.venueOrderId)
    expect(pm.clientOrderIdOf(res.venueOrderId)).toBe(res.clientOrderId)
    expect(pm.clientOrderIdOf('0xnotours')).toBeUndefined()
    await confirmed

    const ledger = sim.ledger()
    const mine = ledger.balances[wallet.address.toLowerCase()]!
    expect(mine.tokens[yes]).toBe('10')
    expect(new Decimal(mine.pusd).eq(new Decimal(10000).minus(new Decimal(price).times(10)))).toBe(true)
    const bal = await pm.rest.getBalanceAllowance({ assetType: 'COLLATERAL' })
    expect(bal.balance.eq(mine.pusd)).toBe(true)
    const trades = await pm.rest.getTrades()
    expect(trades.map((t) => t.id)).toEqual(ledger.trades.map((t) => t.id))
  })

  it('reports maker fills of resting orders', async () => {
    await setup({}, { autoHeartbeat: false })
    const m = sim.markets[0]!
    const yes = m.tokens[0].tokenId
    pm.user.subscribe([m.conditionId])
    await until(() => sim.connections.user === 1)
    const low = new Decimal(m.fairPrice).minus(new Decimal(m.tickSize).times(20)).toFixed()
    const res = await place(yes, low, '8', 'BUY')
    const fill = waitFor(onClob('fill'))
    sim.placeHouseOrder(yes, 'SELL', low, '3')
    const f = (await fill) as {
      fill: { liquidity: string; side: string; qty: Decimal; venueOrderId: string }
    }
    expect(f.fill).toMatchObject({ liquidity: 'MAKER', side: 'BUY', venueOrderId: res.venueOrderId })
    expect(f.fill.qty.toFixed()).toBe('3')
    expect((await pm.rest.getOrder(res.venueOrderId)).sizeMatched.toFixed()).toBe('3')
  })

  it("reports market resolution and the venue cancels the market's orders", async () => {
    await setup({}, { autoHeartbeat: false })
    const m = sim.markets[1]!
    const [yes, no] = m.tokens
    pm.market.subscribe([yes.tokenId])
    await waitFor(onClob('book.changed'))
    const low = new Decimal(m.fairPrice).minus(new Decimal(m.tickSize).times(20)).toFixed()
    await place(yes.tokenId, low, '5', 'BUY')
    const resolved = waitFor(onClob('market'), (e: { type: string }) => e.type === 'market_resolved')
    sim.resolveMarket(m.conditionId, no.tokenId)
    const ev = (await resolved) as unknown as { winningTokenId: string; winningOutcome: string }
    expect(ev).toMatchObject({ winningTokenId: no.tokenId, winningOutcome: 'No' })
    expect(await pm.rest.getOpenOrders()).toHaveLength(0)
    await expect(place(yes.tokenId, low, '5', 'BUY')).rejects.toMatchObject({
      venueCode: 'MARKET_NOT_READY',
    })
  })

  it('rests, lists and cancels orders; a batch is accepted', async () => {
    await setup({}, { autoHeartbeat: false })
    const yes = sim.markets[1]!.tokens[0].tokenId
    const tick = await pm.rest.getTickSize(yes)
    const fair = new Decimal(sim.markets[1]!.fairPrice)
    const low = fair.minus(new Decimal(tick).times(20)).toFixed()
    const a = await place(yes, low, '5', 'BUY', 'POST_ONLY')
    expect(a.order.status).toBe('OPEN')
    const b1 = await pm.rest.createOrder({ tokenId: yes, price: low, size: '6', side: 'BUY' })
    const b2 = await pm.rest.createOrder({ tokenId: yes, price: low, size: '7', side: 'BUY' })
    const batch = await pm.rest.postOrders([{ order: b1 }, { order: b2 }])
    expect(batch.every((r) => 'orderId' in r)).toBe(true)
    const open = await pm.rest.getOpenOrders()
    expect(open).toHaveLength(3)
    const c = await pm.rest.cancelOrder(a.venueOrderId)
    expect(c.canceled).toEqual([a.venueOrderId])
    const all = await pm.rest.cancelAll()
    expect(all.canceled).toHaveLength(2)
    expect(await pm.rest.getOpenOrders()).toHaveLength(0)
  })

  it('the sim rejects a wrong signature, the wrong exchange, a wrong precision and a V1 body', async () => {
    await setup({}, { autoHeartbeat: false })
    const m = sim.markets.find((x) => !x.negRisk)!
    const yes = m.tokens[0].tokenId
    const tick = m.tickSize as '0.01'
    const args = { tokenId: yes, price: m.fairPrice, size: '5', side: 'BUY' as const }
    const opts = { tickSize: tick, negRisk: false, signatureType: 0 as const, signer: wallet.address }

    // signed by someone else (signer field says wallet)
    const forged = {
      ...(await signOrder(await buildOrder(args, { ...opts, signer: stranger.address }), stranger, {
        negRisk: false,
      })),
      signer: wallet.address,
      maker: wallet.address,
    }
    await expect(pm.rest.postOrder(forged)).rejects.toMatchObject({
      code: 'ORDER_REJECTED',
      venueCode: 'INVALID_SIGNATURE',
    })

    // signed against the neg-risk exchange for a standard market
    const wrongExchange = await signOrder(await buildOrder(args, opts), wallet, { negRisk: true })
    await expect(pm.rest.postOrder(wrongExchange)).rejects.toMatchObject({ venueCode: 'INVALID_SIGNATURE' })

    // amounts with too many decimals (correctly signed)
    const o = await buildOrder(args, opts)
    const sloppy = await signOrder({ ...o, makerAmount: (BigInt(o.makerAmount) + 1n).toString() }, wallet, {
      negRisk: false,
    })
    await expect(pm.rest.postOrder(sloppy)).rejects.toMatchObject({ code: 'ORDER_REJECTED' })

    // a V1-shaped body
    const signed = await signOrder(o, wallet, { negRisk: false })
    const creds = pm.rest.credentials!
    const body = JSON.stringify({
      ...toPostOrderBody(signed, { owner: creds.apiKey, orderType: 'GTC' }),
      order: {
        ...toPostOrderBody(signed, { owner: creds.apiKey, orderType: 'GTC' }).order,
        nonce: '0',
        feeRateBps: '0',
      },
    })
    const headers = await createL2Headers(creds, {
      method: 'POST',
      path: '/order',
      body,
      timestamp: Math.floor(Date.now() / 1000),
    })
    const r = await fetch(`${sim.restUrl}/order`, { method: 'POST', body, headers: { ...headers } })
    expect(r.status).toBe(400)
    expect(await r.json()).toEqual({ error: 'order_version_mismatch' })

    // bad L2 signature
    const bad = await fetch(`${sim.restUrl}/data/orders`, { headers: { ...headers, POLY_SIGNATURE: 'AAAA' } })
    expect(bad.status).toBe(401)

    // and a correct one is accepted
    expect((await pm.rest.postOrder(signed)).status).toMatch(/live|matched/)
  })

  it('a timed-out order is an unknown outcome, reconciled by its id (known before sending)', async () => {
    await setup({}, { autoHeartbeat: false, timeoutMs: 150 })
    const m = sim.markets[0]!
    const yes = m.tokens[0].tokenId
    const low = new Decimal(m.fairPrice).minus(new Decimal(m.tickSize).times(20)).toFixed()
    const signed = await pm.rest.createOrder({ tokenId: yes, price: low, size: '5', side: 'BUY' })
    sim.faults.delayHttp(400)
    const err = await pm.rest.postOrder(signed).then(
      () => undefined,
      (e: unknown) => e as { code: string; clientOrderId: string },
    )
    expect(err?.code).toBe('ORDER_OUTCOME_UNKNOWN')
    sim.faults.clear()
    await until(() => sim.ledger().openOrders.length === 1)
    const found = await pm.rest.getOrder(err!.clientOrderId)
    expect(found.status).toBe('LIVE')
    expect(found.id).toBe(sim.ledger().openOrders[0]?.id)
  })

  it('signature types 1 and 2 (proxy / Safe funder) and the neg-risk exchange are accepted', async () => {
    const safe = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
    for (const signatureType of [1, 2] as const) {
      await setup({}, { autoHeartbeat: false, signatureType, funder: safe })
      sim.fund(safe, { pusd: '1000' })
      const m = sim.markets.find((x) => x.negRisk)!
      const yes = m.tokens[0].tokenId
      const res = await place(yes, m.fairPrice, '5', 'BUY')
      expect(res.order.status).toMatch(/OPEN|PARTIALLY_FILLED|FILLED/)
      const bal = await pm.rest.getBalanceAllowance({ assetType: 'COLLATERAL' })
      expect(bal.balance.toFixed()).toBe(sim.ledger().balances[safe.toLowerCase()]?.pusd)
      expect(sim.ledger().openOrders.length + sim.ledger().trades.length).toBeGreaterThan(0)
      await pm.close()
      await sim.close()
    }
  })

  it('heartbeat loss makes the venue cancel every order; unhealthy heartbeats block new orders', async () => {
    await setup()
    const m = sim.markets[0]!
    const yes = m.tokens[0].tokenId
    const low = new Decimal(m.fairPrice).minus(new Decimal(m.tickSize).times(20)).toFixed()
    const healthy = waitFor(
      onClob('heartbeat.healthChanged'),
      (e: { state: string }) => e.state === 'HEALTHY',
    )
    const res = await place(yes, low, '5', 'BUY')
    expect(res.order.status).toBe('OPEN')
    await healthy

    // heartbeats fail → UNHEALTHY → orders refused (fail closed) → the venue cancels everything
    sim.faults.failHttp(1000, 500, { path: '/v1/heartbeats' })
    await waitFor(onClob('heartbeat.healthChanged'), (e: { state: string }) => e.state === 'UNHEALTHY')
    await expect(place(yes, low, '5', 'BUY')).rejects.toMatchObject({
      code: 'INVALID_STATE',
    })
    const expired = (await waitFor(onSim('heartbeat.expired'))) as { canceled: string[] }
    expect(expired.canceled).toContain(res.venueOrderId)
    expect(sim.ledger().openOrders).toHaveLength(0)

    // heartbeats recover → orders allowed again
    sim.faults.clear()
    await waitFor(onClob('heartbeat.healthChanged'), (e: { state: string }) => e.state === 'HEALTHY')
    expect((await place(yes, low, '5', 'BUY')).order.status).toBe('OPEN')
  })

  it('books survive reconnects, silent freezes and malformed frames', async () => {
    await setup({}, { autoHeartbeat: false, marketSilenceMs: 300 })
    const m = sim.markets[0]!
    const yes = m.tokens[0].tokenId
    pm.market.subscribe([yes])
    await waitFor(onClob('book.changed'), (e: { tokenId: string }) => e.tokenId === yes)
    const restBook = async () => {
      const b = await pm.rest.getBook(yes)
      return { bids: b.bids, asks: b.asks }
    }
    const local = () => {
      const s = pm.market.book(yes)!.snapshot()
      return { bids: s.bids, asks: s.asks }
    }
    expect(local()).toEqual(await restBook())

    // deltas
    const tick = new Decimal(m.tickSize)
    const update = waitFor(onClob('book.changed'), (e: { reason: string }) => e.reason === 'update')
    sim.placeHouseOrder(yes, 'BUY', new Decimal(m.fairPrice).minus(tick.times(7)).toFixed(), '33')
    await update
    expect(local()).toEqual(await restBook())

    // drop: invalidated, rebuilt from the next snapshot
    const snap = waitFor(onClob('book.changed'), (e: { reason: string }) => e.reason === 'snapshot')
    sim.faults.dropConnections('market')
    await snap
    expect(pm.market.book(yes)!.isSynced).toBe(true)
    expect(local()).toEqual(await restBook())

    // silent freeze (PONGs still flow): a change is lost, the silence triggers a REST resync
    sim.faults.freezeMarketData(true)
    sim.placeHouseOrder(yes, 'SELL', new Decimal(m.fairPrice).plus(tick.times(8)).toFixed(), '44')
    await waitFor(onClob('book.changed'), (e: { reason: string }) => e.reason === 'resync')
    sim.faults.freezeMarketData(false)
    expect(local()).toEqual(await restBook())

    // full stall (no PONG either, subscription messages ignored): recovers once the venue answers again
    sim.faults.stallSockets(true)
    sim.placeHouseOrder(yes, 'BUY', new Decimal(m.fairPrice).minus(tick.times(9)).toFixed(), '55')
    await new Promise((r) => setTimeout(r, 400))
    sim.faults.stallSockets(false)
    await waitFor(
      onClob('book.changed'),
      (e: { reason: string }) => e.reason === 'snapshot' || e.reason === 'resync',
    )
    const later = waitFor(onClob('book.changed'), (e: { reason: string }) => e.reason === 'update')
    sim.placeHouseOrder(yes, 'BUY', new Decimal(m.fairPrice).minus(tick.times(10)).toFixed(), '66')
    await later
    expect(local()).toEqual(await restBook())

    // malformed frames: reported as data errors, the book is untouched
    const before = local()
    const dataError = waitFor(onClob('dataError'), (e: TradekitError) => e.code === 'EXCHANGE_DATA_INVALID')
    sim.faults.sendMalformed(5)
    await dataError
    expect(local()).toEqual(before)
  })

  it('follows tick size changes, survives 429 and 5xx, and reports failed settlement', async () => {
    await setup({}, { autoHeartbeat: false })
    const m = sim.markets[0]!
    const yes = m.tokens[0].tokenId
    pm.market.subscribe([yes])
    await waitFor(onClob('book.changed'))
    expect(await pm.rest.getTickSize(yes)).toBe(m.tickSize)
    const changed = waitFor(onClob('market.tickSizeChanged'))
    sim.setTickSize(m.conditionId, '0.001')
    await changed
    expect(await pm.rest.getTickSize(yes)).toBe('0.001')
    const p = new Decimal(m.fairPrice).minus('0.015').toFixed()
    expect((await place(yes, p, '5', 'BUY')).order.status).toBe('OPEN')

    sim.faults.failHttp(1, 429, { retryAfterSec: 0, path: '/book' })
    sim.faults.failHttp(1, 503, { path: '/book' })
    expect((await pm.rest.getBook(yes)).bids.length).toBeGreaterThan(0)

    pm.user.subscribe([m.conditionId])
    await until(() => sim.connections.user === 1)
    sim.faults.settlement('fail')
    const failed = waitFor(onClob('user.tradeUpdated'), (e: { status: string }) => e.status === 'FAILED')
    await place(yes, bestAsk(yes), '5', 'BUY')
    await failed
    const mine = sim.ledger().balances[wallet.address.toLowerCase()]!
    expect(mine.tokens[yes]).toBeUndefined()
    expect(mine.pusd).toBe('10000')
  })
})
