/**
 * USD-M batch orders on BinanceSim: `POST /fapi/v1/batchOrders` (at most 5 orders, symbols may differ; weight 5, 5
 * orders in the 10 s window and 1 in the minute) and `DELETE /fapi/v1/batchOrders` (one symbol, at most 10
 * `origClientOrderIdList` ids; weight 1). Both answer one entry per order, in order: the order, or its own
 * `{ code, msg }` (developers.binance.com, derivatives/usds-margined-futures/trade/rest-api, "Place Multiple
 * Orders" and "Cancel Multiple Orders").
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { QuoteLevel } from '../../../src/core/quotes.js'
import { OrderExecutor, QuoteManager } from '../../../src/execution/index.js'
import { Decimal, type Harness, harness, req } from './helpers.js'

const D = (v: string | number) => new Decimal(v)
const fut = (o: Parameters<typeof req>[0] = {}) => req({ venue: 'binance-usdm', qty: D('0.01'), ...o })

describe('BinanceUsdm batch orders against BinanceSim', () => {
  let h: Harness
  beforeEach(async () => {
    h = await harness()
  })
  afterEach(async () => {
    await h.close()
  })

  /** A LIMIT bid `pct` % under the symbol's mid, on its tick. */
  const bidBelow = async (symbol: string, pct: number) => {
    const inst = await h.usdm.instrument(symbol)
    const mid = D(h.sim.midPrice('usdm', symbol))
    const price = mid.times(1 - pct / 100).toDecimalPlaces(inst.tickSize.decimalPlaces(), Decimal.ROUND_DOWN)
    return fut({
      symbol,
      type: 'LIMIT',
      price,
      timeInForce: 'GTC',
      qty: symbol === 'ETHUSDT' ? D('0.1') : D('0.01'),
    })
  }
  const orderCalls = () =>
    h.sim.requestLog
      .filter((r) => r.method !== 'GET' && /\/(order|batchOrders|algoOrder)$/.test(r.path))
      .map((r) => `${r.method} ${r.path}`)

  it('places a batch across symbols in one request; refusals, local and at the venue, fail alone', async () => {
    const { usdm, sim } = h
    const a = await bidBelow('BTCUSDT', 5)
    const eth = await bidBelow('ETHUSDT', 5)
    // Reduce-only with no position: the venue refuses it (-2022), the others stand.
    const reduce = fut({
      side: 'SELL',
      type: 'LIMIT',
      price: a.price?.times(1.2).toDecimalPlaces(1),
      timeInForce: 'GTC',
      reduceOnly: true,
    })
    const tiny = fut({ type: 'LIMIT', price: a.price, timeInForce: 'GTC', qty: D('0.0001') }) // under LOT_SIZE
    const mid = D(sim.midPrice('usdm', 'BTCUSDT'))
    const stop = fut({ type: 'STOP_MARKET', side: 'BUY', triggerPrice: mid.plus(5000).toDecimalPlaces(1) })
    await usdm.instrument('BTCUSDT')
    const before = orderCalls().length
    const results = await usdm.placeOrders([a, reduce, tiny, eth, stop])
    expect(results.map((r) => (r.ok ? r.value.order.status : r.error.code))).toEqual([
      'OPEN',
      'ORDER_REJECTED',
      'VALIDATION_FAILED',
      'OPEN',
      'OPEN',
    ])
    const refused = results[1]
    expect(refused?.ok === false && refused.error).toMatchObject({ venueCode: -2022 })
    // One batch (a, reduce, eth); the conditional order went alone to the algo endpoint; nothing for `tiny`.
    expect(orderCalls().slice(before).sort()).toEqual([
      'POST /fapi/v1/algoOrder',
      'POST /fapi/v1/batchOrders',
    ])
    const resting = sim.ledger.openOrders('usdm', sim.apiKey).map((o) => o.clientOrderId)
    expect(resting.sort()).toEqual([a.clientOrderId, eth.clientOrderId].sort())
    const ack = results[0]
    expect(ack?.ok && ack.value).toMatchObject({ clientOrderId: a.clientOrderId })
    expect(ack?.ok && ack.value.venueOrderId).toMatch(/^\d+$/)
  })

  it('counts a batch as the venue does: weight 5, five orders in the 10 s window, one in the minute', async () => {
    const { usdm } = h
    const orders = [await bidBelow('BTCUSDT', 4), await bidBelow('BTCUSDT', 5)]
    const windows = () =>
      new Map(usdm.rest.limiter.snapshot().windows.map((w) => [w.id, w.limit - w.remaining]))
    await usdm.placeOrders([await bidBelow('BTCUSDT', 3)]) // the venue's usage headers are known from here on
    const before = windows()
    await usdm.placeOrders(orders)
    const after = windows()
    expect((after.get('ORDERS_10S') ?? 0) - (before.get('ORDERS_10S') ?? 0)).toBe(5)
    expect((after.get('ORDERS_1M') ?? 0) - (before.get('ORDERS_1M') ?? 0)).toBe(1)
    expect(after.get('REQUEST_WEIGHT') ?? 0).toBeGreaterThanOrEqual((before.get('REQUEST_WEIGHT') ?? 0) + 5)
    await expect(usdm.placeOrders(Array.from({ length: 6 }, () => fut()))).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    })
  })

  it('cancels by symbol in one request each; an unknown id fails alone; an algo order is cancelled on its endpoint', async () => {
    const { usdm, sim } = h
    const a = await bidBelow('BTCUSDT', 5)
    const b = await bidBelow('BTCUSDT', 6)
    const eth = await bidBelow('ETHUSDT', 5)
    const mid = D(sim.midPrice('usdm', 'BTCUSDT'))
    const stop = fut({ type: 'STOP_MARKET', side: 'BUY', triggerPrice: mid.plus(5000).toDecimalPlaces(1) })
    for (const r of await usdm.placeOrders([a, b, eth, stop])) expect(r.ok).toBe(true)
    const before = orderCalls().length
    const results = await usdm.cancelOrders([
      { symbol: 'BTCUSDT', clientOrderId: a.clientOrderId },
      { symbol: 'ETHUSDT', clientOrderId: eth.clientOrderId },
      { symbol: 'BTCUSDT', clientOrderId: 'never-placed' },
      { symbol: 'BTCUSDT', clientOrderId: stop.clientOrderId },
      { symbol: 'btcusdt', clientOrderId: b.clientOrderId },
    ])
    expect(results.map((r) => (r.ok ? r.value.status : r.error.code))).toEqual([
      'CANCELED',
      'CANCELED',
      'ORDER_REJECTED',
      'CANCELED',
      'CANCELED',
    ])
    const unknown = results[2]
    expect(unknown?.ok === false && unknown.error).toMatchObject({ venueCode: -2011 })
    // BTCUSDT's three regular ids in one request (the unknown one is then tried as an algo order), ETHUSDT's in one.
    expect(orderCalls().slice(before).sort()).toEqual([
      'DELETE /fapi/v1/algoOrder',
      'DELETE /fapi/v1/algoOrder',
      'DELETE /fapi/v1/batchOrders',
      'DELETE /fapi/v1/batchOrders',
    ])
    expect(sim.ledger.openOrders('usdm', sim.apiKey)).toEqual([])
  })

  it('a lost batch answer: every sent order is OrderOutcomeUnknown, and the executor finds each at the venue', async () => {
    const { usdm, sim } = h
    const exec = new OrderExecutor({ adapter: usdm, queryIntervalMs: 50 })
    exec.events.on('error', () => {})
    await exec.start()
    try {
      const reqs = [await bidBelow('BTCUSDT', 5), await bidBelow('ETHUSDT', 5)]
      const direct = [await bidBelow('BTCUSDT', 6), await bidBelow('BTCUSDT', 7)]
      sim.faults.serverError({ path: '/fapi/v1/batchOrders', afterExecute: true, count: 1 })
      const lost = await usdm.placeOrders(direct)
      expect(lost.map((r) => !r.ok && r.error.code)).toEqual([
        'ORDER_OUTCOME_UNKNOWN',
        'ORDER_OUTCOME_UNKNOWN',
      ])
      sim.faults.serverError({ path: '/fapi/v1/batchOrders', afterExecute: true, count: 1 })
      const results = await exec.submitMany(reqs.map((r) => ({ ...r, strategyId: 's' })))
      expect(results.every((r) => r.ok)).toBe(true)
      const cids = reqs.map((r) => r.clientOrderId)
      await expect
        .poll(
          () =>
            exec
              .openOrders()
              .filter((o) => cids.includes(o.clientOrderId))
              .map((o) => o.status),
          {
            timeout: 10_000,
          },
        )
        .toEqual(['OPEN', 'OPEN'])
    } finally {
      await exec.shutdown({ timeoutMs: 2_000 })
    }
  })

  it('a QuoteManager ladder of 6 bids is placed in 2 batch requests and pulled in 1', async () => {
    const { usdm, sim } = h
    const exec = new OrderExecutor({ adapter: usdm, queryIntervalMs: 50 })
    exec.events.on('error', () => {})
    await exec.start()
    try {
      const inst = await usdm.instrument('BTCUSDT')
      const mid = D(sim.midPrice('usdm', 'BTCUSDT'))
      const level = (pct: number): QuoteLevel => ({
        symbol: 'BTCUSDT',
        side: 'BUY',
        price: mid.times(1 - pct / 100).toDecimalPlaces(inst.tickSize.decimalPlaces(), Decimal.ROUND_DOWN),
        qty: D('0.01'),
      })
      const quotes = new QuoteManager({ client: exec, instrument: () => inst })
      quotes.events.on('error', () => {})
      const before = orderCalls().length
      const levels = [3, 4, 5, 6, 7, 8].map(level)
      const r = await quotes.apply({
        strategyId: 'mm',
        venue: 'binance-usdm',
        symbols: ['BTCUSDT'],
        levels,
        tsEvent: 0,
      })
      expect(r.placed).toHaveLength(6)
      expect(orderCalls().slice(before)).toEqual(['POST /fapi/v1/batchOrders', 'POST /fapi/v1/batchOrders'])
      expect(sim.ledger.openOrders('usdm', sim.apiKey)).toHaveLength(6)
      const mid2 = orderCalls().length
      await quotes.pullAll('test')
      expect(orderCalls().slice(mid2)).toEqual(['DELETE /fapi/v1/batchOrders'])
      expect(sim.ledger.openOrders('usdm', sim.apiKey)).toEqual([])
    } finally {
      await exec.shutdown({ timeoutMs: 2_000 })
    }
  })
})
