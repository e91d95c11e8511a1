import { describe, expect, it } from 'vitest'
import { ManualClock, TypedEmitter } from '../core/index.js'
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
    const warnings: string[] = []
    const log = { debug() {}, info() {}, warn: (_: unknown, msg: string) => warnings.push(msg), error() {} }
    const metrics = new EngineMetrics({
      clock,
      feeds: [],
      venues: [],
      instruments: () => [],
      monitor: undefined as never,
      instrumentState: () => 'ACTIVE',
      account: undefined as never,
      openOrders: () => 0,
      tradingState: () => risk.state,
    })
    const subs = new Subscriptions()
    relayRiskEvents(risk, subs, { bus, log, metrics })
    risk.halt('test')
    await risk.emergencyStop('test')
    expect(seen).toContain('state ACTIVE→HALTED')
    expect(seen).toContain('stopped')
    expect(warnings).toContain('trading state changed')
    subs.clear()
    const before = seen.length
    risk.resume({ force: true })
    expect(seen).toHaveLength(before)
  })
})
