import { fillKey, type Side } from '../core/types.js'
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
  /**
   * Realized PnL net of every fee the portfolio deducted in the trade (quote currency). A fill that flips the position
   * counts its fee pro rata: the closing part here, the opening part in the next trade.
   */
  readonly pnl: Decimal
  /**
   * Fees the portfolio deducted in the trade, in the quote currency (`pnl` is net of them): a spot fee in the base asset
   * valued as the portfolio books it, none for a fee charged in a third asset (BNB: see `feesByAsset`). A flipping
   * fill's fee is split by quantity: closing / filled to this trade, the rest to the trade it opens (the two parts add
   * up to the fee exactly).
   */
  readonly fees: Decimal
  /** Fees of the trade's fills as charged, per `feeAsset` (a flipping fill's split as in `fees`). */
  readonly feesByAsset: Readonly<Record<string, Decimal>>
}

interface OpenTrade {
  side: Side
  openedAt: number
  maxQty: Decimal
  pnl: Decimal
  fees: Decimal
  feesByAsset: Map<string, Decimal>
}

/**
 * Turns the portfolio's applied fills into closed round-trip trades (flat → position → flat, dust counted as flat).
 * Used by the engine to feed the losing-streak breaker and by the backtester's report.
 *
 * @example
 * ```ts
 * const ledger = new TradeLedger()
 * portfolio.events.on('fill.applied', (e) => { const t = ledger.apply(e.applied); if (t) risk.recordTradeResult(t.pnl) })
 * ```
 */
export class TradeLedger {
  readonly #open = new Map<string, OpenTrade>()
  /**
   * Per instrument, the trade its latest fill closed: that fill, the trade as it was before, and as it closed (any
   * later fill of the instrument forgets it: the trade can then no longer be reopened as it was).
   */
  readonly #lastClosed = new Map<string, { fillKey: string; before: OpenTrade; closed: ClosedTrade }>()

  /** Applies one fill; returns the trade it closed, if any. */
  apply(applied: FillApplied): ClosedTrade | undefined {
    const { fill } = applied
    const k = `${fill.venue}\u0000${fill.symbol}`
    return this.#apply(k, this.#open.get(k), applied, true)
  }

  /**
   * Takes back a fill the venue reversed (the portfolio's `fill.reversed`). When it is the instrument's latest fill and
   * closed a trade, that trade is open again as it was before the fill (a trade the fill opened by flipping is gone)
   * and it is returned: the round trip never happened. A fill of the trade in progress leaves it without its PnL and
   * fee (a reversed opening fill leaves it flat). A fill of an earlier, closed trade cannot reopen it (its result
   * stays): the position it gives back is a trade in progress with no PnL or fee of its own. Nothing is returned then.
   */
  reverse(applied: FillApplied): ClosedTrade | undefined {
    const { fill } = applied
    const k = `${fill.venue}\u0000${fill.symbol}`
    const last = this.#lastClosed.get(k)
    if (last !== undefined && last.fillKey === fillKey(fill)) {
      this.#lastClosed.delete(k)
      this.#open.set(k, last.before)
      return last.closed
    }
    const t = this.#open.get(k)
    const ofEarlierTrade = t === undefined || fill.tsEvent < t.openedAt
    const undo = ofEarlierTrade
      ? { ...applied, realizedPnl: ZERO, feePaid: ZERO, fill: { ...fill, fee: ZERO } }
      : { ...applied, fill: { ...fill, fee: fill.fee.neg() } }
    this.#apply(k, t, undo, false)
    return undefined
  }

  /**
   * Applies one fill to the trade in progress `t` of instrument `k`; returns the trade it closed, if any. With
   * `reopenable`, a trade it closes is kept as it was before (see `reverse`); otherwise, and after any fill that closes
   * nothing, the instrument's kept trade is forgotten.
   */
  #apply(
    k: string,
    t: OpenTrade | undefined,
    applied: FillApplied,
    reopenable: boolean,
  ): ClosedTrade | undefined {
    const { fill, position, realizedPnl, feePaid } = applied
    if (this.#lastClosed.size > 0) this.#lastClosed.delete(k)
    // Dust (no order can close it: a fee taken in the base asset leaves it after an exit) left by a reducing fill is
    // flat: it closes a round trip, and opens none (the exit of a position restored after a restart). A fill that adds
    // opens one even below a step (a first partial fill counts in the trade).
    const added = (fill.side === 'BUY') === isAboveZero(position.qty)
    const flat = position.qty.isZero() || (position.dust === true && !added)
    if (t === undefined) {
      if (flat) return undefined
      this.#open.set(k, {
        side: isAboveZero(position.qty) ? 'BUY' : 'SELL',
        openedAt: fill.tsEvent,
        maxQty: position.qty.abs(),
        // ZERO.plus: rounded to the working precision as every later sum is.
        pnl: ZERO.plus(realizedPnl),
        fees: ZERO.plus(feePaid),
        feesByAsset: new Map([[fill.feeAsset, ZERO.plus(fill.fee)]]),
      })
      return undefined
    }
    const flipped = !flat && (t.side === 'BUY' ? lessThan(position.qty, ZERO) : isAboveZero(position.qty))
    // A copy of the trade it closes (flat, or flipped), before this fill moves it: to reopen it if the venue reverses
    // the fill.
    const before = reopenable && (flipped || flat) ? { ...t, feesByAsset: new Map(t.feesByAsset) } : undefined
    if (!flipped) {
      t.pnl = t.pnl.plus(realizedPnl)
      t.fees = t.fees.plus(feePaid)
      addFee(t.feesByAsset, fill.feeAsset, fill.fee)
      const abs = position.qty.abs()
      if (greaterThan(abs, t.maxQty)) t.maxQty = abs
      if (!flat) return undefined
      this.#open.delete(k)
      return this.#closed(k, fill, t, before)
    }
    // A flip closes the trade and opens the opposite one: the fill's fee (as charged, and as the portfolio deducted it
    // in quote) is split by quantity, the closing part to this trade and the opening part to the new one.
    const opened = position.qty.abs()
    const openingFee = proRata(fill.fee, opened, fill.qty)
    const openingFeeQuote = proRata(feePaid, opened, fill.qty)
    t.pnl = t.pnl.plus(realizedPnl).plus(openingFeeQuote)
    t.fees = t.fees.plus(feePaid.minus(openingFeeQuote))
    addFee(t.feesByAsset, fill.feeAsset, fill.fee.minus(openingFee))
    this.#open.set(k, {
      side: isAboveZero(position.qty) ? 'BUY' : 'SELL',
      openedAt: fill.tsEvent,
      maxQty: opened,
      pnl: openingFeeQuote.neg(),
      fees: openingFeeQuote,
      feesByAsset: new Map([[fill.feeAsset, openingFee]]),
    })
    return this.#closed(k, fill, t, before)
  }

  /** The trade `t` closed by `fill`; kept with `before` (when given) for `reverse` to reopen. */
  #closed(k: string, fill: FillApplied['fill'], t: OpenTrade, before: OpenTrade | undefined): ClosedTrade {
    const closed = closedTrade(fill, t)
    if (before !== undefined) this.#lastClosed.set(k, { fillKey: fillKey(fill), before, closed })
    return closed
  }

  /** Number of instruments with a trade in progress. */
  get openCount(): number {
    return this.#open.size
  }
}

/** The closed trade of `t`, closed by `fill`. */
function closedTrade(fill: FillApplied['fill'], t: OpenTrade): ClosedTrade {
  return {
    venue: fill.venue,
    symbol: fill.symbol,
    side: t.side,
    openedAt: t.openedAt,
    closedAt: fill.tsEvent,
    maxQty: t.maxQty,
    pnl: t.pnl,
    fees: t.fees,
    feesByAsset: Object.freeze(Object.fromEntries(t.feesByAsset)),
  }
}

/** Adds `fee` charged in `asset` to `byAsset`. */
function addFee(byAsset: Map<string, Decimal>, asset: string, fee: Decimal): void {
  byAsset.set(asset, (byAsset.get(asset) ?? ZERO).plus(fee))
}

/**
 * `amount × part ÷ whole` (`part` capped at `whole`), rounded to the decimal places at which `amount − share` is exact
 * too: the share and the rest add up to `amount` with no rounding loss.
 */
function proRata(amount: Decimal, part: Decimal, whole: Decimal): Decimal {
  if (amount.isZero() || !isAboveZero(whole)) return ZERO
  if (!lessThan(part, whole)) return amount
  // amount has at most `precision` digits from its leading one (exponent e): both the share (≤ amount) and
  // amount − share fit in them when the share stops at that many digits below amount's leading one.
  const places = Math.max(0, Decimal.precision - 1 - amount.e)
  return amount.times(part).div(whole).toDecimalPlaces(places)
}
