import type { Fill, Instrument } from '../../core/types.js'
import { greaterThan, isAboveZero, lessThan, productFits } from '../../decimal/compareDecimals.js'
import { difference } from '../../decimal/difference.js'
import { Decimal } from '../../decimal/index.js'
import { magnitude } from '../../decimal/magnitude.js'
import { minus, plus } from '../../decimal/plusMinus.js'
import { product } from '../../decimal/product.js'
import { InsufficientFundsError, type TradekitError, ValidationError } from '../../errors/index.js'
import { err, ok, type Result } from '../../errors/result.js'
import type { MutablePosition } from './MutablePosition.js'

const ZERO = new Decimal(0)

/** What applying one fill would change: new cash per asset, the position after, the realized PnL. */
export interface FillPlan {
  readonly cash: Map<string, Decimal>
  readonly pos: MutablePosition
  readonly realized: Decimal
}

/**
 * Plans one fill without committing it: spot and outcome tokens move cash and holdings (fees in the base asset come
 * out of the tokens), perpetuals realize PnL on the closed part and keep margin at `leverage`. `cashOf` reads the
 * current cash of an asset; `cur` (copied, not changed) is the position before. An invariant breach (selling more
 * than held, a fee above the quantity bought) is an error and changes nothing.
 *
 * @example
 * ```ts
 * const r = planFill(instrument, fill, position, (asset) => cash.get(asset) ?? ZERO, 1)
 * if (r.ok) commit(r.value)
 * ```
 */
export function planFill(
  inst: Instrument,
  fill: Fill,
  cur: MutablePosition,
  cashOf: (asset: string) => Decimal,
  leverage: number,
): Result<FillPlan, TradekitError> {
  return inst.kind === 'perpetual'
    ? planPerp(inst, fill, { ...cur }, cashOf, leverage)
    : planCash(inst, fill, { ...cur }, cashOf)
}

/**
 * A fee in the quote currency when it can be valued (paid in the quote, or in the base of a spot pair at the fill
 * price); `undefined` otherwise.
 *
 * @example
 * ```ts
 * feeInQuote(btcusdt, fill) // fee in USDT, or BTC fee × price
 * ```
 */
export function feeInQuote(inst: Instrument, fill: Fill): Decimal | undefined {
  if (fill.feeAsset === inst.quote) return fill.fee
  if (fill.feeAsset === inst.base && inst.kind === 'spot') return product(fill.fee, fill.price)
  return undefined
}

/**
 * `(entry × held + price × added) ÷ total`, the 40-digit average entry. Opening from flat it is `price` itself: the
 * product of two values of at most 40 significant digits together is exact, and so is its quotient by `added`.
 *
 * @example
 * ```ts
 * averageEntry(undefined, ZERO, price, qty, qty) // price: opening from flat
 * ```
 */
export function averageEntry(
  entry: Decimal | undefined,
  held: Decimal,
  price: Decimal,
  added: Decimal,
  total: Decimal,
): Decimal {
  if (held.isZero() && productFits(price, added)) return price
  return plus(product(entry ?? ZERO, held), product(price, added)).div(total)
}

function planCash(
  inst: Instrument,
  fill: Fill,
  cur: MutablePosition,
  cashOf: (asset: string) => Decimal,
): Result<FillPlan, TradekitError> {
  const cash = new Map<string, Decimal>()
  const get = (a: string) => cash.get(a) ?? cashOf(a)
  const notional = fill.price.times(fill.qty)
  let feeQ = feeInQuote(inst, fill) ?? ZERO
  // Fees in the base asset come out of the tokens received/delivered, not from a cash balance.
  const feeInBase = inst.kind === 'spot' && fill.feeAsset === inst.base
  let realized = ZERO
  if (fill.side === 'BUY') {
    const received = feeInBase ? fill.qty.minus(fill.fee) : fill.qty
    if (!isAboveZero(received))
      return err(new ValidationError('Fee exceeds the quantity bought', { field: 'fee' }))
    cash.set(inst.quote, get(inst.quote).minus(notional))
    const newQty = cur.qty.plus(received)
    // The cost basis excludes fees (they are realized at once): tokens received cost the fill price.
    cur.entry = averageEntry(cur.entry, cur.qty, fill.price, received, newQty)
    cur.qty = newQty
    realized = feeQ.neg()
  } else {
    const delivered = feeInBase ? fill.qty.plus(fill.fee) : fill.qty
    if (greaterThan(delivered, cur.qty)) {
      return err(
        new InsufficientFundsError(
          inst.venue,
          `Sell of "${delivered.toString()}" exceeds the "${cur.qty.toString()}" held of "${inst.symbol}"`,
        ),
      )
    }
    cash.set(inst.quote, get(inst.quote).plus(notional))
    const entry = cur.entry ?? fill.price
    // Tokens handed over as a fee are disposed of at their cost basis.
    const feeCost = feeInBase ? fill.fee.times(entry) : feeQ
    realized = fill.price.minus(entry).times(fill.qty).minus(feeCost)
    feeQ = feeCost
    cur.qty = cur.qty.minus(delivered)
    if (cur.qty.isZero()) cur.entry = undefined
  }
  if (!feeInBase) cash.set(fill.feeAsset, get(fill.feeAsset).minus(fill.fee))
  cur.realized = cur.realized.plus(realized)
  cur.fees = cur.fees.plus(feeQ)
  return ok({ cash, pos: cur, realized })
}

function planPerp(
  inst: Instrument,
  fill: Fill,
  cur: MutablePosition,
  cashOf: (asset: string) => Decimal,
  leverage: number,
): Result<FillPlan, TradekitError> {
  const cash = new Map<string, Decimal>()
  const signed = fill.side === 'BUY' ? fill.qty : fill.qty.neg()
  const feeQ = feeInQuote(inst, fill) ?? ZERO
  let gross = ZERO
  const sameDir = cur.qty.isZero() || cur.qty.isPositive() === signed.isPositive()
  if (sameDir) {
    const newQty = plus(cur.qty, signed)
    cur.entry = averageEntry(cur.entry, magnitude(cur.qty), fill.price, fill.qty, magnitude(newQty))
    cur.qty = newQty
  } else {
    const held = magnitude(cur.qty)
    const closing = lessThan(held, fill.qty) ? held : fill.qty
    const entry = cur.entry ?? fill.price
    // (price − entry) × closing, of the long's sign: `neg` is decimal.js's `times(−1)` (a zero becomes −0 too).
    const long = product(difference(fill.price, entry), closing)
    gross = cur.qty.isPositive() ? long : long.neg()
    const newQty = plus(cur.qty, signed)
    if (newQty.isZero()) cur.entry = undefined
    else if (newQty.isPositive() !== cur.qty.isPositive()) cur.entry = fill.price // flipped
    cur.qty = newQty
  }
  // The venue's figure when it reports one (Binance USD-M `rp`), whichever way this fill moved our position: fills
  // that arrive out of order may open here what closed at the venue (and the reverse), and the venue's wallet is what
  // counts. Its sum does not depend on the order.
  if (fill.realizedPnl !== undefined) gross = fill.realizedPnl
  cash.set(inst.quote, plus(cashOf(inst.quote), gross))
  cash.set(fill.feeAsset, minus(cash.get(fill.feeAsset) ?? cashOf(fill.feeAsset), fill.fee))
  const realized = minus(gross, feeQ)
  cur.realized = plus(cur.realized, realized)
  cur.fees = plus(cur.fees, feeQ)
  cur.leverage = leverage
  return ok({ cash, pos: cur, realized })
}
