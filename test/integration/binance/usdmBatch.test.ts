/**
 * USD-M batch orders on BinanceSim: `POST /fapi/v1/batchOrders` and `PUT /fapi/v1/batchOrders` (at most 5 orders or
 * amendments, symbols may differ; weight 5, 5 orders in the 10 s window and 1 in the minute) and
 * `DELETE /fapi/v1/batchOrders` (one symbol, at most 10 `origClientOrderIdList` ids; weight 1). Each answers one
 * entry per order, in order: the order, or its own `{ code, msg }` (developers.binance.com,
 * derivatives/usds-margined-futures/trade/rest-api, "Place Multiple Orders", "Modify Multiple Orders" and "Cancel
 * Multiple Orders").
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { QuoteLevel } from '../../../src/core/quotes.js'
import type { BinanceUsdm } from '../../../src/exchanges/binance/index.js'
import { OrderExecutor, QuoteManager } from '../../../src/execution/index.js'
import { Decimal, type Harness, harness, req } from './helpers.js'

const D = (v: string | number) => new Decimal(v)
const fut = (o: Parameters<typeof req>[0] = {}) => req({ venue: 'binance-usdm', qty: D('0.01'), ...o })

/** What a test's `fetch` may do to a request on its way: rewrite a batch answer, or look at the client first. */
interface FetchHooks {
  /** Called as a batch request leaves (after the rate limiter charged it). */
  onBatch?: (method: string) => void
  /** Rewrites the entries of a batch answer. */
  batchAnswer?: (entries: unknown[]) => unknown[]
  /** Rewrites MAX_NUM_ORDERS in exchangeInfo. */
  maxNumOrders?: number
}

function hookedFetch(hooks: FetchHooks): typeof fetch {
  return async (input, init) => {
    const path = new URL(String(input)).pathname
    const method = init?.method ?? 'GET'
    if (path.endsWith('/batchOrders')) hooks.onBatch?.(method)
    const res = await fetch(input, init)
    const rewrite =
      (path.endsWith('/batchOrders') && hooks.batchAnswer !== undefined && res.status === 200) ||
      (path.endsWith('/exchangeInfo') && hooks.maxNumOrders !== undefined)
    if (!rewrite) return res
    const body = (await res.json()) as unknown
    const out = path.endsWith('/exchangeInfo')
      ? capOrders(body, hooks.maxNumOrders as number)
      : (hooks.batchAnswer as NonNullable<FetchHooks['batchAnswer']>)(body as unknown[])
    return new Response(JSON.stringify(out), { status: res.status, headers: res.headers })
  }
}

function capOrders(info: unknown, cap: number): unknown {
  for (const s of (info as { symbols: Array<{ filters: Array<Record<string, unknown>> }> }).symbols) {
    for (const f of s.filters) if (f.filterType === 'MAX_NUM_ORDERS') f.limit = cap
  }
  return info
}

describe('BinanceUsdm batch orders against BinanceSim', () => {
  let h: Harness
  const hooks: FetchHooks = {}
  const start = async () => {
    for (const k of Object.keys(hooks)) delete hooks[k as keyof FetchHooks]
    h = await harness({}, { fetch: hookedFetch(hooks) })
    return h
  }
  afterEach(async () => {
    await h.close()
  })

  /** A LIMIT bid `pct` % under the symbol's mid, on its tick. */
  const bidBelow = async (symbol: string, pct: number) => {
    const inst = await h.usdm.instrument(symbol)
    const mid = D(h.sim.midPrice('usdm', symbol))
    const price = mid.times(1 - pct / 100).toDecimalPlaces(inst.tickSize.decimalPlaces(), Decimal.ROUND_DOWN)
    const qty = symbol === 'ETHUSDT' ? D('0.1') : D('0.01')
    return fut({ symbol, type: 'LIMIT', price, timeInForce: 'GTC', qty })
  }
  const orderCalls = () =>
    h.sim.requestLog
      .filter((r) => r.method !== 'GET' && /\/(order|batchOrders|algoOrder)$/.test(r.path))
      .map((r) => `${r.method} ${r.path}`)
  const resting = () => h.sim.ledger.openOrders('usdm', h.sim.apiKey)

  it('places a batch across symbols in one request; refusals, local and at the venue, fail alone', async () => {
    const { usdm } = await start()
    const a = await bidBelow('BTCUSDT', 5)
    const b = await bidBelow('BTCUSDT', 6)
    const eth = await bidBelow('ETHUSDT', 5)
    // Reduce-only with no position: the venue refuses it (-2022), the others stand.
    const sellPrice = a.price?.times(1.2).toDecimalPlaces(1)
    const reduce = fut({
      side: 'SELL',
      type: 'LIMIT',
      price: sellPrice,
      timeInForce: 'GTC',
      reduceOnly: true,
    })
    const tiny = fut({ type: 'LIMIT', price: a.price, timeInForce: 'GTC', qty: D('0.0001') }) // under LOT_SIZE
    const before = orderCalls().length
    const results = await usdm.placeOrders([a, reduce, tiny, eth, b])
    expect(results.map((r) => (r.ok ? r.value.order.status : r.error.code))).toEqual([
      'OPEN',
      'ORDER_REJECTED',
      'VALIDATION_FAILED',
      'OPEN',
      'OPEN',
    ])
    const refused = results[1]
    expect(refused?.ok === false && refused.error).toMatchObject({ venueCode: -2022 })
    // One batch of four (a, reduce, eth, b); nothing for `tiny`.
    expect(orderCalls().slice(before)).toEqual(['POST /fapi/v1/batchOrders'])
    expect(
      resting()
        .map((o) => o.clientOrderId)
        .sort(),
    ).toEqual([a.clientOrderId, b.clientOrderId, eth.clientOrderId].sort())
    const ack = results[0]
    expect(ack?.ok && ack.value).toMatchObject({ clientOrderId: a.clientOrderId })
    expect(ack?.ok && ack.value.venueOrderId).toMatch(/^\d+$/)
  })

  it('sends orders too few to be worth a batch one by one, a conditional order to the algo endpoint, a repeated id nowhere', async () => {
    const { usdm, sim } = await start()
    const mid = D(sim.midPrice('usdm', 'BTCUSDT'))
    const stop = fut({ type: 'STOP_MARKET', side: 'BUY', triggerPrice: mid.plus(5000).toDecimalPlaces(1) })
    const x = await bidBelow('BTCUSDT', 6)
    const twin = { ...x, price: x.price?.minus(1) } // the same client id twice in one call
    const before = orderCalls().length
    // Three regular orders: a batch would spend 5 of the 10-second order budget against 3.
    const results = await usdm.placeOrders([
      x,
      twin,
      await bidBelow('BTCUSDT', 7),
      await bidBelow('ETHUSDT', 5),
      stop,
    ])
    expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual([
      'ok',
      'VALIDATION_FAILED',
      'ok',
      'ok',
      'ok',
    ])
    const dup = results[1]
    expect(dup?.ok === false && dup.error.message).toContain('appears twice')
    expect(orderCalls().slice(before).sort()).toEqual([
      'POST /fapi/v1/algoOrder',
      'POST /fapi/v1/order',
      'POST /fapi/v1/order',
      'POST /fapi/v1/order',
    ])
    await expect(usdm.placeOrders(Array.from({ length: 6 }, () => fut()))).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    })
  })

  it('charges a batch as the venue does, as it leaves: weight 5, five orders in the 10 s window, one in the minute', async () => {
    const { usdm } = await start()
    const orders = [4, 5, 6, 7].map((pct) => bidBelow('BTCUSDT', pct))
    const ready = await Promise.all(orders)
    const used = (c: BinanceUsdm) =>
      new Map(c.rest.limiter.snapshot().windows.map((w) => [w.id, w.limit - w.remaining]))
    const before = used(usdm)
    let charged: Map<string, number> | undefined
    hooks.onBatch = () => {
      charged = used(usdm)
    }
    await usdm.placeOrders(ready)
    // A window that rolled over between the two readings holds the batch alone.
    const delta = (id: string, n: number) => {
      const after = charged?.get(id) ?? 0
      expect(after - (before.get(id) ?? 0) === n || after === n).toBe(true)
    }
    delta('ORDERS_10S', 5)
    delta('ORDERS_1M', 1)
    expect(charged?.get('REQUEST_WEIGHT') ?? 0).toBeGreaterThanOrEqual(5)
  })

  it('counts the batch under MAX_NUM_ORDERS: with one slot left, the second order is refused unsent', async () => {
    const { usdm } = await start()
    hooks.maxNumOrders = 3
    const open = [await bidBelow('BTCUSDT', 8), await bidBelow('BTCUSDT', 9)]
    for (const r of await usdm.placeOrders(open)) expect(r.ok).toBe(true)
    const results = await usdm.placeOrders([await bidBelow('BTCUSDT', 6), await bidBelow('BTCUSDT', 7)])
    expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(['ok', 'VALIDATION_FAILED'])
    expect(resting()).toHaveLength(3)
  })

  it('an entry the venue could not settle (-1007) is outcome unknown; a whole-request 429 refuses each order', async () => {
    const { usdm, sim } = await start()
    const four = (from: number) => Promise.all([0, 1, 2, 3].map((k) => bidBelow('BTCUSDT', from + k)))
    const state = (rs: Awaited<ReturnType<BinanceUsdm['placeOrders']>>) =>
      rs.map((r) => (r.ok ? r.value.order.status : r.error.code))
    hooks.batchAnswer = (entries) => [
      entries[0],
      {
        code: -1007,
        msg: 'Timeout waiting for response from backend server. Send status unknown; execution status unknown.',
      },
      ...entries.slice(2),
    ]
    expect(state(await usdm.placeOrders(await four(3)))).toEqual([
      'OPEN',
      'ORDER_OUTCOME_UNKNOWN',
      'OPEN',
      'OPEN',
    ])
    delete hooks.batchAnswer
    sim.faults.rateLimit({ path: '/batchOrders', retryAfterSec: 1 })
    expect(state(await usdm.placeOrders(await four(8)))).toEqual(Array(4).fill('RATE_LIMITED'))
    // An answer naming another order at a position is not trusted: that order's outcome is unknown.
    await new Promise((r) => setTimeout(r, 1100)) // the 429's Retry-After
    hooks.batchAnswer = (entries) => [entries[1], entries[0], ...entries.slice(2)]
    expect(state(await usdm.placeOrders(await four(13)))).toEqual([
      'ORDER_OUTCOME_UNKNOWN',
      'ORDER_OUTCOME_UNKNOWN',
      'OPEN',
      'OPEN',
    ])
  })

  it('amends a batch in one PUT; a refused amendment fails alone and leaves its order as it was', async () => {
    const { usdm } = await start()
    const placed = [
      await bidBelow('BTCUSDT', 5),
      await bidBelow('ETHUSDT', 5),
      await bidBelow('BTCUSDT', 6),
      await bidBelow('BTCUSDT', 7),
    ]
    for (const r of await usdm.placeOrders(placed)) expect(r.ok).toBe(true)
    const [a, eth, c, d] = placed as [
      (typeof placed)[0],
      (typeof placed)[0],
      (typeof placed)[0],
      (typeof placed)[0],
    ]
    const move = (o: typeof a, by: number, side: 'BUY' | 'SELL' = 'BUY') => ({
      symbol: o.symbol,
      clientOrderId: o.clientOrderId,
      changes: { side, qty: o.qty.times(2), price: (o.price as Decimal).minus(by) },
    })
    const before = orderCalls().length
    const results = await usdm.amendOrders([move(a, 10), move(eth, 1), move(c, 10, 'SELL'), move(d, 10)])
    expect(orderCalls().slice(before)).toEqual(['PUT /fapi/v1/batchOrders'])
    expect(results.map((r) => (r.ok ? r.value.price?.toFixed() : r.error.code))).toEqual([
      (a.price as Decimal).minus(10).toFixed(),
      (eth.price as Decimal).minus(1).toFixed(),
      'EXCHANGE_REJECTED', // -1117: an amendment keeps the side
      (d.price as Decimal).minus(10).toFixed(),
    ])
    const byId = new Map(resting().map((o) => [o.clientOrderId, o]))
    expect(byId.get(a.clientOrderId)?.origQty.toFixed()).toBe('0.02')
    expect(byId.get(c.clientOrderId)?.price?.toFixed()).toBe(c.price?.toFixed())
    const refused = results[2]
    expect(refused?.ok === false && refused.error).toMatchObject({ venueCode: -1117 })
    // Two amendments are not worth a batch: two modifies, in parallel.
    const mark = orderCalls().length
    const two = await usdm.amendOrders([move(a, 20), move(d, 20)])
    expect(two.every((r) => r.ok)).toBe(true)
    expect(orderCalls().slice(mark)).toEqual(['PUT /fapi/v1/order', 'PUT /fapi/v1/order'])
  })

  it('cancels by symbol in one request each; an unknown id fails alone; an algo order is cancelled on its endpoint', async () => {
    const { usdm, sim } = await start()
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
    expect(resting()).toEqual([])
  })

  it('a lost batch answer: every sent order is OrderOutcomeUnknown, and the executor finds each at the venue', async () => {
    const { usdm, sim } = await start()
    const exec = new OrderExecutor({ adapter: usdm, queryIntervalMs: 50 })
    exec.events.on('error', () => {})
    await exec.start()
    try {
      const direct = await Promise.all([6, 7, 8, 9].map((pct) => bidBelow('BTCUSDT', pct)))
      sim.faults.serverError({ path: '/fapi/v1/batchOrders', afterExecute: true, count: 1 })
      const lost = await usdm.placeOrders(direct)
      expect(lost.map((r) => !r.ok && r.error.code)).toEqual(Array(4).fill('ORDER_OUTCOME_UNKNOWN'))
      // The venue did act on them.
      expect(
        resting()
          .map((o) => o.clientOrderId)
          .sort(),
      ).toEqual(direct.map((r) => r.clientOrderId).sort())
      const reqs = await Promise.all([5, 6, 7, 8].map((pct) => bidBelow('ETHUSDT', pct)))
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
          { timeout: 10_000 },
        )
        .toEqual(['OPEN', 'OPEN', 'OPEN', 'OPEN'])
    } finally {
      await exec.shutdown({ timeoutMs: 2_000 })
    }
  })

  it('a QuoteManager ladder of 6 bids: placed and moved in a batch of 5 and one alone, pulled in one batch cancel', async () => {
    const { usdm, sim } = await start()
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
      const apply = (levels: QuoteLevel[]) =>
        quotes.apply({ strategyId: 'mm', venue: 'binance-usdm', symbols: ['BTCUSDT'], levels, tsEvent: 0 })
      let mark = orderCalls().length
      const since = () => {
        const calls = orderCalls().slice(mark)
        mark = orderCalls().length
        return calls
      }
      const r1 = await apply([3, 4, 5, 6, 7, 8].map(level))
      expect(r1.placed).toHaveLength(6)
      // The sixth goes alone: a batch of one would cost five orders.
      expect(since().sort()).toEqual(['POST /fapi/v1/batchOrders', 'POST /fapi/v1/order'])
      const moved = [3.5, 4.5, 5.5, 6.5, 7.5, 8.5].map(level)
      const r2 = await apply(moved)
      expect([...r2.amended].sort()).toEqual([...r1.placed].sort())
      expect(since().sort()).toEqual(['PUT /fapi/v1/batchOrders', 'PUT /fapi/v1/order'])
      expect(
        resting()
          .map((o) => (o.price as Decimal).toFixed())
          .sort(),
      ).toEqual(moved.map((l) => l.price.toFixed()).sort())
      await quotes.pullAll('test')
      expect(since()).toEqual(['DELETE /fapi/v1/batchOrders'])
      expect(resting()).toEqual([])
    } finally {
      await exec.shutdown({ timeoutMs: 2_000 })
    }
  })
})
