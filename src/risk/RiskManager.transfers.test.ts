import { describe, expect, it } from 'vitest'
import { ManualClock } from '../core/index.js'
import type { TradekitError } from '../errors/index.js'
import { account, D } from './__fixtures__/builders.js'
import type { RiskManagerConfig } from './config.js'
import type { BreakerTrippedEvent, TransferRecordedEvent } from './events.js'
import { RiskManager } from './RiskManager.js'
import { MemoryStateStore } from './StateStore.js'

const T0 = Date.UTC(2026, 0, 15, 12)

/** Drawdown halts at 10 %, the daily loss halts at 5 % of the day's start. */
const BREAKERS: RiskManagerConfig['breakers'] = {
  drawdown: { maxDrawdownFraction: 0.1 },
  dailyLoss: { maxLossFraction: 0.05, action: 'HALTED' },
}

function make(config: RiskManagerConfig = {}, clock = new ManualClock(T0)) {
  const risk = new RiskManager({ clock, breakers: BREAKERS, ...config })
  const trips: BreakerTrippedEvent[] = []
  const transfers: TransferRecordedEvent[] = []
  const errors: TradekitError[] = []
  risk.events.on('risk.breakerTripped', (e) => trips.push(e))
  risk.events.on('risk.transferRecorded', (e) => transfers.push(e))
  risk.events.on('error', (e) => errors.push(e))
  const equity = (v: string): void =>
    risk.update(account({ equity: D(v), freeMargin: D(v), peakEquity: D(v) }))
  return { risk, clock, trips, transfers, errors, equity }
}

describe('RiskManager.recordTransfer: only trading moves the equity breakers', () => {
  it('a withdrawal of half the account trips neither the drawdown nor the daily-loss breaker', () => {
    const { risk, trips, equity } = make()
    equity('10000')
    risk.recordTransfer('-5000')
    equity('5000')
    expect(trips).toEqual([])
    expect(risk.state).toBe('ACTIVE')
    expect(risk.status().peakEquity?.toFixed()).toBe('5000')
    expect(risk.status().dayStartEquity?.toFixed()).toBe('5000')
    // Trading losses after it are measured from the moved references: 10 % of 5 000 halts.
    equity('4500')
    expect(risk.state).toBe('HALTED')
    expect(trips.map((t) => t.breaker)).toContain('MAX_DRAWDOWN')
  })

  it('a deposit during a losing day does not hide the trading loss from the daily-loss breaker', () => {
    const { risk, trips, equity } = make({ breakers: { drawdown: false, dailyLoss: BREAKERS.dailyLoss } })
    equity('10000')
    equity('9600') // −400 of trading: inside the 5 % limit
    risk.recordTransfer(D('5000'))
    equity('14600')
    expect(risk.state).toBe('ACTIVE')
    equity('14200') // −800 of trading since the day's start (15 000 with the deposit): 5 % is 750
    expect(risk.state).toBe('HALTED')
    expect(trips).toHaveLength(1)
    expect(trips[0]?.breaker).toBe('DAILY_LOSS')
    expect(trips[0]?.values).toMatchObject({ dayStartEquity: '15000', equity: '14200', loss: '800' })
  })

  it('a deposit does not hide a drawdown: the peak moves with it, not to the new equity', () => {
    const { risk, trips, equity } = make({ breakers: { dailyLoss: false, drawdown: BREAKERS.drawdown } })
    equity('10000')
    equity('9500')
    risk.recordTransfer(10_000)
    equity('19500')
    expect(risk.status().peakEquity?.toFixed()).toBe('20000')
    equity('18000') // 2 000 below the moved peak of 20 000: 10 %
    expect(risk.state).toBe('HALTED')
    expect(trips[0]?.values).toMatchObject({ peakEquity: '20000', drawdown: '2000' })
  })

  it('is exact, emits risk.transferRecorded with the moved references, and a zero transfer changes nothing', () => {
    const { risk, clock, transfers, equity } = make()
    risk.recordTransfer('5') // before any equity: nothing to move yet
    expect(transfers).toEqual([
      { type: 'risk.transferRecorded', amount: '5', peakEquity: null, dayStartEquity: null, tsEvent: T0 },
    ])
    equity('0.3')
    risk.recordTransfer('0.1', T0 - 7)
    clock.advance(1)
    risk.recordTransfer(0)
    expect(transfers).toHaveLength(2)
    expect(transfers[1]).toEqual({
      type: 'risk.transferRecorded',
      amount: '0.1',
      peakEquity: '0.4',
      dayStartEquity: '0.4',
      tsEvent: T0 - 7,
    })
    expect(risk.status().lastEquity?.toFixed()).toBe('0.4')
  })

  it('rejects a non-finite or malformed amount, or a bad time, with a ValidationError and moves nothing', () => {
    const { risk, transfers, equity } = make()
    equity('10000')
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, D('NaN'), D('-Infinity'), 'abc', '1e5x']) {
      expect(() => risk.recordTransfer(bad)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }))
    }
    expect(() => risk.recordTransfer('1', Number.NaN)).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED', field: 'tsEvent' }),
    )
    expect(transfers).toEqual([])
    expect(risk.status().peakEquity?.toFixed()).toBe('10000')
  })

  it('a resume that restarts the drawdown measurement starts from the equity after the withdrawal', () => {
    const { risk, equity } = make()
    equity('10000')
    risk.halt('manual')
    risk.recordTransfer('-4000')
    risk.resume({ resetDrawdownPeak: true, resetDailyLoss: true })
    expect(risk.status().peakEquity?.toFixed()).toBe('6000')
    equity('6000')
    expect(risk.state).toBe('ACTIVE')
  })

  it('the moved references are persisted, and a transfer recorded while loading moves the restored ones', async () => {
    const store = new MemoryStateStore()
    const first = make({ store })
    await first.risk.start()
    first.equity('10000')
    first.risk.recordTransfer('-5000')
    await first.risk.flush()
    expect(store.peek()).toMatchObject({ peakEquity: '5000', dayStartEquity: '5000' })

    const again = make({ store }, first.clock)
    again.risk.recordTransfer('-1000') // before start(): applied to what the store holds
    await again.risk.start()
    expect(again.risk.status().peakEquity?.toFixed()).toBe('4000')
    expect(again.risk.status().dayStartEquity?.toFixed()).toBe('4000')
    again.equity('4000')
    expect(again.trips).toEqual([])
    expect(again.risk.state).toBe('ACTIVE')
    await again.risk.flush()
    expect(store.peek()).toMatchObject({ peakEquity: '4000', dayStartEquity: '4000' })
  })
})
