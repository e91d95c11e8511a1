import { Wallet } from 'ethers'
import { afterEach, describe, expect, it } from 'vitest'
import type { Fill } from '../../../src/core/index.js'
import { SeededRandom } from '../../../src/core/random.js'
import { Decimal } from '../../../src/decimal/index.js'
import { PolymarketAdapter } from '../../../src/exchanges/polymarket/index.js'
import { OrderExecutor } from '../../../src/execution/index.js'
import { PolymarketSim } from '../../../src/sim/polymarket/index.js'

const wallet = new Wallet('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80')
let sim: PolymarketSim | undefined
let clob: PolymarketAdapter | undefined
let exec: OrderExecutor | undefined

afterEach(async () => {
  await exec?.shutdown({ cancelOpenOrders: false })
  await clob?.close()
  await sim?.close()
})

async function until(cond: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const start = Date.now()
  while (!(await cond())) {
    if (Date.now() - start > timeoutMs) throw new Error('until timed out')
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('Polymarket under random faults', () => {
  it('loses no fill, no order and no book level (seeded mini-soak)', async () => {
    sim = await PolymarketSim.start({
      seed: 11,
      markets: [{ tickSize: '0.01', fairPrice: '0.5', negRisk: false, levels: 8 }],
      settlementDelayMs: 5,
    })
    clob = new PolymarketAdapter({
      restUrl: sim.restUrl,
      wsUrl: sim.wsUrl,
      signer: wallet,
      autoHeartbeat: false,
      reconnectBaseMs: 20,
      pingIntervalMs: 100,
      marketSilenceMs: 300,
    })
    const unexpected: string[] = []
    clob.events.on('error', (e) => {
      if (!['EXCHANGE_DATA_INVALID', 'NETWORK', 'SOCKET_CLOSED', 'TIMEOUT', 'HTTP_ERROR'].includes(e.code)) {
        unexpected.push(`${e.code}: ${e.message}`)
      }
    })
    clob.market.events.on('error', (e) => unexpected.push(`${e.code}: ${e.message}`))
    const fills = new Map<string, Fill>()
    clob.events.on('fill', (e) => fills.set(`${e.fill.tradeId}:${e.fill.venueOrderId}`, e.fill))
    await clob.rest.createOrDeriveApiKey()
    const m = sim.markets[0]!
    const yes = m.tokens[0].tokenId
    await clob.instrument(yes)
    // The adapter only translates: the OrderExecutor reconciles after each user-channel reconnect.
    exec = new OrderExecutor({ adapter: clob, queryIntervalMs: 100 })
    await exec.start()
    clob.market.subscribe([yes])
    await until(() => sim!.connections.user === 1 && clob!.market.book(yes)?.isSynced === true)

    const random = new SeededRandom(2024)
    const rng = () => random.next()
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)] as T
    for (let step = 0; step < 30; step++) {
      const fault = pick([
        'none',
        'none',
        'dropUser',
        'dropMarket',
        'malformed',
        'http5xx',
        'http429',
        'freeze',
      ])
      if (fault === 'dropUser') sim.faults.dropConnections('user')
      if (fault === 'dropMarket') sim.faults.dropConnections('market')
      if (fault === 'malformed') sim.faults.sendMalformed(2)
      if (fault === 'http5xx') sim.faults.failHttp(1, 503, { path: '/book' })
      if (fault === 'http429') sim.faults.failHttp(1, 429, { retryAfterSec: 0, path: '/book' })
      sim.faults.freezeMarketData(fault === 'freeze')
      const book = await clob.rest.getBook(yes)
      const side = rng() < 0.5 ? 'BUY' : 'SELL'
      const ledger = sim.ledger()
      const reserved = ledger.openOrders
        .filter((o) => o.side === 'SELL')
        .reduce((s, o) => s.plus(o.size).minus(o.sizeMatched), new Decimal(0))
      const holding = new Decimal(ledger.balances[wallet.address.toLowerCase()]?.tokens[yes] ?? '0').minus(
        reserved,
      )
      if (side === 'SELL' && holding.lt(5)) continue
      const cross = rng() < 0.6
      const price =
        side === 'BUY'
          ? cross
            ? book.asks[0]![0]
            : book.bids[0]![0] - 0.02
          : cross
            ? book.bids[0]![0]
            : book.asks[0]![0] + 0.02
      await exec.submit({
        clientOrderId: '',
        venue: 'polymarket',
        symbol: yes,
        side,
        type: 'LIMIT',
        qty: new Decimal(5),
        price: new Decimal(price.toFixed(2)),
        strategyId: 'chaos',
      })
    }
    sim.faults.clear()

    const me = clob.rest.credentials!.apiKey
    const myTrades = () =>
      sim!
        .ledger()
        .trades.flatMap((t) => [
          ...(t.takerOwner === me ? [`${t.id}:${t.takerOrderId}`] : []),
          ...(t.makerOwner === me ? [`${t.id}:${t.makerOrderId}`] : []),
        ])
    // every trade of ours reached us as a fill (live or reconciled)
    await until(() => sim!.connections.user === 1 && fills.size === myTrades().length)
    expect([...fills.keys()].sort()).toEqual(myTrades().sort())
    // the venue's open orders are what the client lists
    const open = await clob.rest.getOpenOrders()
    expect(open.map((o) => o.id).sort()).toEqual(
      sim
        .ledger()
        .openOrders.map((o) => o.id)
        .sort(),
    )
    // position = sum of signed fills
    const net = [...fills.values()].reduce(
      (s, f) => (f.side === 'BUY' ? s.plus(f.qty) : s.minus(f.qty)),
      new Decimal(0),
    )
    expect(net.toFixed()).toBe(sim.ledger().balances[wallet.address.toLowerCase()]?.tokens[yes] ?? '0')
    // the local book converges to the venue's
    await until(async () => {
      const rest = await clob!.rest.getBook(yes)
      const local = clob!.market.book(yes)!.snapshot()
      return (
        clob!.market.book(yes)!.isSynced &&
        JSON.stringify([rest.bids, rest.asks]) === JSON.stringify([local.bids, local.asks])
      )
    })
    expect(unexpected).toEqual([])
  })
})
