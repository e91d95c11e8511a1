/**
 * A Polymarket market maker on PolymarketSim, in live mode: BandsMarketMaker (Polymarket's reference "bands") quotes
 * both outcome tokens post-only through the TradingEngine, the RiskManager approves each quote set as a whole
 * (inventory, pair inventory, levels), and the engine's QuoteManager keeps the venue's orders equal to it. The house
 * then trades into our quotes; QuoteMetrics reports spread captured, fill ratio, inventory, markouts and
 * reward-eligible resting time. The kill switch at the end leaves nothing resting.
 *
 *   npx tsx examples/polymarket-market-maker.ts
 */
import { Wallet } from 'ethers'
import { Decimal } from '../src/decimal/index.js'
import { PolymarketAdapter } from '../src/exchanges/polymarket/index.js'
import { OrderExecutor, Portfolio, QuoteMetrics } from '../src/execution/index.js'
import { SystemClock, TradingEngine } from '../src/index.js'
import { RiskManager } from '../src/risk/index.js'
import { PolymarketSim } from '../src/sim/index.js'
import { BandsMarketMaker } from '../src/strategies/index.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const clock = new SystemClock()
const sim = await PolymarketSim.start({ seed: 7 })
const adapter = new PolymarketAdapter({
  restUrl: sim.restUrl,
  wsUrl: sim.wsUrl,
  signer: Wallet.createRandom(),
})
adapter.events.on('error', (e) => console.error('polymarket error:', e.message))
await adapter.rest.createOrDeriveApiKey()
const market = sim.markets[0]!
const [yes, no] = [market.tokens[0].tokenId, market.tokens[1].tokenId]
const instruments = [await adapter.instrument(yes), await adapter.instrument(no)]

const exec = new OrderExecutor({ adapter })
exec.events.on('error', (e) => console.error('executor error:', e.message))
await exec.start()
const portfolio = new Portfolio({ accountCurrency: 'pUSD', balances: { pUSD: '10000' }, instruments, clock })
const risk = new RiskManager({
  clock,
  maxDataAgeMs: 600_000, // a quiet prediction market may not print a book for minutes
  quotes: { maxInventory: '60', maxPairInventory: '60', maxRestingNotional: '200', maxLevels: 8 },
})
const maker = new BandsMarketMaker({
  venue: 'polymarket',
  tokenId: yes,
  complementTokenId: no,
  tickSize: market.tickSize,
  bands: [
    { minMargin: 0.01, avgMargin: 0.02, maxMargin: 0.03, minSize: 20, avgSize: 30, maxSize: 40 },
    { minMargin: 0.03, avgMargin: 0.04, maxMargin: 0.06, minSize: 20, avgSize: 30, maxSize: 40 },
  ],
})
const engine = new TradingEngine({
  clock,
  feeds: [{ name: 'polymarket', venue: 'polymarket', source: adapter.market, staleAfterMs: 600_000 }],
  venues: [{ venue: 'polymarket', heartbeat: () => ({ healthy: adapter.heartbeat.state !== 'UNHEALTHY' }) }],
  strategies: [maker],
  risk,
  executors: [exec],
  portfolio,
  instruments,
  quoting: { toleranceTicks: 0, minOrderAgeMs: 250 },
})
const metrics = new QuoteMetrics({
  quotes: engine.quoteManager('polymarket')!,
  client: exec,
  clock,
  rewards: { maxSpread: 0.03, minSize: 20 },
})
engine.events.on('book', (b) => metrics.onBook(b))
// A tick-size change re-quotes at once on the new grid.
adapter.market.events.on('market.tickSizeChanged', (e) => {
  void engine.quoteManager('polymarket')?.setTickSize('polymarket', e.tokenId, new Decimal(e.newTickSize))
})
engine.events.on('order.filled', (e) =>
  console.log(
    `fill    ${e.order.side} ${e.order.symbol.slice(0, 8)}… @ ${e.order.price} (filled ${e.order.filledQty})`,
  ),
)
await engine.start()
await adapter.startUserData()
adapter.market.subscribe([yes, no])

const ours = () => sim.ledger().openOrders
for (let i = 0; i < 100 && ours().length < 4; i++) await sleep(50)
for (const o of ours()) console.log(`quote   ${o.side} ${o.tokenId.slice(0, 8)}… ${o.size} @ ${o.price}`)

// The house sells into our best YES bid twice, then buys our best NO ask if we have one.
for (let round = 0; round < 2; round++) {
  const bid = ours().find((o) => o.tokenId === yes && o.side === 'BUY')
  if (bid !== undefined) sim.placeHouseOrder(yes, 'SELL', bid.price, '25')
  await sleep(700)
}
const ask = ours().find((o) => o.side === 'SELL')
if (ask !== undefined) sim.placeHouseOrder(ask.tokenId, 'BUY', ask.price, '10')
await sleep(1_500)

const r = metrics.report()
console.log(
  `quotes placed ${r.quotesPlaced}, fills ${r.fills}, fill ratio ${(r.fillRatio * 100).toFixed(1)} %`,
)
console.log(`spread captured ${r.spreadCaptured.toFixed(4)} pUSD`)
for (const m of r.markouts)
  console.log(`markout ${m.horizonMs / 1000} s: ${m.count} fills, ${m.perShare.toFixed(4)} per share`)
// `inventory` is a series (one sample per fill): the last sample of each token is what is held now.
const held = new Map(r.inventory.map((x) => [x.symbol, x.qty]))
console.log(`inventory now ${[...held].map(([s, q]) => `${s.slice(0, 6)}…=${q}`).join(', ') || '-'}`)
console.log(`reward-eligible resting time ${(r.rewardEligibleMs / 1000).toFixed(1)} quote-seconds`)

await risk.emergencyStop('example finished')
for (let i = 0; i < 100 && ours().length > 0; i++) await sleep(50)
console.log(`open at the venue after the kill switch: ${ours().length}`)
metrics.close()
await engine.stop()
await adapter.close()
await sim.close()
