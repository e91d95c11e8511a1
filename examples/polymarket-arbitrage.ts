/**
 * Polymarket complement arbitrage on PolymarketSim, in live mode: when the YES and NO asks of one market sum below
 * 1 minus a margin, ComplementArbitrage emits two grouped BUY signals; the engine has the RiskManager approve both and
 * sends them together through an OrderGroup on the real OrderExecutor and PolymarketAdapter (EIP-712 signed V2 orders,
 * L2-authenticated REST). If a leg failed, the filled one would be unwound. A pair pays exactly 1 at resolution.
 *
 *   npx tsx examples/polymarket-arbitrage.ts
 */
import { Wallet } from 'ethers'
import { PolymarketAdapter } from '../src/exchanges/polymarket/index.js'
import { OrderExecutor, Portfolio } from '../src/execution/index.js'
import { SystemClock, TradingEngine } from '../src/index.js'
import { RiskManager } from '../src/risk/index.js'
import { PolymarketSim } from '../src/sim/index.js'
import { ComplementArbitrage } from '../src/strategies/index.js'

const clock = new SystemClock()
const sim = await PolymarketSim.start({ seed: 11 })
const wallet = Wallet.createRandom()
const adapter = new PolymarketAdapter({ restUrl: sim.restUrl, wsUrl: sim.wsUrl, signer: wallet })
adapter.events.on('error', (e) => console.error('polymarket error:', e.message))
adapter.market.events.on('error', (e) => console.error('market channel error:', e.message))
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
  sizing: { method: 'fixedNotional', notional: '25' },
  requireStop: false, // a complete YES+NO pair has no market risk to stop out of
  maxOpenPositions: 4,
})
const engine = new TradingEngine({
  clock,
  feeds: [{ name: 'polymarket', venue: 'polymarket', source: adapter.market }],
  strategies: [new ComplementArbitrage({ yesTokenId: yes, noTokenId: no, margin: 0.02, maxShares: 40 })],
  risk,
  executors: [exec],
  portfolio,
  instruments,
  groups: { legTimeoutMs: 5_000 },
})
engine.events.on('signal', (s) =>
  console.log(`signal  BUY ${s.symbol.slice(0, 10)}… ≤ ${s.limitPrice} (${s.reason})`),
)
engine.events.on('order.denied', (e) => console.log(`denied  ${e.code}: ${e.reason}`))
const done = new Promise<void>((resolve) =>
  engine.events.on('engine.groupCompleted', (e) => {
    console.log(`group   ${e.outcome.groupId}: ${e.outcome.status}`)
    for (const leg of e.outcome.legs)
      console.log(
        `  leg   ${leg.intent.symbol.slice(0, 10)}… ${leg.fate} filled ${leg.order?.filledQty ?? 0}`,
      )
    resolve()
  }),
)
await engine.start()
await adapter.startUserData()
adapter.market.subscribe([yes, no])

// Someone sells both outcomes cheaply: YES at 0.45 and NO at 0.50 — a 5-cent edge per pair.
await new Promise((r) => setTimeout(r, 500))
sim.placeHouseOrder(yes, 'SELL', '0.45', '60')
sim.placeHouseOrder(no, 'SELL', '0.5', '60')
let timer: ReturnType<typeof setTimeout> | undefined
await Promise.race([done, new Promise((r) => (timer = setTimeout(r, 15_000)))])
clearTimeout(timer)

for (const p of portfolio.positions())
  console.log(`position ${p.symbol.slice(0, 10)}… ${p.qty} @ ${p.entryPrice?.toFixed(4)}`)
await engine.stop()
await adapter.close()
await sim.close()
