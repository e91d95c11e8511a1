/**
 * Scenario: a strategy on a losing streak, with the state on disk. The manager walks ACTIVE → REDUCING (entries
 * paused, exits allowed) → ACTIVE after the cooldown → HALTED; a restart keeps it HALTED; only resume() trades again.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type AccountSnapshot, ManualClock, type Position } from '../../../src/core/index.js'
import { Decimal } from '../../../src/decimal/index.js'
import { account, market, signal } from '../../../src/risk/__fixtures__/builders.js'
import { FileStateStore, RiskManager, type TradingStateChangedEvent } from '../../../src/risk/index.js'

const T0 = Date.UTC(2026, 0, 15, 9)

describe('risk scenario: losing streak with persisted state', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tradekit-risk-scenario-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('walks ACTIVE → REDUCING → HALTED and stays HALTED across a restart', async () => {
    const path = join(dir, 'risk-state.json')
    const clock = new ManualClock(T0)
    const config = {
      clock,
      breakers: {
        consecutiveLosses: { reduceAfter: 3, haltAfter: 5, cooldownMs: 30 * 60_000 },
        dailyLoss: { maxLossFraction: 0.2 },
        drawdown: { maxDrawdownFraction: 0.3 },
      },
    }
    const risk = new RiskManager({ ...config, store: new FileStateStore({ path }) })
    const states: TradingStateChangedEvent[] = []
    risk.events.on('risk.stateChanged', (e) => states.push(e))
    await risk.start()

    let equity = new Decimal('10000')
    let positions: Position[] = []
    const snapshot = (): AccountSnapshot =>
      account({ equity, freeMargin: equity, peakEquity: equity, positions, tsEvent: clock.now() })
    const mkt = () => market({ priceTs: clock.now() })

    // One losing round trip: enter, get stopped out for the planned 1 % loss, report the result.
    const loseOnce = (): boolean => {
      const entry = risk.evaluate(signal(), snapshot(), mkt())
      if (!entry.ok) return false
      positions = [
        {
          venue: 'binance',
          symbol: 'BTCUSDT',
          qty: entry.value.qty,
          realizedPnl: new Decimal(0),
          unrealizedPnl: new Decimal(0),
        },
      ]
      const loss = entry.value.qty.times(2) // stopped out 2.00 below the entry
      clock.advance(60_000)
      const exit = risk.evaluate(signal({ intent: 'EXIT', side: 'SELL' }), snapshot(), mkt())
      expect(exit.ok).toBe(true)
      positions = []
      equity = equity.minus(loss)
      risk.update(snapshot())
      risk.recordTradeResult(loss.neg())
      return true
    }

    expect(loseOnce()).toBe(true)
    expect(loseOnce()).toBe(true)
    expect(loseOnce()).toBe(true)
    expect(risk.state).toBe('REDUCING')
    const paused = risk.evaluate(signal(), snapshot(), mkt())
    expect(!paused.ok && paused.error.code).toBe('COOLDOWN')

    clock.advance(30 * 60_000)
    expect(risk.state).toBe('ACTIVE')
    expect(loseOnce()).toBe(true) // 4th loss: REDUCING again (streak not over)
    expect(risk.state).toBe('REDUCING')
    clock.advance(30 * 60_000)
    expect(loseOnce()).toBe(true) // 5th loss: HALTED
    expect(risk.state).toBe('HALTED')
    expect(states.map((s) => `${s.to}:${s.reason}`)).toEqual([
      'REDUCING:CONSECUTIVE_LOSSES',
      'ACTIVE:COOLDOWN_ELAPSED',
      'REDUCING:CONSECUTIVE_LOSSES',
      'ACTIVE:COOLDOWN_ELAPSED',
      'HALTED:CONSECUTIVE_LOSSES',
    ])
    expect(loseOnce()).toBe(false)
    await risk.flush()

    // Restart: a new process reads the file; still HALTED, the streak and peak remembered.
    clock.advance(24 * 3_600_000)
    const restarted = new RiskManager({ ...config, store: new FileStateStore({ path }) })
    await restarted.start()
    expect(restarted.state).toBe('HALTED')
    expect(restarted.status().consecutiveLosses).toBe(5)
    expect(restarted.status().peakEquity?.toString()).toBe('10000')
    const denied = restarted.evaluate(signal(), snapshot(), mkt())
    expect(!denied.ok && denied.error.code).toBe('TRADING_HALTED')

    expect(restarted.resume({ note: 'strategy reviewed' })).toBe(true)
    const again = restarted.evaluate(signal(), snapshot(), mkt())
    expect(again.ok).toBe(true)
    await restarted.flush()
  })
})
