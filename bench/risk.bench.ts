/**
 * Risk: cost of one full `RiskManager.evaluate` (every check on: input validation, breakers with the trading-day
 * clock, data age, position counts, correlation groups, leverage, stop side and distance, reward:risk, order rate,
 * fixed-fractional sizing, every cap, step rounding, events) next to the cost of one EMA update, measured in the same
 * run. Target (issue 20): one evaluation costs at most 300 EMA updates. A large account's evaluation is measured beside
 * it: its values have more digits than a safe integer holds, and sizing compares them in bigints.
 *
 * Each operation is a batch of BATCH calls (so tinybench's per-task timing overhead does not swamp a ~10 ns EMA
 * update); ratios compare equal batch sizes.
 */
import { ManualClock, type MarketSnapshot, type Signal } from '../src/core/index.js'
import { Decimal } from '../src/decimal/index.js'
import { EMA } from '../src/indicators/index.js'
import { capQuantity, RiskManager, type RiskManagerConfig } from '../src/risk/index.js'
import { runSuite } from './harness.js'

const BATCH = 100
const D = (v: string | number): Decimal => new Decimal(v)

const clock = new ManualClock(Date.UTC(2026, 0, 15, 12))
const riskConfig = {
  clock,
  sizing: { method: 'fixedFractional', riskFraction: 0.01 },
  scaleByConfidence: true,
  maxNotional: '50000',
  correlation: { groups: { majors: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'] } },
  maxOpenPositions: 20,
  // The entries approved here are never sent: each stops counting against the caps 1 ms (one call) later, so every
  // call is judged on the same room (a reservation lives until its order is seen, or this long).
  entryReservationTtlMs: 1,
  breakers: {
    // Generous limits: every check runs, none trips during the run (1 evaluation per simulated ms).
    orderRate: {
      global: { maxOrders: 5000, windowMs: 1000 },
      perInstrument: { maxOrders: 5000, windowMs: 1000 },
    },
  },
} satisfies RiskManagerConfig
const risk = new RiskManager(riskConfig)
// The large account's own manager (one manager's drawdown breaker would see 1.2M then 100k as a 92 % drawdown),
// without the notional cap: its entries are capped at a quarter of its equity, a value of 17 digits as well.
const largeRisk = new RiskManager({ ...riskConfig, maxNotional: undefined, maxPositionFraction: 0.25 })
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
// A large account whose cash carries its fees' decimals: its risk budget (equity × 1 % × confidence) has more digits
// than a safe integer holds, so sizing compares it in bigints (it divided at 40 digits before).
const largeAccount = { ...account, equity: D('1234567.1234567891'), freeMargin: D('987654.3212345678') }
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
function evaluateBatch(list: readonly Signal[], on = account, manager = risk): void {
  for (let b = 0; b < BATCH; b++) {
    clock.advance(1)
    const k = i++ & 1023
    const market: MarketSnapshot = { instrument, price: prices[k] as Decimal, priceTs: clock.now(), atr: 420 }
    const r = manager.evaluate(list[k] as Signal, on, market)
    if (r.ok) approved++
    else denied++
  }
}

// Sanity: the benchmarked paths do what their names say.
{
  const m = { instrument, price: prices[0] as Decimal, priceTs: clock.now(), atr: 420 }
  const a = risk.evaluate(signals[0] as Signal, account, m)
  clock.advance(1) // the approval's reservation ends
  const t = risk.evaluate(tightSignals[0] as Signal, account, m)
  const l = largeRisk.evaluate(signals[0] as Signal, largeAccount, m)
  if (!a.ok || !l.ok || t.ok || t.error.code !== 'STOP_TOO_TIGHT')
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
  {
    name: `RiskManager.evaluate approved, a large account (equity of 17 digits) ×${BATCH}`,
    fn: () => evaluateBatch(signals, largeAccount, largeRisk),
  },
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
if (
  risk.state !== 'ACTIVE' ||
  largeRisk.state !== 'ACTIVE' ||
  approved === 0 ||
  denied === 0 ||
  Number.isNaN(sink)
) {
  throw new Error(
    `risk bench ended in an unexpected state: ${risk.state} (large account: ${largeRisk.state}), ${approved} approved, ${denied} denied`,
  )
}
