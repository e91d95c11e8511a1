import { describe, expect, it } from 'vitest'
import { type AccountSnapshot, ManualClock, type MarketSnapshot, type Signal } from '../core/index.js'
import { account, market, position, signal } from './__fixtures__/builders.js'
import type { RiskManagerConfig } from './config.js'
import type { InstrumentStateChangedEvent, RiskDeniedEvent } from './events.js'
import { RiskManager } from './RiskManager.js'

const T0 = Date.UTC(2026, 0, 15, 12)
const FEED = { code: 'FEED_UNHEALTHY', reason: 'feed "binance": no trade for 30 s' }

function make(config: RiskManagerConfig = {}) {
  const clock = new ManualClock(T0)
  const risk = new RiskManager({ clock, ...config })
  const changes: InstrumentStateChangedEvent[] = []
  const denied: RiskDeniedEvent[] = []
  risk.events.on('risk.instrumentStateChanged', (e) => changes.push(e))
  risk.events.on('risk.denied', (e) => denied.push(e))
  const evaluate = (
    s: Partial<Signal> = {},
    a: Partial<AccountSnapshot> = {},
    m: Partial<MarketSnapshot> = {},
  ) => risk.evaluate(signal(s), account(a), market({ priceTs: clock.now(), ...m }))
  return { risk, clock, changes, denied, evaluate }
}

const codeOf = (r: ReturnType<RiskManager['evaluate']>): string => (r.ok ? 'APPROVED' : r.error.code)
const long = { positions: [position('BTCUSDT', 2)] }
const exit = { intent: 'EXIT', side: 'SELL', stopPrice: undefined } as const

describe('RiskManager: per-instrument trading state', () => {
  it('is ACTIVE until set, and emits one event per change with its cause', () => {
    const { risk, changes, clock } = make()
    expect(risk.instrumentState('binance', 'BTCUSDT')).toBe('ACTIVE')
    risk.setInstrumentState('binance', 'BTCUSDT', 'REDUCING', FEED)
    risk.setInstrumentState('binance', 'BTCUSDT', 'REDUCING', FEED) // no change, no event
    expect(risk.instrumentState('binance', 'BTCUSDT')).toBe('REDUCING')
    expect(risk.instrumentState('binance', 'ETHUSDT')).toBe('ACTIVE')
    clock.advance(5)
    risk.setInstrumentState('binance', 'BTCUSDT', 'HALTED', FEED)
    risk.setInstrumentState('binance', 'BTCUSDT', 'ACTIVE', {
      code: 'FEED_HEALTHY',
      reason: 'feed healthy again',
    })
    risk.setInstrumentState('binance', 'BTCUSDT', 'ACTIVE', { code: 'FEED_HEALTHY', reason: 'again' })
    expect(risk.instrumentState('binance', 'BTCUSDT')).toBe('ACTIVE')
    expect(changes).toEqual([
      {
        type: 'risk.instrumentStateChanged',
        venue: 'binance',
        symbol: 'BTCUSDT',
        from: 'ACTIVE',
        to: 'REDUCING',
        code: 'FEED_UNHEALTHY',
        reason: FEED.reason,
        tsEvent: T0,
      },
      expect.objectContaining({ from: 'REDUCING', to: 'HALTED', tsEvent: T0 + 5 }),
      expect.objectContaining({
        from: 'HALTED',
        to: 'ACTIVE',
        code: 'FEED_HEALTHY',
        reason: 'feed healthy again',
      }),
    ])
  })

  it('REDUCING denies entries with the cause and lets exits through', () => {
    const { risk, evaluate, denied } = make()
    risk.setInstrumentState('binance', 'BTCUSDT', 'REDUCING', FEED)
    const r = evaluate()
    expect(codeOf(r)).toBe('FEED_UNHEALTHY')
    expect(!r.ok && r.error.message).toBe(FEED.reason)
    expect(denied[0]?.rejection.code).toBe('FEED_UNHEALTHY')
    expect(denied[0]?.state).toBe('ACTIVE') // the global state is untouched
    expect(codeOf(evaluate(exit, long))).toBe('APPROVED')
    expect(
      codeOf(
        evaluate({ symbol: 'ETHUSDT' }, {}, { instrument: { ...market().instrument, symbol: 'ETHUSDT' } }),
      ),
    ).toBe('APPROVED')
  })

  it('HALTED denies every signal on the instrument, exits included', () => {
    const { risk, evaluate } = make()
    risk.setInstrumentState('binance', 'BTCUSDT', 'HALTED', {
      code: 'DELISTING',
      reason: 'delisted at 12:00',
    })
    expect(codeOf(evaluate())).toBe('DELISTING')
    expect(codeOf(evaluate(exit, long))).toBe('DELISTING')
    risk.setInstrumentState('binance', 'BTCUSDT', 'ACTIVE', { code: 'OK', reason: 'relisted' })
    expect(codeOf(evaluate())).toBe('APPROVED')
  })

  it('the global state still applies on top of an ACTIVE instrument, and wins when both restrict', () => {
    const { risk, evaluate } = make()
    risk.guard.reduce('news')
    expect(codeOf(evaluate())).toBe('TRADING_REDUCING')
    risk.halt('stop')
    risk.setInstrumentState('binance', 'BTCUSDT', 'HALTED', FEED)
    expect(codeOf(evaluate())).toBe('TRADING_HALTED')
  })

  it('a restricted instrument consumes no order-rate approval', () => {
    const { risk, evaluate } = make({
      maxPositionsPerInstrument: 2, // the approval below is not in the next snapshot: it counts as an entry there
      breakers: { orderRate: { perInstrument: { maxOrders: 1, windowMs: 60_000 }, action: 'DENY' } },
    })
    risk.setInstrumentState('binance', 'BTCUSDT', 'REDUCING', FEED)
    for (let i = 0; i < 3; i++) expect(codeOf(evaluate())).toBe('FEED_UNHEALTHY')
    risk.setInstrumentState('binance', 'BTCUSDT', 'ACTIVE', { code: 'OK', reason: 'healthy' })
    expect(codeOf(evaluate())).toBe('APPROVED') // the single slot of the window was still free
    expect(codeOf(evaluate())).toBe('ORDER_RATE_LIMITED')
  })

  it('denies a whole group when one leg is on a restricted instrument, taking back the earlier legs', () => {
    const { risk, clock } = make({
      breakers: { orderRate: { global: { maxOrders: 1, windowMs: 60_000 }, action: 'DENY' } },
    })
    const eth = { ...market().instrument, symbol: 'ETHUSDT' }
    risk.setInstrumentState('binance', 'ETHUSDT', 'REDUCING', FEED)
    const legs = [
      { signal: signal(), market: market({ priceTs: clock.now() }) },
      { signal: signal({ symbol: 'ETHUSDT' }), market: market({ instrument: eth, priceTs: clock.now() }) },
    ]
    const r = risk.evaluateGroup(legs, account())
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error.map((x) => x.code)).toEqual(['GROUP_DENIED', 'FEED_UNHEALTHY'])
    // The first leg's order-rate record was taken back: the single global slot is still free.
    expect(risk.evaluate(signal(), account(), market({ priceTs: clock.now() })).ok).toBe(true)
  })

  it('rejects an unknown state', () => {
    const { risk } = make()
    expect(() => risk.setInstrumentState('binance', 'BTCUSDT', 'PAUSED' as never, FEED)).toThrowError(
      /PAUSED/,
    )
  })
})
