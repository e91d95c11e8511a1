/**
 * A TradingEngine with a journal, live on BinanceSim: every order event and fill is journaled; after a restart the
 * engine reads the journal's last view and the OrderExecutor reports what the venue did meanwhile — an order
 * cancelled while down, one filled while down (its fill booked once), one still open, one placed by another session
 * (unknown to the journal).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { JournalReconcileReport } from '../../../src/core/index.js'
import { Decimal } from '../../../src/decimal/index.js'
import { BinanceSpot } from '../../../src/exchanges/binance/index.js'
import { OrderExecutor, Portfolio } from '../../../src/execution/index.js'
import { SystemClock, TradingEngine } from '../../../src/index.js'
import { openSqliteJournal } from '../../../src/journal/index.js'
import { MemoryStateStore, RiskManager } from '../../../src/risk/index.js'
import { BinanceSim } from '../../../src/sim/index.js'
import { waitFor } from '../../helpers/waitFor.js'

let sim: BinanceSim
let dir: string
beforeAll(async () => {
  sim = await BinanceSim.start({ tickMs: 0, seed: 11 })
  dir = mkdtempSync(join(tmpdir(), 'tradekit-journal-engine-'))
})
afterAll(async () => {
  await sim.close()
  rmSync(dir, { recursive: true, force: true })
})

const keys = { apiKey: 'sim-api-key', apiSecret: 'sim-api-secret' }

/** One run of the bot: adapter, executor, journal, engine (no strategies: orders are sent by hand). */
async function startRun(path: string) {
  const clock = new SystemClock()
  const spot = new BinanceSpot({ ...sim.urls.spot, ...keys })
  const exec = new OrderExecutor({
    adapter: spot,
    queryIntervalMs: 50,
    queryAttempts: 3,
    requestTimeoutMs: 5_000,
  })
  exec.events.on('error', () => {})
  await exec.start()
  const journal = await openSqliteJournal({ path, flushIntervalMs: 5 })
  const btc = await spot.instrument('BTCUSDT')
  const portfolio = new Portfolio({ balances: { USDT: '100000' }, instruments: [btc], clock })
  const risk = new RiskManager({ clock, store: new MemoryStateStore() })
  const engine = new TradingEngine({
    clock,
    feeds: [],
    strategies: [],
    risk,
    executors: [exec],
    portfolio,
    instruments: [btc],
    journal,
    shutdown: { cancelOpenOrders: false, timeoutMs: 2_000 },
  })
  const reports: JournalReconcileReport[] = []
  engine.events.on('journal.reconciled', (e) => reports.push(e.report))
  engine.events.on('error', () => {})
  await engine.start()
  const stop = async () => {
    await engine.stop()
    await journal.close()
    await exec.shutdown({ cancelOpenOrders: false, timeoutMs: 2_000 })
    await spot.close()
  }
  return { spot, exec, journal, engine, btc, reports, risk, stop }
}

describe('TradingEngine with a journal on BinanceSim', () => {
  it('journals the run and, after a restart, reports what the venue did while the bot was down', async () => {
    const path = join(dir, 'bot.db')
    const run1 = await startRun(path)
    const mid = new Decimal(sim.midPrice('spot', 'BTCUSDT'))
    const dp = run1.btc.tickSize.decimalPlaces()
    const limit = (id: string, side: 'BUY' | 'SELL', price: Decimal) =>
      run1.exec.submit({
        clientOrderId: id,
        venue: run1.spot.venue,
        symbol: 'BTCUSDT',
        side,
        type: 'LIMIT',
        timeInForce: 'GTC',
        qty: new Decimal('0.01'),
        price: price.toDecimalPlaces(dp, Decimal.ROUND_DOWN),
        strategyId: 'manual',
      })
    await limit('keep', 'BUY', mid.times('0.5'))
    await limit('cancel', 'BUY', mid.times('0.5'))
    await limit('fill', 'BUY', mid)
    await waitFor(() => run1.exec.openOrders().length === 3)
    const history = await run1.journal.orderHistory({ clientOrderId: 'fill' })
    expect(history.map((e) => [e.seq, e.event, e.status])).toEqual([
      [1, 'order.submitted', 'PENDING_NEW'],
      [2, 'order.accepted', 'OPEN'],
    ])
    await run1.stop() // the process goes away with three orders open

    // While it is down: one order is cancelled and one placed from another session; the market fills another.
    const other = new BinanceSpot({ ...sim.urls.spot, ...keys })
    await other.cancelOrder('BTCUSDT', 'cancel')
    await other.placeOrder({
      clientOrderId: 'stranger',
      venue: other.venue,
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      timeInForce: 'GTC',
      qty: new Decimal('0.01'),
      price: mid.times('0.4').toDecimalPlaces(dp, Decimal.ROUND_DOWN),
    })
    await other.close()
    const atVenue = () => sim.ledger.orders.find((x) => x.clientOrderId === 'fill')
    for (let i = 0; i < 5_000 && atVenue()?.status !== 'FILLED'; i++) sim.step()
    expect(atVenue()?.status).toBe('FILLED')

    const run2 = await startRun(path)
    expect(run2.reports).toHaveLength(1)
    const r = run2.reports[0]!
    expect(r.filledWhileDown.map((o) => [o.clientOrderId, o.status])).toEqual([['fill', 'FILLED']])
    expect(r.canceledWhileDown.map((o) => [o.clientOrderId, o.status])).toEqual([['cancel', 'CANCELED']])
    expect(r.unknownAtVenue.map((o) => o.clientOrderId)).toEqual(['stranger'])
    expect(r.unchanged).toEqual(['keep'])
    expect(r.missingAtVenue).toEqual([])
    // the executor tracks the journal's orders again and booked the fill made while down, once
    await waitFor(() => run2.exec.order('fill')?.status === 'FILLED')
    const fills = await run2.journal.fills({ venue: run2.spot.venue })
    const filled = fills
      .filter((f) => f.clientOrderId === 'fill')
      .reduce((s, f) => s.plus(f.qty), new Decimal(0))
    expect(filled.toString()).toBe(atVenue()?.executedQty.toString())
    expect(filled.toString()).toBe('0.01')
    expect(new Set(fills.map((f) => f.key)).size).toBe(fills.length)
    const last = await run2.journal.orderHistory({ clientOrderId: 'fill' })
    expect(last.at(-1)).toMatchObject({ status: 'FILLED', filledQty: '0.01' })
    expect(last.map((e) => e.seq)).toEqual(last.map((_, i) => i + 1))
    await run2.stop()
  }, 60_000)
})
