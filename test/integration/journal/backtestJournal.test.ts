/** The Backtester writes a run to a journal: the same signals, fills and fees its report counts, per strategy. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { Backtester } from '../../../src/backtest/index.js'
import { syntheticCandles } from '../../../src/backtest/sources.js'
import type { Instrument } from '../../../src/core/types.js'
import { Decimal } from '../../../src/decimal/index.js'
import { openSqliteJournal } from '../../../src/journal/index.js'
import { EmaCrossover } from '../../../src/strategies/index.js'

const btc: Instrument = {
  venue: 'binance',
  symbol: 'BTCUSDT',
  base: 'BTC',
  quote: 'USDT',
  kind: 'spot',
  tickSize: new Decimal('0.01'),
  stepSize: new Decimal('0.00001'),
  minQty: new Decimal('0.00001'),
  minNotional: new Decimal('5'),
}
const labels = { venue: 'binance', symbol: 'BTCUSDT', interval: '1m' }
const dir = mkdtempSync(join(tmpdir(), 'tradekit-journal-bt-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('Backtester with a journal', () => {
  it("journals the run's signals, orders and fills, matching the report", async () => {
    const journal = await openSqliteJournal({ path: join(dir, 'run.db') })
    const strategy = new EmaCrossover({ ...labels, fast: 9, slow: 21 })
    const bt = new Backtester({
      instruments: [btc],
      balances: { USDT: '10000' },
      strategies: () => [strategy],
    })
    const r = await bt.run(syntheticCandles(3000, { ...labels, seed: 7 }), { journal })
    expect(r.tradeCount).toBeGreaterThan(2)
    const fills = await journal.fills()
    expect(fills.length).toBeGreaterThan(r.tradeCount)
    expect(new Set(fills.map((f) => f.strategyId))).toEqual(new Set([strategy.id]))
    const fees = fills.reduce((s, f) => s.plus(f.fee), new Decimal(0))
    expect(fees.toNumber()).toBeCloseTo(r.fees, 8)
    const [counts] = await journal.query(
      "SELECT (SELECT COUNT(*) FROM signals) AS s, (SELECT COUNT(*) FROM risk_decisions WHERE decision = 'APPROVED') AS a",
    )
    expect(Number(counts?.s)).toBe(r.signals)
    const orders = new Set(fills.map((f) => f.clientOrderId))
    expect(Number(counts?.a)).toBeGreaterThanOrEqual(orders.size)
    for (const id of [...orders].slice(0, 5)) {
      const h = await journal.orderHistory({ clientOrderId: id })
      expect(h.at(-1)?.status).toBe('FILLED')
      expect(h.map((e) => e.seq)).toEqual(h.map((_, i) => i + 1))
    }
    const pnl = await journal.pnl({ by: ['strategy'] })
    expect(pnl).toHaveLength(1)
    expect(pnl[0]?.fills).toBe(fills.length)
    await journal.close()
  })
})
