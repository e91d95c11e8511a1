/**
 * Records the two small market sessions `makerBacktest.test.ts` replays, from the loopback simulators through the real
 * adapters' market streams (raw frames as received, via `Recorder`):
 *
 * - `binance-usdm-session.jsonl`: BinanceSim (seed 33) USD-M BTCUSDT, `depth10@100ms` and `aggTrade`, ~3 s.
 * - `polymarket-session.jsonl`: PolymarketSim (seed 4) market channel of the first market's YES and NO tokens, while
 *   a taker trades with the house (public trades) and the house moves the YES book down and back up.
 *
 * Each session's instruments (as the adapters report them) go to `<name>.instruments.json`. Re-record with
 * `npx tsx test/integration/backtest/__fixtures__/recordMakerSessions.ts [binance|polymarket]` and update the pinned fills in the test.
 */
import { writeFileSync } from 'node:fs'
import { Wallet } from 'ethers'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Recorder } from '../../../../src/backtest/index.js'
import type { Instrument } from '../../../../src/core/types.js'
import { Decimal } from '../../../../src/decimal/index.js'
import { BinanceMarketStream, BinanceUsdm } from '../../../../src/exchanges/binance/index.js'
import { PolymarketAdapter, PolymarketMarketStream, PolymarketRest } from '../../../../src/exchanges/polymarket/index.js'
import { BinanceSim, PolymarketSim } from '../../../../src/sim/index.js'

const here = dirname(fileURLToPath(import.meta.url))
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** An instrument as JSON (Decimals as strings); `loadInstruments` in the test reads it back. */
const toJson = (i: Instrument) => JSON.parse(JSON.stringify(i)) as Record<string, unknown>

async function binance(): Promise<void> {
  const sim = await BinanceSim.start({ seed: 33, tickMs: 100 })
  const usdm = new BinanceUsdm({ ...sim.urls.usdm })
  const btc = await usdm.instrument('BTCUSDT')
  const rec = await Recorder.open(join(here, 'binance-usdm-session.jsonl'))
  const stream = new BinanceMarketStream({
    market: 'usdm',
    streamUrl: sim.urls.usdm.streamUrl,
    WebSocket: rec.recordingWebSocket('binance-usdm'),
  })
  await stream.subscribe(['btcusdt@depth10@100ms', 'btcusdt@aggTrade'])
  await sleep(3_000)
  await stream.close()
  await rec.close()
  writeFileSync(join(here, 'binance-usdm-session.instruments.json'), `${JSON.stringify([toJson(btc)], null, 2)}\n`)
  await usdm.close()
  await sim.close()
  console.log('binance', rec.stats())
}

async function polymarket(): Promise<void> {
  const sim = await PolymarketSim.start({ seed: 4 })
  const market = sim.markets[0]
  if (market === undefined) throw new Error('no market')
  const [yes, no] = [market.tokens[0].tokenId, market.tokens[1].tokenId]
  const rec = await Recorder.open(join(here, 'polymarket-session.jsonl'))
  const rest = new PolymarketRest({ restUrl: sim.restUrl, fetch: rec.recordingFetch(fetch) })
  const stream = new PolymarketMarketStream({
    wsUrl: sim.wsUrl,
    rest,
    WebSocket: rec.recordingWebSocket('polymarket-market'),
  })
  stream.events.on('error', (e) => console.error(e.message))
  stream.subscribe([yes, no])
  await sleep(500)
  // A taker (a second account, through the real adapter) trades with the house: public trades. The house's own
  // crossing orders move the book (the simulator cancels the house orders they would match, no trade).
  const wallet = Wallet.createRandom()
  const taker = new PolymarketAdapter({ restUrl: sim.restUrl, wsUrl: sim.wsUrl, signer: wallet })
  sim.fund(wallet.address, { tokens: { [yes]: '100' } })
  await taker.rest.createOrDeriveApiKey()
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
  const steps: Array<() => unknown> = [
    () => take(yes, 'SELL', '0.70', '30'), // hits the YES best bid (0.70) without emptying it: a trade at the level
    () => take(yes, 'BUY', '0.73', '30'), // lifts the YES asks: trades at 0.72 (and 0.73)
    () => sim.placeHouseOrder(yes, 'SELL', '0.68', '80'), // the YES book moves down: best ask 0.68
    () => take(yes, 'SELL', '0.66', '20'), // hits the YES bids down to 0.66
    () => sim.placeHouseOrder(yes, 'BUY', '0.71', '120'), // and back up: best bid 0.71
    () => take(yes, 'BUY', '0.75', '40'), // lifts the YES asks again
    () => take(no, 'BUY', '0.33', '30'), // lifts the NO asks
  ]
  for (const step of steps) {
    await step()
    await sleep(400)
  }
  await taker.close()
  await sleep(500)
  await stream.close()
  await rec.close()
  // The instruments as the adapter reports them (not recorded: the replay needs only the market channel).
  const clob = new PolymarketAdapter({ restUrl: sim.restUrl, wsUrl: sim.wsUrl, signer: Wallet.createRandom() })
  const instruments = [await clob.instrument(yes), await clob.instrument(no)]
  writeFileSync(
    join(here, 'polymarket-session.instruments.json'),
    `${JSON.stringify(instruments.map(toJson), null, 2)}\n`,
  )
  await clob.close()
  await sim.close()
  console.log('polymarket', rec.stats(), { yes, no, tick: market.tickSize, minSize: market.minOrderSize })
}

// `binance` or `polymarket` records one session only.
const only = process.argv[2]
if (only === undefined || only === 'binance') await binance()
if (only === undefined || only === 'polymarket') await polymarket()
