/**
 * The ExecutionClient contract, run against the live OrderExecutor driving BinanceSpot and BinanceUsdm with
 * `orderEntry: 'ws-api'` (orders over the WebSocket API) on the loopback BinanceSim.
 */
import { describe, it } from 'vitest'
import { Decimal } from '../../../src/decimal/index.js'
import { type BinanceClient, BinanceSpot, BinanceUsdm } from '../../../src/exchanges/binance/index.js'
import { OrderExecutor } from '../../../src/execution/index.js'
import { BinanceSim } from '../../../src/sim/binance/index.js'
import { executionClientContractCases } from '../../../src/testing/contracts/executionClientContract.js'

for (const market of ['spot', 'usdm'] as const) {
  describe(`ExecutionClient contract on BinanceSim, ${market} over the WebSocket API`, () => {
    for (const c of executionClientContractCases({
      name: `OrderExecutor (${market === 'spot' ? 'BinanceSpot' : 'BinanceUsdm'} ws-api on BinanceSim)`,
      create: async () => {
        const sim = await BinanceSim.start({ tickMs: 0 })
        const cfg = {
          ...sim.urls[market],
          apiKey: 'sim-api-key',
          apiSecret: 'sim-api-secret',
          orderEntry: 'ws-api' as const,
        }
        const adapter: BinanceClient = market === 'spot' ? new BinanceSpot(cfg) : new BinanceUsdm(cfg)
        const client = new OrderExecutor({ adapter, queryIntervalMs: 50 })
        client.events.on('error', () => {})
        await client.start()
        const inst = await adapter.instrument('BTCUSDT')
        const restingPrice = new Decimal(sim.midPrice(market, 'BTCUSDT'))
          .times('0.9')
          .toDecimalPlaces(inst.tickSize.decimalPlaces(), Decimal.ROUND_DOWN)
        return {
          client,
          venue: adapter.venue,
          symbol: 'BTCUSDT',
          restingPrice,
          qty: new Decimal('0.01'),
          settle: () => new Promise((r) => setTimeout(r, 250)),
          close: async () => {
            await client.shutdown({ timeoutMs: 2_000 })
            await adapter.close()
            await sim.close()
          },
        }
      },
    }))
      it(c.name, c.run)
  })
}
