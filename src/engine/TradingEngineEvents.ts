import type { JournalReconcileReport } from '../core/journal.js'
import type { ExecutionEvents, Signal } from '../core/ports.js'
import type { BookSnapshot, Candle, Trade } from '../core/types.js'
import type { TradekitError } from '../errors/index.js'
import type {
  BreakerTrippedEvent,
  EmergencyStopEvent,
  InstrumentStateChangedEvent,
  TradingStateChangedEvent,
} from '../risk/index.js'
import type { CandleIgnoredEvent } from '../strategies/index.js'
import type { GroupCompletedEvent, GroupEscalatedEvent, GroupRebalancedEvent } from './GroupRouter.js'
import type { ClosedTrade } from './TradeLedger.js'

/** Everything the engine re-emits on its one typed stream. */
export interface TradingEngineEvents extends ExecutionEvents {
  candle: [c: Candle]
  /**
   * A closed candle no strategy evaluates and the ATR does not count: it repeats, or is older than, the last closed
   * candle of its venue, symbol and interval. Once per candle, whatever the number of strategies.
   */
  'candle.ignored': [e: CandleIgnoredEvent]
  trade: [t: Trade]
  book: [b: BookSnapshot]
  signal: [s: Signal]
  dataError: [e: TradekitError]
  'engine.groupCompleted': [e: GroupCompletedEvent]
  'engine.groupRebalanced': [e: GroupRebalancedEvent]
  /** A group ended with exposure its unwinds could not remove: an alert; its instruments were set HALTED. */
  'engine.groupEscalated': [e: GroupEscalatedEvent]
  /** A round trip closed (flat → position → flat); its PnL fed the losing-streak breaker. */
  'trade.closed': [e: { type: 'trade.closed'; trade: ClosedTrade; tsEvent: number }]
  /**
   * The venue reversed the fill that closed `trade` (a failed Polymarket settlement): the round trip is open again, as
   * before that fill. `streakRestored`: its result left the losing streak (false when another trade's result, or a
   * resume, came since: the streak then stays; a state it tripped stays either way).
   */
  'trade.reopened': [
    e: { type: 'trade.reopened'; trade: ClosedTrade; streakRestored: boolean; tsEvent: number },
  ]
  /** The RiskManager's trading state changed (a breaker, the kill switch, a resume). */
  'risk.stateChanged': [e: TradingStateChangedEvent]
  /** An instrument's trading state changed in the RiskManager (feed health, or a host's `setInstrumentState`). */
  'risk.instrumentStateChanged': [e: InstrumentStateChangedEvent]
  'risk.breakerTripped': [e: BreakerTrippedEvent]
  'risk.emergencyStopped': [e: EmergencyStopEvent]
  'engine.started': [e: { type: 'engine.started'; tsEvent: number }]
  'engine.stopped': [e: { type: 'engine.stopped'; tsEvent: number }]
  /** On start, with a journal: what a venue did to the journal's open orders while the process was down. */
  'journal.reconciled': [e: { type: 'journal.reconciled'; report: JournalReconcileReport; tsEvent: number }]
}
