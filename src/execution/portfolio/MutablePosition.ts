import type { Instrument, InstrumentKind } from '../../core/types.js'
import { equalDecimals } from '../../decimal/compareDecimals.js'
import { difference } from '../../decimal/difference.js'
import { Decimal } from '../../decimal/index.js'
import { magnitude } from '../../decimal/magnitude.js'
import { product } from '../../decimal/product.js'
import { ValidationError } from '../../errors/index.js'
import type { PortfolioPosition } from './PortfolioEvents.js'

const ZERO = new Decimal(0)
const ONE = new Decimal(1)

/** The Portfolio's working state of one position (quantity signed for perpetuals). */
export interface MutablePosition {
  venue: string
  symbol: string
  kind: InstrumentKind
  qty: Decimal
  /** Average entry price; `undefined` exactly when the position is flat. */
  entry: Decimal | undefined
  realized: Decimal
  /** Fees paid, in the quote currency. */
  fees: Decimal
  mark: Decimal | undefined
  leverage: number
}

/**
 * A flat, unmarked position of one instrument: where its first fill starts.
 *
 * @example
 * ```ts
 * const p = flatMutablePosition('binance', 'BTCUSDT', 'spot', 1) // qty 0, no entry, no mark
 * ```
 */
export function flatMutablePosition(
  venue: string,
  symbol: string,
  kind: InstrumentKind,
  leverage: number,
): MutablePosition {
  return {
    venue,
    symbol,
    kind,
    qty: ZERO,
    entry: undefined,
    realized: ZERO,
    fees: ZERO,
    mark: undefined,
    leverage,
  }
}

/**
 * Unrealized PnL of a position at its mark (0 when flat or not marked yet).
 *
 * @example
 * ```ts
 * unrealizedPnl(position) // (mark − entry) × qty
 * ```
 */
export function unrealizedPnl(p: MutablePosition): Decimal {
  if (p.qty.isZero() || p.entry === undefined || p.mark === undefined) return ZERO
  // Marked at its entry (just opened at the fill price): (mark − entry) × qty is +0 for a long, a zero like ZERO.
  if (p.qty.s === 1 && (p.mark === p.entry || equalDecimals(p.mark, p.entry))) return ZERO
  // The same mark, entry and quantity as the last view's (a fill's view, then the next snapshot's): computed once.
  return product(difference(p.mark, p.entry), p.qty)
}

/**
 * Initial margin of a perpetual position: |qty| × (mark, else entry) / leverage; 0 for spot and outcome tokens.
 *
 * @example
 * ```ts
 * positionMargin(perp) // 0.1 BTC at 50,000 with 5× leverage → 1,000
 * ```
 */
export function positionMargin(p: MutablePosition): Decimal {
  if (p.kind !== 'perpetual' || p.qty.isZero()) return ZERO
  return perLeverage(product(magnitude(p.qty), p.mark ?? p.entry ?? ZERO), p.leverage)
}

/**
 * `x ÷ leverage` as decimal.js divides it, where `x` has at most 40 digits (a product, a price): at 1× that is `x`
 * itself, with no division.
 *
 * @example
 * ```ts
 * perLeverage(notional, 5) // the initial margin of a position of that notional at 5×
 * ```
 */
export function perLeverage(x: Decimal, leverage: number): Decimal {
  return leverage === 1 ? x : x.div(leverage)
}

/** The last leverage and maintenance rate seen, and their liquidation factors (a position's view asks again and again). */
const factors = { leverage: Number.NaN, mmr: Number.NaN, long: ZERO, short: ZERO }

/**
 * Isolated-margin liquidation estimate: long entry × (1 − 1/lev + mmr), short entry × (1 + 1/lev − mmr).
 *
 * @example
 * ```ts
 * liquidationPrice(perp, 0.004) // undefined for spot or a flat position
 * ```
 */
export function liquidationPrice(p: MutablePosition, mmr: number): Decimal | undefined {
  if (p.kind !== 'perpetual' || p.qty.isZero() || p.entry === undefined) return undefined
  if (factors.leverage !== p.leverage || factors.mmr !== mmr) {
    const inv = ONE.div(p.leverage)
    const m = new Decimal(mmr)
    factors.long = ONE.minus(inv).plus(m)
    factors.short = ONE.plus(inv).minus(m)
    factors.leverage = p.leverage
    factors.mmr = mmr
  }
  const liq = product(p.entry, p.qty.isPositive() ? factors.long : factors.short)
  return liq.isNegative() ? ZERO : liq
}

/**
 * The public view of a position: its state plus unrealized PnL, margin and (perpetuals) the liquidation estimate;
 * `dust` when the caller found it too small to trade (see `isDust`), and `unsettled`: the part of it not sellable yet
 * (see `UnsettledShares`).
 *
 * @example
 * ```ts
 * positionView(position, 0.004) // { venue, symbol, kind, qty, entryPrice, unrealizedPnl, margin, feesPaid, ... }
 * ```
 */
export function positionView(
  p: MutablePosition,
  mmr: number,
  dust = false,
  unsettled?: Decimal,
): PortfolioPosition {
  const liq = liquidationPrice(p, mmr)
  // The optional keys are written in place, in the order of the type (the same keys, in the same order, as a literal
  // with conditional spreads, which V8 builds on a slow path).
  const v: { -readonly [K in keyof PortfolioPosition]: PortfolioPosition[K] } = {
    venue: p.venue,
    symbol: p.symbol,
    kind: p.kind,
    qty: p.qty,
  } as PortfolioPosition
  if (p.entry !== undefined) v.entryPrice = p.entry
  v.realizedPnl = p.realized
  v.unrealizedPnl = unrealizedPnl(p)
  if (p.kind === 'perpetual') v.leverage = p.leverage
  if (p.mark !== undefined) v.markPrice = p.mark
  v.margin = positionMargin(p)
  if (liq !== undefined) v.liquidationPrice = liq
  v.feesPaid = p.fees
  if (dust) v.dust = true
  if (unsettled !== undefined) v.unsettledQty = unsettled
  return v
}

/**
 * Settles an outcome-token position in place at `payout` per token (its market resolved): it goes flat, marked at the
 * payout (unmarked at 0). Returns the cash it pays out and the PnL it realizes against the average entry.
 *
 * @example
 * ```ts
 * const { proceeds, realized } = settleMutablePosition(yes, new Decimal(1)) // 10 tokens bought at 0.4: 10 and 6
 * ```
 */
export function settleMutablePosition(
  p: MutablePosition,
  payout: Decimal,
): { proceeds: Decimal; realized: Decimal } {
  const proceeds = p.qty.times(payout)
  const realized = payout.minus(p.entry ?? ZERO).times(p.qty)
  p.realized = p.realized.plus(realized)
  p.qty = ZERO
  p.entry = undefined
  p.mark = payout.isZero() ? undefined : payout
  return { proceeds, realized }
}

/**
 * Throws a `ValidationError` for a leverage that is not a finite number above zero, or above the instrument's
 * `maxLeverage`.
 *
 * @example
 * ```ts
 * checkLeverage(150, btcPerp) // throws: above the maximum "125"
 * ```
 */
export function checkLeverage(leverage: number, inst: Instrument | undefined): void {
  if (!Number.isFinite(leverage) || leverage <= 0)
    throw new ValidationError(`Invalid leverage "${leverage}"`, { field: 'leverage' })
  if (inst?.maxLeverage !== undefined && leverage > inst.maxLeverage) {
    throw new ValidationError(`Leverage "${leverage}" above the maximum "${inst.maxLeverage}"`, {
      field: 'leverage',
    })
  }
}
