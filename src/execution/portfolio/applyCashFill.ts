import type { Fill, Instrument } from '../../core/types.js'
import { greaterThan, isAboveZero } from '../../decimal/compareDecimals.js'
import { difference } from '../../decimal/difference.js'
import { Decimal } from '../../decimal/index.js'
import { minus, plus } from '../../decimal/plusMinus.js'
import { product } from '../../decimal/product.js'
import { InsufficientFundsError, type TradekitError, ValidationError } from '../../errors/index.js'
import { err, ok, type Result } from '../../errors/result.js'
import type { FillUndoLog } from './FillUndoLog.js'
import type { MutablePosition } from './MutablePosition.js'
import { averageEntry, feeInQuote } from './planFill.js'

const ZERO = new Decimal(0)

/**
 * {@link planFill} of a spot or outcome-token fill, committed in place: the same Decimal operations in the same order
 * (`0 + x` and `x − x` skipped: the same cash, quantity, entry, realized PnL and fees), written into `pos` and
 * `cash` instead of a copied position and a planned cash map. Its checks (a fee above the quantity bought, a sale of
 * more than is held) come before any write, so an error changes nothing. Returns the realized PnL. With `undo`, the fill's undo record is
 * kept there under `id` (the values before and after it). For the Portfolio's hot path; a perpetual goes through
 * `planFill`.
 *
 * @example
 * ```ts
 * const r = applyCashFill(btcusdt, fill, position, cash)
 * if (r.ok) realizedToday = realizedToday.plus(r.value)
 * ```
 */
export function applyCashFill(
  inst: Instrument,
  fill: Fill,
  pos: MutablePosition,
  cash: Map<string, Decimal>,
  undo?: FillUndoLog,
  id = '',
): Result<Decimal, TradekitError> {
  const { price, qty, fee, feeAsset } = fill
  let feeQ = feeInQuote(inst, fill) ?? ZERO
  // Fees in the base asset come out of the tokens received/delivered, not from a cash balance.
  const feeInBase = inst.kind === 'spot' && feeAsset === inst.base
  const { qty: qtyBefore, entry: entryBefore, fees: feesBefore } = pos
  const quoteBefore = cash.get(inst.quote) ?? ZERO
  const feeCash = !feeInBase && feeAsset !== inst.quote
  const feeBefore = undo !== undefined && feeCash ? (cash.get(feeAsset) ?? ZERO) : undefined
  let realized: Decimal
  if (fill.side === 'BUY') {
    const received = feeInBase ? minus(qty, fee) : qty
    if (!isAboveZero(received))
      return err(new ValidationError('Fee exceeds the quantity bought', { field: 'fee' }))
    cash.set(inst.quote, minus(quoteBefore, product(price, qty)))
    const newQty = plus(pos.qty, received)
    pos.entry = averageEntry(pos.entry, pos.qty, price, received, newQty)
    pos.qty = newQty
    realized = feeQ.neg()
  } else {
    const delivered = feeInBase ? plus(qty, fee) : qty
    if (greaterThan(delivered, pos.qty)) {
      return err(
        new InsufficientFundsError(
          inst.venue,
          `Sell of "${delivered.toString()}" exceeds the "${pos.qty.toString()}" held of "${inst.symbol}"`,
        ),
      )
    }
    cash.set(inst.quote, plus(quoteBefore, product(price, qty)))
    const entry = pos.entry ?? price
    // Tokens handed over as a fee are disposed of at their cost basis.
    const feeCost = feeInBase ? product(fee, entry) : feeQ
    realized = minus(product(difference(price, entry), qty), feeCost)
    feeQ = feeCost
    pos.qty = minus(pos.qty, delivered)
    if (pos.qty.isZero()) pos.entry = undefined
  }
  if (!feeInBase) cash.set(feeAsset, minus(cash.get(feeAsset) ?? ZERO, fee))
  pos.realized = plus(pos.realized, realized)
  pos.fees = plus(pos.fees, feeQ)
  if (undo !== undefined) {
    undo.recordInPlace(id, {
      fill,
      qtyBefore,
      entryBefore,
      feesBefore,
      after: pos,
      realized,
      quote: inst.quote,
      quoteBefore,
      quoteAfter: cash.get(inst.quote) ?? ZERO,
      feeBefore,
      feeAfter: feeBefore === undefined ? undefined : (cash.get(feeAsset) ?? ZERO),
    })
  }
  return ok(realized)
}
