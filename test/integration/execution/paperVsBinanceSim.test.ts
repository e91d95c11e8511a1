/**
 * The PaperTrader on BinanceSim's real L2 book: market orders walk it with exact averages and partial fills, and in
 * shadow mode a live order on the simulator is compared with the paper fill on the same book.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { BookSnapshot } from '../../../src/core/types.js'
import { Decimal } from '../../../src/decimal/index.js'
import { BinanceSpot } from '../../../src/exchanges/binance/index.js'
import { OrderExecutor, PaperTrader, type ShadowComparison } from '../../../src/execution/index.js'
import { BinanceSim } from '../../../src/sim/binance/index.js'

let sim: BinanceSim
let spot: BinanceSpot

beforeEach(async () => {
  sim = await BinanceSim.start({ tickMs: 0, seed: 7 })
  spot = new BinanceSpot({ ...sim.urls.spot, apiKey: 'sim-api-key', apiSecret: 'sim-api-secret' })
})

afterEach(async () => {
  await spot.close()
  await sim.close()
})

/** Σ price × qty / Σ qty over the first levels until `qty` is covered, in Decimal from the book's numbers. */
function expectedAverage(book: BookSnapshot, qty: Decimal): { avg: Decimal; filled: Decimal } {
  let left = qty
  let notional = new Decimal(0)
  let filled = new Decimal(0)
  for (const [p, q] of book.asks) {
    if (left.lte(0)) break
    const take = Decimal.min(left, new Decimal(q))
    notional = notional.plus(new Decimal(p).times(take))
    filled = filled.plus(take)
    left = left.minus(take)
  }
  return { avg: notional.div(filled), filled }
}

describe('PaperTrader on the BinanceSim book', () => {
  it('walks the book with the exact average, partial fill when the depth runs out, taker fees', async () => {
    const inst = await spot.instrument('BTCUSDT')
    const book = await spot.depth('BTCUSDT', 20)
    expect(book.asks.length).toBeGreaterThan(3)
    const paper = new PaperTrader({
      instruments: [inst],
      balances: { USDT: '100000000' },
      takerFeeRate: '0.001',
    })
    paper.onBook(book)
    const [l0, l1, l2] = book.asks as [
      readonly [number, number],
      readonly [number, number],
      readonly [number, number],
    ]
    // Two full levels and part of the third, rounded down to the step.
    const qty = new Decimal(l0[1])
      .plus(l1[1])
      .plus(new Decimal(l2[1]).div(2))
      .toDecimalPlaces(inst.stepSize.decimalPlaces(), Decimal.ROUND_DOWN)
    let fees = new Decimal(0)
    paper.events.on('order.filled', (e) => {
      for (const f of e.fills) fees = fees.plus(f.fee)
    })
    const o = await paper.submit({
      clientOrderId: 'w1',
      venue: inst.venue,
      symbol: inst.symbol,
      side: 'BUY',
      type: 'MARKET',
      qty,
      strategyId: 'it',
    })
    const want = expectedAverage(book, qty)
    expect(o.status).toBe('FILLED')
    expect(o.avgFillPrice?.toDecimalPlaces(20).eq(want.avg.toDecimalPlaces(20))).toBe(true)
    expect(fees.toDecimalPlaces(20).eq(want.avg.times(qty).times('0.001').toDecimalPlaces(20))).toBe(true)

    // Everything on the book and more: partial fill, remainder expired.
    paper.onBook(book)
    const total = book.asks.reduce((s, [, q]) => s.plus(q), new Decimal(0))
    const big = total.plus(1).toDecimalPlaces(inst.stepSize.decimalPlaces(), Decimal.ROUND_DOWN)
    const p = await paper.submit({
      clientOrderId: 'w2',
      venue: inst.venue,
      symbol: inst.symbol,
      side: 'BUY',
      type: 'MARKET',
      qty: big,
      strategyId: 'it',
    })
    expect(p.status).toBe('EXPIRED')
    expect(p.filledQty.eq(total)).toBe(true)
  })

  it('shadow mode: a live market order on the simulator is compared with the paper fill on the same book', async () => {
    const inst = await spot.instrument('BTCUSDT')
    const paper = new PaperTrader({ instruments: [inst], balances: { USDT: '100000000' } })
    const exec = new OrderExecutor({ adapter: spot, shadow: paper })
    exec.events.on('error', () => {})
    await exec.start()
    paper.onBook(await spot.depth('BTCUSDT', 100))
    const compared: ShadowComparison[] = []
    exec.events.on('shadow.compared', (e) => compared.push(e.comparison))
    await exec.submit({
      clientOrderId: 'sh1',
      venue: inst.venue,
      symbol: inst.symbol,
      side: 'BUY',
      type: 'MARKET',
      qty: new Decimal('0.05'),
      strategyId: 'it',
    })
    const t0 = Date.now()
    while (compared.length === 0 && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 10))
    expect(compared).toHaveLength(1)
    const c = compared[0] as ShadowComparison
    expect(c.live.fillRatio).toBe(1)
    expect(c.paper.fillRatio).toBe(1)
    expect(c.priceDiffBps).toBeDefined()
    // Same book, same walk: the simulator's matching engine and the paper trader agree exactly.
    expect(c.priceDiffBps).toBe(0)
    expect(c.live.avgPrice?.eq(c.paper.avgPrice as Decimal)).toBe(true)
    expect(exec.shadowReport()?.compared).toBe(1)
    await exec.shutdown({ timeoutMs: 1000 })
  })
})
