import { describe, expect, it } from 'vitest'
import { ManualClock, silentLogger, TypedEmitter } from '../core/index.js'
import { RiskManager } from '../risk/index.js'
import { EngineMetrics } from './EngineMetrics.js'
import { relayRiskEvents } from './relayRiskEvents.js'
import { Subscriptions } from './Subscriptions.js'
import type { TradingEngineEvents } from './TradingEngineEvents.js'

describe('relayRiskEvents', () => {
  it('relays state changes and emergency stops, logs state changes, and stops when the subscriptions clear', async () => {
    const clock = new ManualClock(0)
    const risk = new RiskManager({ clock })
    const bus = new TypedEmitter<TradingEngineEvents>()
    const seen: string[] = []
    bus.on('risk.stateChanged', (e) => seen.push(`state ${e.from}→${e.to}`))
    bus.on('risk.emergencyStopped', () => seen.push('stopped'))
    bus.on('risk.instrumentStateChanged', (e) => seen.push(`${e.symbol} ${e.to}`))
    const warnings: string[] = []
    const warn = (a: string | Record<string, unknown>, msg?: string): void => {
      warnings.push(typeof a === 'string' ? a : (msg ?? ''))
    }
    const log = { ...silentLogger, warn }
    const metrics = new EngineMetrics({
      clock,
      feeds: [],
      venues: [],
      market: { instruments: () => [].values(), ignoredCandles: 0, stalePrices: 0 },
      monitor: undefined as never,
      risk,
      account: undefined as never,
      openOrders: () => 0,
    })
    const subs = new Subscriptions()
    relayRiskEvents(risk, subs, { bus, log, metrics })
    risk.setInstrumentState('v', 'A', 'HALTED', { code: 'MANUAL', reason: 'test' })
    expect(seen).toEqual(['A HALTED'])
    risk.halt('test')
    await risk.emergencyStop('test')
    expect(seen).toContain('state ACTIVE→HALTED')
    expect(seen).toContain('stopped')
    expect(warnings).toContain('trading state changed')
    subs.clear()
    const before = seen.length
    risk.setInstrumentState('v', 'B', 'HALTED', { code: 'MANUAL', reason: 'test' })
    expect(risk.instrumentState('v', 'B')).toBe('HALTED')
    expect(seen).toHaveLength(before)
  })
})
