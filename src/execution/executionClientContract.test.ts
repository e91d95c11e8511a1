import { describe, it } from 'vitest'
import { ManualClock } from '../core/clock.js'
import { Decimal } from '../decimal/index.js'
import { executionClientContractCases } from '../testing/contracts/executionClientContract.js'
import { OrderExecutor } from './live/OrderExecutor.js'
import { PaperTrader } from './paper/PaperTrader.js'
import { FakeExchangeAdapter } from './testing/FakeExchangeAdapter.js'
import { BTCUSDT } from './testing/fixtures.js'

const flush = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve()
}

describe('ExecutionClient contract', () => {
  for (const c of executionClientContractCases({
    name: 'PaperTrader',
    create: async () => {
      const clock = new ManualClock(0)
      const client = new PaperTrader({ instruments: [BTCUSDT], balances: { USDT: '100000' }, clock })
      client.onBook({ venue: 'fake', symbol: 'BTCUSDT', bids: [[99, 10]], asks: [[100, 10]], tsEvent: 0 })
      return {
        client,
        venue: 'fake',
        symbol: 'BTCUSDT',
        restingPrice: new Decimal(90),
        qty: new Decimal(1),
        settle: () => clock.advanceAsync(10),
        close: () => client.shutdown({ timeoutMs: 1 }),
      }
    },
  }))
    it(c.name, c.run)

  for (const c of executionClientContractCases({
    name: 'OrderExecutor (fake venue)',
    create: async () => {
      const clock = new ManualClock(0)
      const adapter = new FakeExchangeAdapter('fake', [BTCUSDT], () => clock.now())
      adapter.setPrice('BTCUSDT', '100')
      const client = new OrderExecutor({ adapter, clock })
      await client.start()
      return {
        client,
        venue: 'fake',
        symbol: 'BTCUSDT',
        restingPrice: new Decimal(90),
        qty: new Decimal(1),
        settle: async () => {
          await flush()
          await clock.advanceAsync(10)
        },
        close: async () => {
          const s = client.shutdown({ timeoutMs: 1 })
          await clock.advanceAsync(10)
          await s
          await adapter.close()
        },
      }
    },
  }))
    it(c.name, c.run)
})
