import type {
  AccountSnapshot,
  ApprovedQuotes,
  MarketSnapshot,
  OrderIntent,
  QuoteTargets,
  Signal,
} from '../core/index.js'
import type { TradekitError } from '../errors/index.js'
import type { EmergencyStopReport } from './killSwitch.js'
import type {
  QuantityCap,
  RiskRejection,
  RiskValues,
  SizingMethod,
  StateChangeReason,
  TradingState,
} from './types.js'

/** Emitted on every trading-state change, with what caused it. */
export interface TradingStateChangedEvent {
  readonly type: 'risk.stateChanged'
  readonly from: TradingState
  readonly to: TradingState
  readonly reason: StateChangeReason
  /** Free text (the kill switch's reason, the host's note). */
  readonly detail?: string
  /** The numbers that tripped it (equity, limit, count, ...). */
  readonly values: RiskValues
  readonly tsEvent: number
}

/**
 * Emitted when a breaker trips, even when the state is already at (or past) the breaker's action. The equity
 * breakers (drawdown, daily loss) trip once per breach, not at every equity update while it lasts; a breach that
 * still holds after the state was lowered (a resume, a day reset, an elapsed cooldown) trips again. The other
 * breakers trip on each event that breaches them (a loss, an order, a venue response).
 */
export interface BreakerTrippedEvent {
  readonly type: 'risk.breakerTripped'
  readonly breaker: StateChangeReason
  /** What the breaker asked for. `DENY` (order rate) denies the order without changing the state. */
  readonly action: TradingState | 'DENY'
  readonly values: RiskValues
  readonly tsEvent: number
}

/**
 * An external transfer (deposit, withdrawal) was accounted for: the drawdown peak, the day's starting equity and the
 * last equity moved by it, so that only trading moves the equity breakers (`RiskManager.recordTransfer`).
 */
export interface TransferRecordedEvent {
  readonly type: 'risk.transferRecorded'
  /** Exact, in the account currency: positive a deposit, negative a withdrawal. */
  readonly amount: string
  /** The drawdown peak after the shift (`null` while none is known: the next equity sets it). */
  readonly peakEquity: string | null
  /** The day's starting equity after the shift (`null` while none is known). */
  readonly dayStartEquity: string | null
  readonly tsEvent: number
}

/** Events of a {@link TradingGuard}. */
export interface TradingGuardEvents {
  'risk.stateChanged': [e: TradingStateChangedEvent]
  'risk.breakerTripped': [e: BreakerTrippedEvent]
  /** An external transfer moved the equity breakers' references (see {@link TransferRecordedEvent}). */
  'risk.transferRecorded': [e: TransferRecordedEvent]
  /** A store save failed (the state in memory is still in force). */
  error: [e: TradekitError]
}

/** How an approved size was obtained. */
export interface SizingBreakdown {
  /** `reduceOnly` for exits, otherwise the sizing method used. */
  readonly method: SizingMethod | 'reduceOnly'
  /** Price the order was sized and valued at. */
  readonly entryPrice: string
  /** Stop used for sizing (given, or from ATR), when any. */
  readonly stopPrice: string | null
  /** Whether the stop was derived from ATR. */
  readonly stopFromAtr: boolean
  /** Size from the sizing method, before scaling and caps. */
  readonly rawQty: string
  /** Correlation multiplier applied (1 when none). */
  readonly correlationScale: number
  /** Confidence multiplier applied (1 when disabled). */
  readonly confidenceScale: number
  /** Size after scaling, before caps and rounding. */
  readonly requestedQty: string
  /** Final quantity. */
  readonly qty: string
  /** Caps that reduced the size. */
  readonly cappedBy: readonly QuantityCap[]
  readonly leverage: number
}

/** A signal was approved and sized. Carries every input of the decision. */
export interface RiskApprovedEvent {
  readonly type: 'risk.approved'
  readonly signal: Signal
  readonly intent: OrderIntent
  readonly account: AccountSnapshot
  readonly market: MarketSnapshot
  readonly sizing: SizingBreakdown
  readonly state: TradingState
  readonly tsEvent: number
}

/** A signal was denied. Carries every input of the decision and the rejection. */
export interface RiskDeniedEvent {
  readonly type: 'risk.denied'
  readonly signal: Signal
  readonly rejection: RiskRejection
  readonly account: AccountSnapshot
  readonly market: MarketSnapshot
  readonly state: TradingState
  readonly tsEvent: number
}

/** An approved size was reduced by a cap (emitted before the matching `risk.approved`). */
export interface RiskResizedEvent {
  readonly type: 'risk.resized'
  readonly signal: Signal
  readonly requestedQty: string
  readonly qty: string
  readonly cappedBy: readonly QuantityCap[]
  readonly tsEvent: number
}

/** The kill switch ran; the report lists what could not be cancelled or flattened. */
export interface EmergencyStopEvent {
  readonly type: 'risk.emergencyStopped'
  readonly report: EmergencyStopReport
  readonly tsEvent: number
}

/** Payload of `risk.quotesDecided`: the set, and the approved levels or the denial. */
export interface QuotesDecidedEvent {
  readonly type: 'risk.quotesDecided'
  readonly targets: QuoteTargets
  /** The approved set (levels kept, levels trimmed), when approved. */
  readonly approved?: ApprovedQuotes
  /** Why the whole set was denied, when denied. */
  readonly rejection?: RiskRejection
  readonly tsEvent: number
}

/** One instrument's trading state changed (`RiskManager.setInstrumentState`), with the cause the host gave. */
export interface InstrumentStateChangedEvent {
  readonly type: 'risk.instrumentStateChanged'
  readonly venue: string
  readonly symbol: string
  readonly from: TradingState
  readonly to: TradingState
  /** The cause's code: the code of the denials while restricted (e.g. `FEED_UNHEALTHY`). */
  readonly code: string
  /** The cause's reason: the message of those denials. */
  readonly reason: string
  readonly tsEvent: number
}

/** Events of a {@link RiskManager}: every decision, state change and kill-switch run. */
export interface RiskManagerEvents extends TradingGuardEvents {
  'risk.instrumentStateChanged': [e: InstrumentStateChangedEvent]
  'risk.approved': [e: RiskApprovedEvent]
  'risk.denied': [e: RiskDeniedEvent]
  'risk.resized': [e: RiskResizedEvent]
  'risk.emergencyStopped': [e: EmergencyStopEvent]
  /** One decision on a market maker's quote set (`RiskManager.evaluateQuotes`). */
  'risk.quotesDecided': [e: QuotesDecidedEvent]
}
