/**
 * Backtest from a CSV file: EmaCrossover with a RiskManager and a PaperTrader, on the same code that trades live.
 *
 *   npx tsx examples/backtest-csv.ts [path/to/candles.csv]
 *
 * The CSV has a header `openTime,open,high,low,close,volume[,closeTime]` (or is Binance's headerless kline CSV).
 */
import { Backtester, readCandlesCsv, writeReport } from '../src/backtest/index.js'
import { Decimal, type Instrument } from '../src/index.js'
import { EmaCrossover } from '../src/strategies/index.js'

const file = process.argv[2] ?? new URL('./data/btcusdt-1m.csv', import.meta.url).pathname
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

const backtester = new Backtester({
  instruments: [btc],
  balances: { USDT: '10000' },
  strategies: () => [new EmaCrossover({ ...labels, fast: 9, slow: 21 })],
  risk: { sizing: { method: 'fixedFractional', riskFraction: 0.01 }, maxPositionFraction: 0.5 },
  paper: { takerFeeRate: '0.001', fallbackSlippageBps: 2 },
})

const report = await backtester.run(readCandlesCsv(file, labels))
const pct = (x: number) => `${(x * 100).toFixed(2)}%`
console.log(`candles        ${report.candles}`)
console.log(
  `trades         ${report.tradeCount} (win rate ${pct(report.winRate)}, profit factor ${report.profitFactor.toFixed(2)})`,
)
console.log(`total return   ${pct(report.totalReturn)}`)
console.log(`max drawdown   ${pct(report.maxDrawdown)}`)
const ratio = (x: number | null) => (x === null ? 'n/a' : x.toFixed(2))
console.log(
  `sharpe         ${ratio(report.sharpe)}   sortino ${ratio(report.sortino)}${report.ratioNote ? ` (${report.ratioNote})` : ''}`,
)
console.log(`fees           ${report.fees.toFixed(2)} USDT`)
const out = await writeReport(report, 'tradekit-report', 'backtest-csv', { title: `EMA 9/21 on ${file}` })
console.log(`report         ${out.html}`)
