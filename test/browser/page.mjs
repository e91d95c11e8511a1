// Bundled for the browser by scripts/browser-smoke.mjs (esbuild, platform "browser": a Node built-in fails the
// bundle). Computes indicators and streams a loopback BinanceSim book through BinanceMarketStream and
// ReconnectingWebSocket, then posts what it saw to the smoke server.

// Through the package's own name (self-reference), so the bundler picks the "browser" export condition like an app.
import { Decimal, parsePrice } from 'tradekit'
import { BinanceMarketStream } from 'tradekit/binance'
import { EMA, RSI } from 'tradekit/indicators'

async function main() {
  const params = new URLSearchParams(location.search)
  const ema = new EMA(3)
  const rsi = new RSI(3)
  let emaValue
  for (const v of [1, 2, 3, 4, 5]) {
    emaValue = ema.update(v)
    rsi.update(v)
  }
  const price = parsePrice('64123.45')
  const stream = new BinanceMarketStream({ market: 'spot', streamUrl: params.get('stream') })
  const book = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no book within 15 s')), 15_000)
    stream.events.on('book', (b) => {
      clearTimeout(timer)
      resolve(b)
    })
    stream.events.on('error', () => {})
    stream.subscribe(['btcusdt@depth20@100ms']).catch(reject)
  })
  await stream.close()
  return {
    ok: true,
    ema: emaValue,
    price: price.ok ? price.value.toString() : null,
    sum: new Decimal('0.1').plus('0.2').toString(),
    symbol: book.symbol,
    bestBid: book.bids[0]?.[0],
    bestAsk: book.asks[0]?.[0],
    userAgent: navigator.userAgent,
  }
}

main()
  .catch((e) => ({ ok: false, error: String(e?.stack ?? e) }))
  .then((result) => fetch('/result', { method: 'POST', body: JSON.stringify(result) }))
