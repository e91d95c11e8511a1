import { describe, expect, it } from 'vitest'
import { assertValidExposition } from '../../test/helpers/exposition.js'
import { ManualClock } from '../core/clock.js'
import { Decimal } from '../decimal/index.js'
import { RiskManager } from '../risk/index.js'
import { btc, Feed } from './__fixtures__/market.js'
import { EngineMetrics } from './EngineMetrics.js'
import { FeedHealthMonitor } from './FeedHealthMonitor.js'
import { Subscriptions } from './Subscriptions.js'

function env() {
  const clock = new ManualClock(0)
  const feeds = [
    { name: 'f1', venue: 'binance', source: new Feed(), status: () => ({ healthy: true, reconnects: 2 }) },
  ]
  const venues = [{ venue: 'binance', heartbeat: () => ({ healthy: false, reason: 'lost' }) }]
  const monitor = new FeedHealthMonitor({
    clock,
    feeds,
    venues,
    instruments: [btc],
    staleAfterMs: 1000,
    action: 'REDUCING',
  })
  const restrictions = new RiskManager({ clock })
  const market = { instruments: () => [btc].values(), ignoredCandles: 0, stalePrices: 0 }
  const metrics = new EngineMetrics({
    clock,
    feeds,
    venues,
    market,
    monitor,
    risk: restrictions,
    account: { equity: () => new Decimal('1000.5'), drawdown: () => new Decimal('0.1') },
    openOrders: () => 3,
  })
  return { clock, monitor, restrictions, metrics, market }
}

describe('EngineMetrics', () => {
  it('builds the health report: feeds, heartbeats, instrument restrictions with reasons, account', () => {
    const { monitor, restrictions, metrics } = env()
    for (const c of monitor.check()) {
      restrictions.setInstrumentState(c.venue, c.symbol, c.to, { code: 'FEED_UNHEALTHY', reason: c.reason })
    }
    expect(metrics.health(true)).toEqual({
      running: true,
      tradingState: 'ACTIVE',
      feeds: [{ name: 'f1', venue: 'binance', lastDataAgeMs: null, healthy: true }],
      venues: [{ venue: 'binance', healthy: false, reason: 'lost' }],
      instruments: [
        { venue: 'binance', symbol: 'BTCUSDT', state: 'REDUCING', reason: 'venue "binance" heartbeat: lost' },
      ],
      openOrders: 3,
      ignoredCandles: 0,
      stalePrices: 0,
      equity: '1000.5',
      drawdown: '0.1',
    })
  })

  it('renders counters and gauges as a valid exposition', () => {
    const { metrics } = env()
    const decisions = { approved: 0, denied: 0 }
    metrics.watchRisk(() => decisions, new Subscriptions())
    metrics.order('binance', 'fill')
    metrics.order('binance', 'fill')
    metrics.dataError('f1')
    decisions.denied++
    metrics.breakerTrip('drawdown')
    const text = metrics.render()
    assertValidExposition(text)
    expect(text).toMatch(/tradekit_orders_total\{venue="binance",outcome="fill"\} 2/)
    expect(text).toMatch(/tradekit_ws_reconnects\{feed="f1",venue="binance"\} 2/)
    expect(text).toMatch(/tradekit_venue_heartbeat_healthy\{venue="binance"\} 0/)
    expect(text).toMatch(/tradekit_open_orders 3/)
    expect(text).toMatch(/tradekit_trading_state\{state="ACTIVE"\} 1/)
    expect(text).toMatch(/tradekit_risk_decisions_total\{decision="denied"\} 1/)
  })

  it("counts a RiskManager's decisions made while watched: from watchRisk until its subscriptions are cleared", () => {
    const { metrics } = env()
    const decisions = { approved: 2, denied: 1 } // made before the engine started: not counted
    const subs = new Subscriptions()
    metrics.watchRisk(() => ({ ...decisions }), subs)
    expect(metrics.render()).not.toMatch(/tradekit_risk_decisions_total\{/)
    decisions.approved += 3
    expect(metrics.render()).toMatch(/tradekit_risk_decisions_total\{decision="approved"\} 3\n/)
    decisions.approved += 1
    decisions.denied += 4
    subs.clear() // the engine stopped: counted up to here
    decisions.approved += 10
    decisions.denied += 10
    const text = metrics.render()
    assertValidExposition(text)
    expect(text).toMatch(/tradekit_risk_decisions_total\{decision="approved"\} 4\n/)
    expect(text).toMatch(/tradekit_risk_decisions_total\{decision="denied"\} 4\n/)
  })

  it('reports the closed candles the market cache ignored: in health() and as a counter', () => {
    const { metrics, market } = env()
    expect(metrics.render()).toMatch(/tradekit_candles_ignored_total 0\n/) // declared before the first one
    market.ignoredCandles = 2
    expect(metrics.health(true).ignoredCandles).toBe(2)
    expect(metrics.render()).toMatch(/tradekit_candles_ignored_total 2\n/)
    market.ignoredCandles = 3
    const text = metrics.render()
    assertValidExposition(text)
    expect(text).toMatch(/tradekit_candles_ignored_total 3\n/)
  })

  it('reports the late prices the market cache ignored: in health() and as a counter', () => {
    const { metrics, market } = env()
    expect(metrics.render()).toMatch(/tradekit_prices_stale_total 0\n/)
    market.stalePrices = 4
    expect(metrics.health(true).stalePrices).toBe(4)
    const text = metrics.render()
    assertValidExposition(text)
    expect(text).toMatch(/tradekit_prices_stale_total 4\n/)
  })
})
