/**
 * Binance order entry: submit→ack latency of REST (`POST /api/v3/order`, `/fapi/v1/order`) against the WebSocket
 * API (`order.place` on `/ws-api/v3`, `/ws-fapi/v1`), both on the loopback BinanceSim. One operation is one
 * `placeOrder` of a LIMIT IOC order priced 10% away from the market (it expires at once, so nothing rests), from
 * the call to the decoded ack; the note gives the mean latency of each.
 */

import { Decimal } from '../src/decimal/index.js'
import { type BinanceClient, BinanceSpot, BinanceUsdm } from '../src/exchanges/binance/index.js'
import { BinanceSim } from '../src/sim/binance/index.js'
import { runSuite } from './harness.js'

const sim = await BinanceSim.start({ tickMs: 0, symbols: ['BTCUSDT'], weightLimitPerMinute: 1_000_000_000 })
const creds = { apiKey: sim.apiKey, apiSecret: sim.apiSecret }
const clients: Record<string, BinanceClient> = {
  'spot REST': new BinanceSpot({ ...sim.urls.spot, ...creds }),
  'spot WS-API': new BinanceSpot({ ...sim.urls.spot, ...creds, orderEntry: 'ws-api' }),
  'USD-M REST': new BinanceUsdm({ ...sim.urls.usdm, ...creds }),
  'USD-M WS-API': new BinanceUsdm({ ...sim.urls.usdm, ...creds, orderEntry: 'ws-api' }),
}
let seq = 0
const order = (c: BinanceClient, price: Decimal) => ({
  clientOrderId: `b${(seq++).toString(36)}`,
  venue: c.venue,
  symbol: 'BTCUSDT',
  side: 'BUY' as const,
  type: 'LIMIT' as const,
  timeInForce: 'IOC' as const,
  qty: new Decimal('0.01'),
  price,
})
const prices = new Map<BinanceClient, Decimal>()
for (const c of Object.values(clients)) {
  const market = c.market
  prices.set(
    c,
    new Decimal(sim.midPrice(market, 'BTCUSDT')).times('0.9').toDecimalPlaces(1, Decimal.ROUND_DOWN),
  )
  // Warm up: exchangeInfo (which sizes the limiter), time sync, the WebSocket API connection.
  await c.placeOrder(order(c, prices.get(c) as Decimal))
  // The sim publishes Binance's order-rate windows; lift them so the bench measures latency, not throttling.
  for (const id of ['ORDERS_10S', 'ORDERS_1M', 'ORDERS_1D'])
    c.rest.limiter.resizeWindow(id, 1_000_000_000, 10_000)
}

const result = await runSuite(
  'binance order entry: submit→ack on loopback',
  'one placeOrder (LIMIT IOC) to its decoded ack',
  Object.entries(clients).map(([name, c]) => ({
    name,
    baseline: name === 'spot REST',
    fn: async () => {
      await c.placeOrder(order(c, prices.get(c) as Decimal))
    },
  })),
  {
    notes: 'mean latency = 1 / ops; same process, same sim, signed HMAC requests',
  },
)
console.log(
  result.cases.map((c) => `${c.name}: ${(1e6 / c.opsPerSec).toFixed(0)} µs mean submit→ack`).join('\n'),
)
for (const c of Object.values(clients)) await c.close()
await sim.close()
