/** The ExecutionClient contract, run against the live OrderExecutor driving PolymarketAdapter on PolymarketSim. */
import { Wallet } from 'ethers'
import { describe, it } from 'vitest'
import { Decimal } from '../../../src/decimal/index.js'
import { PolymarketAdapter } from '../../../src/exchanges/polymarket/index.js'
import { OrderExecutor } from '../../../src/execution/index.js'
import { PolymarketSim } from '../../../src/sim/polymarket/index.js'
import { executionClientContractCases } from '../../../src/testing/contracts/executionClientContract.js'

// A publicly known Hardhat test key.
const wallet = new Wallet('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80')

describe('ExecutionClient contract on PolymarketSim', () => {
  for (const c of executionClientContractCases({
    name: 'OrderExecutor (PolymarketAdapter on PolymarketSim)',
    create: async () => {
      const sim = await PolymarketSim.start({ seed: 9, settlementDelayMs: 5 })
      const adapter = new PolymarketAdapter({
        restUrl: sim.restUrl,
        wsUrl: sim.wsUrl,
        signer: wallet,
        autoHeartbeat: false,
      })
      adapter.events.on('error', () => {})
      await adapter.rest.createOrDeriveApiKey()
      const client = new OrderExecutor({ adapter, queryIntervalMs: 50 })
      client.events.on('error', () => {})
      await client.start()
      const m = sim.markets.find((x) => x.tickSize === '0.01') ?? sim.markets[0]
      if (m === undefined) throw new Error('no market')
      const token = m.tokens[0].tokenId
      await adapter.instrument(token)
      return {
        client,
        venue: 'polymarket',
        symbol: token,
        restingPrice: new Decimal(m.fairPrice).minus(new Decimal(m.tickSize).times(20)),
        qty: new Decimal(5),
        // Real sockets: give the user channel time to deliver.
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
