/**
 * Backtest throughput: candles/second for an EmaCrossover strategy with RiskManager and PaperTrader through the full
 * TradingEngine, next to the raw EMA-update rate measured in the same run (the engine's overhead per candle), and heap
 * used at several points of the run (it must stay flat: the source is streamed, the report is bounded).
 */
import { Backtester, syntheticCandles } from '../src/backtest/index.js'
import type { Instrument } from '../src/core/types.js'
import { Decimal } from '../src/decimal/index.js'
import { EMA } from '../src/indicators/index.js'
import { EmaCrossover } from '../src/strategies/index.js'
import { recordSuite } from './harness.js'

const N = Number(process.env.BENCH_CANDLES ?? 1_000_000)
const labels = { venue: 'binance', symbol: 'BTCUSDT', interval: '1m' }
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

// Raw indicator rate: two EMA updates per candle (what the strategy itself computes).
const fast = new EMA(9)
const slow = new EMA(21)
let t0 = performance.now()
let sink = 0
for (const c of syntheticCandles(N, labels)) {
  sink += (fast.update(c.close) ?? 0) - (slow.update(c.close) ?? 0)
}
const rawRate = N / ((performance.now() - t0) / 1000)

const heap: number[] = []
const gc = (globalThis as { gc?: () => void }).gc
function* sampled() {
  let i = 0
  for (const c of syntheticCandles(N, labels)) {
    if (i % Math.floor(N / 5) === 0) {
      gc?.()
      heap.push(process.memoryUsage().heapUsed / 1048576)
    }
    i++
    yield c
  }
}
const bt = new Backtester({
  instruments: [btc],
  balances: { USDT: '10000' },
  strategies: () => [new EmaCrossover({ ...labels, fast: 9, slow: 21 })],
})
t0 = performance.now()
const report = await bt.run(sampled())
const rate = N / ((performance.now() - t0) / 1000)
gc?.()
heap.push(process.memoryUsage().heapUsed / 1048576)

recordSuite({
  suite: 'backtest throughput',
  unit: `one candle through engine + EmaCrossover + RiskManager + PaperTrader (${N.toLocaleString('en-US')} candles)`,
  cases: [
    {
      name: 'raw EMA(9)+EMA(21) updates per candle (floor)',
      opsPerSec: rawRate,
      ratioToBaseline: 1,
      baseline: true,
      samples: 1,
    },
    {
      name: 'Backtester candles/s',
      opsPerSec: rate,
      ratioToBaseline: rate / rawRate,
      baseline: false,
      samples: 1,
    },
  ],
  notes: `heap MB at 0/20/40/60/80/100%: ${heap.map((h) => h.toFixed(1)).join(', ')}; trades ${report.tradeCount}; sink ${sink > 0 ? '+' : '-'}`,
})
