/** The ExecutionClient contract, run against the live OrderExecutor driving BinanceSpot on the loopback BinanceSim. */
import { describe, it } from 'vitest'
import { Decimal } from '../../../src/decimal/index.js'
import { BinanceSpot } from '../../../src/exchanges/binance/index.js'
import { OrderExecutor } from '../../../src/execution/index.js'
import { BinanceSim } from '../../../src/sim/binance/index.js'
import { executionClientContractCases } from '../../../src/testing/contracts/executionClientContract.js'

describe('ExecutionClient contract on BinanceSim', () => {
  for (const c of executionClientContractCases({
    name: 'OrderExecutor (BinanceSpot on BinanceSim)',
    create: async () => {
      const sim = await BinanceSim.start({ tickMs: 0 })
      const spot = new BinanceSpot({ ...sim.urls.spot, apiKey: 'sim-api-key', apiSecret: 'sim-api-secret' })
      const client = new OrderExecutor({ adapter: spot, queryIntervalMs: 50 })
      client.events.on('error', () => {})
      await client.start()
      const inst = await spot.instrument('BTCUSDT')
      const restingPrice = new Decimal(sim.midPrice('spot', 'BTCUSDT'))
        .times('0.9')
        .toDecimalPlaces(inst.tickSize.decimalPlaces(), Decimal.ROUND_DOWN)
      return {
        client,
        venue: spot.venue,
        symbol: 'BTCUSDT',
        restingPrice,
        qty: new Decimal('0.01'),
        // Real sockets: give the user stream time to deliver.
        settle: () => new Promise((r) => setTimeout(r, 250)),
        close: async () => {
          await client.shutdown({ timeoutMs: 2_000 })
          await spot.close()
          await sim.close()
        },
      }
    },
  }))
    it(c.name, c.run)
})
