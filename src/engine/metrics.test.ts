import { describe, expect, it } from 'vitest'
import { assertValidExposition } from '../../test/helpers/exposition.js'
import { MetricsRegistry } from './metrics.js'

describe('MetricsRegistry', () => {
  it('renders counters, gauges and histograms in valid exposition format', () => {
    const m = new MetricsRegistry()
    m.counter('tradekit_orders_total', 'Orders by outcome').inc({ venue: 'binance', outcome: 'filled' })
    m.counter('tradekit_orders_total', 'Orders by outcome').inc({ venue: 'binance', outcome: 'filled' }, 2)
    m.gauge('tradekit_equity', 'Equity').set(1234.5)
    m.gauge('tradekit_equity', 'Equity').set(Number.NaN) // ignored
    const h = m.histogram('tradekit_request_seconds', 'Latency', [0.1, 1])
    h.observe(0.05, { venue: 'x"y\\z' })
    h.observe(0.5, { venue: 'x"y\\z' })
    const text = m.render()
    assertValidExposition(text)
    expect(text).toContain('tradekit_orders_total{venue="binance",outcome="filled"} 3')
    expect(text).toContain('tradekit_equity 1234.5')
    expect(text).toContain('tradekit_request_seconds_bucket{venue="x\\"y\\\\z",le="0.1"} 1')
    expect(text).toContain('tradekit_request_seconds_bucket{venue="x\\"y\\\\z",le="+Inf"} 2')
  })

  it('refuses invalid names and kind clashes', () => {
    const m = new MetricsRegistry()
    expect(() => m.gauge('bad name', 'x')).toThrow()
    m.gauge('a', 'x')
    expect(() => m.counter('a', 'x')).toThrow()
  })
})
