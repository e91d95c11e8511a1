/**
 * OrderExecutor and OrderGroup against the loopback BinanceSim through the real BinanceSpot adapter: a lost
 * response is resolved by query and never doubled; a reconnect triggers reconciliation; a two-leg group whose second
 * leg is rejected unwinds the first.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { OrderIntent } from '../../../src/core/ports.js'
import type { Order } from '../../../src/core/types.js'
import { Decimal } from '../../../src/decimal/index.js'
import { BinanceSpot } from '../../../src/exchanges/binance/index.js'
import { OrderExecutor, OrderGroup, PaperTrader } from '../../../src/execution/index.js'
import { RiskManager } from '../../../src/risk/index.js'
import { BinanceSim } from '../../../src/sim/binance/index.js'
import { waitFor } from '../../helpers/waitFor.js'

let sim: BinanceSim
let spot: BinanceSpot
let exec: OrderExecutor

beforeEach(async () => {
  sim = await BinanceSim.start({ tickMs: 0 })
  spot = new BinanceSpot({
    ...sim.urls.spot,
    apiKey: 'sim-api-key',
    apiSecret: 'sim-api-secret',
    reconnectBaseMs: 300,
    reconnectMaxMs: 600,
  })
  exec = new OrderExecutor({ adapter: spot, queryIntervalMs: 50, queryAttempts: 5, requestTimeoutMs: 5_000 })
  exec.events.on('error', () => {})
  await exec.start()
})

afterEach(async () => {
  await exec.shutdown({ cancelOpenOrders: false, timeoutMs: 2_000 })
  await spot.close()
  await sim.close()
})

let n = 0
const cid = () => `it-${Date.now().toString(36)}-${++n}`

const marketBuy = (symbol: string, qty: string): OrderIntent => ({
  clientOrderId: cid(),
  venue: spot.venue,
  symbol,
  side: 'BUY',
  type: 'MARKET',
  qty: new Decimal(qty),
  strategyId: 'it',
})

describe('OrderExecutor on BinanceSim', () => {
  it('a lost response (5xx after execution) is resolved by query and the order is never doubled', async () => {
    sim.faults.serverError({ afterExecute: true, path: '/api/v3/order', status: 503 })
    const unknown: string[] = []
    exec.events.on('order.outcomeUnresolved', (e) => unknown.push(e.order.clientOrderId))
    const intent = marketBuy('BTCUSDT', '0.01')
    const o = await exec.submit(intent)
    await waitFor(() => exec.order(o.clientOrderId)?.status === 'FILLED')
    const at = sim.ledger.orders.filter((x) => x.clientOrderId === intent.clientOrderId)
    expect(at).toHaveLength(1)
    expect(at[0]?.status).toBe('FILLED')
    expect(exec.order(o.clientOrderId)?.filledQty.toString()).toBe('0.01')
    expect(unknown).toEqual([intent.clientOrderId])
  })

  it('after the user stream reconnects, state missed meanwhile is reconciled over REST', async () => {
    const mid = new Decimal(sim.midPrice('spot', 'BTCUSDT'))
    const inst = await spot.instrument('BTCUSDT')
    const price = mid.times('0.9').toDecimalPlaces(inst.tickSize.decimalPlaces(), Decimal.ROUND_DOWN)
    const o = await exec.submit({
      clientOrderId: cid(),
      venue: spot.venue,
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      timeInForce: 'GTC',
      qty: new Decimal('0.01'),
      price,
      strategyId: 'it',
    })
    await waitFor(() => exec.order(o.clientOrderId)?.status === 'OPEN')
    const reconciled = new Promise<void>((r) => exec.events.once('orders.reconciled', () => r()))
    // The private stream drops; while it is down the order is cancelled from another session on the same
    // account, so this executor is not told.
    sim.faults.closeStreams({ mode: 'abrupt' })
    const other = new BinanceSpot({ ...sim.urls.spot, apiKey: 'sim-api-key', apiSecret: 'sim-api-secret' })
    await other.cancelOrder('BTCUSDT', o.clientOrderId)
    await other.close()
    await reconciled
    await waitFor(() => exec.order(o.clientOrderId)?.status === 'CANCELED')
    expect(exec.openOrders()).toHaveLength(0)
  })

  it('a fill made while the user stream is down is recovered once, with its trade id and commission', async () => {
    const inst = await spot.instrument('BTCUSDT')
    const mid = new Decimal(sim.midPrice('spot', 'BTCUSDT'))
    const price = mid.toDecimalPlaces(inst.tickSize.decimalPlaces(), Decimal.ROUND_DOWN)
    const fills: Array<{ tradeId: string; qty: string; fee: string }> = []
    const o = await exec.submit({
      clientOrderId: cid(),
      venue: spot.venue,
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      timeInForce: 'GTC',
      qty: new Decimal('0.01'),
      price,
      strategyId: 'it',
    })
    exec.events.on('order.filled', (e) => {
      if (e.order.clientOrderId === o.clientOrderId)
        for (const f of e.fills)
          fills.push({ tradeId: f.tradeId, qty: f.qty.toString(), fee: f.fee.toString() })
    })
    await waitFor(() => exec.order(o.clientOrderId)?.status === 'OPEN')
    // The stream drops; while it is down the market moves through the order's price and fills it.
    sim.faults.closeStreams({ mode: 'abrupt' })
    const atVenue = () => sim.ledger.orders.find((x) => x.clientOrderId === o.clientOrderId)
    for (let i = 0; i < 5_000 && atVenue()?.status !== 'FILLED'; i++) sim.step()
    expect(atVenue()?.status).toBe('FILLED')
    await waitFor(() => exec.order(o.clientOrderId)?.status === 'FILLED')
    await new Promise((r) => setTimeout(r, 300)) // any duplicate would arrive now
    expect(new Set(fills.map((f) => f.tradeId)).size).toBe(fills.length)
    expect(fills.every((f) => !f.tradeId.startsWith('reconcile:') && new Decimal(f.fee).gt(0))).toBe(true)
    expect(fills.reduce((s, f) => s.plus(f.qty), new Decimal(0)).toString()).toBe('0.01')
    expect(exec.order(o.clientOrderId)?.filledQty.toString()).toBe('0.01')
  })

  it('a two-leg group whose second leg is rejected unwinds the first', async () => {
    const btc = await spot.instrument('BTCUSDT')
    const group = new OrderGroup({
      client: exec,
      instruments: [btc],
      maxUnwindSlippageBps: 300,
      legTimeoutMs: 5_000,
    })
    // 100 000 ETH is far beyond the account's USDT: the venue rejects it.
    const out = await group.execute([marketBuy('BTCUSDT', '0.01'), marketBuy('ETHUSDT', '100000')])
    expect(out.legs.map((l) => l.fate)).toEqual(['UNWOUND', expect.stringMatching(/REJECTED|SUBMIT_FAILED/)])
    expect(out.status).toBe('UNWOUND')
    const unwind = out.legs[0]?.unwindOrder as Order
    expect(unwind.side).toBe('SELL')
    const atVenue = sim.ledger.orders.find((x) => x.clientOrderId === unwind.clientOrderId)
    expect(atVenue?.status).toBe('FILLED')
    expect(atVenue?.executedQty.toString()).toBe('0.01')
  })

  it('the RiskManager kill switch cancels every open order on the venue and on paper', async () => {
    const inst = await spot.instrument('BTCUSDT')
    const paper = new PaperTrader({ instruments: [inst], balances: { USDT: '100000' } })
    paper.onBook(await spot.depth('BTCUSDT', 20))
    const risk = new RiskManager()
    risk.registerExecutor(exec)
    risk.registerExecutor(paper)
    const mid = new Decimal(sim.midPrice('spot', 'BTCUSDT'))
    const price = mid.times('0.9').toDecimalPlaces(inst.tickSize.decimalPlaces(), Decimal.ROUND_DOWN)
    const limit = (): OrderIntent => ({
      clientOrderId: cid(),
      venue: spot.venue,
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      timeInForce: 'GTC',
      qty: new Decimal('0.01'),
      price,
      strategyId: 'it',
    })
    const live = [await exec.submit(limit()), await exec.submit(limit())]
    const onPaper = await paper.submit(limit())
    expect(sim.ledger.openOrders('spot')).toHaveLength(2)
    const report = await risk.emergencyStop('integration test')
    expect(report.complete).toBe(true)
    expect([...report.canceled].sort()).toEqual([...live, onPaper].map((o) => o.clientOrderId).sort())
    expect(sim.ledger.openOrders('spot')).toHaveLength(0)
    expect(exec.openOrders()).toHaveLength(0)
    expect(paper.openOrders()).toHaveLength(0)
    await paper.shutdown()
  })
})
