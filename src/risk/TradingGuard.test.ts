import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ManualClock } from '../core/index.js'
import { Decimal } from '../decimal/index.js'
import type { TradekitError } from '../errors/index.js'
import { D } from './__fixtures__/builders.js'
import type { TradingGuardConfig } from './config.js'
import type { TradingStateChangedEvent } from './events.js'
import { SAVE_MAX_RETRIES, SAVE_RETRY_BASE_MS, SAVE_RETRY_MAX_MS } from './StateSaver.js'
import { MemoryStateStore, type PersistedRiskState, type StateStore } from './StateStore.js'
import { TradingGuard } from './TradingGuard.js'

const DAY = 86_400_000
const T0 = Date.UTC(2026, 0, 15, 12)

function make(config: TradingGuardConfig = {}, clock = new ManualClock(T0)) {
  const guard = new TradingGuard({ clock, ...config })
  const changes: TradingStateChangedEvent[] = []
  const errors: TradekitError[] = []
  guard.events.on('risk.stateChanged', (e) => changes.push(e))
  guard.events.on('error', (e) => errors.push(e))
  return { guard, clock, changes, errors }
}

const onlyDrawdown = (maxDrawdownFraction: number, reduceAtFraction?: number): TradingGuardConfig => ({
  breakers: {
    dailyLoss: false,
    drawdown: { maxDrawdownFraction, ...(reduceAtFraction === undefined ? {} : { reduceAtFraction }) },
  },
})

describe('TradingGuard: drawdown', () => {
  it('a breach trips once while it holds, again after it ended or after a resume; the same equity checks nothing new', () => {
    const { guard } = make(onlyDrawdown(0.1))
    const tripped: string[] = []
    guard.events.on('risk.breakerTripped', (e) => tripped.push(`${e.breaker} ${e.values.equity}`))
    const high = D('12000')
    guard.updateEquity(high)
    guard.updateEquity(high)
    expect(tripped).toEqual([])
    const low = D('10000')
    guard.updateEquity(low)
    guard.updateEquity(low)
    guard.updateEquity(D('9000')) // deeper, the same breach: not reported again (one event per breach, not per update)
    expect(tripped).toEqual(['MAX_DRAWDOWN 10000'])
    expect(guard.state).toBe('HALTED')
    guard.updateEquity(D('11000')) // back inside the limit: the breach ended (the state stays HALTED: latched)
    guard.updateEquity(D('10500')) // a new breach
    expect(tripped).toEqual(['MAX_DRAWDOWN 10000', 'MAX_DRAWDOWN 10500'])
    expect(guard.resume()).toBe(true) // the breach still holds: it trips again at the next update
    expect(guard.state).toBe('ACTIVE')
    guard.updateEquity(D('10500'))
    expect(guard.state).toBe('HALTED')
    expect(tripped).toHaveLength(3)
    expect(guard.resume({ resetDrawdownPeak: true })).toBe(true)
    guard.updateEquity(low) // measured from the new peak: no breach
    expect(guard.state).toBe('ACTIVE')
    guard.updateEquity(D('8999')) // a new equity is checked in full
    expect(guard.state).toBe('HALTED')
  })

  it('a breach that holds trips again once the state was lowered without a resume (a day reset)', () => {
    // Daily loss resets at the day boundary (ACTIVE again); the drawdown breach, still there, must trip again then.
    const { guard, clock } = make({
      breakers: {
        dailyLoss: { maxLossFraction: 0.05, resetAtDayStart: true },
        drawdown: { maxDrawdownFraction: 0.5, reduceAtFraction: 0.04 },
        consecutiveLosses: false,
      },
    })
    const tripped: string[] = []
    guard.events.on('risk.breakerTripped', (e) => tripped.push(`${e.breaker} ${e.action}`))
    guard.updateEquity(D('10000'))
    guard.updateEquity(D('9400')) // 6 % down: daily loss HALTED, drawdown REDUCING
    expect(guard.state).toBe('HALTED')
    guard.updateEquity(D('9300'))
    expect(tripped).toEqual(['MAX_DRAWDOWN REDUCING', 'DAILY_LOSS HALTED'])
    clock.advance(DAY) // the next day: the daily loss resets to ACTIVE
    guard.updateEquity(D('9300'))
    expect(guard.state).toBe('REDUCING') // the drawdown breach still holds: it tripped again
    expect(tripped).toEqual(['MAX_DRAWDOWN REDUCING', 'DAILY_LOSS HALTED', 'MAX_DRAWDOWN REDUCING'])
  })

  it('halts at the drawdown limit, measured from the peak', () => {
    const { guard, changes } = make(onlyDrawdown(0.1))
    guard.updateEquity(D('10000'))
    guard.updateEquity(D('12000'))
    guard.updateEquity(D('10801'))
    expect(guard.state).toBe('ACTIVE')
    guard.updateEquity(D('10800'))
    expect(guard.state).toBe('HALTED')
    expect(changes).toHaveLength(1)
    expect(changes[0]).toMatchObject({ from: 'ACTIVE', to: 'HALTED', reason: 'MAX_DRAWDOWN' })
    expect(changes[0]?.values).toMatchObject({ equity: '10800', peakEquity: '12000', drawdown: '1200' })
  })

  it('moves to REDUCING first when reduceAtFraction is set', () => {
    const { guard } = make(onlyDrawdown(0.1, 0.05))
    guard.updateEquity(D('10000'))
    guard.updateEquity(D('9500'))
    expect(guard.state).toBe('REDUCING')
    guard.updateEquity(D('9000'))
    expect(guard.state).toBe('HALTED')
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
          const a = make(onlyDrawdown(f)).guard
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

  it('decides as the exact check does within a hair of the limit, where the skip-above-a-floor shortcut ends (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: 1, max: 99 }),
        fc.integer({ min: 20, max: 42 }),
        fc.integer({ min: -9, max: 9 }),
        (peakInt, pct, exp, k) => {
          const peak = new Decimal(peakInt).plus('0.123456789012345678901234567')
          const f = pct / 100
          const equity = peak.minus(peak.times(f)).plus(peak.times(k).times(new Decimal(10).pow(-exp)))
          const trips = peak.minus(equity).gte(peak.times(f))
          const g = make(onlyDrawdown(f)).guard
          g.updateEquity(peak)
          g.updateEquity(equity)
          expect(g.state).toBe(trips ? 'HALTED' : 'ACTIVE')
        },
      ),
      { numRuns: 300 },
    )
  })

  it('uses the account peak only when it has none, and ignores invalid equity', () => {
    const { guard, errors } = make(onlyDrawdown(0.1))
    guard.updateEquity(D('9000'), D('10000'))
    expect(guard.state).toBe('HALTED')
    const b2 = make(onlyDrawdown(0.1))
    b2.guard.updateEquity(new Decimal(Number.NaN))
    b2.guard.updateEquity(undefined as never)
    expect(b2.guard.state).toBe('ACTIVE')
    expect(b2.errors).toHaveLength(2)
    expect(errors).toHaveLength(0)
  })
})

describe('TradingGuard: daily loss', () => {
  const cfg = (extra: object = {}): TradingGuardConfig => ({
    breakers: { drawdown: false, dailyLoss: { maxLossFraction: 0.03, ...extra } },
  })

  it('halts when the loss since the day start reaches the limit', () => {
    const { guard, changes } = make(cfg())
    guard.updateEquity(D('10000'))
    guard.updateEquity(D('10500')) // intraday gains do not move the day start
    guard.updateEquity(D('9700.01'))
    expect(guard.state).toBe('ACTIVE')
    guard.updateEquity(D('9700'))
    expect(guard.state).toBe('HALTED')
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
          const b = make({ breakers: { drawdown: false, dailyLoss: { maxLossFraction: f } } }).guard
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
    const { guard } = make(cfg({ maxLoss: '100' }))
    guard.updateEquity(D('10000'))
    guard.updateEquity(D('9900.5'))
    expect(guard.state).toBe('ACTIVE')
    guard.updateEquity(D('9900'))
    expect(guard.state).toBe('HALTED')
  })

  it('starts a new day at the boundary of the configured time zone', () => {
    // 23:00 New York on Jan 15 is 04:00 UTC on Jan 16.
    const clock = new ManualClock(Date.UTC(2026, 0, 16, 3, 59))
    const { guard } = make({ ...cfg(), timeZone: 'America/New_York' }, clock)
    guard.updateEquity(D('10000'))
    expect(guard.status().dayKey).toBe('2026-01-15')
    clock.advanceTo(Date.UTC(2026, 0, 16, 5)) // 00:00 New York
    guard.updateEquity(D('9800'))
    expect(guard.status().dayKey).toBe('2026-01-16')
    expect(guard.status().dayStartEquity?.toString()).toBe('9800')
    guard.updateEquity(D('9507'))
    expect(guard.state).toBe('ACTIVE') // 293 < 3 % of 9800 = 294
    guard.updateEquity(D('9506'))
    expect(guard.state).toBe('HALTED')
  })

  it('stays HALTED across the day boundary unless resetAtDayStart', () => {
    const latched = make(cfg())
    latched.guard.updateEquity(D('10000'))
    latched.guard.updateEquity(D('9000'))
    latched.clock.advance(DAY)
    latched.guard.updateEquity(D('9000'))
    expect(latched.guard.state).toBe('HALTED')

    const auto = make(cfg({ resetAtDayStart: true }))
    auto.guard.updateEquity(D('10000'))
    auto.guard.updateEquity(D('9000'))
    expect(auto.guard.state).toBe('HALTED')
    auto.clock.advance(DAY)
    auto.guard.updateEquity(D('9000'))
    expect(auto.guard.state).toBe('ACTIVE')
    expect(auto.changes.at(-1)).toMatchObject({ to: 'ACTIVE', reason: 'DAY_RESET' })
  })

  it('does not auto-reset a halt caused by another breaker', () => {
    const { guard, clock } = make({
      breakers: {
        drawdown: { maxDrawdownFraction: 0.05 },
        dailyLoss: { maxLossFraction: 0.5, resetAtDayStart: true },
      },
    })
    guard.updateEquity(D('10000'))
    guard.updateEquity(D('9400'))
    expect(guard.status().reason).toBe('MAX_DRAWDOWN')
    clock.advance(DAY)
    guard.updateEquity(D('9400'))
    expect(guard.state).toBe('HALTED')
  })
})

describe('TradingGuard: causes that lift themselves lift only themselves', () => {
  const dailyReset: TradingGuardConfig = {
    breakers: { drawdown: false, dailyLoss: { maxLossFraction: 0.03, resetAtDayStart: true } },
  }

  it('a kill switch or manual halt over a daily-loss halt survives the reset at the day start', () => {
    for (const stop of ['KILL_SWITCH', 'MANUAL'] as const) {
      const { guard, clock } = make(dailyReset)
      guard.updateEquity(D('10000'))
      guard.updateEquity(D('9600'))
      expect(guard.status().reason).toBe('DAILY_LOSS')
      expect(guard.halt('operator: exchange incident', stop)).toBe(false) // already HALTED
      expect(guard.status()).toMatchObject({ state: 'HALTED', reason: stop })
      clock.advance(DAY)
      guard.updateEquity(D('9600'))
      expect(guard.state).toBe('HALTED')
    }
  })

  it('a daily-loss halt over a kill switch does not take its place', () => {
    const { guard, clock } = make(dailyReset)
    guard.updateEquity(D('10000'))
    guard.halt('operator', 'KILL_SWITCH')
    guard.updateEquity(D('9600'))
    expect(guard.status().reason).toBe('KILL_SWITCH')
    clock.advance(DAY)
    guard.updateEquity(D('9600'))
    expect(guard.state).toBe('HALTED')
  })

  it('the day reset lowers a daily-loss halt to a manual reduce asked for before it, not to ACTIVE', () => {
    const { guard, clock } = make(dailyReset)
    guard.updateEquity(D('10000'))
    guard.reduce('news: FOMC')
    guard.updateEquity(D('9600'))
    expect(guard.status()).toMatchObject({ state: 'HALTED', reason: 'DAILY_LOSS' })
    clock.advance(DAY)
    guard.updateEquity(D('9600'))
    expect(guard.state).toBe('REDUCING')
  })

  it("the end of a losing streak's cooldown does not lift a reduce asked for during it", () => {
    const cooldown: TradingGuardConfig = {
      breakers: { consecutiveLosses: { reduceAfter: 1, haltAfter: 5, cooldownMs: 60_000 } },
    }
    const manual = make(cooldown)
    manual.guard.recordTradeResult(D(-1))
    expect(manual.guard.status()).toMatchObject({ state: 'REDUCING', reason: 'CONSECUTIVE_LOSSES' })
    manual.guard.reduce('news: FOMC')
    manual.clock.advance(60_000)
    manual.guard.updateEquity(D('10000'))
    expect(manual.guard.state).toBe('REDUCING')
    // Nothing else asked for: the cooldown's end lifts it, and a resume clears what was held.
    const alone = make(cooldown)
    alone.guard.recordTradeResult(D(-1))
    alone.clock.advance(60_000)
    alone.guard.updateEquity(D('10000'))
    expect(alone.guard.state).toBe('ACTIVE')
    manual.guard.resume()
    manual.guard.recordTradeResult(D(-1))
    manual.clock.advance(60_000)
    manual.guard.updateEquity(D('10000'))
    expect(manual.guard.state).toBe('ACTIVE')
  })

  it("the day reset does not cut a losing streak's cooldown short: REDUCING until it ends", () => {
    const { guard, clock } = make({
      breakers: {
        drawdown: false,
        dailyLoss: { maxLossFraction: 0.03, resetAtDayStart: true },
        consecutiveLosses: { reduceAfter: 1, haltAfter: 5, cooldownMs: 3 * DAY },
      },
    })
    guard.updateEquity(D('10000'))
    guard.recordTradeResult(D(-1))
    expect(guard.status()).toMatchObject({ state: 'REDUCING', reason: 'CONSECUTIVE_LOSSES' })
    guard.updateEquity(D('9600'))
    expect(guard.status()).toMatchObject({ state: 'HALTED', reason: 'DAILY_LOSS' })
    clock.advance(DAY)
    guard.updateEquity(D('9600'))
    expect(guard.state).toBe('REDUCING') // the cooldown still runs
    clock.advance(2 * DAY)
    guard.updateEquity(D('9600'))
    expect(guard.state).toBe('ACTIVE')
  })

  it('a hold survives a restart: a reduce under a daily-loss halt is still held after the day reset', async () => {
    const store = new MemoryStateStore()
    const first = make({ ...dailyReset, store })
    await first.guard.start()
    first.guard.updateEquity(D('10000'))
    first.guard.reduce('news: FOMC')
    first.guard.updateEquity(D('9600'))
    await first.guard.flush()
    expect(first.guard.toPersisted()).toMatchObject({
      state: 'HALTED',
      reason: 'DAILY_LOSS',
      held: 'REDUCING',
    })
    const clock = new ManualClock(T0)
    const again = make({ ...dailyReset, store }, clock)
    await again.guard.start()
    clock.advance(DAY)
    again.guard.updateEquity(D('9600'))
    expect(again.guard.state).toBe('REDUCING')
  })

  it('a reduce asked for while a daily-loss halt stands is saved at once, and still held after a restart', async () => {
    const store = new MemoryStateStore()
    const first = make({ ...dailyReset, store })
    await first.guard.start()
    first.guard.updateEquity(D('10000'))
    first.guard.updateEquity(D('9600')) // daily loss: HALTED (saved)
    await first.guard.flush()
    expect(first.guard.reduce('news: FOMC')).toBe(false) // HALTED already: only the hold rises
    await first.guard.flush()
    expect(store.peek()).toMatchObject({ state: 'HALTED', reason: 'DAILY_LOSS', held: 'REDUCING' })
    const clock = new ManualClock(T0)
    const again = make({ ...dailyReset, store }, clock)
    await again.guard.start()
    clock.advance(DAY)
    again.guard.updateEquity(D('9600'))
    expect(again.guard.state).toBe('REDUCING') // the day reset comes down to the hold, not to ACTIVE
  })

  it('a restored kill switch is held; a restored daily-loss halt still lifts at the day start', async () => {
    const kill = make({ ...dailyReset, store: new MemoryStateStore() })
    await kill.guard.start()
    kill.guard.updateEquity(D('10000'))
    kill.guard.halt('operator', 'KILL_SWITCH')
    await kill.guard.flush()
    const saved = kill.guard.toPersisted()
    for (const [state, reason, after] of [
      ['HALTED', 'KILL_SWITCH', 'HALTED'],
      ['HALTED', 'DAILY_LOSS', 'ACTIVE'],
    ] as const) {
      const clock = new ManualClock(T0)
      const { held: _held, ...rest } = saved // what a kill switch holds is saved with it; a daily-loss halt holds nothing
      const restored = reason === 'KILL_SWITCH' ? saved : rest
      const g = make({ ...dailyReset, store: new MemoryStateStore({ ...restored, state, reason }) }, clock)
      await g.guard.start()
      clock.advance(DAY)
      g.guard.updateEquity(D('10000'))
      expect(g.guard.state).toBe(after)
    }
  })
})

describe('TradingGuard: consecutive losses', () => {
  const cfg: TradingGuardConfig = {
    breakers: { consecutiveLosses: { reduceAfter: 3, haltAfter: 5, cooldownMs: 60_000 } },
  }

  it('walks ACTIVE → REDUCING (cooldown) → HALTED, and a win resets the streak', () => {
    const { guard, clock, changes } = make(cfg)
    guard.recordTradeResult(D('-1'))
    guard.recordTradeResult(D('-1'))
    guard.recordTradeResult(D('5'))
    guard.recordTradeResult(D('-1'))
    guard.recordTradeResult(D('0')) // a scratch does not count either way
    guard.recordTradeResult(D('-1'))
    expect(guard.state).toBe('ACTIVE')
    guard.recordTradeResult(D('-1'))
    expect(guard.state).toBe('REDUCING')
    expect(guard.status().cooldownUntil).toBe(T0 + 60_000)
    clock.advance(59_999)
    expect(guard.state).toBe('REDUCING')
    clock.advance(1)
    expect(guard.state).toBe('ACTIVE')
    expect(changes.map((c) => c.reason)).toEqual(['CONSECUTIVE_LOSSES', 'COOLDOWN_ELAPSED'])
    guard.recordTradeResult(D('-1'))
    expect(guard.state).toBe('REDUCING')
    guard.recordTradeResult(D('-1'))
    expect(guard.state).toBe('HALTED')
    clock.advance(10 * 60_000)
    expect(guard.state).toBe('HALTED') // leaving HALTED needs resume()
    expect(guard.resume({ note: 'reviewed' })).toBe(true)
    expect(guard.state).toBe('ACTIVE')
    expect(guard.status().consecutiveLosses).toBe(0)
  })

  it('rejects an invalid config with a readable error', () => {
    expect(
      () => new TradingGuard({ breakers: { consecutiveLosses: { reduceAfter: 5, haltAfter: 3 } } }),
    ).toThrowError(/haltAfter must be greater than reduceAfter/)
    expect(() => new TradingGuard({ timeZone: 'Nowhere/Land' })).toThrowError(/timeZone/)
    expect(() => new TradingGuard({ breakers: { dailyLoss: { maxLossFraction: 2 } } } as never)).toThrowError(
      /breakers\.dailyLoss/,
    )
  })
})

describe('TradingGuard: order rate and venue rejection rate', () => {
  it('denies the order over the per-instrument limit and trips the action', () => {
    const { guard, clock } = make({
      breakers: { orderRate: { perInstrument: { maxOrders: 3, windowMs: 1000 }, action: 'DENY' } },
    })
    for (let i = 0; i < 3; i++) {
      expect(guard.checkOrderRate('binance:BTCUSDT')).toBeUndefined()
      guard.recordOrder('binance:BTCUSDT')
    }
    const r = guard.checkOrderRate('binance:BTCUSDT')
    expect(r?.code).toBe('ORDER_RATE_LIMITED')
    expect(r?.values).toMatchObject({ scope: 'perInstrument', maxOrders: 3, windowMs: 1000 })
    expect(guard.checkOrderRate('binance:ETHUSDT')).toBeUndefined()
    expect(guard.state).toBe('ACTIVE') // DENY does not change the state
    clock.advance(999)
    expect(guard.checkOrderRate('binance:BTCUSDT')?.code).toBe('ORDER_RATE_LIMITED')
    clock.advance(1)
    expect(guard.checkOrderRate('binance:BTCUSDT')).toBeUndefined()
  })

  it('applies the global limit and trips REDUCING by default', () => {
    const { guard } = make({ breakers: { orderRate: { global: { maxOrders: 2, windowMs: 60_000 } } } })
    guard.recordOrder('a')
    guard.recordOrder('b')
    expect(guard.checkOrderRate('c')?.values.scope).toBe('global')
    expect(guard.state).toBe('REDUCING')
  })

  it('trips on the venue rejection rate only with enough samples, exactly at the fraction', () => {
    const { guard } = make({ breakers: { rejectionRate: { minSamples: 4, maxRejectedFraction: 0.5 } } })
    guard.recordVenueResponse(true)
    guard.recordVenueResponse(true)
    guard.recordVenueResponse(true)
    expect(guard.state).toBe('ACTIVE') // 3 samples < 4
    const b2 = make({ breakers: { rejectionRate: { minSamples: 4, maxRejectedFraction: 0.5 } } }).guard
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

  it('trips at a fraction whose product with the sample count is not exact in floating point (0.55 × 100)', () => {
    const { guard } = make({ breakers: { rejectionRate: { minSamples: 100, maxRejectedFraction: 0.55 } } })
    for (let i = 0; i < 45; i++) guard.recordVenueResponse(false)
    for (let i = 0; i < 54; i++) guard.recordVenueResponse(true)
    expect(guard.state).toBe('ACTIVE') // 54 of 99: not enough samples yet
    guard.recordVenueResponse(true) // 55 of 100 = 0.55
    expect(guard.state).toBe('HALTED')
  })

  it('forgets responses older than the window', () => {
    const { guard, clock } = make({ breakers: { rejectionRate: { minSamples: 2, windowMs: 1000 } } })
    guard.recordVenueResponse(true)
    clock.advance(1000)
    guard.recordVenueResponse(true)
    expect(guard.state).toBe('ACTIVE')
  })
})

/** A store whose next `failures` saves fail. */
class FlakyStore implements StateStore {
  readonly inner = new MemoryStateStore()
  failures = 0
  load(): Promise<PersistedRiskState | undefined> {
    return this.inner.load()
  }
  async save(s: PersistedRiskState): Promise<void> {
    if (this.failures > 0) {
      this.failures--
      throw new Error('EIO: disk hiccup')
    }
    return this.inner.save(s)
  }
}

/** Lets the saves under way (a few promise turns) finish. */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve()
}

describe('TradingGuard: persistence', () => {
  it('latches HALTED, the peak and the day start across a restart', async () => {
    const store = new MemoryStateStore()
    const clock = new ManualClock(T0)
    const a = make({ store, breakers: { drawdown: { maxDrawdownFraction: 0.1 } } }, clock)
    expect(a.guard.isReady).toBe(false)
    await a.guard.start()
    a.guard.updateEquity(D('10000'))
    a.guard.updateEquity(D('12000'))
    a.guard.halt('operator stop')
    await a.guard.flush()
    expect(store.peek()).toMatchObject({
      state: 'HALTED',
      reason: 'MANUAL',
      peakEquity: '12000',
      dayStartEquity: '10000',
    })

    const b = make({ store, breakers: { drawdown: { maxDrawdownFraction: 0.1 } } }, clock)
    await b.guard.start()
    expect(b.guard.state).toBe('HALTED')
    expect(b.changes[0]).toMatchObject({ to: 'HALTED', reason: 'RESTORED' })
    b.guard.resume()
    b.guard.updateEquity(D('10800')) // 10 % below the restored peak of 12000
    expect(b.guard.state).toBe('HALTED')
    expect(b.guard.status().reason).toBe('MAX_DRAWDOWN')
    expect(b.guard.status().dayStartEquity?.toString()).toBe('10000')
  })

  it('resume keeps the order-rate windows: no more orders in a window than its limit (found by the soak)', () => {
    const { guard, clock } = make({
      breakers: { orderRate: { perInstrument: { maxOrders: 2, windowMs: 10_000 }, action: 'REDUCING' } },
    })
    guard.recordOrder('k')
    guard.recordOrder('k')
    expect(guard.checkOrderRate('k')?.code).toBe('ORDER_RATE_LIMITED')
    expect(guard.state).toBe('REDUCING')
    clock.advance(3_000)
    expect(guard.resume()).toBe(true)
    expect(guard.checkOrderRate('k')?.code).toBe('ORDER_RATE_LIMITED') // same window: still full
    guard.resume()
    clock.advance(7_001)
    expect(guard.checkOrderRate('k')).toBeUndefined() // the window moved on
  })

  it('resume can restart the drawdown and daily-loss measurements', async () => {
    const { guard } = make({
      breakers: { drawdown: { maxDrawdownFraction: 0.1 }, dailyLoss: { maxLossFraction: 0.05 } },
    })
    guard.updateEquity(D('10000'))
    guard.updateEquity(D('8000'))
    expect(guard.state).toBe('HALTED')
    guard.resume()
    guard.updateEquity(D('8000'))
    expect(guard.state).toBe('HALTED') // still in breach
    guard.resume({ resetDrawdownPeak: true, resetDailyLoss: true })
    guard.updateEquity(D('8000'))
    expect(guard.state).toBe('ACTIVE')
  })

  it('resume({ resetDrawdownPeak }) right after a restart restarts the peak from the next equity', async () => {
    const cfg: TradingGuardConfig = { breakers: { dailyLoss: false, drawdown: { maxDrawdownFraction: 0.1 } } }
    const store = new MemoryStateStore()
    const first = make({ ...cfg, store })
    await first.guard.start()
    first.guard.updateEquity(D('10000'))
    first.guard.updateEquity(D('8500'))
    await first.guard.flush()
    const again = make({ ...cfg, store }, new ManualClock(T0 + 1_000))
    await again.guard.start()
    expect(again.guard.state).toBe('HALTED')
    expect(again.guard.resume({ resetDrawdownPeak: true })).toBe(true)
    again.guard.updateEquity(D('8500'))
    expect(again.guard.status()).toMatchObject({ state: 'ACTIVE', peakEquity: D('8500') })
    again.guard.updateEquity(D('7650')) // 10 % below the restarted peak
    expect(again.guard.state).toBe('HALTED')
  })

  it('resume({ resetDailyLoss }) right after a restart restarts the day from the next equity', async () => {
    const cfg: TradingGuardConfig = { breakers: { drawdown: false, dailyLoss: { maxLossFraction: 0.03 } } }
    const store = new MemoryStateStore()
    const first = make({ ...cfg, store })
    await first.guard.start()
    first.guard.updateEquity(D('10000'))
    first.guard.updateEquity(D('9600'))
    await first.guard.flush()
    const again = make({ ...cfg, store }, new ManualClock(T0 + 1_000))
    await again.guard.start()
    again.guard.resume({ resetDailyLoss: true })
    again.guard.updateEquity(D('9600'))
    expect(again.guard.status()).toMatchObject({ state: 'ACTIVE', dayStartEquity: D('9600') })
  })

  it('a restart asked for before any equity is saved: it still applies after another restart', async () => {
    const cfg: TradingGuardConfig = { breakers: { dailyLoss: false, drawdown: { maxDrawdownFraction: 0.1 } } }
    const store = new MemoryStateStore()
    const first = make({ ...cfg, store })
    await first.guard.start()
    first.guard.updateEquity(D('10000'))
    first.guard.updateEquity(D('8500'))
    const second = make({ ...cfg, store })
    await second.guard.start()
    second.guard.resume({ resetDrawdownPeak: true, resetDailyLoss: true })
    await second.guard.flush()
    expect(store.peek()).toMatchObject({
      state: 'ACTIVE',
      pendingReset: { drawdownPeak: true, dailyLoss: true },
    })
    const third = make({ ...cfg, store })
    await third.guard.start()
    third.guard.updateEquity(D('8500'))
    expect(third.guard.status()).toMatchObject({ state: 'ACTIVE', peakEquity: D('8500') })
    await third.guard.flush()
    expect(store.peek()?.pendingReset).toBeUndefined() // applied once
  })

  it('keeps a kill-switch halt made before the state was loaded', async () => {
    const store = new MemoryStateStore()
    const { guard } = make({ store })
    guard.halt('early', 'KILL_SWITCH')
    await guard.start()
    await guard.flush()
    expect(guard.state).toBe('HALTED')
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
    await expect(make({ store: bad }).guard.start()).rejects.toThrow(/disk on fire/)
    const c = make({ store: corrupt })
    await expect(c.guard.start()).rejects.toThrow(/Persisted risk state is invalid/)
    expect(c.guard.isReady).toBe(false)
    const failing: StateStore = {
      load: async () => undefined,
      save: async () => {
        throw new Error('ENOSPC')
      },
    }
    const f = make({ store: failing })
    await f.guard.start()
    f.guard.halt('x')
    await f.guard.flush()
    expect(f.guard.state).toBe('HALTED')
    expect(f.errors.length).toBeGreaterThan(0)
    expect(f.errors[0]?.message).toContain('ENOSPC')
    const store = new MemoryStateStore()
    await expect(store.save({ version: 2 } as never)).rejects.toThrow(/version/)
  })

  it('keeps a failed save pending and retries it after a backoff on the clock until it succeeds', async () => {
    const store = new FlakyStore()
    const { guard, clock, errors } = make({ store })
    await guard.start()
    guard.updateEquity(D('10000'))
    await guard.flush()
    store.failures = 2
    guard.halt('exchange misbehaving', 'KILL_SWITCH')
    await settle()
    expect(errors.map((e) => e.message)).toEqual(['EIO: disk hiccup'])
    expect(store.inner.peek()?.state).toBe('ACTIVE')
    expect(guard.halt('again')).toBe(false) // HALTED already: nothing new to save, the retry still will
    clock.advance(SAVE_RETRY_BASE_MS) // first retry (within 1 s): fails again
    await settle()
    expect(errors).toHaveLength(2)
    clock.advance(2 * SAVE_RETRY_BASE_MS) // second retry (within 2 s): written
    await settle()
    expect(store.inner.peek()).toMatchObject({ state: 'HALTED', reason: 'KILL_SWITCH' })
    expect(errors).toHaveLength(2)
    expect(clock.pendingTimers).toBe(0)
    const again = make({ store }, new ManualClock(T0 + 600_000))
    await again.guard.start()
    again.guard.updateEquity(D('10000'))
    expect(again.guard.state).toBe('HALTED')
  })

  it('flush() retries a failed save at once', async () => {
    const store = new FlakyStore()
    const { guard, clock, errors } = make({ store })
    await guard.start()
    store.failures = 1
    guard.halt('operator')
    await guard.flush() // the failed write, then one more now
    expect(errors).toHaveLength(1)
    expect(store.inner.peek()?.state).toBe('HALTED')
    expect(clock.pendingTimers).toBe(0) // the scheduled retry was not needed
  })

  it('retries a failing store a bounded number of times, then at the next change', async () => {
    const store = new FlakyStore()
    const { guard, clock, errors } = make({ store })
    await guard.start()
    store.failures = Number.POSITIVE_INFINITY
    guard.halt('operator')
    for (let i = 0; i < SAVE_MAX_RETRIES + 5; i++) {
      await settle()
      clock.advance(SAVE_RETRY_MAX_MS)
    }
    await settle()
    expect(errors).toHaveLength(SAVE_MAX_RETRIES + 1) // the first write and each retry, each reported
    expect(clock.pendingTimers).toBe(0)
    store.failures = 0
    guard.recordTradeResult(D('-5')) // a change: saved now
    await settle()
    expect(store.inner.peek()).toMatchObject({ state: 'HALTED', consecutiveLosses: 1 })
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
    const { guard } = make({ store })
    await guard.start()
    for (let i = 0; i < 100; i++) guard.updateEquity(D(10000 + i))
    await guard.flush()
    expect(maxInFlight).toBe(1)
    expect(saves).toBeLessThan(10)
  })
})
