/**
 * Live USD-M funding end to end on BinanceSim: a position held over a funding charge (the sim pushes the
 * `ACCOUNT_UPDATE` with reason `FUNDING_FEE`, as Binance does) → BinanceUsdm `funding.settled` → OrderExecutor →
 * Portfolio books the venue's exact amount (its USDT equals the sim's futures wallet to the last unit) → the engine's
 * SQLite journal, whose PnL query shows the funding. A replayed charge is booked once.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FundingPayment } from '../../../src/core/index.js'
import { Decimal } from '../../../src/decimal/index.js'
import { BinanceUsdm } from '../../../src/exchanges/binance/index.js'
import { OrderExecutor, Portfolio } from '../../../src/execution/index.js'
import { SystemClock, TradingEngine } from '../../../src/index.js'
import { openSqliteJournal } from '../../../src/journal/index.js'
import { MemoryStateStore, RiskManager } from '../../../src/risk/index.js'
import { BinanceSim } from '../../../src/sim/index.js'
import { waitFor } from '../../helpers/waitFor.js'

let sim: BinanceSim
let dir: string
beforeAll(async () => {
  sim = await BinanceSim.start({ tickMs: 0, seed: 5 })
  dir = mkdtempSync(join(tmpdir(), 'tradekit-funding-'))
})
afterAll(async () => {
  await sim.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('USD-M funding on BinanceSim', () => {
  it('books the venue funding fee exactly, once, and journals it into the PnL', async () => {
    const clock = new SystemClock()
    const usdm = new BinanceUsdm({ ...sim.urls.usdm, apiKey: 'sim-api-key', apiSecret: 'sim-api-secret' })
    const exec = new OrderExecutor({ adapter: usdm, queryIntervalMs: 50, requestTimeoutMs: 5_000 })
    const errors: unknown[] = []
    exec.events.on('error', (e) => errors.push(e))
    await exec.start()
    const journal = await openSqliteJournal({ path: join(dir, 'bot.db'), flushIntervalMs: 5 })
    const btc = await usdm.instrument('BTCUSDT')
    const portfolio = new Portfolio({
      balances: { USDT: sim.ledger.futuresWallet() },
      instruments: [btc],
      clock,
    })
    const engine = new TradingEngine({
      clock,
      feeds: [],
      strategies: [],
      risk: new RiskManager({ clock, store: new MemoryStateStore() }),
      executors: [exec],
      portfolio,
      instruments: [btc],
      journal,
      shutdown: { cancelOpenOrders: false, timeoutMs: 2_000 },
    })
    engine.events.on('error', (e) => errors.push(e))
    const settled: FundingPayment[] = []
    exec.events.on('funding.settled', (e) => settled.push(e.funding))
    const applied: string[] = []
    portfolio.events.on('funding.applied', (e) => applied.push(`${e.symbol} ${e.asset} ${e.amount}`))
    await engine.start()
    try {
      await exec.submit({
        clientOrderId: 'long-1',
        venue: usdm.venue,
        symbol: 'BTCUSDT',
        side: 'BUY',
        type: 'MARKET',
        qty: new Decimal('0.05'),
        strategyId: 'manual',
      })
      await waitFor(() => portfolio.positionQty(usdm.venue, 'BTCUSDT').eq('0.05'))
      // the opening fee is in both wallets
      expect(portfolio.cash('USDT').toFixed()).toBe(sim.ledger.futuresWallet())

      const seen: string[] = []
      usdm.events.on('funding.settled', () => seen.push('funding.settled'))
      usdm.events.on('balance.updated', () => seen.push('balance.updated'))
      const charged = sim.applyFunding('BTCUSDT', '0.0001') // a long pays a positive rate
      const amount = charged.get(sim.apiKey)
      expect(amount).toBeDefined()
      expect(new Decimal(amount ?? '0').isNegative()).toBe(true)
      await waitFor(() => applied.length === 1)
      // cross margin: Binance names no symbol; the only open USDT perpetual takes it
      expect(settled).toMatchObject([{ venue: 'binance-usdm', asset: 'USDT' }])
      expect(settled[0]?.symbol).toBeUndefined()
      expect(settled[0]?.amount.toFixed()).toBe(amount)
      expect(applied).toEqual([`BTCUSDT USDT ${amount}`])
      // funding first, so a host merging balance.updated into its account afterwards finds no difference
      await waitFor(() => seen.length === 2)
      expect(seen).toEqual(['funding.settled', 'balance.updated'])
      expect(portfolio.cash('USDT').toFixed()).toBe(sim.ledger.futuresWallet())

      // a replay of the same event (a reconnect that re-delivers it) is booked once
      const replayed = settled[0]
      if (replayed === undefined) throw new Error('no funding event')
      expect(portfolio.applyVenueFunding(replayed)).toBeUndefined()
      expect(portfolio.cash('USDT').toFixed()).toBe(sim.ledger.futuresWallet())

      // a short receives a positive rate: flip to short, charge again
      await exec.submit({
        clientOrderId: 'flip-1',
        venue: usdm.venue,
        symbol: 'BTCUSDT',
        side: 'SELL',
        type: 'MARKET',
        qty: new Decimal('0.08'),
        strategyId: 'manual',
      })
      await waitFor(() => portfolio.positionQty(usdm.venue, 'BTCUSDT').eq('-0.03'))
      const second = sim.applyFunding('BTCUSDT', '0.0003').get(sim.apiKey)
      expect(new Decimal(second ?? '0').isPositive()).toBe(true)
      await waitFor(() => applied.length === 2)
      expect(portfolio.cash('USDT').toFixed()).toBe(sim.ledger.futuresWallet())

      await journal.flush()
      const rows = await journal.pnl({ by: ['instrument'] })
      const total = new Decimal(amount ?? '0').plus(second ?? '0')
      expect(rows.map((r) => [r.venue, r.symbol, r.funding])).toEqual([
        ['binance-usdm', 'BTCUSDT', total.toFixed()],
      ])
      expect(errors).toEqual([])
    } finally {
      await engine.stop()
      await journal.close()
      await exec.shutdown({ cancelOpenOrders: false, timeoutMs: 2_000 })
      await usdm.close()
    }
  }, 30_000)
})
