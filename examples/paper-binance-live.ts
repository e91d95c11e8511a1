/**
 * Paper trading on Binance's real public market data (needs internet; not run in CI). Reads production spot streams
 * and REST exchange info — public endpoints, no API key — and trades with a PaperTrader that fills against the real
 * order book. No order ever reaches Binance.
 *
 *   npx tsx examples/paper-binance-live.ts [--minutes 30]
 */
import { parseArgs } from 'node:util'
import { BINANCE_ENDPOINTS, BinanceMarketStream, BinanceSpot } from '../src/exchanges/binance/index.js'
import { PaperTrader, Portfolio } from '../src/execution/index.js'
import { TradingEngine } from '../src/index.js'
import { FileStateStore, RiskManager } from '../src/risk/index.js'
import { EmaCrossover } from '../src/strategies/index.js'

const { values } = parseArgs({ options: { minutes: { type: 'string', default: '30' } } })
// Production market data (read-only). Without an API key and without `allowLiveTrading`, this client cannot trade.
const spot = new BinanceSpot({ testnet: false })
const btc = await spot.instrument('BTCUSDT')
const stream = new BinanceMarketStream({
  market: 'spot',
  streamUrl: BINANCE_ENDPOINTS.spot.production.streamUrl,
})

const portfolio = new Portfolio({ balances: { USDT: '10000' }, instruments: [btc] })
const paper = new PaperTrader({ instruments: [btc], portfolio, takerFeeRate: '0.001', makerFeeRate: '0.001' })
// Breakers and the kill-switch state survive restarts in this file.
const risk = new RiskManager({ store: new FileStateStore({ path: 'paper-risk-state.json' }) })
const engine = new TradingEngine({
  feeds: [{ name: 'binance-spot', venue: btc.venue, source: stream, close: () => stream.close() }],
  strategies: [new EmaCrossover({ venue: btc.venue, symbol: 'BTCUSDT', interval: '1m', fast: 9, slow: 21 })],
  risk,
  executors: [paper],
  portfolio,
  instruments: [btc],
})
engine.events.on('signal', (s) => console.log(new Date().toISOString(), 'signal', s.side, s.intent, s.reason))
engine.events.on('order.filled', (e) =>
  console.log(
    new Date().toISOString(),
    'filled',
    e.order.side,
    e.fills.map((f) => `${f.qty.toString()} @ ${f.price.toString()}`).join(', '),
    '→',
    e.order.status,
  ),
)
engine.events.on('order.denied', (e) => console.log(new Date().toISOString(), 'denied', e.code, e.reason))
engine.events.on('error', (e) => console.error(new Date().toISOString(), 'error', e.code, e.message))

await engine.start()
await stream.subscribe(['btcusdt@kline_1m', 'btcusdt@depth20@100ms'])
const stop = async () => {
  await engine.stop()
  await spot.close()
  console.log(`equity ${portfolio.equity().toFixed(2)} USDT`)
  process.exit(0)
}
process.once('SIGINT', () => void stop())
setTimeout(() => void stop(), Number(values.minutes) * 60_000)
