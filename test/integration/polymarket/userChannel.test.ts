import { Wallet } from 'ethers'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import type { Fill, OrderRequest } from '../../../src/core/index.js'
import { Decimal } from '../../../src/decimal/index.js'
import { PolymarketAdapter } from '../../../src/exchanges/polymarket/index.js'
import { PolymarketSim, type SimSettlementMode } from '../../../src/sim/polymarket/index.js'

// The user channel as Polymarket sends it (docs.polymarket.com/market-data/websocket/user-channel): one `trade`
// message per trade and status, every maker order in `maker_orders`, `owner` the API key the message is for.

const wallet = new Wallet('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80')
const open: Array<{ close(): Promise<void> | void }> = []

afterEach(async () => {
  for (const c of open.splice(0).reverse()) await c.close()
})

async function until(cond: () => boolean, timeoutMs = 8000): Promise<void> {
  const start = Date.now()
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error('until timed out')
    await new Promise((r) => setTimeout(r, 10))
  }
}

type Frame = Record<string, unknown>

/** A raw user-channel client: every frame it got, and `sync()`, which resolves once a PING sent now is answered. */
async function rawUser(sim: PolymarketSim, markets: readonly string[]) {
  const creds = sim.createApiKey(wallet.address)
  const ws = new WebSocket(`${sim.wsUrl}/ws/user`)
  open.push({ close: () => ws.terminate() })
  const frames: Frame[] = []
  let pongs = 0
  ws.on('message', (d) => {
    const text = String(d)
    if (text === 'PONG') pongs++
    else for (const f of [JSON.parse(text) as Frame | Frame[]].flat()) frames.push(f)
  })
  await new Promise<void>((r) => ws.once('open', () => r()))
  const { apiKey, secret, passphrase } = creds
  ws.send(JSON.stringify({ auth: { apiKey, secret, passphrase }, markets, type: 'user' }))
  const sync = async () => {
    const want = pongs + 1
    ws.send('PING')
    await until(() => pongs >= want)
  }
  await sync()
  return { ws, frames, sync, apiKey }
}

async function start(settlement: SimSettlementMode = 'confirm') {
  const sim = await PolymarketSim.start({
    seed: 5,
    settlementDelayMs: 5,
    markets: [
      { tickSize: '0.01', fairPrice: '0.5', levels: 0 },
      { tickSize: '0.01', fairPrice: '0.5', levels: 0 },
    ],
  })
  open.push(sim)
  sim.faults.settlement(settlement)
  const clob = new PolymarketAdapter({
    restUrl: sim.restUrl,
    wsUrl: sim.wsUrl,
    signer: wallet,
    autoHeartbeat: false,
    reconnectBaseMs: 20,
    pingIntervalMs: 200,
  })
  open.push(clob)
  clob.events.on('error', () => {})
  await clob.rest.createOrDeriveApiKey()
  const fills: Fill[] = []
  const reversed: Fill[] = []
  const statuses: string[] = []
  clob.events.on('fill', (e) => fills.push(e.fill))
  clob.events.on('fill.reversed', (e) => reversed.push(e.fill))
  clob.user.events.on('user.tradeUpdated', (e) => statuses.push(e.status))
  return { sim, clob, fills, reversed, statuses }
}

const order = (clientOrderId: string, symbol: string, side: 'BUY' | 'SELL', price: string, qty = 5) =>
  ({
    clientOrderId,
    venue: 'polymarket',
    symbol,
    side,
    type: 'LIMIT',
    qty: new Decimal(qty),
    price: new Decimal(price),
  }) satisfies OrderRequest

const fillRow = (f: Fill) => [f.clientOrderId, f.side, f.price.toFixed(), f.qty.toFixed(), f.liquidity]

describe('PolymarketSim user channel: one trade message per trade, every maker order in it', () => {
  it('a taker matching two of our resting orders at different prices: one message per status; each maker fill booked once', async () => {
    const { sim, clob, fills, reversed, statuses } = await start()
    const yes = sim.markets[0]!.tokens[0].tokenId
    sim.fund(wallet.address, { tokens: { [yes]: '100' } })
    await clob.instrument(yes)
    await clob.startUserData()
    const raw = await rawUser(sim, [])
    await until(() => sim.connections.user === 2)
    await clob.placeOrder(order('mk-1', yes, 'SELL', '0.52'))
    await clob.placeOrder(order('mk-2', yes, 'SELL', '0.55'))
    sim.placeHouseOrder(yes, 'BUY', '0.55', '10') // the taker sweeps both of our asks
    await until(() => statuses.includes('CONFIRMED'))
    await raw.sync()
    const trades = raw.frames.filter((f) => f.event_type === 'trade')
    expect(trades.map((f) => f.status)).toEqual(['MATCHED', 'MINED', 'CONFIRMED'])
    for (const t of trades) {
      expect(t.id).toBe(trades[0]?.id)
      expect([t.owner, t.trader_side, t.size]).toEqual([raw.apiKey, 'MAKER', '10'])
      expect((t.maker_orders as Frame[]).map((m) => [m.owner, m.price, m.matched_amount, m.side])).toEqual([
        [raw.apiKey, '0.52', '5', 'SELL'],
        [raw.apiKey, '0.55', '5', 'SELL'],
      ])
    }
    expect(fills.map(fillRow)).toEqual([
      ['mk-1', 'SELL', '0.52', '5', 'MAKER'],
      ['mk-2', 'SELL', '0.55', '5', 'MAKER'],
    ])
    expect(new Set(fills.map((f) => f.tradeId))).toEqual(new Set([trades[0]?.id]))
    expect(reversed).toEqual([])
    // REST history: the same one trade; read back through the same de-duplication, nothing is booked twice.
    const history = await clob.rest.getTradeEvents({ tokenId: yes })
    expect(history.map((r) => (r.ok ? [r.value.tradeId, r.value.makerOrders.length] : r.error))).toEqual([
      [trades[0]?.id, 2],
    ])
    expect((await clob.orderFills(yes, 'mk-2')).map(fillRow)).toEqual([
      ['mk-2', 'SELL', '0.55', '5', 'MAKER'],
    ])
    expect(fills).toHaveLength(2)
    // The public tape prints each maker order's part at its own price.
    expect(sim.ledger().trades.map((t) => [t.id, t.price, t.size, t.makerOwner])).toEqual([
      [trades[0]?.id, '0.52', '5', raw.apiKey],
      [trades[0]?.id, '0.55', '5', raw.apiKey],
    ])
  })

  it('RETRYING → FAILED: each maker fill of ours is booked once and reversed once', async () => {
    const { sim, clob, fills, reversed, statuses } = await start('fail')
    const yes = sim.markets[0]!.tokens[0].tokenId
    sim.fund(wallet.address, { tokens: { [yes]: '100' } })
    await clob.instrument(yes)
    await clob.startUserData()
    await until(() => sim.connections.user === 1)
    await clob.placeOrder(order('mk-1', yes, 'SELL', '0.52'))
    await clob.placeOrder(order('mk-2', yes, 'SELL', '0.55'))
    sim.placeHouseOrder(yes, 'BUY', '0.55', '10')
    await until(() => statuses.includes('FAILED'))
    expect(statuses).toEqual(['MATCHED', 'RETRYING', 'FAILED'])
    expect(fills.map(fillRow)).toEqual([
      ['mk-1', 'SELL', '0.52', '5', 'MAKER'],
      ['mk-2', 'SELL', '0.55', '5', 'MAKER'],
    ])
    expect(reversed.map(fillRow)).toEqual(fills.map(fillRow))
  })

  it('as the taker through two makers: one message (trader_side TAKER), one fill per price level, once', async () => {
    const { sim, clob, fills, statuses } = await start()
    const yes = sim.markets[0]!.tokens[0].tokenId
    sim.placeHouseOrder(yes, 'SELL', '0.6', '5')
    sim.placeHouseOrder(yes, 'SELL', '0.62', '5')
    await clob.instrument(yes)
    await clob.startUserData()
    const raw = await rawUser(sim, [])
    await until(() => sim.connections.user === 2)
    const ack = await clob.placeOrder(order('tk-1', yes, 'BUY', '0.62', 10))
    expect(ack.order.status).toBe('FILLED')
    await until(() => statuses.includes('CONFIRMED'))
    await raw.sync()
    const trades = raw.frames.filter((f) => f.event_type === 'trade')
    expect(trades.map((f) => [f.status, f.trader_side, f.owner, (f.maker_orders as Frame[]).length])).toEqual(
      [
        ['MATCHED', 'TAKER', raw.apiKey, 2],
        ['MINED', 'TAKER', raw.apiKey, 2],
        ['CONFIRMED', 'TAKER', raw.apiKey, 2],
      ],
    )
    expect(fills.map((f) => [f.tradeId, ...fillRow(f)])).toEqual([
      [`${trades[0]?.id}:0.6`, 'tk-1', 'BUY', '0.6', '5', 'TAKER'],
      [`${trades[0]?.id}:0.62`, 'tk-1', 'BUY', '0.62', '5', 'TAKER'],
    ])
    // The taker's order answer covers both makers: 10 shares for 6.1 pUSD.
    expect(ack.order.filledQty.toFixed()).toBe('10')
  })
})

describe('PolymarketSim user subscriptions', () => {
  it('unsubscribing the last market stops its events (an emptied set is not "all markets")', async () => {
    const { sim, clob } = await start()
    const [a, b] = sim.markets
    const yesA = a!.tokens[0].tokenId
    const yesB = b!.tokens[0].tokenId
    const raw = await rawUser(sim, [a!.conditionId])
    await clob.placeOrder(order('a-1', yesA, 'BUY', '0.1'))
    await raw.sync()
    expect(raw.frames.map((f) => [f.event_type, f.market])).toEqual([['order', a!.conditionId]])
    raw.ws.send(JSON.stringify({ markets: [a!.conditionId], operation: 'unsubscribe' }))
    await raw.sync()
    await clob.placeOrder(order('a-2', yesA, 'BUY', '0.11'))
    await clob.placeOrder(order('b-1', yesB, 'BUY', '0.1'))
    await raw.sync()
    expect(raw.frames).toHaveLength(1)
    // Subscribing again (without auth) brings the market back.
    raw.ws.send(JSON.stringify({ markets: [b!.conditionId], operation: 'subscribe' }))
    await raw.sync()
    await clob.placeOrder(order('b-2', yesB, 'BUY', '0.11'))
    await raw.sync()
    expect(raw.frames.map((f) => [f.event_type, f.market])).toEqual([
      ['order', a!.conditionId],
      ['order', b!.conditionId],
    ])
  })
})
