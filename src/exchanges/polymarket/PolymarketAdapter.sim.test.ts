import { Wallet } from 'ethers'
import { afterEach, describe, expect, it } from 'vitest'
import { ManualClock } from '../../core/clock.js'
import type { Fill, OrderRequest } from '../../core/types.js'
import { Decimal } from '../../decimal/index.js'
import { ExchangeDataError, ValidationError } from '../../errors/index.js'
import { OrderExecutor } from '../../execution/index.js'
import { PolymarketSim } from '../../sim/polymarket/index.js'
import { gtdExpiration, PolymarketAdapter, type PolymarketAdapterConfig } from './PolymarketAdapter.js'

// Behaviour of the adapter over real HTTP and WebSocket against PolymarketSim on 127.0.0.1.

const wallet = new Wallet('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80')
const open: Array<{ close(): Promise<void> }> = []

afterEach(async () => {
  for (const c of open.splice(0).reverse()) await c.close()
})

async function until(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now()
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error('until timed out')
    await new Promise((r) => setTimeout(r, 10))
  }
}

async function start(
  simOptions: Parameters<typeof PolymarketSim.start>[0] = {},
  config: PolymarketAdapterConfig = {},
) {
  const sim = await PolymarketSim.start({ seed: 9, settlementDelayMs: 5, ...simOptions })
  open.push(sim)
  const clob = new PolymarketAdapter({
    restUrl: sim.restUrl,
    wsUrl: sim.wsUrl,
    signer: wallet,
    autoHeartbeat: false,
    reconnectBaseMs: 20,
    pingIntervalMs: 200,
    ...config,
  })
  open.push(clob)
  clob.events.on('error', () => {})
  await clob.rest.createOrDeriveApiKey()
  return { sim, clob }
}

const limit = (clientOrderId: string, symbol: string, over: Partial<OrderRequest>): OrderRequest => ({
  clientOrderId,
  venue: 'polymarket',
  symbol,
  side: 'BUY',
  type: 'LIMIT',
  qty: new Decimal(5),
  ...over,
})

describe('PolymarketAdapter against PolymarketSim', () => {
  it('an order on a market first used after startUserData gets its fills on the user channel, after reconnects too', async () => {
    const { sim, clob } = await start()
    const [first, later] = sim.markets as [(typeof sim.markets)[0], (typeof sim.markets)[0]]
    await clob.instrument(first.tokens[0].tokenId)
    await clob.startUserData() // subscribes to `first` only
    await until(() => sim.connections.user === 1)
    const fills: Fill[] = []
    clob.events.on('fill', (e) => fills.push(e.fill))
    const yes = later.tokens[0].tokenId
    const take = async (cid: string) => {
      const ask = (await clob.rest.getBook(yes)).asks[0]![0]
      await clob.placeOrder(limit(cid, yes, { price: new Decimal(String(ask)) }))
    }
    await take('late-1')
    await until(() => fills.some((f) => f.clientOrderId === 'late-1'))
    expect(clob.user.markets).toEqual([first.conditionId, later.conditionId])
    sim.faults.dropConnections('user') // the replayed subscription keeps the market
    await until(() => sim.connections.user === 1)
    await take('late-2')
    await until(() => fills.some((f) => f.clientOrderId === 'late-2'))
    expect(fills.every((f) => f.symbol === yes && f.side === 'BUY')).toBe(true)
  })

  it('a `delayed` FOK stays open (never CANCELED) and fills when the delayed match happens', async () => {
    const { sim, clob } = await start()
    const yes = sim.markets[0]!.tokens[0].tokenId
    await clob.instrument(yes)
    const exec = new OrderExecutor({ adapter: clob, queryIntervalMs: 5_000 })
    open.push({ close: () => exec.shutdown() })
    await exec.start()
    await until(() => sim.connections.user === 1)
    sim.faults.delayMatching(200)
    const ask = (await clob.rest.getBook(yes)).asks[0]![0]
    const req = limit('', yes, { price: new Decimal(String(ask)), timeInForce: 'FOK' })
    const acked = await exec.submit({ ...req, clientOrderId: 'fok-1', strategyId: 't' })
    expect([acked.status, acked.filledQty.toFixed()]).toEqual(['OPEN', '0'])
    await until(() => exec.order('fok-1')?.status === 'FILLED')
    expect(exec.order('fok-1')?.filledQty.toFixed()).toBe('5')
  })

  it('arms the heartbeat for a GTC partly matched on entry (its remainder rests)', async () => {
    const { sim, clob } = await start({}, { autoHeartbeat: true })
    const yes = sim.markets[0]!.tokens[0].tokenId
    await clob.instrument(yes)
    const [price, size] = (await clob.rest.getBook(yes)).asks[0]!
    const ack = await clob.placeOrder(
      limit('gtc-1', yes, { price: new Decimal(String(price)), qty: new Decimal(size).plus(5) }),
    )
    expect(ack.order.status).toBe('PARTIALLY_FILLED')
    expect(clob.heartbeat.isArmed).toBe(true)
  })

  it('a GTD order ends at `expireAt`: the signed expiration carries the venue’s one-minute threshold', async () => {
    const clock = new ManualClock(Date.now())
    const { sim, clob } = await start({ clock })
    const m = sim.markets[0]!
    const yes = m.tokens[0].tokenId
    await clob.instrument(yes)
    const low = new Decimal(m.fairPrice).minus(new Decimal(m.tickSize).times(20))
    const expireAt = Date.now() + 30_000 // an effective lifetime of 30 s
    expect(gtdExpiration(expireAt)).toBe(Math.ceil(expireAt / 1000) + 60)
    const ack = await clob.placeOrder(limit('gtd-1', yes, { price: low, timeInForce: 'GTD', expireAt }))
    expect(ack.order.status).toBe('OPEN')
    clock.advance(expireAt - clock.now() - 1_000)
    expect((await clob.queryOrder(yes, 'gtd-1'))?.status).toBe('OPEN') // still resting 1 s before expireAt
    clock.advance(2_000)
    expect((await clob.queryOrder(yes, 'gtd-1'))?.status).toBe('CANCELED')
    const past = clob.placeOrder(
      limit('gtd-2', yes, { price: low, timeInForce: 'GTD', expireAt: Date.now() - 2_000 }),
    )
    await expect(past).rejects.toBeInstanceOf(ValidationError)
  })

  it('a `tick_size_change` updates the instrument (tick, min and max price), not only the signing tick', async () => {
    const { sim, clob } = await start()
    const m = sim.markets.find((x) => x.tickSize === '0.01')!
    const yes = m.tokens[0].tokenId
    expect((await clob.instrument(yes)).tickSize.toFixed()).toBe('0.01')
    clob.market.subscribe([yes])
    await new Promise<void>((r) => clob.market.events.once('book.changed', () => r()))
    const changed = new Promise<void>((r) => clob.market.events.once('market.tickSizeChanged', () => r()))
    sim.setTickSize(m.conditionId, '0.001')
    await changed
    const inst = await clob.instrument(yes)
    expect(inst.tickSize.toFixed()).toBe('0.001')
    expect(inst.minPrice?.toFixed()).toBe('0.001')
    expect(inst.maxPrice?.toFixed()).toBe('0.999')
    // A price on the new grid, which the cached instrument said was off-tick, is accepted at the venue.
    const p = new Decimal(m.fairPrice).minus('0.015')
    expect((await clob.placeOrder(limit('fine-1', yes, { price: p }))).order.status).toBe('OPEN')
  })

  it('an off-tick rejection re-reads the instrument: the next order uses the venue’s new grid', async () => {
    const { sim, clob } = await start()
    const m = sim.markets.find((x) => x.tickSize === '0.01')!
    const yes = m.tokens[0].tokenId
    expect((await clob.instrument(yes)).tickSize.toFixed()).toBe('0.01')
    // The tick changes while the adapter hears nothing of it (no market subscription, no `tick_size_change`).
    sim.setTickSize(m.conditionId, '0.1')
    const offGrid = clob.placeOrder(limit('off-1', yes, { price: new Decimal('0.12') }))
    await expect(offGrid).rejects.toMatchObject({ venueCode: 'INVALID_ORDER_MIN_TICK_SIZE' })
    const inst = await clob.instrument(yes)
    expect([inst.tickSize.toFixed(), inst.minPrice?.toFixed(), inst.maxPrice?.toFixed()]).toEqual([
      '0.1',
      '0.1',
      '0.9',
    ])
    expect((await clob.placeOrder(limit('on-1', yes, { price: new Decimal('0.1') }))).order.status).toBe(
      'OPEN',
    )
  })

  it('OrderExecutor RESEND after a lost answer reaches the venue; a duplicate of a known order is still refused', async () => {
    const { sim, clob } = await start()
    const m = sim.markets.find((x) => x.tickSize === '0.01')!
    const yes = m.tokens[0].tokenId
    await clob.instrument(yes)
    const exec = new OrderExecutor({
      adapter: clob,
      onNotFound: 'RESEND',
      queryAttempts: 1,
      queryIntervalMs: 0,
    })
    exec.events.on('error', () => {})
    open.push({ close: () => exec.shutdown() })
    await exec.start()
    sim.faults.failHttp(1, 503, { path: '/order' }) // the first send never reaches the book; its answer is a 503
    const req = limit('rs-1', yes, { price: new Decimal('0.02') })
    await exec.submit({ ...req, strategyId: 't' })
    await until(() => exec.order('rs-1')?.status !== 'PENDING_NEW')
    const placed = exec.order('rs-1')
    expect(placed?.status).toBe('OPEN')
    expect(sim.ledger().openOrders.map((o) => o.id)).toEqual([placed?.venueOrderId])
    // Acked now: the same client id again is a genuine duplicate, refused before anything is sent.
    await expect(clob.placeOrder(req)).rejects.toBeInstanceOf(ValidationError)
    expect(sim.ledger().openOrders).toHaveLength(1)
  })

  it('a resend of an order that did reach the venue (answer lost) is the same order: read back, never doubled', async () => {
    const { sim, clob } = await start({}, { timeoutMs: 100 })
    const m = sim.markets.find((x) => x.tickSize === '0.01')!
    const yes = m.tokens[0].tokenId
    await clob.instrument(yes)
    const req = limit('late-1', yes, { price: new Decimal('0.02') })
    sim.faults.delayHttp(400) // the venue places it after the client gave up waiting
    await expect(clob.placeOrder(req)).rejects.toMatchObject({ code: 'ORDER_OUTCOME_UNKNOWN' })
    await until(() => sim.ledger().openOrders.length === 1)
    sim.faults.delayHttp(0)
    const ack = await clob.placeOrder(req)
    expect([ack.order.status, ack.venueOrderId]).toEqual(['OPEN', sim.ledger().openOrders[0]?.id])
    expect(sim.ledger().openOrders).toHaveLength(1)
    // A different order under the same client id is never a resend.
    await expect(
      clob.placeOrder({ ...req, clientOrderId: 'late-1', qty: new Decimal(6) }),
    ).rejects.toBeInstanceOf(ValidationError)
  })

  it('lists every market or refuses (typed): never the first `maxPages` pages as if they were all', async () => {
    const { sim, clob } = await start({ pageSize: 1, markets: 4 })
    expect((await clob.rest.getAllMarkets()).map((m) => m.conditionId)).toEqual(
      sim.markets.map((m) => m.conditionId),
    )
    const err = await clob.rest.getAllMarkets(3).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ExchangeDataError)
    expect((err as ExchangeDataError).message).toMatch(/listing of \/markets did not end.*partial/)
    await expect(clob.rest.getAllMarkets(0)).rejects.toBeInstanceOf(ValidationError)
  })

  it('lists every open order past 100 pages, and refuses (typed) a listing longer than `maxPages`', async () => {
    const { sim, clob } = await start({ pageSize: 1 })
    const m = sim.markets[0]!
    const yes = m.tokens[0].tokenId
    await clob.instrument(yes)
    const low = new Decimal(m.fairPrice).minus(new Decimal(m.tickSize).times(20))
    const reqs = Array.from({ length: 105 }, (_, i) => limit(`p-${i}`, yes, { price: low }))
    for (let i = 0; i < reqs.length; i += 15) {
      const res = await clob.placeOrders(reqs.slice(i, i + 15))
      expect(res.every((r) => r.ok)).toBe(true)
    }
    expect((await clob.openOrders(yes)).length).toBe(105)
    const capped = new PolymarketAdapter({
      restUrl: sim.restUrl,
      wsUrl: sim.wsUrl,
      signer: wallet,
      credentials: clob.rest.credentials,
      autoHeartbeat: false,
      maxPages: 50,
    })
    open.push(capped)
    const err = await capped.rest.getOpenOrders({ tokenId: yes }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ExchangeDataError)
    expect((err as ExchangeDataError).message).toMatch(/did not end.*partial/)
  })
})
