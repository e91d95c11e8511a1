import type { Side } from '../core/types.js'
import { greaterThan, isAboveZero, lessThan } from '../decimal/compareDecimals.js'
import { Decimal } from '../decimal/index.js'
import type { FillApplied } from '../execution/index.js'

/** Decimals are immutable: one zero serves every new trade. */
const ZERO = new Decimal(0)

/** A round trip: from a flat position to the next flat (or flip), with its net PnL. */
export interface ClosedTrade {
  readonly venue: string
  readonly symbol: string
  /** Direction of the position: BUY = long, SELL = short. */
  readonly side: Side
  readonly openedAt: number
  readonly closedAt: number
  /** Largest absolute position held during the trade. */
  readonly maxQty: Decimal
  /** Realized PnL net of every fee paid in the trade. */
  readonly pnl: Decimal
  readonly fees: Decimal
}

interface OpenTrade {
  side: Side
  openedAt: number
  maxQty: Decimal
  pnl: Decimal
  fees: Decimal
}

/**
 * Turns the portfolio's applied fills into closed round-trip trades (flat → position → flat). Used by the engine to
 * feed the losing-streak breaker and by the backtester's report.
 *
 * @example
 * ```ts
 * const ledger = new TradeLedger()
 * portfolio.events.on('fill.applied', (e) => { const t = ledger.apply(e.applied); if (t) risk.recordTradeResult(t.pnl) })
 * ```
 */
export class TradeLedger {
  readonly #open = new Map<string, OpenTrade>()

  /** Applies one fill; returns the trade it closed, if any. */
  apply(applied: FillApplied): ClosedTrade | undefined {
    const { fill, position, realizedPnl } = applied
    const k = `${fill.venue}\u0000${fill.symbol}`
    let t = this.#open.get(k)
    if (t === undefined) {
      if (position.qty.isZero()) return undefined
      t = {
        side: isAboveZero(position.qty) ? 'BUY' : 'SELL',
        openedAt: fill.tsEvent,
        maxQty: ZERO,
        pnl: ZERO,
        fees: ZERO,
      }
      this.#open.set(k, t)
    }
    t.pnl = t.pnl.plus(realizedPnl)
    t.fees = t.fees.plus(fill.fee)
    const abs = position.qty.abs()
    if (greaterThan(abs, t.maxQty)) t.maxQty = abs
    const flipped = t.side === 'BUY' ? lessThan(position.qty, ZERO) : isAboveZero(position.qty)
    if (!position.qty.isZero() && !flipped) return undefined
    this.#open.delete(k)
    const closed: ClosedTrade = {
      venue: fill.venue,
      symbol: fill.symbol,
      side: t.side,
      openedAt: t.openedAt,
      closedAt: fill.tsEvent,
      maxQty: t.maxQty,
      pnl: t.pnl,
      fees: t.fees,
    }
    if (flipped) {
      this.#open.set(k, {
        side: isAboveZero(position.qty) ? 'BUY' : 'SELL',
        openedAt: fill.tsEvent,
        maxQty: position.qty.abs(),
        pnl: ZERO,
        fees: ZERO,
      })
    }
    return closed
  }

  /** Number of instruments with a trade in progress. */
  get openCount(): number {
    return this.#open.size
  }
}
