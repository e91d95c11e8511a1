/**
 * `npm run demo`: a real bot on the built-in simulated exchange. Starts BinanceSim on loopback with a seeded market,
 * reads it through the real BinanceSpot adapter and BinanceMarketStream, and runs two built-in strategies
 * (EmaCrossover on BTCUSDT, RsiMeanReversion on ETHUSDT) through the RiskManager and a PaperTrader filling against the
 * streamed order books. No network, no keys.
 *
 *   npm run demo -- --seed 7 --duration 30 --speed 120
 *
 * --seed      market seed (default 42)
 * --duration  real seconds to run (default 25)
 * --speed     simulated seconds per real second (default 120: a 1-minute candle every half second)
 * --out       report directory (default ./tradekit-report)
 */
import { parseArgs } from 'node:util'
import type { BacktestReport } from '../src/backtest/index.js'
import { EquityCurve, writeReport } from '../src/backtest/index.js'
import { BinanceMarketStream, BinanceSpot } from '../src/exchanges/binance/index.js'
import { PaperTrader, Portfolio } from '../src/execution/index.js'
import { type ClosedTrade, ScaledClock, type Signal, TradingEngine } from '../src/index.js'
import { RiskManager } from '../src/risk/index.js'
import { BinanceSim } from '../src/sim/index.js'
import { EmaCrossover, RsiMeanReversion } from '../src/strategies/index.js'

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '42' },
    duration: { type: 'string', default: '25' },
    speed: { type: 'string', default: '120' },
    out: { type: 'string', default: 'tradekit-report' },
  },
})
const seed = Number(values.seed)
const durationMs = Number(values.duration) * 1000
const speed = Number(values.speed)
if (![seed, durationMs, speed].every((n) => Number.isFinite(n) && n >= 0) || speed === 0) {
  console.error('usage: npm run demo -- [--seed N] [--duration SECONDS] [--speed X]')
  process.exit(2)
}

const clock = new ScaledClock({ speed, startMs: Date.UTC(2026, 0, 1) })
const sim = await BinanceSim.start({ seed, clock, tickMs: 50 })
const spot = new BinanceSpot({ ...sim.urls.spot })
const symbols = ['BTCUSDT', 'ETHUSDT']
const instruments = await Promise.all(symbols.map((s) => spot.instrument(s)))
const stream = new BinanceMarketStream({ market: 'spot', streamUrl: sim.urls.spot.streamUrl })

const portfolio = new Portfolio({ balances: { USDT: '10000' }, instruments, clock })
const paper = new PaperTrader({ instruments, portfolio, clock, takerFeeRate: '0.001', makerFeeRate: '0.001' })
const risk = new RiskManager({
  clock,
  sizing: { method: 'fixedFractional', riskFraction: 0.01 },
  maxDataAgeMs: 120_000,
  maxPositionFraction: 0.5,
  // Accept stops down to 0.02 % of the price (the default is 0.1 %).
  minStopDistanceFraction: 0.0002,
})
const venue = instruments[0]?.venue ?? 'binance'
const engine = new TradingEngine({
  clock,
  feeds: [
    { name: 'binance-spot', venue, source: stream, staleAfterMs: 60_000 * 5, close: () => stream.close() },
  ],
  strategies: [
    new EmaCrossover({ venue, symbol: 'BTCUSDT', interval: '1m', fast: 5, slow: 13 }),
    new RsiMeanReversion({
      venue,
      symbol: 'ETHUSDT',
      interval: '1m',
      period: 7,
      oversold: 35,
      overbought: 65,
    }),
  ],
  risk,
  executors: [paper],
  portfolio,
  instruments,
  shutdown: { cancelOpenOrders: true, timeoutMs: 5_000 },
})

const signals: Signal[] = []
const trades: ClosedTrade[] = []
let fills = 0
let denied = 0
const errors: string[] = []
const curve = new EquityCurve(500)
const lastPrice = new Map<string, number>()
engine.events.on('signal', (s) => signals.push(s))
engine.events.on('order.filled', (e) => {
  fills += e.fills.length
})
engine.events.on('order.denied', (e) => {
  denied++
  if (process.env.DEMO_DEBUG) console.log('\ndenied', e.code, e.reason)
})
engine.events.on('trade.closed', (e) => trades.push(e.trade))
engine.events.on('candle', (c) => {
  lastPrice.set(c.symbol, c.close)
  if (c.isClosed && c.symbol === 'BTCUSDT') {
    curve.add(
      c.closeTime,
      portfolio.equity().toNumber(),
      portfolio.positions().some((p) => !p.qty.isZero()),
    )
  }
})
engine.events.on('error', (e) => {
  if (errors.length < 20) errors.push(`${e.code}: ${e.message}`)
})

await engine.start()
curve.start(clock.now(), portfolio.equity().toNumber()) // the return and drawdown count from the first bar
await stream.subscribe(
  symbols.flatMap((s) => [`${s.toLowerCase()}@kline_1m`, `${s.toLowerCase()}@depth20@100ms`]),
)

const tty = process.stdout.isTTY === true
const startedAt = Date.now()
const line = (): string => {
  const open = portfolio.positions().filter((p) => !p.qty.isZero())
  const prices = symbols.map((s) => `${s} ${lastPrice.get(s)?.toFixed(2) ?? '…'}`).join('  ')
  return `${new Date(clock.now()).toISOString().slice(0, 19)}  ${prices}  equity ${portfolio.equity().toFixed(2)}  open ${open.length}  signals ${signals.length}  fills ${fills}  state ${risk.state}`
}
const progress = setInterval(
  () => {
    if (tty) process.stdout.write(`\r${line()}\x1b[K`)
    else console.log(line())
  },
  tty ? 250 : 5_000,
)

let stopping = false
const stop = async (): Promise<void> => {
  if (stopping) return
  stopping = true
  clearInterval(progress)
  if (tty) process.stdout.write('\n')
  await engine.stop()
  await spot.close()
  await sim.close()
}
process.once('SIGINT', () => void stop().then(() => summary()))
await new Promise((r) => setTimeout(r, durationMs))
await stop()
await summary()

async function summary(): Promise<void> {
  const s = curve.summary((365 * 86_400_000) / 60_000)
  const realized = trades.reduce((a, t) => a + t.pnl.toNumber(), 0)
  let fees = 0
  for (const [, v] of portfolio.feesPaid()) fees += v.toNumber()
  const rows: [string, string][] = [
    [
      'simulated time',
      `${((clock.now() - Date.UTC(2026, 0, 1)) / 60_000).toFixed(0)} min in ${((Date.now() - startedAt) / 1000).toFixed(0)} s`,
    ],
    ['signals', String(signals.length)],
    ['denied by risk', String(denied)],
    ['fills', String(fills)],
    ['closed trades', String(trades.length)],
    ['realized PnL', realized.toFixed(2)],
    ['fees', fees.toFixed(2)],
    ['equity', portfolio.equity().toFixed(2)],
    ['max drawdown', `${(s.maxDrawdown * 100).toFixed(2)}%`],
    ['trading state', risk.state],
    ['errors', String(errors.length)],
  ]
  console.log('\n  tradekit demo summary')
  for (const [k, v] of rows) console.log(`  ${k.padEnd(16)} ${v}`)
  for (const e of errors) console.log(`  error: ${e}`)
  const report: BacktestReport = {
    startTime: Date.UTC(2026, 0, 1),
    endTime: clock.now(),
    candles: s.bars,
    startEquity: 10000,
    endEquity: portfolio.equity().toNumber(),
    totalReturn: portfolio.equity().toNumber() / 10000 - 1,
    maxDrawdown: s.maxDrawdown,
    sharpe: s.sharpe,
    sortino: s.sortino,
    ratioNote: s.ratioNote,
    winRate: trades.length > 0 ? trades.filter((t) => t.pnl.gt(0)).length / trades.length : 0,
    profitFactor: 0,
    exposure: s.exposure,
    fees,
    signals: signals.length,
    signalLog: signals.map((x) => ({
      t: x.tsEvent,
      strategyId: x.strategyId,
      symbol: x.symbol,
      side: x.side,
      intent: x.intent,
    })),
    denied,
    deniedByCode: {},
    tradeCount: trades.length,
    trades: trades.map((t) => ({
      venue: t.venue,
      symbol: t.symbol,
      side: t.side,
      openedAt: t.openedAt,
      closedAt: t.closedAt,
      qty: t.maxQty.toFixed(),
      pnl: t.pnl.toFixed(),
      fees: t.fees.toFixed(),
    })),
    equityCurve: curve.points(),
    stateChanges: [],
    errors,
  }
  const out = await writeReport(report, values.out ?? 'tradekit-report', 'demo', {
    title: `tradekit demo (seed ${seed})`,
  })
  console.log(`\n  HTML report: ${out.html}`)
}
