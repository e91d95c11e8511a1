import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ManualClock } from '../core/index.js'
import { Decimal } from '../decimal/index.js'
import type { TradekitError } from '../errors/index.js'
import { D } from './__fixtures__/builders.js'
import { CircuitBreaker } from './CircuitBreaker.js'
import type { CircuitBreakerConfig } from './config.js'
import type { TradingStateChangedEvent } from './events.js'
import { MemoryStateStore, type PersistedRiskState, type StateStore } from './StateStore.js'

const DAY = 86_400_000
const T0 = Date.UTC(2026, 0, 15, 12)

function make(config: CircuitBreakerConfig = {}, clock = new ManualClock(T0)) {
  const breaker = new CircuitBreaker({ clock, ...config })
  const changes: TradingStateChangedEvent[] = []
  const errors: TradekitError[] = []
  breaker.events.on('risk.stateChanged', (e) => changes.push(e))
  breaker.events.on('error', (e) => errors.push(e))
  return { breaker, clock, changes, errors }
}

const onlyDrawdown = (maxDrawdownFraction: number, reduceAtFraction?: number): CircuitBreakerConfig => ({
  breakers: {
    dailyLoss: false,
    drawdown: { maxDrawdownFraction, ...(reduceAtFraction === undefined ? {} : { reduceAtFraction }) },
  },
})

describe('CircuitBreaker: drawdown', () => {
  it('halts at the drawdown limit, measured from the peak', () => {
    const { breaker, changes } = make(onlyDrawdown(0.1))
    breaker.updateEquity(D('10000'))
    breaker.updateEquity(D('12000'))
    breaker.updateEquity(D('10801'))
    expect(breaker.state).toBe('ACTIVE')
    breaker.updateEquity(D('10800'))
    expect(breaker.state).toBe('HALTED')
    expect(changes).toHaveLength(1)
    expect(changes[0]).toMatchObject({ from: 'ACTIVE', to: 'HALTED', reason: 'MAX_DRAWDOWN' })
    expect(changes[0]?.values).toMatchObject({ equity: '10800', peakEquity: '12000', drawdown: '1200' })
  })

  it('moves to REDUCING first when reduceAtFraction is set', () => {
    const { breaker } = make(onlyDrawdown(0.1, 0.05))
    breaker.updateEquity(D('10000'))
    breaker.updateEquity(D('9500'))
    expect(breaker.state).toBe('REDUCING')
    breaker.updateEquity(D('9000'))
    expect(breaker.state).toBe('HALTED')
  })

  it('trips exactly at the threshold and not before (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: 1, max: 99 }),
        fc.integer({ min: 1, max: 1000 }),
        (peakInt, pct, epsInt) => {
          const peak = new Decimal(peakInt)
          const f = pct / 100
          const atLimit = peak.minus(peak.times(f))
          const above = atLimit.plus(new Decimal(epsInt).div(1e6))
          const a = make(onlyDrawdown(f)).breaker
          a.updateEquity(peak)
          a.updateEquity(above)
          expect(a.state).toBe('ACTIVE')
          a.updateEquity(atLimit)
          expect(a.state).toBe('HALTED')
        },
      ),
      { numRuns: 200 },
    )
  })

  it('uses the account peak only when it has none, and ignores invalid equity', () => {
    const { breaker, errors } = make(onlyDrawdown(0.1))
    breaker.updateEquity(D('9000'), D('10000'))
    expect(breaker.state).toBe('HALTED')
    const b2 = make(onlyDrawdown(0.1))
    b2.breaker.updateEquity(new Decimal(Number.NaN))
    b2.breaker.updateEquity(undefined as never)
    expect(b2.breaker.state).toBe('ACTIVE')
    expect(b2.errors).toHaveLength(2)
    expect(errors).toHaveLength(0)
  })
})

describe('CircuitBreaker: daily loss', () => {
  const cfg = (extra: object = {}): CircuitBreakerConfig => ({
    breakers: { drawdown: false, dailyLoss: { maxLossFraction: 0.03, ...extra } },
  })

  it('halts when the loss since the day start reaches the limit', () => {
    const { breaker, changes } = make(cfg())
    breaker.updateEquity(D('10000'))
    breaker.updateEquity(D('10500')) // intraday gains do not move the day start
    breaker.updateEquity(D('9700.01'))
    expect(breaker.state).toBe('ACTIVE')
    breaker.updateEquity(D('9700'))
    expect(breaker.state).toBe('HALTED')
    expect(changes[0]?.values).toMatchObject({
      dayStartEquity: '10000',
      loss: '300',
      limit: '300',
      day: '2026-01-15',
    })
  })

  it('trips exactly at the daily limit and not before (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100, max: 10_000_000 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 1000 }),
        (startInt, pct, epsInt) => {
          const start = new Decimal(startInt)
          const f = pct / 100
          const atLimit = start.minus(start.times(f))
          const b = make({ breakers: { drawdown: false, dailyLoss: { maxLossFraction: f } } }).breaker
          b.updateEquity(start)
          b.updateEquity(atLimit.plus(new Decimal(epsInt).div(1e6)))
          expect(b.state).toBe('ACTIVE')
          b.updateEquity(atLimit)
          expect(b.state).toBe('HALTED')
        },
      ),
      { numRuns: 200 },
    )
  })

  it('applies the tighter of the fraction and the absolute limit', () => {
    const { breaker } = make(cfg({ maxLoss: '100' }))
    breaker.updateEquity(D('10000'))
    breaker.updateEquity(D('9900.5'))
    expect(breaker.state).toBe('ACTIVE')
    breaker.updateEquity(D('9900'))
    expect(breaker.state).toBe('HALTED')
  })

  it('starts a new day at the boundary of the configured time zone', () => {
    // 23:00 New York on Jan 15 is 04:00 UTC on Jan 16.
    const clock = new ManualClock(Date.UTC(2026, 0, 16, 3, 59))
    const { breaker } = make({ ...cfg(), timeZone: 'America/New_York' }, clock)
    breaker.updateEquity(D('10000'))
    expect(breaker.status().dayKey).toBe('2026-01-15')
    clock.advanceTo(Date.UTC(2026, 0, 16, 5)) // 00:00 New York
    breaker.updateEquity(D('9800'))
    expect(breaker.status().dayKey).toBe('2026-01-16')
    expect(breaker.status().dayStartEquity?.toString()).toBe('9800')
    breaker.updateEquity(D('9507'))
    expect(breaker.state).toBe('ACTIVE') // 293 < 3 % of 9800 = 294
    breaker.updateEquity(D('9506'))
    expect(breaker.state).toBe('HALTED')
  })

  it('stays HALTED across the day boundary unless resetAtDayStart', () => {
    const latched = make(cfg())
    latched.breaker.updateEquity(D('10000'))
    latched.breaker.updateEquity(D('9000'))
    latched.clock.advance(DAY)
    latched.breaker.updateEquity(D('9000'))
    expect(latched.breaker.state).toBe('HALTED')

    const auto = make(cfg({ resetAtDayStart: true }))
    auto.breaker.updateEquity(D('10000'))
    auto.breaker.updateEquity(D('9000'))
    expect(auto.breaker.state).toBe('HALTED')
    auto.clock.advance(DAY)
    auto.breaker.updateEquity(D('9000'))
    expect(auto.breaker.state).toBe('ACTIVE')
    expect(auto.changes.at(-1)).toMatchObject({ to: 'ACTIVE', reason: 'DAY_RESET' })
  })

  it('does not auto-reset a halt caused by another breaker', () => {
    const { breaker, clock } = make({
      breakers: {
        drawdown: { maxDrawdownFraction: 0.05 },
        dailyLoss: { maxLossFraction: 0.5, resetAtDayStart: true },
      },
    })
    breaker.updateEquity(D('10000'))
    breaker.updateEquity(D('9400'))
    expect(breaker.status().reason).toBe('MAX_DRAWDOWN')
    clock.advance(DAY)
    breaker.updateEquity(D('9400'))
    expect(breaker.state).toBe('HALTED')
  })
})

describe('CircuitBreaker: consecutive losses', () => {
  const cfg: CircuitBreakerConfig = {
    breakers: { consecutiveLosses: { reduceAfter: 3, haltAfter: 5, cooldownMs: 60_000 } },
  }

  it('walks ACTIVE → REDUCING (cooldown) → HALTED, and a win resets the streak', () => {
    const { breaker, clock, changes } = make(cfg)
    breaker.recordTradeResult(D('-1'))
    breaker.recordTradeResult(D('-1'))
    breaker.recordTradeResult(D('5'))
    breaker.recordTradeResult(D('-1'))
    breaker.recordTradeResult(D('0')) // a scratch does not count either way
    breaker.recordTradeResult(D('-1'))
    expect(breaker.state).toBe('ACTIVE')
    breaker.recordTradeResult(D('-1'))
    expect(breaker.state).toBe('REDUCING')
    expect(breaker.status().cooldownUntil).toBe(T0 + 60_000)
    clock.advance(59_999)
    expect(breaker.state).toBe('REDUCING')
    clock.advance(1)
    expect(breaker.state).toBe('ACTIVE')
    expect(changes.map((c) => c.reason)).toEqual(['CONSECUTIVE_LOSSES', 'COOLDOWN_ELAPSED'])
    breaker.recordTradeResult(D('-1'))
    expect(breaker.state).toBe('REDUCING')
    breaker.recordTradeResult(D('-1'))
    expect(breaker.state).toBe('HALTED')
    clock.advance(10 * 60_000)
    expect(breaker.state).toBe('HALTED') // leaving HALTED needs resume()
    expect(breaker.resume({ note: 'reviewed' })).toBe(true)
    expect(breaker.state).toBe('ACTIVE')
    expect(breaker.status().consecutiveLosses).toBe(0)
  })

  it('rejects an invalid config with a readable error', () => {
    expect(
      () => new CircuitBreaker({ breakers: { consecutiveLosses: { reduceAfter: 5, haltAfter: 3 } } }),
    ).toThrowError(/haltAfter must be greater than reduceAfter/)
    expect(() => new CircuitBreaker({ timeZone: 'Nowhere/Land' })).toThrowError(/timeZone/)
    expect(
      () => new CircuitBreaker({ breakers: { dailyLoss: { maxLossFraction: 2 } } } as never),
    ).toThrowError(/breakers\.dailyLoss/)
  })
})

describe('CircuitBreaker: order rate and venue rejection rate', () => {
  it('denies the order over the per-instrument limit and trips the action', () => {
    const { breaker, clock } = make({
      breakers: { orderRate: { perInstrument: { maxOrders: 3, windowMs: 1000 }, action: 'DENY' } },
    })
    for (let i = 0; i < 3; i++) {
      expect(breaker.checkOrderRate('binance:BTCUSDT')).toBeUndefined()
      breaker.recordOrder('binance:BTCUSDT')
    }
    const r = breaker.checkOrderRate('binance:BTCUSDT')
    expect(r?.code).toBe('ORDER_RATE_LIMITED')
    expect(r?.values).toMatchObject({ scope: 'perInstrument', maxOrders: 3, windowMs: 1000 })
    expect(breaker.checkOrderRate('binance:ETHUSDT')).toBeUndefined()
    expect(breaker.state).toBe('ACTIVE') // DENY does not change the state
    clock.advance(999)
    expect(breaker.checkOrderRate('binance:BTCUSDT')?.code).toBe('ORDER_RATE_LIMITED')
    clock.advance(1)
    expect(breaker.checkOrderRate('binance:BTCUSDT')).toBeUndefined()
  })

  it('applies the global limit and trips REDUCING by default', () => {
    const { breaker } = make({ breakers: { orderRate: { global: { maxOrders: 2, windowMs: 60_000 } } } })
    breaker.recordOrder('a')
    breaker.recordOrder('b')
    expect(breaker.checkOrderRate('c')?.values.scope).toBe('global')
    expect(breaker.state).toBe('REDUCING')
  })

  it('trips on the venue rejection rate only with enough samples, exactly at the fraction', () => {
    const { breaker } = make({ breakers: { rejectionRate: { minSamples: 4, maxRejectedFraction: 0.5 } } })
    breaker.recordVenueResponse(true)
    breaker.recordVenueResponse(true)
    breaker.recordVenueResponse(true)
    expect(breaker.state).toBe('ACTIVE') // 3 samples < 4
    const b2 = make({ breakers: { rejectionRate: { minSamples: 4, maxRejectedFraction: 0.5 } } }).breaker
    b2.recordVenueResponse(false)
    b2.recordVenueResponse(false)
    b2.recordVenueResponse(false)
    b2.recordVenueResponse(true)
    b2.recordVenueResponse(true) // 2 of 5 < 0.5
    expect(b2.state).toBe('ACTIVE')
    b2.recordVenueResponse(true) // 3 of 6 = 0.5
    expect(b2.state).toBe('HALTED')
    expect(b2.status().reason).toBe('REJECTION_RATE')
  })

  it('forgets responses older than the window', () => {
    const { breaker, clock } = make({ breakers: { rejectionRate: { minSamples: 2, windowMs: 1000 } } })
    breaker.recordVenueResponse(true)
    clock.advance(1000)
    breaker.recordVenueResponse(true)
    expect(breaker.state).toBe('ACTIVE')
  })
})

describe('CircuitBreaker: persistence', () => {
  it('latches HALTED, the peak and the day start across a restart', async () => {
    const store = new MemoryStateStore()
    const clock = new ManualClock(T0)
    const a = make({ store, breakers: { drawdown: { maxDrawdownFraction: 0.1 } } }, clock)
    expect(a.breaker.isReady).toBe(false)
    await a.breaker.start()
    a.breaker.updateEquity(D('10000'))
    a.breaker.updateEquity(D('12000'))
    a.breaker.halt('operator stop')
    await a.breaker.flush()
    expect(store.peek()).toMatchObject({
      state: 'HALTED',
      reason: 'MANUAL',
      peakEquity: '12000',
      dayStartEquity: '10000',
    })

    const b = make({ store, breakers: { drawdown: { maxDrawdownFraction: 0.1 } } }, clock)
    await b.breaker.start()
    expect(b.breaker.state).toBe('HALTED')
    expect(b.changes[0]).toMatchObject({ to: 'HALTED', reason: 'RESTORED' })
    b.breaker.resume()
    b.breaker.updateEquity(D('10800')) // 10 % below the restored peak of 12000
    expect(b.breaker.state).toBe('HALTED')
    expect(b.breaker.status().reason).toBe('MAX_DRAWDOWN')
    expect(b.breaker.status().dayStartEquity?.toString()).toBe('10000')
  })

  it('resume keeps the order-rate windows: no more orders in a window than its limit (found by the soak)', () => {
    const { breaker, clock } = make({
      breakers: { orderRate: { perInstrument: { maxOrders: 2, windowMs: 10_000 }, action: 'REDUCING' } },
    })
    breaker.recordOrder('k')
    breaker.recordOrder('k')
    expect(breaker.checkOrderRate('k')?.code).toBe('ORDER_RATE_LIMITED')
    expect(breaker.state).toBe('REDUCING')
    clock.advance(3_000)
    expect(breaker.resume()).toBe(true)
    expect(breaker.checkOrderRate('k')?.code).toBe('ORDER_RATE_LIMITED') // same window: still full
    breaker.resume()
    clock.advance(7_001)
    expect(breaker.checkOrderRate('k')).toBeUndefined() // the window moved on
  })

  it('resume can restart the drawdown and daily-loss measurements', async () => {
    const { breaker } = make({
      breakers: { drawdown: { maxDrawdownFraction: 0.1 }, dailyLoss: { maxLossFraction: 0.05 } },
    })
    breaker.updateEquity(D('10000'))
    breaker.updateEquity(D('8000'))
    expect(breaker.state).toBe('HALTED')
    breaker.resume()
    breaker.updateEquity(D('8000'))
    expect(breaker.state).toBe('HALTED') // still in breach
    breaker.resume({ resetDrawdownPeak: true, resetDailyLoss: true })
    breaker.updateEquity(D('8000'))
    expect(breaker.state).toBe('ACTIVE')
  })

  it('keeps a kill-switch halt made before the state was loaded', async () => {
    const store = new MemoryStateStore()
    const { breaker } = make({ store })
    breaker.halt('early', 'KILL_SWITCH')
    await breaker.start()
    await breaker.flush()
    expect(breaker.state).toBe('HALTED')
    expect(store.peek()?.state).toBe('HALTED')
  })

  it('refuses to start on a corrupt store, and reports failed saves on error', async () => {
    const corrupt: StateStore = {
      load: async () => ({ version: 2 }) as unknown as PersistedRiskState,
      save: async () => {},
    }
    const bad: StateStore = {
      load: async () => {
        throw new Error('disk on fire')
      },
      save: async () => {},
    }
    await expect(make({ store: bad }).breaker.start()).rejects.toThrow(/disk on fire/)
    const c = make({ store: corrupt })
    await expect(c.breaker.start()).rejects.toThrow(/Persisted risk state is invalid/)
    expect(c.breaker.isReady).toBe(false)
    const failing: StateStore = {
      load: async () => undefined,
      save: async () => {
        throw new Error('ENOSPC')
      },
    }
    const f = make({ store: failing })
    await f.breaker.start()
    f.breaker.halt('x')
    await f.breaker.flush()
    expect(f.breaker.state).toBe('HALTED')
    expect(f.errors.length).toBeGreaterThan(0)
    expect(f.errors[0]?.message).toContain('ENOSPC')
    const store = new MemoryStateStore()
    await expect(store.save({ version: 2 } as never)).rejects.toThrow(/version/)
  })

  it('coalesces saves: at most one in flight', async () => {
    let inFlight = 0
    let maxInFlight = 0
    let saves = 0
    const store: StateStore = {
      load: async () => undefined,
      save: async () => {
        inFlight++
        maxInFlight = Math.max(maxInFlight, inFlight)
        await new Promise((r) => setTimeout(r, 1))
        inFlight--
        saves++
      },
    }
    const { breaker } = make({ store })
    await breaker.start()
    for (let i = 0; i < 100; i++) breaker.updateEquity(D(10000 + i))
    await breaker.flush()
    expect(maxInFlight).toBe(1)
    expect(saves).toBeLessThan(10)
  })
})
