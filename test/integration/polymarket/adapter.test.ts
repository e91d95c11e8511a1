import { Wallet } from 'ethers'
import { afterEach, describe, expect, it } from 'vitest'
import type { Fill } from '../../../src/core/index.js'
import { Decimal } from '../../../src/decimal/index.js'
import type { TradekitError } from '../../../src/errors/index.js'
import { PolymarketAdapter } from '../../../src/exchanges/polymarket/index.js'
import { OrderExecutor } from '../../../src/execution/index.js'
import { PolymarketSim } from '../../../src/sim/polymarket/index.js'

const wallet = new Wallet('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80')
let sim: PolymarketSim | undefined
let clob: PolymarketAdapter | undefined

afterEach(async () => {
  await clob?.close()
  await sim?.close()
})

async function until(cond: () => boolean, timeoutMs = 8000): Promise<void> {
  const start = Date.now()
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error('until timed out')
    await new Promise((r) => setTimeout(r, 10))
  }
}

async function start(autoHeartbeat = false) {
  sim = await PolymarketSim.start({ seed: 9, settlementDelayMs: 5 })
  clob = new PolymarketAdapter({
    restUrl: sim.restUrl,
    wsUrl: sim.wsUrl,
    signer: wallet,
    autoHeartbeat,
    reconnectBaseMs: 20,
    pingIntervalMs: 200,
  })
  clob.events.on('error', () => {})
  await clob.rest.createOrDeriveApiKey()
  return { sim, clob }
}

describe('PolymarketAdapter (core ExchangeAdapter port) against PolymarketSim', () => {
  it('places, queries, lists and cancels by client order id; fills carry the client order id', async () => {
    const { sim, clob: adapter } = await start()
    const m = sim.markets[0]!
    const yes = m.tokens[0].tokenId
    const inst = await adapter.instrument(yes)
    expect(inst.kind).toBe('outcome')
    expect(inst.tickSize.toFixed()).toBe(m.tickSize)
    expect(inst.outcome?.conditionId).toBe(m.conditionId)
    await adapter.startUserData()
    await until(() => sim.connections.user === 1)

    const low = new Decimal(m.fairPrice).minus(new Decimal(m.tickSize).times(20))
    const ack = await adapter.placeOrder({
      clientOrderId: 'rest-1',
      venue: 'polymarket',
      symbol: yes,
      side: 'BUY',
      type: 'LIMIT',
      qty: new Decimal(5),
      price: low,
    })
    expect(ack.order.status).toBe('OPEN')
    expect((await adapter.queryOrder(yes, 'rest-1'))?.status).toBe('OPEN')
    expect((await adapter.openOrders(yes)).map((o) => o.clientOrderId)).toEqual(['rest-1'])
    expect((await adapter.cancelOrder(yes, 'rest-1')).status).toBe('CANCELED')

    const fills: Fill[] = []
    adapter.events.on('fill', (e) => fills.push(e.fill))
    const taken = await adapter.placeOrder({
      clientOrderId: 'take-1',
      venue: 'polymarket',
      symbol: yes,
      side: 'BUY',
      type: 'MARKET',
      qty: new Decimal(10),
    })
    expect(taken.order.status).toBe('FILLED')
    await until(() => fills.length > 0)
    expect(fills.every((f) => f.clientOrderId === 'take-1')).toBe(true)
    const balances = await adapter.balances()
    expect(balances[0]?.asset).toBe('pUSD')
    const positions = await adapter.positions()
    expect(positions[0]?.qty.gte(10)).toBe(true)
  })

  it('orderFills recovers the fills of an order the user channel never delivered', async () => {
    const { sim, clob: adapter } = await start()
    const yes = sim.markets[0]!.tokens[0].tokenId
    await adapter.instrument(yes)
    await adapter.startUserData()
    await until(() => sim.connections.user === 1)
    const streamed: Fill[] = []
    adapter.events.on('fill', (e) => streamed.push(e.fill))
    sim.faults.stallSockets(true) // user events are not sent
    const ask = (await adapter.rest.getBook(yes)).asks[0]!
    await adapter.placeOrder({
      clientOrderId: 'lost-1',
      venue: 'polymarket',
      symbol: yes,
      side: 'BUY',
      type: 'LIMIT',
      qty: new Decimal(10),
      price: new Decimal(String(ask[0])),
      timeInForce: 'GTC',
    })
    expect(streamed).toEqual([])
    const fills = await adapter.orderFills(yes, 'lost-1')
    expect(fills.map((f) => [f.clientOrderId, f.qty.toFixed()])).toEqual([['lost-1', '10']])
    expect(streamed.map((f) => f.tradeId)).toEqual(fills.map((f) => f.tradeId))
    expect(await adapter.orderFills(yes, 'unknown')).toEqual([])
    sim.faults.stallSockets(false)
  })

  it('loses no fill when the user channel drops while trades happen (OrderExecutor reconciles over REST)', async () => {
    const { sim, clob } = await start()
    const m = sim.markets[0]!
    const yes = m.tokens[0].tokenId
    const fills = new Map<string, Fill>()
    const errs: TradekitError[] = []
    // The adapter only translates; the OrderExecutor is the one reconciler (user.reconnected → re-query, orderFills).
    await clob.instrument(yes)
    const exec = new OrderExecutor({ adapter: clob, queryIntervalMs: 100 })
    exec.events.on('error', (e) => errs.push(e))
    clob.events.on('fill', (e) => fills.set(e.fill.tradeId, e.fill))
    await exec.start()
    clob.market.subscribe([yes])
    await until(() => sim.connections.user === 1 && clob.market.book(yes)?.isSynced === true)
    for (let i = 0; i < 6; i++) {
      if (i === 2) sim.faults.dropConnections('user')
      if (i === 3) sim.faults.failHttp(1, 503, { path: '/book' })
      const ask = (await clob.rest.getBook(yes)).asks[0]![0]
      await exec.submit({
        clientOrderId: '',
        venue: 'polymarket',
        symbol: yes,
        side: 'BUY',
        type: 'LIMIT',
        qty: new Decimal(5),
        price: new Decimal(String(ask)),
        strategyId: 't',
      })
    }
    const mine = () => sim.ledger().trades.filter((t) => t.takerOwner === clob.rest.credentials?.apiKey)
    await until(() => sim.connections.user === 1 && fills.size === mine().length)
    expect(errs.filter((e) => e.code !== 'NETWORK' && e.code !== 'SOCKET_CLOSED')).toEqual([])
    expect([...fills.keys()].sort()).toEqual(
      mine()
        .map((t) => t.id)
        .sort(),
    )
    const total = [...fills.values()].reduce((s, f) => s.plus(f.qty), new Decimal(0))
    expect(total.toFixed()).toBe(sim.ledger().balances[wallet.address.toLowerCase()]?.tokens[yes])
  })
})
