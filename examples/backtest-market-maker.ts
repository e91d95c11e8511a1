/**
 * Backtest a market maker on recorded books: a short PolymarketSim session — its market channel recorded frame by
 * frame with `Recorder` while a taker trades and the house moves the YES book down and back up — is replayed with
 * `Backtester.replay` into BandsMarketMaker (Polymarket's reference "bands"). Quotes take the live quote path
 * (ctx.quote → RiskManager → QuoteManager) and fill in the PaperTrader with its queue-position model; the report
 * carries the maker metrics and is written as JSON and HTML.
 *
 *   npx tsx examples/backtest-market-maker.ts
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Wallet } from 'ethers'
import { Backtester, Recorder, readRecording, writeReport } from '../src/backtest/index.js'
import { Decimal } from '../src/decimal/index.js'
import {
  PolymarketAdapter,
  PolymarketMarketStream,
  PolymarketRest,
  polymarketReplayDecoder,
} from '../src/exchanges/polymarket/index.js'
import { PolymarketSim } from '../src/sim/index.js'
import { BandsMarketMaker } from '../src/strategies/index.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const dir = mkdtempSync(join(tmpdir(), 'tradekit-mm-backtest-'))
const file = join(dir, 'polymarket.jsonl')

// 1. Record: the market channel (and any REST resync) of one market's two tokens, as the live stream receives it.
const sim = await PolymarketSim.start({ seed: 4 })
const market = sim.markets[0]!
const [yes, no] = [market.tokens[0].tokenId, market.tokens[1].tokenId]
const rec = await Recorder.open(file)
const stream = new PolymarketMarketStream({
  wsUrl: sim.wsUrl,
  rest: new PolymarketRest({ restUrl: sim.restUrl, fetch: rec.recordingFetch(fetch) }),
  WebSocket: rec.recordingWebSocket('polymarket-market'),
})
stream.events.on('error', (e) => console.error('stream error:', e.message))
stream.subscribe([yes, no])
await sleep(500)
const wallet = Wallet.createRandom()
const taker = new PolymarketAdapter({ restUrl: sim.restUrl, wsUrl: sim.wsUrl, signer: wallet })
await taker.rest.createOrDeriveApiKey()
sim.fund(wallet.address, { tokens: { [yes]: '100' } })
let n = 0
const take = (token: string, side: 'BUY' | 'SELL', price: string, qty: string) =>
  taker.placeOrder({
    clientOrderId: `t${n++}`,
    venue: 'polymarket',
    symbol: token,
    side,
    type: 'LIMIT',
    qty: new Decimal(qty),
    price: new Decimal(price),
  })
for (const step of [
  () => take(yes, 'SELL', '0.70', '30'),
  () => take(yes, 'BUY', '0.73', '30'),
  () => sim.placeHouseOrder(yes, 'SELL', '0.68', '80'), // the YES book moves down…
  () => take(yes, 'SELL', '0.66', '20'),
  () => sim.placeHouseOrder(yes, 'BUY', '0.71', '120'), // …and back up
  () => take(yes, 'BUY', '0.75', '40'),
]) {
  await step()
  await sleep(400)
}
const instruments = [await taker.instrument(yes), await taker.instrument(no)]
await stream.close()
await rec.close()
await taker.close()
await sim.close()
console.log(`recorded ${rec.stats().records} messages to ${file}`)

// 2. Backtest the maker on the recording.
const bt = new Backtester({
  instruments,
  balances: { pUSD: '1000' },
  accountCurrency: 'pUSD',
  strategies: () => [
    new BandsMarketMaker({
      venue: 'polymarket',
      tokenId: yes,
      complementTokenId: no,
      tickSize: market.tickSize,
      bands: [{ minMargin: 0.01, avgMargin: 0.02, maxMargin: 0.03, minSize: 20, avgSize: 30, maxSize: 40 }],
    }),
  ],
  risk: { maxDataAgeMs: 600_000, quotes: { maxInventory: '60', maxLevels: 8 } },
  paper: { queuePosition: 1 }, // behind everything shown at the price when the quote was placed
})
const report = await bt.replay(readRecording(file), {
  decode: polymarketReplayDecoder(),
  rewards: { maxSpread: 0.03, minSize: 20 },
})
const m = report.makers!
console.log(`replayed ${report.replay?.messages} messages (${report.replay?.dataErrors} malformed)`)
for (const f of m.fillLog)
  console.log(`fill    ${f.side} ${f.symbol.slice(0, 8)}… ${f.qty} @ ${f.price} (${f.liquidity})`)
console.log(
  `quotes placed ${m.quotesPlaced}, maker fills ${m.fills}, fill ratio ${(m.fillRatio * 100).toFixed(1)} %`,
)
console.log(`spread captured ${m.spreadCaptured} pUSD, end equity ${report.endEquity.toFixed(4)} pUSD`)
for (const x of m.markouts)
  console.log(`markout ${x.horizonMs / 1000} s: ${x.count} fills, ${x.perShare.toFixed(4)} per share`)
console.log(`reward-eligible resting time ${(m.rewardEligibleMs / 1000).toFixed(1)} quote-seconds`)
const { json, html } = await writeReport(report, dir)
console.log(`report: ${json} and ${html}`)
