import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Candle, Instrument } from '../core/types.js'
import { Decimal } from '../decimal/index.js'
import { ValidationError } from '../errors/index.js'
import { EmaCrossover, type Strategy, type StrategyContext } from '../strategies/index.js'
import { Backtester } from './Backtester.js'
import { EquityCurve, type EquityPoint } from './EquityCurve.js'
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

  it("the report's down-sampled equity curve ends at the last bar: endTime and endEquity", async () => {
    const bt = new Backtester({
      instruments: [btc],
      balances: { USDT: '10000' },
      curvePoints: 100, // 3000 bars: strides of 32, the last bar shares one with lower points
      strategies: () => [new EmaCrossover({ ...labels, fast: 9, slow: 21 })],
    })
    const r = await bt.run(syntheticCandles(3000, { ...labels, seed: 7 }))
    const candles = [...syntheticCandles(3000, { ...labels, seed: 7 })]
    expect(r.endTime).toBe(candles[candles.length - 1]?.closeTime)
    expect(r.equityCurve[r.equityCurve.length - 1]).toMatchObject({ t: r.endTime, equity: r.endEquity })
    expect(r.equityCurve.length).toBeLessThanOrEqual(101)
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
    // Epoch ms of 2024-01-01 (a time as small as 59999 reads as epoch seconds).
    writeFileSync(binance, '1704067200000,10,11,9,10.5,3,1704067259999,0,0,0,0,0\n')
    for await (const c of readCandlesCsv(binance, labels))
      expect([c.high, c.closeTime]).toEqual([11, 1704067259999])
    // A close time one hour after the open is no `1m` candle: the interval label does not fit the data.
    const hourly = join(dir, 'h.csv')
    writeFileSync(hourly, '1704067200000,10,11,9,10.5,3,1704070799999,0,0,0,0,0\n')
    await expect(async () => {
      for await (const _ of readCandlesCsv(hourly, labels)) void _
    }).rejects.toThrow(/Line 1: closeTime is 3599999 ms after openTime: not a "1m" candle/)
    const bad = join(dir, 'c.csv')
    writeFileSync(bad, 'openTime,open,high,low,close,volume\n0,10,9,11,10,1\n')
    await expect(async () => {
      for await (const _ of readCandlesCsv(bad, labels)) void _
    }).rejects.toThrow(/Line 2/)
    expect(
      candlesFromJson('[[1704067200000,"1","2","0.5","1.5","10",1704067259999]]', labels)[0]?.close,
    ).toBe(1.5)
    // A close stamped with the next open, and one in a file of seconds (the last second), fit too.
    expect(candlesFromJson('[[1704067200,"1","2","0.5","1.5","10",1704067260]]', labels)[0]?.closeTime).toBe(
      1704067260000,
    )
    expect(candlesFromJson('[[1704067200,"1","2","0.5","1.5","10",1704067259]]', labels)[0]?.closeTime).toBe(
      1704067259000,
    )
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

const eth: Instrument = { ...btc, symbol: 'ETHUSDT', base: 'ETH' }
/** Risk that sizes every entry at a fixed notional, with no stop required and no breaker. */
const fixedRisk = (notional: string) =>
  ({
    sizing: { method: 'fixedNotional', notional },
    requireStop: false,
    breakers: {
      dailyLoss: false,
      drawdown: false,
      consecutiveLosses: false,
      orderRate: false,
      rejectionRate: false,
    },
  }) as const

/** Buys each listed symbol once, on its first candle. */
function buyOnFirstCandle(symbols: readonly string[], interval: string): Strategy {
  const bought = new Set<string>()
  return {
    id: 'buy-first',
    requirements: {
      instruments: symbols.map((symbol) => ({ venue: 'binance', symbol })),
      candles: [interval],
    },
    onCandle(c: Candle, ctx: StrategyContext) {
      if (bought.has(c.symbol)) return
      bought.add(c.symbol)
      ctx.signal({ venue: c.venue, symbol: c.symbol, side: 'BUY', intent: 'ENTRY', reason: 'first candle' })
    },
  }
}

/** Annualised Sharpe of the returns between consecutive points, computed from scratch. */
function sharpeOf(points: readonly EquityPoint[], barsPerYear: number): number {
  const r = points.slice(1).map((p, i) => p.equity / (points[i] as EquityPoint).equity - 1)
  const mean = r.reduce((a, x) => a + x, 0) / r.length
  const sd = Math.sqrt(r.reduce((a, x) => a + (x - mean) ** 2, 0) / (r.length - 1))
  return (mean / sd) * Math.sqrt(barsPerYear)
}

describe('Backtester: the equity curve', () => {
  it('starts at the configured balance: a fill on the first candle pays its fee inside the run', async () => {
    const candles = [...syntheticCandles(50, labels)]
    const bt = new Backtester({
      instruments: [btc],
      balances: { USDT: '10000' },
      strategies: () => [buyOnFirstCandle(['BTCUSDT'], '1m')],
      risk: fixedRisk('2000'),
      paper: { takerFeeRate: '0.01' },
    })
    const r = await bt.run(candles)
    expect(r.tradeCount + r.signals).toBeGreaterThan(0)
    expect(r.fees).toBeGreaterThan(19) // 1 % of ≈ 2000 USDT, paid on the first candle
    expect(r.startEquity).toBe(10000)
    expect(r.totalReturn).toBeCloseTo(r.endEquity / 10000 - 1, 12)
    // The seed point sits at the first candle's open; the fee paid during the first bar is a drawdown.
    expect(r.equityCurve[0]).toEqual({ t: candles[0]?.openTime, equity: 10000, drawdown: 0 })
    expect(r.maxDrawdown).toBeGreaterThanOrEqual(19 / 10000)
  })

  it('gets one point per bar, not per candle, so Sharpe is per bar whatever the number of instruments', async () => {
    const a = syntheticCandles(720, { ...labels, interval: '1h', seed: 1 })
    const b = syntheticCandles(720, { ...labels, symbol: 'ETHUSDT', interval: '1h', seed: 2 })
    function* interleaved(): Generator<Candle> {
      for (;;) {
        const x = a.next()
        const y = b.next()
        if (x.done === true || y.done === true) return
        yield x.value
        yield y.value
      }
    }
    const bt = new Backtester({
      instruments: [btc, eth],
      balances: { USDT: '10000' },
      strategies: () => [buyOnFirstCandle(['BTCUSDT', 'ETHUSDT'], '1h')],
      risk: fixedRisk('4000'),
      paper: { takerFeeRate: '0.001' },
      curvePoints: 5000, // nothing down-sampled: every point is in the report
    })
    const r = await bt.run(interleaved())
    expect(r.candles).toBe(1440)
    expect(r.errors).toEqual([])
    const ts = r.equityCurve.map((p) => p.t)
    expect(ts).toHaveLength(721) // the start, then 720 hourly bars
    expect(new Set(ts).size).toBe(721)
    expect(r.exposure).toBe(1)
    const expected = sharpeOf(r.equityCurve, 365 * 24)
    expect(r.sharpe).toBeCloseTo(expected, 9)
  })
})

describe('Backtester: candle order', () => {
  const spy = (seen: number[]): Strategy => ({
    id: 'spy',
    requirements: { instruments: [{ venue: 'binance', symbol: 'BTCUSDT' }], candles: ['1m'] },
    onCandle(c: Candle) {
      seen.push(c.openTime)
    },
  })

  it('refuses a newest-first source with a ValidationError naming the candle, before a strategy sees it', async () => {
    const candles = [...syntheticCandles(5, labels)].reverse()
    const seen: number[] = []
    const run = backtester(() => [spy(seen)]).run(candles)
    await expect(run).rejects.toBeInstanceOf(ValidationError)
    await expect(run).rejects.toThrow(
      `Candle 2 ("binance" "BTCUSDT" "1m") goes back in time: openTime 1735689780000 (2025-01-01T00:03:00.000Z) is not after 1735689840000 (2025-01-01T00:04:00.000Z)`,
    )
    expect(seen).toEqual([candles[0]?.openTime])
  })

  it('refuses a repeated candle (async source too) and names the field', async () => {
    const [c1, c2] = [...syntheticCandles(2, labels)] as [Candle, Candle]
    async function* repeated(): AsyncGenerator<Candle> {
      yield c1
      yield c2
      yield { ...c2 }
    }
    const seen: number[] = []
    const err = await backtester(() => [spy(seen)])
      .run(repeated())
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ValidationError)
    expect((err as ValidationError).field).toBe('openTime')
    expect((err as ValidationError).message).toContain(
      'Candle 3 ("binance" "BTCUSDT" "1m") repeats the previous one',
    )
    expect(seen).toEqual([c1.openTime, c2.openTime])
  })

  it('tracks each venue, symbol and interval apart: interleaved instruments and intervals replay', async () => {
    const one = [...syntheticCandles(10, labels)]
    const five = [...syntheticCandles(2, { ...labels, interval: '5m' })]
    const other = [...syntheticCandles(10, { ...labels, symbol: 'ETHUSDT' })]
    const source = one.flatMap((c, i) => [
      c,
      other[i] as Candle,
      ...(i % 5 === 0 ? [five[i / 5] as Candle] : []),
    ])
    const r = await new Backtester({
      instruments: [btc, eth],
      balances: { USDT: '10000' },
      strategies: () => [],
    }).run(source)
    expect(r.candles).toBe(22)
    expect(r.errors).toEqual([])
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
