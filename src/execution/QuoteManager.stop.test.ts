import { describe, expect, it } from 'vitest'
import { ManualClock } from '../core/clock.js'
import { Decimal } from '../decimal/index.js'
import { QuoteManager } from './QuoteManager.js'
import { BTCUSDT } from './testing/fixtures.js'
import { ScriptedClient } from './testing/ScriptedClient.js'

describe('QuoteManager.stop', () => {
  it('makes one last cancel, then no retry; reports what may still rest; resume no longer lifts the halt', async () => {
    const clock = new ManualClock(0)
    const client = new ScriptedClient()
    client.onSubmit = () => [{ status: 'OPEN' }]
    const q = new QuoteManager({ client, clock, instrument: () => BTCUSDT, pullRetryMs: 500 })
    const errors: string[] = []
    q.events.on('error', (e) => errors.push(e.message))
    await q.apply({
      strategyId: 'mm',
      venue: 'fake',
      symbols: [BTCUSDT.symbol],
      levels: [{ symbol: BTCUSDT.symbol, side: 'BUY', price: new Decimal(100), qty: new Decimal(1) }],
      tsEvent: 0,
    })
    await clock.advanceAsync(0)
    const [quote] = q.openQuotes()
    expect(quote).toBeDefined()
    client.cancelMode = 'throw'
    const pulled = await q.pullAll('halt')
    expect(pulled.failed).toHaveLength(1)
    const report = await q.stop()
    expect(client.cancels).toHaveLength(2) // the pull, then the last attempt
    expect(report.resting).toEqual([quote?.clientOrderId])
    const seen = errors.length
    await clock.advanceAsync(60_000)
    expect(client.cancels).toHaveLength(2)
    expect(errors).toHaveLength(seen)
    q.resume()
    expect(q.haltedReason).toBe('halt')
  })
})
