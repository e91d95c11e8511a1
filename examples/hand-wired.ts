/**
 * The same bot as the demo, wired by hand without TradingEngine: every arrow of the architecture is one line here.
 * BinanceSim → BinanceMarketStream → StrategyRunner → RiskManager → PaperTrader → Portfolio.
 *
 *   npx tsx examples/hand-wired.ts [--duration 10]
 */
import { parseArgs } from 'node:util'
import { BinanceMarketStream, BinanceSpot } from '../src/exchanges/binance/index.js'
import { PaperTrader, Portfolio } from '../src/execution/index.js'
import { Decimal, ScaledClock } from '../src/index.js'
import { ATR } from '../src/indicators/index.js'
import { RiskManager } from '../src/risk/index.js'
import { BinanceSim } from '../src/sim/index.js'
import { EmaCrossover, StrategyRunner } from '../src/strategies/index.js'

const { values } = parseArgs({ options: { duration: { type: 'string', default: '10' } } })
const clock = new ScaledClock({ speed: 240, startMs: Date.UTC(2026, 0, 1) })
const sim = await BinanceSim.start({ seed: 3, clock, tickMs: 50 })
const spot = new BinanceSpot({ ...sim.urls.spot })
const btc = await spot.instrument('BTCUSDT')
const stream = new BinanceMarketStream({ market: 'spot', streamUrl: sim.urls.spot.streamUrl })

const portfolio = new Portfolio({ balances: { USDT: '10000' }, instruments: [btc], clock })
const paper = new PaperTrader({ instruments: [btc], portfolio, clock })
const risk = new RiskManager({ clock, maxDataAgeMs: 120_000, minStopDistanceFraction: 0.0001 })
risk.registerExecutor(paper) // the kill switch can cancel its orders; rejections feed the breaker
const strategy = new EmaCrossover({ venue: btc.venue, symbol: 'BTCUSDT', interval: '1m', fast: 3, slow: 8 })
const runner = new StrategyRunner(strategy, {
  clock,
  positions: () => portfolio.positions(),
  openOrders: (id) => paper.openOrders({ strategyId: id }),
  cancelOrders: (f) => paper.cancelAll(f),
})

// Market data: the paper venue first (it marks its portfolio once, then fills against the book), then the strategy.
// ATR(5) is ready after 6 closed candles, before EMA(8) can cross: the first signal already has its stop distance.
const atr = new ATR(5)
let last = { price: 0, ts: 0 }
stream.events.on('book', (b) => paper.onBook(b))
stream.events.on('candle', (c) => {
  paper.onCandle(c)
  last = { price: c.close, ts: c.closeTime }
  if (c.isClosed) atr.update(c)
  runner.candle(c)
})
stream.events.on('error', (e) => console.error('stream error:', e.message))

// Signals: risk sizes and approves, the paper venue executes.
runner.events.on('signal', (signal) => {
  const market = {
    instrument: btc,
    price: new Decimal(last.price),
    priceTs: last.ts,
    ...(atr.value !== undefined ? { atr: atr.value } : {}),
  }
  const decision = risk.evaluate(signal, portfolio.snapshot(paper.openOrders()), market)
  if (!decision.ok) {
    console.log(`denied ${signal.side}: ${decision.error.code} ${decision.error.message}`)
    return
  }
  console.log(`approved ${decision.value.side} ${decision.value.qty} ${decision.value.symbol}`)
  paper.submit(decision.value).catch((e: Error) => console.error('submit failed:', e.message))
})
runner.events.on('error', (e) => console.error('strategy error:', e.message))

// Fills: the portfolio books them (the PaperTrader owns this portfolio); the strategy hears about its own.
// One `order.filled` per order update, with every fill of it (a market order walking three book levels: three fills).
paper.events.on('order.filled', (e) => {
  for (const fill of e.fills) {
    runner.fill(fill)
    console.log(`filled ${fill.side} ${fill.qty} @ ${fill.price}`)
  }
})
paper.events.on('error', (e) => console.error('paper error:', e.message))

runner.start()
await stream.subscribe(['btcusdt@kline_1m', 'btcusdt@depth20@100ms'])
await new Promise((r) => setTimeout(r, Number(values.duration) * 1000))
runner.stop()
await paper.shutdown({ cancelOpenOrders: true, timeoutMs: 2000 })
await stream.close()
await spot.close()
await sim.close()
console.log(
  `equity ${portfolio.equity().toFixed(2)} USDT, signals ${runner.signalCount}, state ${risk.state}`,
)
