import type { ApprovedQuotes, QuoteLevel, QuoteTargets } from '../core/quotes.js'
import { err, type Result } from '../errors/result.js'
import { evaluateQuotes, type QuoteRiskInputs } from './checks/evaluateQuotes.js'
import { RiskReason, type RiskRejection, rejection } from './types.js'

/**
 * The levels of each strategy's last decided quote set, per instrument: what its QuoteManager keeps resting or is about
 * to place (a set approved a moment ago is no open order yet). Each decision replaces its strategy's levels on the
 * symbols its set covers; a denied set, or a symbol whose levels were all cut, leaves none there. The RiskManager
 * decides quote sets through one, so a set's inventory room counts the other strategies' quotes on its instruments.
 *
 * @example
 * ```ts
 * const reservations = new QuoteReservations()
 * const r = reservations.decide(targets, { limits, account, market, state, restriction, maxDataAgeMs, maxClockSkewMs, now })
 * reservations.on('binance', 'BTCUSDT') // Map { 'mm' => the kept BTCUSDT levels of `targets` }
 * ```
 */
export class QuoteReservations {
  /** `venue\0symbol` → strategy id → its kept levels there (never empty). */
  readonly #levels = new Map<string, Map<string, readonly QuoteLevel[]>>()

  /**
   * Decides on `t` ({@link evaluateQuotes}, with the levels recorded here as `reserved`) and records the decision.
   * Never throws: an evaluation that throws is an `INVALID_INPUT` denial, and the strategy's levels stay recorded as they
   * were (still counted for the others: the safe side).
   */
  decide(t: QuoteTargets, inp: Omit<QuoteRiskInputs, 'reserved'>): Result<ApprovedQuotes, RiskRejection> {
    let r: Result<ApprovedQuotes, RiskRejection>
    try {
      r = evaluateQuotes(t, {
        ...inp,
        reserved: (symbol) => this.on(t.venue, symbol),
        reservedSymbols: () => this.symbols(t.venue),
      })
      this.#record(t, r.ok ? r.value.levels : [])
    } catch (e) {
      const message = `Evaluation failed: ${e instanceof Error ? e.message : String(e)}`
      r = err(rejection(RiskReason.INVALID_INPUT, message))
    }
    return r
  }

  /** Records the decision on `t`: `levels` (its kept levels, none when denied) replace its strategy's on `t.symbols`. */
  #record(t: QuoteTargets, levels: readonly QuoteLevel[]): void {
    for (const symbol of t.symbols) {
      const k = `${t.venue}\u0000${symbol}`
      const kept = levels.filter((l) => l.symbol === symbol)
      let byStrategy = this.#levels.get(k)
      if (kept.length === 0) {
        byStrategy?.delete(t.strategyId)
        if (byStrategy?.size === 0) this.#levels.delete(k)
        continue
      }
      if (byStrategy === undefined) {
        byStrategy = new Map()
        this.#levels.set(k, byStrategy)
      }
      byStrategy.set(t.strategyId, kept)
    }
  }

  /** The symbols of `venue` some strategy has kept levels on. */
  *symbols(venue: string): Iterable<string> {
    const prefix = `${venue}\u0000`
    for (const k of this.#levels.keys()) if (k.startsWith(prefix)) yield k.slice(prefix.length)
  }

  /** Every strategy's kept levels on one instrument, by strategy id (`undefined`: none). */
  on(venue: string, symbol: string): ReadonlyMap<string, readonly QuoteLevel[]> | undefined {
    return this.#levels.get(`${venue}\u0000${symbol}`)
  }
}
