/**
 * OrderExecutor on the loopback BinanceSim: a fill the user-data stream loses WITHOUT a reconnect (a dropped message)
 * is found by the periodic reconciliation (default interval, on the executor's manual clock) and booked once.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ManualClock } from '../../../src/core/clock.js'
import type { Fill } from '../../../src/core/types.js'
import { Decimal } from '../../../src/decimal/index.js'
import { BinanceSpot } from '../../../src/exchanges/binance/index.js'
import { OrderExecutor, Portfolio } from '../../../src/execution/index.js'
import { BinanceSim } from '../../../src/sim/binance/index.js'
import { waitFor } from '../../helpers/waitFor.js'

let sim: BinanceSim
let spot: BinanceSpot
let exec: OrderExecutor
let clock: ManualClock

beforeEach(async () => {
  sim = await BinanceSim.start({ tickMs: 0 })
  spot = new BinanceSpot({ ...sim.urls.spot, apiKey: 'sim-api-key', apiSecret: 'sim-api-secret' })
  clock = new ManualClock(Date.now())
  // The default reconcileIntervalMs (30 s): lost fills are found within a minute without any option set.
  exec = new OrderExecutor({ adapter: spot, clock, requestTimeoutMs: 5_000 })
  exec.events.on('error', () => {})
  await exec.start()
})

afterEach(async () => {
  await exec.shutdown({ cancelOpenOrders: false, timeoutMs: 2_000 })
  await spot.close()
  await sim.close()
})

describe('OrderExecutor periodic reconciliation on BinanceSim', () => {
  it('a fill whose stream events were dropped (no reconnect) is booked once after one interval', async () => {
    const inst = await spot.instrument('BTCUSDT')
    const portfolio = new Portfolio({ balances: { USDT: '100000' }, instruments: [inst] })
    portfolio.attach(exec)
    const booked: Fill[] = []
    exec.events.on('order.filled', (e) => booked.push(...e.fills))
    const mid = new Decimal(sim.midPrice('spot', 'BTCUSDT'))
    const o = await exec.submit({
      clientOrderId: `pr-${Date.now().toString(36)}`,
      venue: spot.venue,
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      timeInForce: 'GTC',
      qty: new Decimal('0.01'),
      price: mid.toDecimalPlaces(inst.tickSize.decimalPlaces(), Decimal.ROUND_DOWN),
      strategyId: 'it',
    })
    await waitFor(() => exec.order(o.clientOrderId)?.status === 'OPEN')
    // Every user-data event of the fill is lost; the socket stays up, so no reconnect reconciles it.
    sim.faults.dropUserEvents(10_000)
    const atVenue = () => sim.ledger.orders.find((x) => x.clientOrderId === o.clientOrderId)
    for (let i = 0; i < 5_000 && atVenue()?.status !== 'FILLED'; i++) sim.step()
    expect(atVenue()?.status).toBe('FILLED')
    sim.faults.reset()
    let passes = 0
    exec.events.on('orders.reconciled', () => passes++)
    expect(exec.order(o.clientOrderId)?.status).toBe('OPEN')
    expect(portfolio.positionQty(spot.venue, 'BTCUSDT').toString()).toBe('0')
    clock.advance(30_000)
    await waitFor(() => passes === 1, 10_000, 'a periodic reconciliation')
    await waitFor(() => exec.order(o.clientOrderId)?.status === 'FILLED', 10_000, 'order FILLED')
    // Booked with the venue's trades: 0.01 BTC bought, less the commission the venue took in BTC.
    const feesInBtc = booked
      .filter((f) => f.feeAsset === 'BTC')
      .reduce((s, f) => s.plus(f.fee), new Decimal(0))
    const held = new Decimal('0.01').minus(feesInBtc).toString()
    expect(portfolio.positionQty(spot.venue, 'BTCUSDT').toString()).toBe(held)
    // Another interval: the fill is not booked again.
    clock.advance(30_000)
    await waitFor(() => passes === 2, 10_000, 'a second periodic reconciliation')
    expect(portfolio.positionQty(spot.venue, 'BTCUSDT').toString()).toBe(held)
    expect(booked.reduce((s, f) => s.plus(f.qty), new Decimal(0)).toString()).toBe('0.01')
    expect(new Set(booked.map((f) => f.tradeId)).size).toBe(booked.length)
    expect(booked.every((f) => !f.tradeId.startsWith('reconcile:'))).toBe(true)
  })
})
