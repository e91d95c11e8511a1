/**
 * QuoteManager's batched venue calls on the loopback sims: a refresh that moves N quotes costs one `DELETE /orders` and
 * one `POST /orders` on Polymarket, N cancel-replaces on Binance spot and one batch of N modifies on USD-M (from 4 on: fewer
 * cost more of the 10-second order budget in a batch) instead of 2N single calls,
 * and what rests in the sim's book afterwards is exactly the target set.
 *
 * Wire details the sims and adapters follow:
 * - Polymarket `POST /orders`: "Creates multiple new orders in the order book. Orders are processed in parallel.
 *   Maximum 15 orders per request." (docs.polymarket.com/api-reference/endpoints/clob/post-orders); each element of the
 *   answer is that order's own `{ success, errorMsg, orderID, status }`.
 * - Polymarket `DELETE /orders`: a JSON array of order ids, "Maximum 3000 orders per request", answering
 *   `{ canceled: [...], not_canceled: { id: reason } }` (docs.polymarket.com/api-reference/trade/cancel-multiple-orders).
 *   Cloudflare limits: `POST /orders` and `DELETE /orders` 1,000 req / 10 s, 15,000 / 10 min; the per-signer buckets
 *   charge one token per order or id in the batch (docs.polymarket.com/api-reference/rate-limits and
 *   /api-reference/trading-rate-limits).
 * - Binance spot `POST /api/v3/order/cancelReplace` (IP weight 1, one order counted), `cancelReplaceMode`
 *   `STOP_ON_FAILURE`: the new order is not attempted when the cancel fails; `-2022` "Order cancel-replace failed." (400)
 *   and `-2021` "Order cancel-replace partially failed." (409) carry `data: { cancelResult, newOrderResult,
 *   cancelResponse, newOrderResponse }` (binance/binance-spot-api-docs rest-api.md, "Cancel an Existing Order and Send a
 *   New Order").
 * - Binance USD-M `PUT /fapi/v1/order` (order.modify): LIMIT orders only, `quantity` and `price` both required, same
 *   order id, re-queued; weight 1 on the 10 s and 1 min order counts and 1 IP weight (developers.binance.com,
 *   derivatives "Modify Order (TRADE)"); `PUT /fapi/v1/batchOrders` makes up to 5 of them, 5 on the 10 s order count,
 *   1 on the minute's and 5 IP weight ("Modify Multiple Orders (TRADE)").
 */
import { Wallet } from 'ethers'
import { afterEach, describe, expect, it } from 'vitest'
import type { ExecutionClient } from '../../../src/core/ports.js'
import type { QuoteLevel, QuoteTargets } from '../../../src/core/quotes.js'
import type { Instrument } from '../../../src/core/types.js'
import { Decimal } from '../../../src/decimal/index.js'
import { BinanceSpot, BinanceUsdm } from '../../../src/exchanges/binance/index.js'
import { PolymarketAdapter } from '../../../src/exchanges/polymarket/index.js'
import { OrderExecutor, QuoteManager } from '../../../src/execution/index.js'
import { BinanceSim } from '../../../src/sim/binance/index.js'
import { PolymarketSim } from '../../../src/sim/polymarket/index.js'

// A publicly known Hardhat test key.
const wallet = new Wallet('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80')
const D = (v: string | number) => new Decimal(v)
const cleanups: Array<() => Promise<unknown>> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

function set(venue: string, symbol: string, levels: QuoteLevel[]): QuoteTargets {
  return { strategyId: 'mm', venue, symbols: [symbol], levels, tsEvent: 0 }
}

/** Order-entry requests (anything but GET) sent through a counting `fetch`. */
function countingFetch(): { fetch: typeof fetch; calls: string[] } {
  const calls: string[] = []
  return {
    calls,
    fetch: (input, init) => {
      const method = init?.method ?? 'GET'
      if (method !== 'GET') calls.push(`${method} ${new URL(String(input)).pathname}`)
      return fetch(input, init)
    },
  }
}

/** The same executor seen through the single-call contract only (no batching). */
function singleCallsOnly(c: ExecutionClient): ExecutionClient {
  return {
    venues: c.venues,
    events: c.events,
    submit: (i) => c.submit(i),
    cancel: (id) => c.cancel(id),
    cancelAll: (f) => c.cancelAll(f),
    openOrders: (f) => c.openOrders(f),
    shutdown: (o) => c.shutdown(o),
  }
}

async function polymarket() {
  const sim = await PolymarketSim.start({ seed: 9, settlementDelayMs: 5 })
  cleanups.push(() => sim.close())
  const counter = countingFetch()
  const adapter = new PolymarketAdapter({
    restUrl: sim.restUrl,
    wsUrl: sim.wsUrl,
    signer: wallet,
    autoHeartbeat: false,
    fetch: counter.fetch,
  })
  adapter.events.on('error', () => {})
  cleanups.push(() => adapter.close())
  const creds = await adapter.rest.createOrDeriveApiKey()
  const exec = new OrderExecutor({ adapter, queryIntervalMs: 50 })
  exec.events.on('error', () => {})
  await exec.start()
  cleanups.push(() => exec.shutdown({ timeoutMs: 2_000 }))
  const m = sim.markets.find((x) => x.tickSize === '0.01') ?? sim.markets[0]
  if (m === undefined) throw new Error('no market')
  const token = m.tokens[0].tokenId
  const inst = await adapter.instrument(token)
  const bid = (ticksBelow: number): QuoteLevel => ({
    symbol: token,
    side: 'BUY',
    price: D(m.fairPrice).minus(inst.tickSize.times(ticksBelow)),
    qty: D(5),
  })
  const resting = () =>
    sim
      .ledger()
      .openOrders.filter((o) => o.owner === creds.apiKey)
      .map((o) => `${o.side} ${D(o.price).toFixed()} ${D(o.size).minus(o.sizeMatched).toFixed()}`)
      .sort()
  counter.calls.length = 0 // the API key setup
  return { sim, adapter, exec, inst, token, bid, resting, calls: counter.calls, fair: D(m.fairPrice) }
}

const expected = (levels: QuoteLevel[]) =>
  levels.map((l) => `${l.side} ${l.price.toFixed()} ${l.qty.toFixed()}`).sort()

describe('QuoteManager batching on PolymarketSim', () => {
  it('moves 4 quotes with one DELETE /orders and one POST /orders; the sim rests exactly the targets', async () => {
    const v = await polymarket()
    const quotes = new QuoteManager({ client: v.exec, instrument: () => v.inst })
    quotes.events.on('error', () => {})
    const first = [20, 22, 24, 26].map(v.bid)
    const r1 = await quotes.apply(set('polymarket', v.token, first))
    expect(r1.placed).toHaveLength(4)
    expect(v.calls).toEqual(['POST /orders'])
    expect(v.resting()).toEqual(expected(first))

    v.calls.length = 0
    const moved = [21, 23, 25, 27].map(v.bid)
    const r2 = await quotes.apply(set('polymarket', v.token, moved))
    expect(r2.canceled).toHaveLength(4)
    expect(r2.placed).toHaveLength(4)
    expect(v.calls).toEqual(['DELETE /orders', 'POST /orders'])
    expect(v.resting()).toEqual(expected(moved))
    expect(quotes.openQuotes()).toHaveLength(4)
  }, 30_000)

  it('falls back to one call per order when the client has no batch methods', async () => {
    const v = await polymarket()
    const quotes = new QuoteManager({ client: singleCallsOnly(v.exec), instrument: () => v.inst })
    quotes.events.on('error', () => {})
    await quotes.apply(set('polymarket', v.token, [20, 22, 24].map(v.bid)))
    v.calls.length = 0
    const moved = [21, 23, 25].map(v.bid)
    await quotes.apply(set('polymarket', v.token, moved))
    expect([...v.calls].sort()).toEqual([
      'DELETE /order',
      'DELETE /order',
      'DELETE /order',
      'POST /order',
      'POST /order',
      'POST /order',
    ])
    expect(v.resting()).toEqual(expected(moved))
  }, 30_000)

  it('a batch with one refused order places the others and tracks each on its own', async () => {
    const v = await polymarket()
    const errors: string[] = []
    const rejected: string[] = []
    v.exec.events.on('order.rejected', (e) => rejected.push(e.order.price?.toFixed() ?? ''))
    const quotes = new QuoteManager({ client: v.exec, instrument: () => v.inst })
    quotes.events.on('error', (e) => errors.push(e.code))
    // A post-only bid above the fair price crosses the house asks: the venue refuses that one alone.
    const crossing: QuoteLevel = { ...v.bid(0), price: v.fair.plus(v.inst.tickSize.times(10)) }
    const good = [20, 22].map(v.bid)
    const r = await quotes.apply(set('polymarket', v.token, [...good, crossing]))
    expect(v.calls).toEqual(['POST /orders'])
    expect(r.placed).toHaveLength(2)
    expect(errors).toEqual([]) // a venue refusal is the executor's `order.rejected`, not a failed request
    expect(rejected).toEqual([crossing.price.toFixed()])
    expect(v.resting()).toEqual(expected(good))
    const states = v.exec.openOrders().map((o) => o.status)
    expect(states).toEqual(['OPEN', 'OPEN'])
    expect(
      quotes
        .openQuotes()
        .map((o) => o.price?.toFixed())
        .sort(),
    ).toEqual(good.map((l) => l.price.toFixed()).sort())
  }, 30_000)
})

async function binance(market: 'spot' | 'usdm') {
  const sim = await BinanceSim.start({ seed: 5, tickMs: 0 })
  cleanups.push(() => sim.close())
  const keys = { apiKey: sim.apiKey, apiSecret: sim.apiSecret }
  const adapter =
    market === 'spot'
      ? new BinanceSpot({ ...sim.urls.spot, ...keys })
      : new BinanceUsdm({ ...sim.urls.usdm, ...keys })
  cleanups.push(() => adapter.close())
  const exec = new OrderExecutor({ adapter, queryIntervalMs: 50 })
  exec.events.on('error', () => {})
  await exec.start()
  cleanups.push(() => exec.shutdown({ timeoutMs: 2_000 }))
  const inst: Instrument = await adapter.instrument('BTCUSDT')
  const mid = D(sim.midPrice(market, 'BTCUSDT'))
  const bid = (pctBelow: number): QuoteLevel => ({
    symbol: 'BTCUSDT',
    side: 'BUY',
    price: mid.times(1 - pctBelow / 100).toDecimalPlaces(inst.tickSize.decimalPlaces(), Decimal.ROUND_DOWN),
    qty: D('0.01'),
  })
  const resting = () =>
    sim.ledger
      .openOrders(market, sim.apiKey)
      .map((o) => `${o.side} ${(o.price as Decimal).toFixed()} ${o.origQty.minus(o.executedQty).toFixed()}`)
      .sort()
  const orderCalls = () =>
    sim.requestLog
      .filter(
        (r) =>
          r.method !== 'GET' &&
          /\/(order|batchOrders)/.test(r.path) &&
          !/userDataStream|listenKey/.test(r.path),
      )
      .map((r) => `${r.method} ${r.path}`)
  return { sim, exec, inst, bid, resting, orderCalls, market }
}

describe('QuoteManager batching on BinanceSim', () => {
  it('spot: moving 3 quotes is 3 cancel-replaces, not 3 cancels and 3 placements', async () => {
    const v = await binance('spot')
    const quotes = new QuoteManager({ client: v.exec, instrument: () => v.inst })
    quotes.events.on('error', () => {})
    await quotes.apply(set('binance', 'BTCUSDT', [5, 6, 7].map(v.bid)))
    const before = v.orderCalls().length
    const moved = [5.5, 6.5, 7.5].map(v.bid)
    const r = await quotes.apply(set('binance', 'BTCUSDT', moved))
    expect(v.orderCalls().slice(before)).toEqual(Array(3).fill('POST /api/v3/order/cancelReplace'))
    expect(r.canceled).toHaveLength(3)
    expect(r.placed).toHaveLength(3)
    expect(v.resting()).toEqual(expected(moved))
    // The executor agrees: the old quotes are CANCELED, the new ones OPEN.
    expect(
      v.exec
        .openOrders()
        .map((o) => o.price?.toFixed())
        .sort(),
    ).toEqual(moved.map((l) => l.price.toFixed()).sort())
  }, 30_000)

  it('USD-M: moving 4 quotes is one batch of 4 modifies in place (same client order ids)', async () => {
    const v = await binance('usdm')
    const quotes = new QuoteManager({ client: v.exec, instrument: () => v.inst })
    quotes.events.on('error', () => {})
    const r1 = await quotes.apply(set('binance-usdm', 'BTCUSDT', [5, 6, 7, 8].map(v.bid)))
    const before = v.orderCalls().length
    const moved = [5.5, 6.5, 7.5, 8.5].map(v.bid)
    const r2 = await quotes.apply(set('binance-usdm', 'BTCUSDT', moved))
    expect(v.orderCalls().slice(before)).toEqual(['PUT /fapi/v1/batchOrders'])
    expect([...r2.amended].sort()).toEqual([...r1.placed].sort())
    expect(r2.placed).toEqual([])
    expect(r2.canceled).toEqual([])
    expect(v.resting()).toEqual(expected(moved))
    expect(
      v.exec
        .openOrders()
        .map((o) => `${o.clientOrderId} ${o.price?.toFixed()}`)
        .sort(),
    ).toHaveLength(4)
    expect(
      v.exec
        .openOrders()
        .map((o) => o.price?.toFixed())
        .sort(),
    ).toEqual(moved.map((l) => l.price.toFixed()).sort())
  }, 30_000)
})

describe('batch partial failures, order by order', () => {
  it('spot replaceOrder: a failed cancel leg (-2022) places nothing; a refused new leg (-2021) keeps the cancel', async () => {
    const sim = await BinanceSim.start({ seed: 5, tickMs: 0 })
    cleanups.push(() => sim.close())
    const spot = new BinanceSpot({ ...sim.urls.spot, apiKey: sim.apiKey, apiSecret: sim.apiSecret })
    cleanups.push(() => spot.close())
    const inst = await spot.instrument('BTCUSDT')
    const mid = D(sim.midPrice('spot', 'BTCUSDT'))
    const px = (f: number) => mid.times(f).toDecimalPlaces(inst.tickSize.decimalPlaces(), Decimal.ROUND_DOWN)
    const limit = (cid: string, price: Decimal) => ({
      clientOrderId: cid,
      venue: spot.venue,
      symbol: 'BTCUSDT',
      side: 'BUY' as const,
      type: 'LIMIT' as const,
      qty: D('0.01'),
      price,
      timeInForce: 'POST_ONLY' as const,
    })
    await spot.placeOrder(limit('a', px(0.9)))
    await spot.cancelOrder('BTCUSDT', 'a')
    const failed = await spot.replaceOrder('BTCUSDT', 'a', limit('b', px(0.91)))
    expect(failed.canceled.ok).toBe(false)
    expect(failed.placed).toBeUndefined()
    expect(sim.requestLog.at(-1)).toMatchObject({ path: '/api/v3/order/cancelReplace', status: 400 })

    await spot.placeOrder(limit('c', px(0.9)))
    // A post-only bid above the best ask would take: LIMIT_MAKER is refused after the cancel succeeded.
    const partial = await spot.replaceOrder('BTCUSDT', 'c', limit('d', px(1.05)))
    expect(partial.canceled.ok && partial.canceled.value.status).toBe('CANCELED')
    expect(partial.canceled.ok && partial.canceled.value.clientOrderId).toBe('c')
    expect(partial.placed?.ok).toBe(false)
    expect(sim.requestLog.at(-1)).toMatchObject({ path: '/api/v3/order/cancelReplace', status: 409 })
    expect(sim.ledger.openOrders('spot', sim.apiKey)).toEqual([])
  }, 30_000)

  it('Polymarket cancelMany: an order the venue already filled ends FILLED, the others CANCELED, in one request', async () => {
    const v = await polymarket()
    const levels = [20, 22, 24].map(v.bid)
    const intents = levels.map((l, i) => ({
      clientOrderId: `pm-${i}`,
      strategyId: 's',
      venue: 'polymarket',
      symbol: l.symbol,
      side: l.side,
      type: 'LIMIT' as const,
      qty: l.qty,
      price: l.price,
      timeInForce: 'POST_ONLY' as const,
    }))
    const placed = await v.exec.submitMany(intents)
    expect(placed.map((r) => r.ok && r.value.status)).toEqual(['OPEN', 'OPEN', 'OPEN'])
    expect(v.calls).toEqual(['POST /orders'])
    // The house sells into our best bid: filled at the venue, while the executor may not know yet.
    v.sim.placeHouseOrder(v.token, 'SELL', (levels[0] as QuoteLevel).price.toFixed(), '5')
    v.calls.length = 0
    const results = await v.exec.cancelMany(['pm-0', 'pm-1', 'pm-2'])
    expect(v.calls).toEqual(['DELETE /orders'])
    expect(results.map((r) => r.ok && r.value.status)).toEqual(['FILLED', 'CANCELED', 'CANCELED'])
    expect(v.resting()).toEqual([])
    expect(v.exec.openOrders()).toEqual([])
  }, 30_000)
})

describe('USD-M modify on BinanceSim', () => {
  it('a GTX order moved to a price that would take is cancelled, as Binance documents', async () => {
    const sim = await BinanceSim.start({ seed: 5, tickMs: 0 })
    cleanups.push(() => sim.close())
    const usdm = new BinanceUsdm({ ...sim.urls.usdm, apiKey: sim.apiKey, apiSecret: sim.apiSecret })
    cleanups.push(() => usdm.close())
    const inst = await usdm.instrument('BTCUSDT')
    const mid = D(sim.midPrice('usdm', 'BTCUSDT'))
    const px = (f: number) => mid.times(f).toDecimalPlaces(inst.tickSize.decimalPlaces(), Decimal.ROUND_DOWN)
    await usdm.placeOrder({
      clientOrderId: 'g1',
      venue: usdm.venue,
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      qty: D('0.01'),
      price: px(0.95),
      timeInForce: 'POST_ONLY',
    })
    const moved = await usdm.amendOrder('BTCUSDT', 'g1', { side: 'BUY', qty: D('0.01'), price: px(0.96) })
    expect(moved.status).toBe('OPEN')
    expect(moved.price?.toFixed()).toBe(px(0.96).toFixed())
    const crossing = await usdm.amendOrder('BTCUSDT', 'g1', { side: 'BUY', qty: D('0.01'), price: px(1.05) })
    expect(crossing.status).toBe('CANCELED')
    expect(sim.ledger.openOrders('usdm', sim.apiKey)).toEqual([])
  }, 30_000)
})
