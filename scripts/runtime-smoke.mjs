// Runtime smoke test of the built package (dist/), plain JavaScript so Node, Bun and Deno run it as it is:
// core (Decimal, strict parsing, errors), indicators, and a paper trade on a loopback BinanceSim read through the real
// BinanceSpot adapter and BinanceMarketStream. Prints `runtime smoke ok (<runtime>)` and exits 0, or exits 1.
//
//   node scripts/runtime-smoke.mjs
//   bun scripts/runtime-smoke.mjs
//   deno run -A scripts/runtime-smoke.mjs
import { BinanceMarketStream, BinanceSpot } from '../dist/binance/index.js'
import { PaperTrader, Portfolio } from '../dist/execution/index.js'
import { Decimal, isTradekitError, parsePrice } from '../dist/index.js'
import { EMA } from '../dist/indicators/index.js'
import { BinanceSim } from '../dist/sim/index.js'

const runtime =
  typeof globalThis.Bun !== 'undefined'
    ? `bun ${globalThis.Bun.version}`
    : typeof globalThis.Deno !== 'undefined'
      ? `deno ${globalThis.Deno.version.deno}`
      : `node ${process.versions.node}`

function check(ok, what) {
  if (!ok) throw new Error(`runtime smoke (${runtime}): ${what}`)
}

// Core: exact decimals, strict parsing with typed errors.
check(new Decimal('0.1').plus('0.2').toString() === '0.3', 'Decimal 0.1 + 0.2')
const bad = parsePrice('NaN')
check(
  !bad.ok && isTradekitError(bad.error, 'VALIDATION_FAILED'),
  'parsePrice("NaN") is a VALIDATION_FAILED error',
)

// Indicators: EMA(3) of 1..5 is 4 (seeded with the SMA of the first three values).
const ema = new EMA(3)
let last
for (const v of [1, 2, 3, 4, 5]) last = ema.update(v)
check(last === 4, `EMA(3) of 1..5 is 4, got ${last}`)

// A paper trade on the simulated exchange: instrument over REST, book over WebSocket, fill against the book.
const sim = await BinanceSim.start({ seed: 7, tickMs: 20 })
const spot = new BinanceSpot({ ...sim.urls.spot })
const stream = new BinanceMarketStream({ market: 'spot', streamUrl: sim.urls.spot.streamUrl })
try {
  const btc = await spot.instrument('BTCUSDT')
  const portfolio = new Portfolio({ balances: { USDT: '10000' }, instruments: [btc] })
  const paper = new PaperTrader({ instruments: [btc], portfolio, takerFeeRate: '0.001' })
  const book = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no book within 10 s')), 10_000)
    stream.events.on('book', (b) => {
      paper.onBook(b)
      clearTimeout(timer)
      resolve(b)
    })
  })
  stream.events.on('error', () => {})
  await stream.subscribe(['btcusdt@depth20@100ms'])
  await book
  const order = await paper.submit({
    clientOrderId: 'smoke-1',
    strategyId: 'smoke',
    venue: btc.venue,
    symbol: 'BTCUSDT',
    side: 'BUY',
    type: 'MARKET',
    qty: new Decimal('0.01'),
  })
  const done =
    order.status === 'FILLED'
      ? order
      : await new Promise((resolve) => {
          paper.events.on('order.filled', (e) => {
            if (e.order.status === 'FILLED') resolve(e.order)
          })
        })
  check(done.filledQty.eq('0.01'), `market order filled 0.01, got ${done.filledQty}`)
  const position = portfolio.positions().find((p) => p.symbol === 'BTCUSDT')
  check(position?.qty.eq('0.01') === true, 'the portfolio holds the bought quantity')
  check(portfolio.equity().lt('10000'), 'equity paid the fee and the spread')
} finally {
  await stream.close()
  await spot.close()
  await sim.close()
}
console.log(`runtime smoke ok (${runtime})`)
