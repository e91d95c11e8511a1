import { describe, expect, it } from 'vitest'
import { assertValidExposition } from '../../test/helpers/exposition.js'
import { ManualClock } from '../core/clock.js'
import { TypedEmitter } from '../core/events.js'
import type { MarketDataEvents } from '../core/ports.js'
import type { Instrument } from '../core/types.js'
import { Decimal } from '../decimal/index.js'
import { PaperTrader, Portfolio } from '../execution/index.js'
import { RiskManager } from '../risk/index.js'
import { serveMetrics } from './serveMetrics.js'
import { TradingEngine } from './TradingEngine.js'

const btc: Instrument = {
  venue: 'binance',
  symbol: 'BTCUSDT',
  base: 'BTC',
  quote: 'USDT',
  kind: 'spot',
  tickSize: new Decimal('0.01'),
  stepSize: new Decimal('0.00001'),
  minQty: new Decimal('0.00001'),
}

describe('serveMetrics', () => {
  it('serves /metrics as exposition text and /health as JSON on loopback', async () => {
    const clock = new ManualClock(0)
    const portfolio = new Portfolio({ balances: { USDT: '100' }, instruments: [btc], clock })
    const engine = new TradingEngine({
      clock,
      feeds: [{ name: 'f', venue: 'binance', source: { events: new TypedEmitter<MarketDataEvents>() } }],
      strategies: [],
      risk: new RiskManager({ clock }),
      executors: [new PaperTrader({ instruments: [btc], portfolio, clock })],
      portfolio,
      instruments: [btc],
      feedHealth: { checkIntervalMs: 0 },
    })
    const server = await serveMetrics(engine, { port: 0 })
    try {
      const down = await fetch(`http://127.0.0.1:${server.port}/health`)
      expect(down.status).toBe(503) // not started yet
      await engine.start()
      const m = await fetch(`http://127.0.0.1:${server.port}/metrics`)
      expect(m.status).toBe(200)
      expect(m.headers.get('content-type')).toContain('openmetrics-text')
      assertValidExposition(await m.text())
      const h = await fetch(`http://127.0.0.1:${server.port}/health`)
      expect(h.status).toBe(200)
      expect(((await h.json()) as { running: boolean }).running).toBe(true)
      expect((await fetch(`http://127.0.0.1:${server.port}/nope`)).status).toBe(404)
      expect((await fetch(`http://127.0.0.1:${server.port}/metrics`, { method: 'POST' })).status).toBe(405)
    } finally {
      await server.close()
      await engine.stop()
    }
  })
})
