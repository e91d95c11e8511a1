/**
 * MAX_NUM_ORDERS / MAX_NUM_ALGO_ORDERS are enforced before sending. The sim publishes Binance's documented caps
 * (200 / 5 spot, 200 / 10 USD-M); a `fetch` wrapper lowers them in the exchangeInfo answer so a test can reach them.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BinanceSpot, BinanceUsdm } from '../../../src/exchanges/binance/index.js'
import { isTradekitError } from '../../../src/index.js'
import { BinanceSim } from '../../../src/sim/index.js'
import { Decimal, req } from './helpers.js'

/** A fetch that rewrites the MAX_NUM_* filters of exchangeInfo: both to `cap`, or each to its own. */
function cappedFetch(cap: number | { orders: number; algo: number }): typeof fetch {
  const caps = typeof cap === 'number' ? { orders: cap, algo: cap } : cap
  return async (input, init) => {
    const res = await fetch(input, init)
    if (!String(input).includes('/exchangeInfo')) return res
    const info = (await res.json()) as { symbols: Array<{ filters: Array<Record<string, unknown>> }> }
    for (const s of info.symbols) {
      for (const f of s.filters) {
        const key =
          f.filterType === 'MAX_NUM_ORDERS'
            ? 'maxNumOrders'
            : f.filterType === 'MAX_NUM_ALGO_ORDERS'
              ? 'maxNumAlgoOrders'
              : undefined
        if (key !== undefined)
          f['limit' in f ? 'limit' : key] = key === 'maxNumOrders' ? caps.orders : caps.algo
      }
    }
    return new Response(JSON.stringify(info), { status: res.status, headers: res.headers })
  }
}

describe('open-order caps before sending', () => {
  let sim: BinanceSim
  beforeEach(async () => {
    sim = await BinanceSim.start({ tickMs: 0, symbols: ['BTCUSDT'] })
  })
  afterEach(async () => {
    await sim.close()
  })

  it('spot: the order past MAX_NUM_ORDERS is refused unsent; a cancel frees the slot', async () => {
    const spot = new BinanceSpot({
      ...sim.urls.spot,
      apiKey: sim.apiKey,
      apiSecret: sim.apiSecret,
      fetch: cappedFetch(2),
    })
    try {
      const price = new Decimal(sim.midPrice('spot', 'BTCUSDT')).times('0.9').toDecimalPlaces(1)
      const limit = () => req({ type: 'LIMIT', price, timeInForce: 'GTC' })
      const a = limit()
      await spot.placeOrder(a)
      await spot.placeOrder(limit())
      const e = await spot.placeOrder(limit()).catch((x: unknown) => x)
      expect(isTradekitError(e, 'VALIDATION_FAILED')).toBe(true)
      if (isTradekitError(e, 'VALIDATION_FAILED')) expect(e.details.filter).toBe('MAX_NUM_ORDERS')
      expect(sim.ledger.openOrders('spot')).toHaveLength(2)
      await spot.cancelOrder('BTCUSDT', a.clientOrderId)
      await spot.placeOrder(limit())
      expect(sim.ledger.openOrders('spot')).toHaveLength(2)
    } finally {
      await spot.close()
    }
  })

  it('USD-M: MAX_NUM_ALGO_ORDERS caps conditional orders', async () => {
    const usdm = new BinanceUsdm({
      ...sim.urls.usdm,
      apiKey: sim.apiKey,
      apiSecret: sim.apiSecret,
      fetch: cappedFetch(1),
    })
    try {
      const trigger = new Decimal(sim.midPrice('usdm', 'BTCUSDT')).times('0.8').toDecimalPlaces(1)
      const stop = () =>
        req({ venue: 'binance-usdm', side: 'SELL', type: 'STOP_MARKET', triggerPrice: trigger })
      await usdm.placeOrder(stop())
      const e = await usdm.placeOrder(stop()).catch((x: unknown) => x)
      expect(isTradekitError(e, 'VALIDATION_FAILED')).toBe(true)
      if (isTradekitError(e, 'VALIDATION_FAILED')) expect(e.details.filter).toBe('MAX_NUM_ALGO_ORDERS')
      expect(sim.ledger.algoOrders).toHaveLength(1)
    } finally {
      await usdm.close()
    }
  })
})

/**
 * Binance USD-M common definition, filters: MAX_NUM_ALGO_ORDERS is "the maximum number of all kinds of algo orders an
 * account is allowed to have open on a symbol", and for MAX_NUM_ORDERS "both 'algo' orders and normal orders are
 * counted". The sim enforces the same rules (-4045, -2025).
 */
describe('USD-M open-order caps are per symbol, algo orders counted in MAX_NUM_ORDERS', () => {
  let sim: BinanceSim
  beforeEach(async () => {
    sim = await BinanceSim.start({ tickMs: 0, symbols: ['BTCUSDT', 'ETHUSDT'] })
  })
  afterEach(async () => {
    await sim.close()
  })
  /** Every URL the client requested. */
  let urls: string[] = []
  const client = (caps: { orders: number; algo: number }) => {
    const capped = cappedFetch(caps)
    urls = []
    const fetch: typeof globalThis.fetch = (input, init) => {
      urls.push(String(input))
      return capped(input, init)
    }
    return new BinanceUsdm({ ...sim.urls.usdm, apiKey: sim.apiKey, apiSecret: sim.apiSecret, fetch })
  }
  const usdmReq = (o: Parameters<typeof req>[0]) => req({ venue: 'binance-usdm', ...o })

  it('a protective stop on another symbol is placed while one symbol is at MAX_NUM_ALGO_ORDERS', async () => {
    const usdm = client({ orders: 200, algo: 1 })
    try {
      const btc = new Decimal(sim.midPrice('usdm', 'BTCUSDT'))
      await usdm.placeOrder(
        usdmReq({ side: 'SELL', type: 'STOP_MARKET', triggerPrice: btc.times('0.8').toDecimalPlaces(1) }),
      )
      await usdm.placeOrder(usdmReq({ symbol: 'ETHUSDT', qty: new Decimal('0.01') }))
      const eth = new Decimal(sim.midPrice('usdm', 'ETHUSDT'))
      const ethStop = usdmReq({
        symbol: 'ETHUSDT',
        side: 'SELL',
        type: 'STOP_MARKET',
        qty: new Decimal('0.01'),
        triggerPrice: eth.times('0.8').toDecimalPlaces(1),
        reduceOnly: true,
      })
      await usdm.placeOrder(ethStop)
      expect(sim.ledger.algoOrders.map((a) => [a.symbol, a.algoStatus])).toEqual([
        ['BTCUSDT', 'NEW'],
        ['ETHUSDT', 'NEW'],
      ])
      // The open algo orders are read per symbol (weight 1), never across the account.
      const reads = urls.filter((u) => u.includes('/fapi/v1/openAlgoOrders'))
      expect(reads.length).toBeGreaterThan(0)
      expect(reads.every((u) => /[?&]symbol=(BTC|ETH)USDT/.test(u))).toBe(true)
      // The symbol at its cap still refuses one more, unsent.
      const e = await usdm
        .placeOrder(
          usdmReq({ side: 'SELL', type: 'STOP_MARKET', triggerPrice: btc.times('0.7').toDecimalPlaces(1) }),
        )
        .catch((x: unknown) => x)
      expect(isTradekitError(e, 'VALIDATION_FAILED') && e.details.filter).toBe('MAX_NUM_ALGO_ORDERS')
      expect(sim.ledger.algoOrders).toHaveLength(2)
    } finally {
      await usdm.close()
    }
  })

  it('MAX_NUM_ORDERS counts the open algo orders of the symbol', async () => {
    const usdm = client({ orders: 2, algo: 10 })
    try {
      const mid = new Decimal(sim.midPrice('usdm', 'BTCUSDT'))
      const limit = () =>
        usdmReq({ type: 'LIMIT', price: mid.times('0.9').toDecimalPlaces(1), timeInForce: 'GTC' })
      await usdm.placeOrder(
        usdmReq({ side: 'SELL', type: 'STOP_MARKET', triggerPrice: mid.times('0.8').toDecimalPlaces(1) }),
      )
      await usdm.placeOrder(limit())
      for (const next of [
        limit(),
        usdmReq({ side: 'SELL', type: 'STOP_MARKET', triggerPrice: mid.times('0.7').toDecimalPlaces(1) }),
      ]) {
        const e = await usdm.placeOrder(next).catch((x: unknown) => x)
        expect(isTradekitError(e, 'VALIDATION_FAILED') && e.details.filter).toBe('MAX_NUM_ORDERS')
      }
      expect(sim.ledger.openOrders('usdm')).toHaveLength(1)
      expect(sim.ledger.algoOrders).toHaveLength(1)
      // Another symbol has its own count.
      await usdm.placeOrder(
        usdmReq({
          symbol: 'ETHUSDT',
          type: 'LIMIT',
          price: new Decimal(sim.midPrice('usdm', 'ETHUSDT')).times('0.9').toDecimalPlaces(2),
          timeInForce: 'GTC',
        }),
      )
    } finally {
      await usdm.close()
    }
  })
})

/**
 * A failed spot cancel-replace still frees the old order's slot when its cancel leg succeeded (409 -2021) or the
 * order was no longer open (-2022 with cancelResponse -2011). Layout: binance/binance-spot-api-docs rest-api.md and
 * web-socket-api.md, "Cancel an Existing Order and Send a New Order" (`data.cancelResult`, `data.cancelResponse`).
 * A stale count would make the next order re-read `GET /api/v3/openOrders` (weight 6) before it is sent.
 */
describe.each(['rest', 'ws-api'] as const)(
  'open-order count after a failed cancel-replace (%s)',
  (orderEntry) => {
    it('-2021 with the cancel done and -2022 for an order already gone free the slot', async () => {
      const sim = await BinanceSim.start({
        tickMs: 0,
        symbols: ['BTCUSDT'],
        spotBalances: { USDT: '10000', BTC: '1' },
      })
      const spot = new BinanceSpot({
        ...sim.urls.spot,
        apiKey: sim.apiKey,
        apiSecret: sim.apiSecret,
        fetch: cappedFetch(2),
        orderEntry,
      })
      const other = new BinanceSpot({ ...sim.urls.spot, apiKey: sim.apiKey, apiSecret: sim.apiSecret })
      const reads = () =>
        sim.requestLog.filter((r) => r.method === 'GET' && r.path === '/api/v3/openOrders').length
      try {
        const price = new Decimal(sim.midPrice('spot', 'BTCUSDT')).times('0.5').toDecimalPlaces(1)
        const limit = (qty = '0.01') =>
          req({ type: 'LIMIT', price, qty: new Decimal(qty), timeInForce: 'GTC' })
        const a = limit()
        const b = limit()
        await spot.placeOrder(a)
        await spot.placeOrder(b)

        // The replacement needs far more USDT than the account holds: cancel done, new order -2010.
        const partial = await spot.cancelReplaceOrder(a.clientOrderId, limit('0.9')).catch((x: unknown) => x)
        expect(isTradekitError(partial, 'ORDER_REJECTED') && partial.venueCode).toBe(-2021)
        if (isTradekitError(partial, 'ORDER_REJECTED'))
          expect(partial.details.data).toMatchObject({ cancelResult: 'SUCCESS', newOrderResult: 'FAILURE' })
        expect(sim.ledger.openOrders('spot').map((o) => o.clientOrderId)).toEqual([b.clientOrderId])
        const before = reads()
        const c = limit()
        await spot.placeOrder(c)
        expect(reads()).toBe(before) // counted 1 + 1 ≤ 2: no re-read

        // b is cancelled behind the adapter's back; the cancel-replace answers -2022 with cancelResponse -2011.
        await other.cancelOrder('BTCUSDT', b.clientOrderId)
        const failed = await spot.cancelReplaceOrder(b.clientOrderId, limit()).catch((x: unknown) => x)
        expect(isTradekitError(failed, 'ORDER_REJECTED') && failed.venueCode).toBe(-2022)
        await spot.placeOrder(limit())
        expect(reads()).toBe(before)
        expect(sim.ledger.openOrders('spot')).toHaveLength(2)
      } finally {
        await spot.close()
        await other.close()
        await sim.close()
      }
    })
  },
)
