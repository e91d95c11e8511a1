import type { Decimal } from '../decimal/index.js'

/**
 * Trading state of a {@link RiskManager} / {@link TradingGuard} (after nautilus_trader's `TradingState`):
 * `ACTIVE` trades normally, `REDUCING` only lets orders through that reduce exposure, `HALTED` lets nothing through.
 */
export const TradingState = { ACTIVE: 'ACTIVE', REDUCING: 'REDUCING', HALTED: 'HALTED' } as const
/** Union of {@link TradingState} values. */
export type TradingState = (typeof TradingState)[keyof typeof TradingState]

/** Machine-readable reason a signal was denied. Branch on these, never on the message. */
export const RiskReason = {
  /** A numeric input (equity, price, stop, ATR, ...) is missing, NaN, infinite, or has the wrong sign. */
  INVALID_INPUT: 'INVALID_INPUT',
  /** The persisted state has not been loaded yet (`await risk.start()`). */
  NOT_READY: 'NOT_READY',
  /** The signal's venue/symbol does not match the market snapshot's instrument. */
  INSTRUMENT_MISMATCH: 'INSTRUMENT_MISMATCH',
  /** The trading state is HALTED: nothing is approved. */
  TRADING_HALTED: 'TRADING_HALTED',
  /** The trading state is REDUCING: only orders that reduce exposure are approved. */
  TRADING_REDUCING: 'TRADING_REDUCING',
  /** The latest price is older than `maxDataAgeMs` (or stamped in the future). */
  STALE_MARKET_DATA: 'STALE_MARKET_DATA',
  /** No stop was given and none could be derived (no ATR). */
  MISSING_STOP: 'MISSING_STOP',
  /** The stop is not on the losing side of the entry. */
  STOP_WRONG_SIDE: 'STOP_WRONG_SIDE',
  /** The take-profit is not on the winning side of the entry. */
  TAKE_PROFIT_WRONG_SIDE: 'TAKE_PROFIT_WRONG_SIDE',
  /** The stop distance is below the configured minimum (fraction of price and/or ticks). */
  STOP_TOO_TIGHT: 'STOP_TOO_TIGHT',
  /** Reward:risk (take-profit distance ÷ stop distance) is below the minimum. */
  REWARD_RISK_TOO_LOW: 'REWARD_RISK_TOO_LOW',
  /** A take-profit is required by config and the signal has none. */
  MISSING_TAKE_PROFIT: 'MISSING_TAKE_PROFIT',
  /** The configured leverage is below 1 or above the instrument's maximum. */
  LEVERAGE_OUT_OF_RANGE: 'LEVERAGE_OUT_OF_RANGE',
  /** Free margin is zero or negative. */
  INSUFFICIENT_MARGIN: 'INSUFFICIENT_MARGIN',
  /** Too many open positions in total. */
  MAX_OPEN_POSITIONS: 'MAX_OPEN_POSITIONS',
  /** Too many positions/entries on this instrument. */
  MAX_POSITIONS_PER_INSTRUMENT: 'MAX_POSITIONS_PER_INSTRUMENT',
  /** An ENTRY against an open position on the other side; send an EXIT first. */
  POSITION_CONFLICT: 'POSITION_CONFLICT',
  /** Too many open positions in the same correlation group point the same way. */
  CORRELATION_LIMIT: 'CORRELATION_LIMIT',
  /** An EXIT signal with no position (on the matching side) to reduce. */
  NO_POSITION_TO_REDUCE: 'NO_POSITION_TO_REDUCE',
  /** Kelly sizing found no edge (the Kelly fraction is zero or negative). */
  NO_EDGE: 'NO_EDGE',
  /** The sizing method needs a volatility (ATR) and none was supplied. */
  MISSING_VOLATILITY: 'MISSING_VOLATILITY',
  /** The size rounds down to zero. */
  QUANTITY_ZERO: 'QUANTITY_ZERO',
  /** The size is below the instrument's minimum quantity. */
  BELOW_MIN_QUANTITY: 'BELOW_MIN_QUANTITY',
  /** The order value is below the instrument's minimum notional. */
  BELOW_MIN_NOTIONAL: 'BELOW_MIN_NOTIONAL',
  /** The per-instrument or global order rate limit was reached. */
  ORDER_RATE_LIMITED: 'ORDER_RATE_LIMITED',
  /** Entries are paused after a losing streak until the cooldown ends. */
  COOLDOWN: 'COOLDOWN',
  /** Another leg of the same multi-leg group was denied: groups are approved all or none. */
  GROUP_DENIED: 'GROUP_DENIED',
  /**
   * The instrument's feed or venue session is unhealthy: the code `TradingEngine` gives `risk.setInstrumentState`
   * (any code a host passes there is the denial's code).
   */
  FEED_UNHEALTHY: 'FEED_UNHEALTHY',
} as const
/** Union of {@link RiskReason} values. */
export type RiskReason = (typeof RiskReason)[keyof typeof RiskReason]

/**
 * The code of a {@link RiskRejection}: a {@link RiskReason}, or the `cause.code` a host gave
 * `RiskManager.setInstrumentState` for a restricted instrument.
 */
export type RiskDenialCode = RiskReason | (string & {})

/** The numbers behind a decision: decimals as exact strings, counts and times as numbers. */
export type RiskValues = Readonly<Record<string, string | number | boolean | null>>

/** Why the risk layer said no: a machine-readable code, a readable message, and the numbers behind it. */
export interface RiskRejection {
  /** Machine-readable reason (a {@link RiskReason}, or a host's instrument-restriction code). */
  readonly code: RiskDenialCode
  /** Human-readable explanation with the values in quotes. */
  readonly message: string
  /** The inputs and limits that produced the decision (e.g. `{ stopDistanceFraction, minStopDistanceFraction }`). */
  readonly values: RiskValues
}

/** What moved the trading state: a breaker, the kill switch, or the host. */
export const StateChangeReason = {
  /** Fresh start, nothing tripped yet. */
  INITIAL: 'INITIAL',
  /** Loss since the day's start (mark-to-market) reached the daily limit. */
  DAILY_LOSS: 'DAILY_LOSS',
  /** Drawdown from peak equity reached the REDUCING threshold or the limit. */
  MAX_DRAWDOWN: 'MAX_DRAWDOWN',
  /** A losing streak reached `reduceAfter` or `haltAfter`. */
  CONSECUTIVE_LOSSES: 'CONSECUTIVE_LOSSES',
  /** The order rate limit was hit. */
  ORDER_RATE: 'ORDER_RATE',
  /** Too large a share of recent orders was rejected by the venue. */
  REJECTION_RATE: 'REJECTION_RATE',
  /** `emergencyStop()` was called. */
  KILL_SWITCH: 'KILL_SWITCH',
  /** The host called `halt()` / `reduce()`. */
  MANUAL: 'MANUAL',
  /** The host called `resume()`. */
  RESUME: 'RESUME',
  /** The losing-streak cooldown ended. */
  COOLDOWN_ELAPSED: 'COOLDOWN_ELAPSED',
  /** A new trading day began and the daily-loss breaker is configured to reset. */
  DAY_RESET: 'DAY_RESET',
  /** The state was loaded from the {@link StateStore} at start. */
  RESTORED: 'RESTORED',
} as const
/** Union of {@link StateChangeReason} values. */
export type StateChangeReason = (typeof StateChangeReason)[keyof typeof StateChangeReason]

/** Sizing method names. */
export const SizingMethod = {
  FIXED_FRACTIONAL: 'fixedFractional',
  VOLATILITY_TARGET: 'volatilityTarget',
  FIXED_NOTIONAL: 'fixedNotional',
  KELLY: 'kelly',
} as const
/** Union of {@link SizingMethod} values. */
export type SizingMethod = (typeof SizingMethod)[keyof typeof SizingMethod]

/** Names of the caps {@link capQuantity} applies, reported when one of them shrank the size. */
export const QuantityCap = {
  MAX_POSITION_FRACTION: 'maxPositionFraction',
  MAX_NOTIONAL: 'maxNotional',
  MARGIN: 'margin',
  MAX_QTY: 'maxQty',
  /** The signal's own `maxQty` (e.g. the depth available at its limit price). */
  SIGNAL_MAX_QTY: 'signalMaxQty',
  STEP: 'step',
} as const
/** Union of {@link QuantityCap} values. */
export type QuantityCap = (typeof QuantityCap)[keyof typeof QuantityCap]

/** Builds a {@link RiskRejection}. */
export function rejection(code: RiskDenialCode, message: string, values: RiskValues = {}): RiskRejection {
  return { code, message, values }
}

/** Exact string form of a decimal for {@link RiskValues}. */
export function str(d: Decimal | undefined): string | null {
  return d === undefined ? null : d.toFixed()
}
