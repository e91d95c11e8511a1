import { describe, expect, it } from 'vitest'
import { ManualClock } from '../core/clock.js'
import type { TradekitError } from '../errors/index.js'
import { RiskManager } from '../risk/index.js'
import { btc, Feed } from './__fixtures__/market.js'
import { applyFeedHealth, FeedHealthMonitor, type FeedStatus } from './FeedHealthMonitor.js'

function monitor(
  opts: {
    status?: () => FeedStatus
    heartbeat?: () => { healthy: boolean; reason?: string }
    onError?: (e: TradekitError) => void
  } = {},
) {
  const clock = new ManualClock(0)
  const feed = {
    name: 'f1',
    venue: 'binance',
    source: new Feed(),
    ...(opts.status ? { status: opts.status } : {}),
  }
  const m = new FeedHealthMonitor({
    clock,
    feeds: [feed],
    venues: opts.heartbeat ? [{ venue: 'binance', heartbeat: opts.heartbeat }] : [],
    instruments: [btc],
    staleAfterMs: 1000,
    action: 'REDUCING',
    ...(opts.onError ? { onError: opts.onError } : {}),
  })
  return { clock, feed, m }
}

describe('FeedHealthMonitor', () => {
  it('reports data age, and a feed silent for longer than staleAfterMs as unhealthy', () => {
    const { clock, feed, m } = monitor()
    expect(m.feedHealth(feed)).toEqual({ name: 'f1', venue: 'binance', lastDataAgeMs: null, healthy: true })
    m.seen('f1', 'binance', 'BTCUSDT')
    clock.advance(1500)
    expect(m.feedHealth(feed)).toEqual({
      name: 'f1',
      venue: 'binance',
      lastDataAgeMs: 1500,
      healthy: false,
      reason: 'no data for 1500 ms',
    })
  })

  it('restricts the instruments a stale feed delivered, once, and lifts them when it is healthy again', () => {
    const { clock, m } = monitor()
    m.seen('f1', 'binance', 'BTCUSDT')
    expect(m.check()).toEqual([])
    clock.advance(2000)
    const changes = m.check()
    expect(changes).toEqual([
      {
        venue: 'binance',
        symbol: 'BTCUSDT',
        from: 'ACTIVE',
        to: 'REDUCING',
        reason: 'feed "f1": no data for 2000 ms',
      },
    ])
    expect(m.restriction('binance', 'BTCUSDT')?.state).toBe('REDUCING')
    expect(m.check()).toEqual([]) // no change, no event
    m.seen('f1', 'binance', 'BTCUSDT')
    expect(m.check()).toEqual([
      { venue: 'binance', symbol: 'BTCUSDT', from: 'REDUCING', to: 'ACTIVE', reason: 'feed healthy again' },
    ])
    expect(m.restriction('binance', 'BTCUSDT')).toBeUndefined()
  })

  it('treats a feed whose status() says unhealthy like a stale one', () => {
    let st: FeedStatus = { healthy: true }
    const { feed, m } = monitor({ status: () => st })
    m.seen('f1', 'binance', 'BTCUSDT')
    st = { healthy: false, reason: 'book resync' }
    expect(m.feedHealth(feed).reason).toBe('book resync')
    expect(m.check().map((c) => c.reason)).toEqual(['feed "f1": book resync'])
  })

  it('restricts every instrument of a venue whose heartbeat fails, even before any data', () => {
    let healthy = false
    const { m } = monitor({ heartbeat: () => ({ healthy, reason: 'lost' }) })
    expect(m.venueHealth()).toEqual([{ venue: 'binance', healthy: false, reason: 'lost' }])
    expect(m.check().map((c) => `${c.symbol} ${c.to} ${c.reason}`)).toEqual([
      'BTCUSDT REDUCING venue "binance" heartbeat: lost',
    ])
    healthy = true
    expect(m.check().map((c) => c.to)).toEqual(['ACTIVE'])
  })

  it('with symbolStaleAfterMs, restricts a traded instrument silent on a busy feed, alone, and lifts it when its data is back', () => {
    const clock = new ManualClock(0)
    const eth = { ...btc, symbol: 'ETHUSDT', base: 'ETH' }
    const feed = { name: 'f1', venue: 'binance', source: new Feed(), symbolStaleAfterMs: 1000 }
    const m = new FeedHealthMonitor({
      clock,
      feeds: [feed],
      venues: [],
      instruments: [btc, eth],
      staleAfterMs: 1000,
      action: 'REDUCING',
    })
    m.seen('f1', 'binance', 'BTCUSDT')
    m.seen('f1', 'binance', 'ETHUSDT')
    m.seen('f1', 'binance', 'XRPUSDT') // not traded: never judged on its own
    // BTC keeps the feed busy; ETH and XRP go silent.
    for (let i = 0; i < 15; i++) {
      clock.advance(100)
      m.seen('f1', 'binance', 'BTCUSDT')
    }
    expect(m.feedHealth(feed).healthy).toBe(true)
    expect(m.check()).toEqual([
      {
        venue: 'binance',
        symbol: 'ETHUSDT',
        from: 'ACTIVE',
        to: 'REDUCING',
        reason: 'feed "f1": no data on "ETHUSDT" for 1500 ms',
      },
    ])
    expect(m.check()).toEqual([])
    m.seen('f1', 'binance', 'ETHUSDT')
    expect(m.check().map((c) => `${c.symbol} ${c.to}`)).toEqual(['ETHUSDT ACTIVE'])
  })

  it('without symbolStaleAfterMs (or with 0) the feed is judged as a whole only: a quiet instrument is healthy', () => {
    const clock = new ManualClock(0)
    const eth = { ...btc, symbol: 'ETHUSDT', base: 'ETH' }
    const m = new FeedHealthMonitor({
      clock,
      feeds: [{ name: 'f1', venue: 'binance', source: new Feed() }],
      venues: [],
      instruments: [btc, eth],
      staleAfterMs: 1000,
      action: 'REDUCING',
    })
    m.seen('f1', 'binance', 'ETHUSDT')
    for (let i = 0; i < 15; i++) {
      clock.advance(100)
      m.seen('f1', 'binance', 'BTCUSDT')
    }
    expect(m.check()).toEqual([])
  })

  it('reports a feed status() or venue heartbeat() that throws, and counts it as unhealthy (check never throws)', () => {
    const errors: string[] = []
    const { m, feed } = monitor({
      status: () => {
        throw new Error('adapter bug')
      },
      heartbeat: () => null as never,
      onError: (e) => errors.push(`${e.code} ${e.message}`),
    })
    m.seen('f1', 'binance', 'BTCUSDT')
    expect(m.feedHealth(feed)).toMatchObject({ healthy: false, reason: 'status() failed: adapter bug' })
    expect(m.venueHealth()).toEqual([
      {
        venue: 'binance',
        healthy: false,
        reason: 'heartbeat() failed: answered null, not { healthy: boolean }',
      },
    ])
    errors.length = 0
    let changes: ReturnType<typeof m.check> = []
    expect(() => {
      changes = m.check()
    }).not.toThrow()
    expect(changes).toMatchObject([{ symbol: 'BTCUSDT', from: 'ACTIVE', to: 'REDUCING' }])
    expect(errors).toEqual([
      'INVALID_STATE Feed "f1" status() failed: adapter bug',
      'INVALID_STATE Venue "binance" heartbeat() failed: answered null, not { healthy: boolean }',
    ])
  })

  it('applyFeedHealth writes the changes into the RiskManager, never loosening a stricter state set since', () => {
    const risk = new RiskManager({ clock: new ManualClock(0) })
    const change = { venue: 'binance', symbol: 'BTCUSDT', reason: 'stale' } as const
    applyFeedHealth(risk, [{ ...change, from: 'ACTIVE', to: 'REDUCING' }])
    expect(risk.instrumentState('binance', 'BTCUSDT')).toBe('REDUCING')
    risk.setInstrumentState('binance', 'BTCUSDT', 'HALTED', { code: 'DELISTING', reason: 'host' })
    applyFeedHealth(risk, [{ ...change, from: 'REDUCING', to: 'ACTIVE' }])
    expect(risk.instrumentState('binance', 'BTCUSDT')).toBe('HALTED')
  })
})
