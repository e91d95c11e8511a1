import type { Signal } from '../core/ports.js'

/** Per-instrument trading restriction set by feed health. */
export const InstrumentState = { ACTIVE: 'ACTIVE', REDUCING: 'REDUCING', HALTED: 'HALTED' } as const
/** Union of {@link InstrumentState} values. */
export type InstrumentState = (typeof InstrumentState)[keyof typeof InstrumentState]

/** Emitted when feed health changes an instrument's trading restriction. */
export interface InstrumentStateChangedEvent {
  readonly type: 'engine.instrumentState'
  readonly venue: string
  readonly symbol: string
  readonly from: InstrumentState
  readonly to: InstrumentState
  readonly reason: string
  readonly tsEvent: number
}

/** Why an instrument is restricted: the denial code and reason its refused signals carry. */
export interface InstrumentStateOptions {
  readonly code: string
  readonly reason: string
}

/**
 * The per-instrument trading state the engine writes and reads. Shaped like the RiskManager's
 * `setInstrumentState` / `instrumentState`, so the RiskManager can take this role. `denial` is the gate the engine
 * runs before risk; an implementation that denies inside its own evaluation (the RiskManager) leaves it out.
 */
export interface InstrumentStateGate {
  /** Sets an instrument's state; `ACTIVE` lifts the restriction. */
  setInstrumentState(
    venue: string,
    symbol: string,
    state: InstrumentState,
    options: InstrumentStateOptions,
  ): void
  /** The instrument's state (`ACTIVE` when unrestricted). */
  instrumentState(venue: string, symbol: string): InstrumentState
  /** The denial for a signal on a restricted instrument, if any. */
  denial?(signal: Signal): InstrumentStateOptions | undefined
}

const key = (venue: string, symbol: string): string => `${venue}\u0000${symbol}`

/**
 * The engine's per-instrument restriction map and its gate: a REDUCING instrument refuses ENTRY signals, a HALTED one
 * refuses every signal, each with the code and reason it was restricted with (`FEED_UNHEALTHY`).
 */
export class InstrumentRestrictions implements InstrumentStateGate {
  readonly #restricted = new Map<string, { state: InstrumentState } & InstrumentStateOptions>()

  /** Sets an instrument's state; `ACTIVE` lifts the restriction. */
  setInstrumentState(
    venue: string,
    symbol: string,
    state: InstrumentState,
    options: InstrumentStateOptions,
  ): void {
    if (state === InstrumentState.ACTIVE) this.#restricted.delete(key(venue, symbol))
    else this.#restricted.set(key(venue, symbol), { state, code: options.code, reason: options.reason })
  }

  /** The instrument's state (`ACTIVE` when unrestricted). */
  instrumentState(venue: string, symbol: string): InstrumentState {
    return this.#restricted.get(key(venue, symbol))?.state ?? InstrumentState.ACTIVE
  }

  /** The denial for `signal`: any signal on a HALTED instrument, an ENTRY on a REDUCING one. */
  denial(signal: Signal): InstrumentStateOptions | undefined {
    const r = this.#restricted.get(key(signal.venue, signal.symbol))
    if (r === undefined) return undefined
    if (r.state !== InstrumentState.HALTED && signal.intent !== 'ENTRY') return undefined
    return { code: r.code, reason: r.reason }
  }
}
