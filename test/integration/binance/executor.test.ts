import { describe, it } from 'vitest'
import { Decimal } from '../../../src/decimal/index.js'
import { BinanceSpot, BinanceUsdm } from '../../../src/exchanges/binance/index.js'
import { OrderExecutor } from '../../../src/execution/index.js'
import { BinanceSim } from '../../../src/sim/index.js'
import { executionClientContractCases } from '../../../src/testing/contracts/executionClientContract.js'

/** The shared ExecutionClient contract, run on the live OrderExecutor driving the Binance adapters over BinanceSim. */
describe('OrderExecutor over Binance adapters (BinanceSim)', () => {
  for (const market of ['spot', 'usdm'] as const) {
    for (const c of executionClientContractCases({
      name: `OrderExecutor + ${market === 'spot' ? 'BinanceSpot' : 'BinanceUsdm'}`,
      create: async () => {
        const sim = await BinanceSim.start({ seed: 11, symbols: ['BTCUSDT'], tickMs: 0 })
        const cfg = { apiKey: sim.apiKey, apiSecret: sim.apiSecret, reconnectBaseMs: 20 }
        const adapter =
          market === 'spot'
            ? new BinanceSpot({ ...sim.urls.spot, ...cfg })
            : new BinanceUsdm({ ...sim.urls.usdm, ...cfg })
        const client = new OrderExecutor({ adapter, queryIntervalMs: 50 })
        await client.start()
        const mid = new Decimal(sim.midPrice(market, 'BTCUSDT'))
        return {
          client,
          venue: adapter.venue,
          symbol: 'BTCUSDT',
          restingPrice: mid.minus(1000),
          qty: new Decimal('0.01'),
          settle: () => new Promise((r) => setTimeout(r, 150)),
          close: async () => {
            await client.shutdown({ timeoutMs: 1000 })
            await adapter.close()
            await sim.close()
          },
        }
      },
    }))
      it(c.name, c.run)
  }
})
