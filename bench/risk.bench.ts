/**
 * Risk: cost of one full `RiskManager.evaluate` (every check on: input validation, breakers with the trading-day
 * clock, data age, position counts, correlation groups, leverage, stop side and distance, reward:risk, order rate,
 * fixed-fractional sizing, every cap, step rounding, events) next to the cost of one EMA update, measured in the same
 * run. Target (issue 20): one evaluation costs at most 300 EMA updates.
 *
 * Each operation is a batch of BATCH calls (so tinybench's per-task timing overhead does not swamp a ~10 ns EMA
 * update); ratios compare equal batch sizes.
 */
import { ManualClock, type MarketSnapshot, type Signal } from '../src/core/index.js'
import { Decimal } from '../src/decimal/index.js'
import { EMA } from '../src/indicators/index.js'
import { capQuantity, RiskManager } from '../src/risk/index.js'
import { runSuite } from './harness.js'

const BATCH = 100
const D = (v: string | number): Decimal => new Decimal(v)

const clock = new ManualClock(Date.UTC(2026, 0, 15, 12))
const risk = new RiskManager({
  clock,
  sizing: { method: 'fixedFractional', riskFraction: 0.01 },
  scaleByConfidence: true,
  maxNotional: '50000',
  correlation: { groups: { majors: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'] } },
  maxOpenPositions: 20,
  breakers: {
    // Generous limits: every check runs, none trips during the run (1 evaluation per simulated ms).
    orderRate: {
      global: { maxOrders: 5000, windowMs: 1000 },
      perInstrument: { maxOrders: 5000, windowMs: 1000 },
    },
  },
})
const instrument = {
  venue: 'binance',
  symbol: 'BTCUSDT',
  base: 'BTC',
  quote: 'USDT',
  kind: 'spot' as const,
  tickSize: D('0.01'),
  stepSize: D('0.00001'),
  minQty: D('0.00001'),
  maxQty: D('9000'),
  minNotional: D('5'),
}
const pos = (symbol: string, qty: string) => ({
  venue: 'binance',
  symbol,
  qty: D(qty),
  realizedPnl: D(0),
  unrealizedPnl: D(0),
})
const account = {
  equity: D('100000'),
  freeMargin: D('80000'),
  peakEquity: D('100000'),
  positions: [pos('ETHUSDT', '2.5'), pos('SOLUSDT', '-40'), pos('XRPUSDT', '1000')],
  openOrders: [],
  tsEvent: 0,
}
const prices = Array.from({ length: 1024 }, (_, i) => D((64000 + ((i * 37) % 500) * 1.25).toFixed(2)))
const entrySignal = (price: Decimal): Signal => ({
  strategyId: 'bench',
  venue: 'binance',
  symbol: 'BTCUSDT',
  side: 'BUY',
  intent: 'ENTRY',
  stopPrice: price.minus(640),
  takeProfitPrice: price.plus(1500),
  confidence: 0.8,
  reason: 'bench',
  tsEvent: 0,
})
const signals = prices.map(entrySignal)
const atrSignals = prices.map((p) => ({ ...entrySignal(p), stopPrice: undefined }))
const tightSignals = prices.map((p) => ({ ...entrySignal(p), stopPrice: p.minus('0.5') }))

let i = 0
let approved = 0
let denied = 0
function evaluateBatch(list: readonly Signal[]): void {
  for (let b = 0; b < BATCH; b++) {
    clock.advance(1)
    const k = i++ & 1023
    const market: MarketSnapshot = { instrument, price: prices[k] as Decimal, priceTs: clock.now(), atr: 420 }
    const r = risk.evaluate(list[k] as Signal, account, market)
    if (r.ok) approved++
    else denied++
  }
}

// Sanity: the benchmarked paths do what their names say.
{
  const m = { instrument, price: prices[0] as Decimal, priceTs: clock.now(), atr: 420 }
  const a = risk.evaluate(signals[0] as Signal, account, m)
  const t = risk.evaluate(tightSignals[0] as Signal, account, m)
  if (!a.ok || t.ok || t.error.code !== 'STOP_TOO_TIGHT')
    throw new Error('risk bench paths are not what they claim')
}

const ema = new EMA(21)
let sink = 0
const closes = Float64Array.from({ length: 1024 }, (_, j) => 64000 + Math.sin(j / 10) * 300)

const result = await runSuite('risk', `${BATCH} calls (one EMA update or one risk evaluation each)`, [
  {
    name: `tradekit EMA(21).update ×${BATCH}`,
    baseline: true,
    fn: () => {
      for (let b = 0; b < BATCH; b++) sink += ema.update(closes[i++ & 1023] as number) ?? 0
    },
  },
  { name: `RiskManager.evaluate approved, all checks ×${BATCH}`, fn: () => evaluateBatch(signals) },
  { name: `RiskManager.evaluate approved, ATR stop ×${BATCH}`, fn: () => evaluateBatch(atrSignals) },
  { name: `RiskManager.evaluate denied (stop too tight) ×${BATCH}`, fn: () => evaluateBatch(tightSignals) },
  {
    name: `capQuantity (caps + step rounding) ×${BATCH}`,
    fn: () => {
      for (let b = 0; b < BATCH; b++) {
        const r = capQuantity({
          qty: '1.2345678',
          price: prices[i++ & 1023] as Decimal,
          instrument,
          equity: account.equity,
          maxPositionFraction: 1,
          freeMargin: account.freeMargin,
        })
        if (r.ok) sink++
      }
    },
  },
])

const full = result.cases[1]
if (full !== undefined) {
  const emaUpdatesPerEvaluation = 1 / full.ratioToBaseline
  console.log(
    `one full evaluation costs ${emaUpdatesPerEvaluation.toFixed(1)} EMA updates ` +
      `(${Math.round(full.opsPerSec * BATCH).toLocaleString('en-US')} evaluations/s; target <= 300)`,
  )
}
if (risk.state !== 'ACTIVE' || approved === 0 || denied === 0 || Number.isNaN(sink)) {
  throw new Error(
    `risk bench ended in an unexpected state: ${risk.state}, ${approved} approved, ${denied} denied`,
  )
}
