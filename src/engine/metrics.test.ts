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

  it('counts one sample per label set, whatever the order its labels come in', () => {
    const m = new MetricsRegistry()
    const c = m.counter('tradekit_orders_total', 'Orders by outcome')
    c.inc({ venue: 'binance', outcome: 'filled' })
    c.inc({ outcome: 'filled', venue: 'binance' })
    c.inc({ venue: 'binance', outcome: 'denied' })
    c.inc({ c: '3', a: '1', b: '2' })
    c.inc({ b: '2', c: '3', a: '1' })
    c.inc({ only: 'x' })
    c.inc()
    const text = m.render()
    assertValidExposition(text)
    expect(text).toContain('tradekit_orders_total{venue="binance",outcome="filled"} 2')
    expect(text).toContain('tradekit_orders_total{venue="binance",outcome="denied"} 1')
    expect(text).toContain('tradekit_orders_total{c="3",a="1",b="2"} 2')
    expect(text).toContain('tradekit_orders_total{only="x"} 1')
    expect(text).toContain('tradekit_orders_total 1')
    expect(text.split('\n').filter((l) => l.startsWith('tradekit_orders_total')).length).toBe(5)
  })

  it('a bound counter counts into the sample of its label set, as inc with those labels does', () => {
    const m = new MetricsRegistry()
    const c = m.counter('tradekit_orders_total', 'Orders by outcome')
    const filled = c.bind({ venue: 'binance', outcome: 'filled' })
    filled.inc()
    filled.inc(2)
    filled.inc(-1) // a counter never goes down
    c.inc({ outcome: 'filled', venue: 'binance' })
    expect(m.render()).toContain('tradekit_orders_total{venue="binance",outcome="filled"} 4')
    expect(() => c.bind({ 'bad-label': 'x' })).toThrow(/Invalid label name/)
  })

  it('refuses invalid names and kind clashes', () => {
    const m = new MetricsRegistry()
    expect(() => m.gauge('bad name', 'x')).toThrow()
    m.gauge('a', 'x')
    expect(() => m.counter('a', 'x')).toThrow()
  })
})
