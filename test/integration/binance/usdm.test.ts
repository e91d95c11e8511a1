import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { OrderExecutor } from '../../../src/execution/index.js'
import type { Fill, Order, Position } from '../../../src/index.js'
import { Decimal, type Harness, harness, req, stepUntil, waitFor } from './helpers.js'

const fut = (o: Parameters<typeof req>[0] = {}) =>
  req({ venue: 'binance-usdm', qty: new Decimal('0.01'), ...o })

describe('BinanceUsdm against BinanceSim', () => {
  let h: Harness
  beforeEach(async () => {
    h = await harness()
  })
  afterEach(async () => {
    await h.close()
  })

  it('mark price, leverage brackets, leverage validated before sending', async () => {
    const { usdm, sim } = h
    const mp = await usdm.markPrice('BTCUSDT')
    expect(mp.markPrice.gt(0)).toBe(true)
    expect(mp.fundingRate.toString()).toBe('0.0001')
    const brackets = await usdm.leverageBrackets('BTCUSDT')
    expect(brackets[0]?.initialLeverage).toBe(125)
    expect(await usdm.maxLeverageFor('BTCUSDT', 100_000)).toBe(100)
    const before = sim.requestLog.length
    await expect(usdm.setLeverage('BTCUSDT', 200)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      field: 'leverage',
    })
    await expect(usdm.setLeverage('BTCUSDT', 2.5)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' })
    expect(sim.requestLog.length).toBe(before)
    expect(await usdm.setLeverage('BTCUSDT', 10)).toBe(10)
    const inst = await usdm.instrument('BTCUSDT')
    expect(inst).toMatchObject({ kind: 'perpetual', venue: 'binance-usdm' })
    expect(inst.minPrice?.toString()).toBe('556.8')
    expect(inst.maxLeverage).toBe(125)
  })

  it('orders -> ORDER_TRADE_UPDATE fills, ACCOUNT_UPDATE positions, matching the ledger', async () => {
    const { usdm, sim } = h
    const updates: Order[] = []
    const fills: Fill[] = []
    const positions: Position[][] = []
    usdm.events.on('order.updated', (e) => updates.push(e.order))
    usdm.events.on('fill', (e) => fills.push(e.fill))
    usdm.events.on('position.updated', (e) => positions.push([...e.positions]))
    await usdm.startUserData()
    expect(usdm.listenKey).toBeDefined()
    const buy = fut({ qty: new Decimal('0.05') })
    const ack = await usdm.placeOrder(buy)
    expect(ack.order.status).toBe('FILLED')
    await waitFor(
      () => updates.some((u) => u.clientOrderId === buy.clientOrderId && u.status === 'FILLED'),
      5000,
      'fill update',
    )
    await waitFor(() => positions.some((p) => p[0]?.qty.toString() === '0.05'), 5000, 'position update')
    expect(
      fills
        .filter((f) => f.clientOrderId === buy.clientOrderId)
        .reduce((s, f) => s.plus(f.qty), new Decimal(0))
        .toString(),
    ).toBe('0.05')
    const pos = await usdm.positions()
    expect(pos[0]?.qty.toString()).toBe(sim.ledger.position('BTCUSDT').qty)
    expect(pos[0]?.leverage).toBe(20)
    const bal = await usdm.balances()
    expect(bal[0]?.asset).toBe('USDT')

    // Reduce-only close.
    const close = fut({ side: 'SELL', qty: new Decimal('0.05'), reduceOnly: true })
    await usdm.placeOrder(close)
    expect(sim.ledger.position('BTCUSDT').qty).toBe('0')
    await expect(usdm.placeOrder(fut({ side: 'SELL', reduceOnly: true }))).rejects.toMatchObject({
      code: 'ORDER_REJECTED',
    })

    // Resting limit, GTX post-only refused when crossing, cancel.
    const mid = new Decimal(sim.midPrice('usdm', 'BTCUSDT'))
    const lim = fut({ type: 'LIMIT', price: mid.minus(500), timeInForce: 'GTC' })
    expect((await usdm.placeOrder(lim)).order.status).toBe('OPEN')
    await expect(
      usdm.placeOrder(fut({ type: 'LIMIT', price: mid.plus(20), timeInForce: 'POST_ONLY' })),
    ).rejects.toMatchObject({ code: 'ORDER_REJECTED', venueCode: -5022 })
    expect((await usdm.cancelOrder('BTCUSDT', lim.clientOrderId)).status).toBe('CANCELED')
    expect(await usdm.queryOrder('BTCUSDT', 'nope')).toBeUndefined()
    expect(h.errors).toEqual([])
  })

  it('orderFills returns the venue record of an order with the stream trade ids and real commissions', async () => {
    const { usdm, spot, sim } = h
    const fills: Fill[] = []
    spot.events.on('fill', (e) => fills.push(e.fill))
    await spot.startUserData()
    const buy = req({ qty: new Decimal('0.0317') })
    const ack = await spot.placeOrder(buy)
    const spotFills = await spot.orderFills('BTCUSDT', buy.clientOrderId)
    expect(spotFills.length).toBeGreaterThan(0)
    expect(spotFills.map((f) => [f.tradeId, f.qty.toFixed(), f.fee.toFixed(), f.feeAsset])).toEqual(
      ack.fills.map((f) => [f.tradeId, f.qty.toFixed(), f.fee.toFixed(), f.feeAsset]),
    )
    await waitFor(() => fills.length >= spotFills.length, 5000, 'stream fills')
    expect(fills.map((f) => f.tradeId)).toEqual(spotFills.map((f) => f.tradeId))
    const perp = fut({ qty: new Decimal('0.013') })
    await usdm.placeOrder(perp)
    const perpFills = await usdm.orderFills('BTCUSDT', perp.clientOrderId)
    const fee = perpFills.reduce((a, f) => a.plus(f.fee), new Decimal(0))
    expect(perpFills.reduce((a, f) => a.plus(f.qty), new Decimal(0)).toFixed()).toBe('0.013')
    expect(fee.gt(0)).toBe(true)
    // The wallet moved by exactly the commissions reported.
    expect(new Decimal(sim.ledger.futuresWallet()).toFixed()).toBe(new Decimal(100_000).minus(fee).toFixed())
    expect(await usdm.orderFills('BTCUSDT', 'unknown-id')).toEqual([])
  })

  it('orderFills reads an order filled 8 days ago (userTrades answers the last 7 days unless given a span)', async () => {
    const { usdm, sim } = h
    const DAY = 86_400_000
    sim.faults.clockSkew(-8 * DAY)
    await usdm.serverTime() // the client signs on the venue's clock
    const old = fut({ qty: new Decimal('0.02') })
    const ack = await usdm.placeOrder(old)
    expect(ack.order.status).toBe('FILLED')
    sim.faults.clockSkew(0)
    await usdm.serverTime()
    const fills = await usdm.orderFills('BTCUSDT', old.clientOrderId)
    expect(fills.reduce((a, f) => a.plus(f.qty), new Decimal(0)).toFixed()).toBe('0.02')
    expect(fills.every((f) => f.tsEvent < Date.now() - 7 * DAY)).toBe(true)
    // One span (the order is younger than a week as of its creation): one request.
    const asked = sim.requestLog.filter((r) => r.path === '/fapi/v1/userTrades')
    expect(asked.length).toBe(1)
    expect(h.errors).toEqual([])
  })

  it('orderFills reads an order resting for 20 days span by span: its first fills, the week they were made', async () => {
    const { usdm, sim } = h
    const DAY = 86_400_000
    const mid = new Decimal(sim.midPrice('usdm', 'BTCUSDT'))
    sim.faults.clockSkew(-20 * DAY)
    await usdm.serverTime()
    // Crosses a few levels, then rests: partly filled 20 days ago.
    const old = fut({ type: 'LIMIT', price: mid.plus(5), timeInForce: 'GTC', qty: new Decimal('30') })
    const ack = await usdm.placeOrder(old)
    expect(ack.order.status).toBe('PARTIALLY_FILLED')
    sim.faults.clockSkew(0)
    await usdm.serverTime()
    const canceled = await usdm.cancelOrder('BTCUSDT', old.clientOrderId) // its last update: now
    const before = sim.requestLog.filter((r) => r.path === '/fapi/v1/userTrades').length
    const fills = await usdm.orderFills('BTCUSDT', old.clientOrderId)
    expect(fills.reduce((a, f) => a.plus(f.qty), new Decimal(0)).toFixed()).toBe(canceled.filledQty.toFixed())
    expect(fills.every((f) => f.tsEvent < Date.now() - 19 * DAY)).toBe(true)
    // Three spans of at most 7 days (the sim refuses a longer one), the most recent first.
    expect(sim.requestLog.filter((r) => r.path === '/fapi/v1/userTrades').length - before).toBe(3)
    expect(h.errors).toEqual([])
  })

  it('conditional orders go through the algo endpoints, with ALGO_UPDATE events', async () => {
    const { usdm, sim } = h
    const updates: Order[] = []
    const fills: Fill[] = []
    usdm.events.on('order.updated', (e) => updates.push(e.order))
    usdm.events.on('fill', (e) => fills.push(e.fill))
    await usdm.startUserData()
    await usdm.placeOrder(fut({ qty: new Decimal('0.02') }))
    const mid = new Decimal(sim.midPrice('usdm', 'BTCUSDT'))
    // A far stop to cancel, and a close one that triggers.
    const far = fut({ type: 'STOP_MARKET', side: 'SELL', triggerPrice: mid.minus(5000), reduceOnly: true })
    const farAck = await usdm.placeOrder(far)
    expect(farAck.venueOrderId).toMatch(/^algo:/)
    expect(sim.requestLog.some((r) => r.path === '/fapi/v1/algoOrder' && r.method === 'POST')).toBe(true)
    expect((await usdm.openOrders('BTCUSDT')).map((o) => o.clientOrderId)).toContain(far.clientOrderId)
    const canceled = await usdm.cancelOrder('BTCUSDT', far.clientOrderId)
    expect(canceled.status).toBe('CANCELED')
    await waitFor(
      () => updates.some((u) => u.clientOrderId === far.clientOrderId && u.status === 'CANCELED'),
      5000,
      'algo cancel event',
    )

    const stop = fut({
      type: 'STOP_MARKET',
      side: 'SELL',
      qty: new Decimal('0.02'),
      triggerPrice: mid.minus(1),
      reduceOnly: true,
    })
    await usdm.placeOrder(stop)
    await waitFor(
      () => updates.some((u) => u.clientOrderId === stop.clientOrderId && u.status === 'OPEN'),
      5000,
      'algo NEW event',
    )
    await stepUntil(
      sim,
      () => updates.some((u) => u.clientOrderId === stop.clientOrderId && u.status === 'FILLED'),
      20_000,
      'stop triggered and filled',
    )
    expect(fills.some((f) => f.clientOrderId === stop.clientOrderId)).toBe(true)
    expect(sim.ledger.position('BTCUSDT').qty).toBe('0')
    expect(sim.ledger.algoOrders.find((a) => a.clientAlgoId === stop.clientOrderId)?.algoStatus).toBe(
      'FINISHED',
    )

    // Trailing stop: callback rate from trailingPercent.
    const trail = fut({
      type: 'TRAILING_STOP_MARKET',
      side: 'SELL',
      trailingPercent: new Decimal('1'),
      qty: new Decimal('0.01'),
    })
    await usdm.placeOrder(trail)
    expect(
      sim.ledger.algoOrders.find((a) => a.clientAlgoId === trail.clientOrderId)?.callbackRate?.toString(),
    ).toBe('1')
    await usdm.cancelAllOrders('BTCUSDT')
    expect(sim.ledger.algoOrders.filter((a) => a.algoStatus === 'NEW')).toHaveLength(0)
  })

  it('a triggered stop reports each trade once, under the stop client id, matching the ledger', async () => {
    const { usdm, sim } = h
    const updates: Order[] = []
    const fills: Fill[] = []
    usdm.events.on('order.updated', (e) => updates.push(e.order))
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
    await stepUntil(
      sim,
      () => updates.some((u) => u.clientOrderId === stop.clientOrderId && u.status === 'FILLED'),
      20_000,
      'stop triggered and filled',
    )
    // Let any late frame arrive before counting.
    await new Promise((r) => setTimeout(r, 300))
    const sells = fills.filter((f) => f.side === 'SELL')
    const keys = sells.map((f) => `${f.clientOrderId} trade=${f.tradeId}`)
    expect(new Set(sells.map((f) => f.tradeId)).size).toBe(sells.length)
    expect(
      sells.every((f) => f.clientOrderId === stop.clientOrderId),
      keys.join(', '),
    ).toBe(true)
    expect(sells.reduce((s, f) => s.plus(f.qty), new Decimal(0)).toString()).toBe('0.02')
    expect(sim.ledger.position('BTCUSDT').qty).toBe('0')
    // Every update of the triggered order went out under the stop's client id.
    expect(updates.some((u) => u.clientOrderId.startsWith('algo-'))).toBe(false)
    expect(h.errors).toEqual([])
  })

  it('a dust position below MIN_NOTIONAL closes with a reduce-only order; a plain one is still refused', async () => {
    const { usdm, sim } = h
    await usdm.placeOrder(fut({ qty: new Decimal('0.003') }))
    const mid = new Decimal(sim.midPrice('usdm', 'BTCUSDT'))
    // Close 0.001 of it (notional ~50 < MIN_NOTIONAL 100): only reduce-only may go under the minimum.
    const before = sim.requestLog.length
    await expect(
      usdm.placeOrder(fut({ side: 'SELL', qty: new Decimal('0.001') }), { referencePrice: mid }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: { filter: 'MIN_NOTIONAL' } })
    expect(sim.requestLog.length).toBe(before)
    const lim = fut({
      type: 'LIMIT',
      side: 'SELL',
      qty: new Decimal('0.001'),
      price: mid.minus(100),
      timeInForce: 'GTC',
      reduceOnly: true,
    })
    expect((await usdm.placeOrder(lim)).order.status).toBe('FILLED')
    expect(sim.ledger.position('BTCUSDT').qty).toBe('0.002')
    const mkt = fut({ side: 'SELL', qty: new Decimal('0.002'), reduceOnly: true })
    expect((await usdm.placeOrder(mkt, { referencePrice: mid })).order.status).toBe('FILLED')
    expect(sim.ledger.position('BTCUSDT').qty).toBe('0')
  })

  it('listenKeyExpired renews the key and reconnects; updates keep flowing', async () => {
    const { usdm, sim } = h
    let reconnected = 0
    const updates: Order[] = []
    usdm.events.on('user.reconnected', () => reconnected++)
    usdm.events.on('order.updated', (e) => updates.push(e.order))
    await usdm.startUserData()
    const first = usdm.listenKey
    sim.faults.expireListenKeys()
    await waitFor(() => reconnected > 0, 10_000, 'reconnect after expiry')
    expect(usdm.listenKey).toBeDefined()
    expect(usdm.listenKey).not.toBe(first)
    const o = fut()
    await usdm.placeOrder(o)
    await waitFor(
      () => updates.some((u) => u.clientOrderId === o.clientOrderId && u.status === 'FILLED'),
      5000,
      'update after renewal',
    )
  })

  it('lost ORDER_TRADE_UPDATEs: the adapter announces user.reconnected, the OrderExecutor recovers them over REST', async () => {
    const { usdm, sim } = h
    const updates: Order[] = []
    const positions: Position[][] = []
    let reconnected = 0
    usdm.events.on('order.updated', (e) => updates.push(e.order))
    usdm.events.on('user.reconnected', () => reconnected++)
    // The adapter only translates; the OrderExecutor is the one reconciler.
    const exec = new OrderExecutor({ adapter: usdm, queryIntervalMs: 50 })
    exec.events.on('account.updated', (e) => {
      if (e.positions !== undefined) positions.push([...e.positions])
    })
    await exec.start()
    const mid = new Decimal(sim.midPrice('usdm', 'BTCUSDT'))
    const r = fut({ type: 'LIMIT', price: mid.minus(1), timeInForce: 'GTC' })
    await exec.submit({ ...r, strategyId: 'it' })
    sim.faults.dropUserEvents(1000)
    await stepUntil(
      sim,
      () => sim.ledger.orders.find((o) => o.clientOrderId === r.clientOrderId)?.status === 'FILLED',
      15_000,
      'fill at venue',
    )
    expect(updates.some((u) => u.clientOrderId === r.clientOrderId && u.status === 'FILLED')).toBe(false)
    sim.faults.reset()
    sim.faults.closeStreams({ mode: 'abrupt' })
    await waitFor(() => reconnected > 0, 10_000, 'reconnect')
    await waitFor(() => exec.order(r.clientOrderId)?.status === 'FILLED', 10_000, 'reconciled fill')
    await waitFor(() => positions.some((p) => p[0]?.qty.toString() === '0.01'), 10_000, 'reconciled position')
    // The adapter itself re-queried nothing: no FILLED update came from it.
    expect(updates.some((u) => u.clientOrderId === r.clientOrderId && u.status === 'FILLED')).toBe(false)
    await exec.shutdown({ timeoutMs: 1000, cancelOpenOrders: false })
  })
})
