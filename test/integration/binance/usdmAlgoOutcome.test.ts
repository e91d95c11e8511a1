/**
 * A triggered USD-M algo order's outcome is its actual order's. Binance (Event Algo Order Update, "Algo Status"):
 * "FINISHED: This status shows that the triggered conditional order has been filled or canceled in the matching
 * engine", and Query Algo Order carries `actualOrderId` but no executed quantity. So `queryOrder` and `orderFills` of
 * a triggered algo order read the order it placed (`GET /fapi/v1/order`, `/fapi/v1/userTrades` by its id).
 * Cancel Algo Order (trade/rest-api/Cancel-Algo-Order) cancels "an active algo order": once TRIGGERED its order
 * rests in the matching engine, so `cancelOrder` of the stop cancels that order (`DELETE /fapi/v1/order` by id).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BinanceUsdm } from '../../../src/exchanges/binance/index.js'
import type { Fill, Order } from '../../../src/index.js'
import { Decimal, type Harness, harness, req, stepUntil, waitFor } from './helpers.js'

const fut = (o: Parameters<typeof req>[0] = {}) =>
  req({ venue: 'binance-usdm', qty: new Decimal('0.01'), ...o })

describe('a triggered USD-M algo order is read through the order it placed', () => {
  let h: Harness
  beforeEach(async () => {
    h = await harness()
  })
  afterEach(async () => {
    await h.close()
  })

  it('a FINISHED stop whose order was canceled reads CANCELED with nothing filled, never FILLED', async () => {
    const { usdm, sim } = h
    const mid = new Decimal(sim.midPrice('usdm', 'BTCUSDT'))
    // A stop-limit that triggers near the market and rests far above it: it never fills.
    const stop = fut({
      type: 'STOP_LIMIT',
      side: 'SELL',
      triggerPrice: mid.minus(1),
      price: mid.plus(2000),
      timeInForce: 'GTC',
    })
    const ack = await usdm.placeOrder(stop)
    const algo = () => sim.ledger.algoOrders.find((a) => a.clientAlgoId === stop.clientOrderId)
    await stepUntil(sim, () => algo()?.algoStatus === 'TRIGGERED', 20_000, 'stop triggered')
    const actualId = algo()?.actualOrderId
    expect(actualId).toBeDefined()
    const triggered = await usdm.queryOrder('BTCUSDT', stop.clientOrderId)
    expect(triggered).toMatchObject({ status: 'OPEN', venueOrderId: String(actualId) })

    // The order it placed is canceled (here by its own client id): the algo order is FINISHED.
    const own = sim.ledger.orders.find((o) => o.orderId === actualId)
    await usdm.cancelOrder('BTCUSDT', own?.clientOrderId as string)
    expect(algo()?.algoStatus).toBe('FINISHED')

    const o = await usdm.queryOrder('BTCUSDT', stop.clientOrderId)
    expect(o).toMatchObject({
      clientOrderId: stop.clientOrderId,
      status: 'CANCELED',
      venueOrderId: String(actualId),
    })
    expect(o?.filledQty.toFixed()).toBe('0')
    expect(ack.venueOrderId).toMatch(/^algo:/)
    expect(await usdm.orderFills('BTCUSDT', stop.clientOrderId)).toEqual([])
    expect(sim.ledger.position('BTCUSDT').qty).toBe('0')
  })

  it('a FINISHED stop whose order filled reads its fills: quantity, price and the stream trade ids', async () => {
    const { usdm, sim } = h
    const fills: Fill[] = []
    usdm.events.on('fill', (e) => fills.push(e.fill))
    await usdm.startUserData()
    await usdm.placeOrder(fut({ qty: new Decimal('0.02') }))
    const mid = new Decimal(sim.midPrice('usdm', 'BTCUSDT'))
    const stop = fut({
      type: 'STOP_MARKET',
      side: 'SELL',
      qty: new Decimal('0.02'),
      triggerPrice: mid.minus(1),
      reduceOnly: true,
    })
    await usdm.placeOrder(stop)
    const algo = () => sim.ledger.algoOrders.find((a) => a.clientAlgoId === stop.clientOrderId)
    await stepUntil(sim, () => algo()?.algoStatus === 'FINISHED', 20_000, 'stop triggered and filled')
    const actual = sim.ledger.orders.find((o) => o.orderId === algo()?.actualOrderId)
    const o = await usdm.queryOrder('BTCUSDT', stop.clientOrderId)
    expect(o).toMatchObject({
      clientOrderId: stop.clientOrderId,
      status: 'FILLED',
      venueOrderId: String(actual?.orderId),
    })
    expect(o?.filledQty.toFixed()).toBe(actual?.executedQty.toFixed())
    expect(o?.avgFillPrice?.toFixed()).toBe(actual?.cumQuote.div(actual.executedQty).toFixed())

    const venue = await usdm.orderFills('BTCUSDT', stop.clientOrderId)
    expect(venue.reduce((s, f) => s.plus(f.qty), new Decimal(0)).toFixed()).toBe('0.02')
    expect(venue.every((f) => f.clientOrderId === stop.clientOrderId && f.fee.gt(0))).toBe(true)
    const streamed = () => fills.filter((f) => f.clientOrderId === stop.clientOrderId)
    await waitFor(() => streamed().length >= venue.length, 5000, 'stream fills of the stop')
    expect(venue.map((f) => f.tradeId)).toEqual(streamed().map((f) => f.tradeId))
    expect(h.errors).toEqual([])
  })

  it('cancelOrder of a TRIGGERED stop-limit cancels the order resting at the venue, under the stop id', async () => {
    const { usdm, sim } = h
    const updates: Order[] = []
    usdm.events.on('order.updated', (e) => updates.push(e.order))
    await usdm.startUserData()
    const mid = new Decimal(sim.midPrice('usdm', 'BTCUSDT'))
    const stopAt = () =>
      fut({
        type: 'STOP_LIMIT',
        side: 'SELL',
        triggerPrice: mid.minus(1),
        price: mid.plus(2000),
        timeInForce: 'GTC',
      })
    const stop = stopAt()
    await usdm.placeOrder(stop)
    const algo = (cid: string) => sim.ledger.algoOrders.find((a) => a.clientAlgoId === cid)
    await stepUntil(sim, () => algo(stop.clientOrderId)?.algoStatus === 'TRIGGERED', 20_000, 'stop triggered')
    const actualId = algo(stop.clientOrderId)?.actualOrderId
    const resting = () => sim.ledger.orders.find((o) => o.orderId === actualId)
    expect(resting()?.status).toBe('NEW')

    const o = await usdm.cancelOrder('BTCUSDT', stop.clientOrderId)
    expect(o).toMatchObject({
      clientOrderId: stop.clientOrderId,
      status: 'CANCELED',
      venueOrderId: String(actualId),
    })
    expect(resting()?.status).toBe('CANCELED')
    expect(algo(stop.clientOrderId)?.algoStatus).toBe('FINISHED')
    expect(sim.ledger.openOrders('usdm', sim.apiKey)).toEqual([])
    await waitFor(
      () => updates.some((u) => u.clientOrderId === stop.clientOrderId && u.status === 'CANCELED'),
      5000,
      'the stream reports the cancel under the stop id',
    )
    // Once FINISHED there is nothing left to cancel: the venue's refusal stands, as for a regular order.
    await expect(usdm.cancelOrder('BTCUSDT', stop.clientOrderId)).rejects.toMatchObject({ venueCode: -2011 })

    // A client that did not place the stop (a restart) finds it through the algo endpoints and cancels it too.
    const other = stopAt()
    await usdm.placeOrder(other)
    await stepUntil(sim, () => algo(other.clientOrderId)?.algoStatus === 'TRIGGERED', 20_000, 'second stop')
    const fresh = new BinanceUsdm({
      ...sim.urls.usdm,
      apiKey: sim.apiKey,
      apiSecret: sim.apiSecret,
      timeoutMs: 3000,
    })
    try {
      const c = await fresh.cancelOrder('BTCUSDT', other.clientOrderId)
      expect(c).toMatchObject({ clientOrderId: other.clientOrderId, status: 'CANCELED' })
      expect(sim.ledger.openOrders('usdm', sim.apiKey)).toEqual([])
    } finally {
      await fresh.close()
    }
    expect(h.errors).toEqual([])
  })
})
