import type { TypedEmitter } from '../core/events.js'
import type { Logger } from '../core/logger.js'
import type { TradekitError } from '../errors/index.js'
import type {
  BreakerTrippedEvent,
  InstrumentStateChangedEvent,
  RiskManager,
  TradingStateChangedEvent,
} from '../risk/index.js'
import type { EngineMetrics } from './EngineMetrics.js'
import type { Subscriptions } from './Subscriptions.js'
import type { TradingEngineEvents } from './TradingEngineEvents.js'

/** Where {@link relayRiskEvents} sends what it hears. */
export interface RiskRelayTarget {
  /** Receives the relayed state changes, breaker trips, emergency stops and errors unchanged. */
  readonly bus: Pick<TypedEmitter<TradingEngineEvents>, 'emit'>
  /** Logs every state change (account and instrument) as a warning. */
  readonly log: Logger
  /** Counts decisions and breaker trips. */
  readonly metrics: Pick<EngineMetrics, 'watchRisk' | 'breakerTrip'>
}

/**
 * Subscribes to a RiskManager's events (listeners kept in `subs`): decisions (read from its tally) and trips are
 * counted, state changes logged, and state changes, breaker trips, emergency stops and errors relayed to the engine's bus.
 *
 * @example
 * ```ts
 * relayRiskEvents(risk, subs, { bus, log, metrics })
 * ```
 */
export function relayRiskEvents(risk: RiskManager, subs: Subscriptions, target: RiskRelayTarget): void {
  const { bus, log, metrics } = target
  // Decisions are counted from the manager's tally, not its events: nobody listening, it builds no payloads.
  metrics.watchRisk(() => risk.decisions, subs)
  subs.on(risk.events, 'risk.stateChanged', (e: TradingStateChangedEvent) => {
    log.warn({ from: e.from, to: e.to, reason: e.reason }, 'trading state changed')
    bus.emit('risk.stateChanged', e)
  })
  subs.on(risk.events, 'risk.instrumentStateChanged', (e: InstrumentStateChangedEvent) => {
    const { venue, symbol, from, to, code, reason } = e
    log.warn({ venue, symbol, from, to, code, reason }, 'instrument trading state changed')
    bus.emit('risk.instrumentStateChanged', e)
  })
  subs.on(risk.events, 'risk.breakerTripped', (e: BreakerTrippedEvent) => {
    metrics.breakerTrip(e.breaker)
    bus.emit('risk.breakerTripped', e)
  })
  subs.on(risk.events, 'risk.emergencyStopped', (e) => void bus.emit('risk.emergencyStopped', e))
  subs.on(risk.events, 'error', (e: TradekitError) => void bus.emit('error', e))
}
