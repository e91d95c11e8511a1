/**
 * The kill switch in action, in live mode against BinanceSim: the real OrderExecutor places resting orders through
 * BinanceSpot, then `risk.emergencyStop()` halts trading at once, cancels every open order on every registered
 * executor (each cancel bounded by a timeout) and reports what it could not cancel. The simulator's own ledger
 * confirms nothing is left open, and further signals are denied until the host calls `resume()`.
 *
 *   npx tsx examples/kill-switch.ts
 */
import { BinanceSpot } from '../src/exchanges/binance/index.js'
import { OrderExecutor } from '../src/execution/index.js'
import { Decimal, roundPriceForSide } from '../src/index.js'
import { RiskManager } from '../src/risk/index.js'
import { BinanceSim } from '../src/sim/index.js'

const sim = await BinanceSim.start({ seed: 1 })
// Simulator URLs and its built-in test key; `testnet` stays true, so orders are allowed without the live opt-in.
const spot = new BinanceSpot({ ...sim.urls.spot, apiKey: 'sim-api-key', apiSecret: 'sim-api-secret' })
const exec = new OrderExecutor({ adapter: spot })
exec.events.on('error', (e) => console.error('executor error:', e.message))
await exec.start()
const risk = new RiskManager({ killSwitch: { cancelTimeoutMs: 2_000 } })
risk.registerExecutor(exec)
risk.events.on('risk.stateChanged', (e) =>
  console.log(`risk state ${e.from} -> ${e.to} (${e.reason}: ${e.detail ?? ''})`),
)

const btc = await spot.instrument('BTCUSDT')
const mid = new Decimal(sim.midPrice('spot', 'BTCUSDT'))
for (const pct of ['0.97', '0.96', '0.95']) {
  const o = await exec.submit({
    clientOrderId: exec.nextClientOrderId(),
    venue: btc.venue,
    symbol: 'BTCUSDT',
    side: 'BUY',
    type: 'LIMIT',
    timeInForce: 'GTC',
    qty: new Decimal('0.01'),
    price: roundPriceForSide(mid.times(pct), btc.tickSize, 'BUY'),
    strategyId: 'example',
  })
  console.log(`placed ${o.clientOrderId} BUY 0.01 @ ${o.price}`)
}
await new Promise((r) => setTimeout(r, 300))
console.log(`open at the venue before: ${sim.ledger.openOrders('spot').length}`)

const report = await risk.emergencyStop('operator pressed the big red button')
console.log(`kill switch: cancelled ${report.canceled.length}, could not cancel ${report.notCanceled.length}`)
await new Promise((r) => setTimeout(r, 300))
const left = sim.ledger.openOrders('spot').length
console.log(`open at the venue after: ${left}; trading state: ${risk.state}`)

await exec.shutdown({ cancelOpenOrders: false, timeoutMs: 2_000 })
await spot.close()
await sim.close()
process.exitCode = left === 0 && risk.state === 'HALTED' ? 0 : 1
