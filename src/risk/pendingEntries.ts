import { err, isTerminalStatus, type Order, OrderStatus, ok, type Result } from '../core/index.js'
import { greaterThan } from '../decimal/compareDecimals.js'
import type { Decimal } from '../decimal/index.js'
import { plus } from '../decimal/plusMinus.js'
import { product } from '../decimal/product.js'
import type { RiskCheckContext } from './checks/RiskCheckContext.js'
import { readDecimal } from './sizing.js'
import { RiskReason, type RiskRejection, rejection } from './types.js'

/**
 * The value an entry's `maxNotional` and `maxPositionFraction` caps start from (`existingNotional`): the netted
 * position on its instrument plus what its resting entry orders on the same side may still fill (quantity less filled
 * quantity: the filled part is in the position already) and the same-side entries approved but not listed yet (the
 * context's `reserved()`), all at `price` (the context's `capPrice()`, which the order is valued at too). Reduce-only
 * orders, the other side, other instruments and finished orders do not count; an order not acknowledged yet
 * (PENDING_NEW) or being cancelled (PENDING_CANCEL) does, since it may still fill. `undefined` when there is neither a
 * position nor such an order (the caps apply in full). A resting entry order whose status, side or quantities cannot be
 * read is `INVALID_INPUT`, never counted as nothing.
 *
 * @example
 * ```ts
 * const existing = existingNotional(ctx, price) // 4 held + 6 resting at 100: 1000
 * if (existing.ok) capEntry(ctx, requested, entry, existing.value, leverage, deps)
 * ```
 */
export function existingNotional(
  ctx: RiskCheckContext,
  price: Decimal,
): Result<Decimal | undefined, RiskRejection> {
  const posQty = ctx.positionQty()
  let qty = posQty === undefined || posQty.isZero() ? undefined : posQty.abs()
  const { inst, side } = ctx
  for (const o of ctx.account.openOrders) {
    if (o.reduceOnly === true || o.symbol !== inst.symbol || o.venue !== inst.venue) continue
    const left = unfilledQty(o)
    if (!left.ok) return left
    if (o.side !== side || left.value === undefined) continue
    qty = qty === undefined ? left.value : plus(qty, left.value)
  }
  const reserved = ctx.reserved()
  if (reserved.size > 0) {
    for (const r of reserved.values()) {
      if (r.side !== side || r.symbol !== inst.symbol || r.venue !== inst.venue) continue
      qty = qty === undefined ? r.qty : plus(qty, r.qty)
    }
  }
  return ok(qty === undefined ? undefined : product(qty, price))
}

/**
 * What an open order may still fill (`undefined`: nothing, or the order is finished), or why it cannot be read: the
 * entries here, and the resting orders a quote set's inventory limits count (`othersExposure`).
 */
export function unfilledQty(o: Order): Result<Decimal | undefined, RiskRejection> {
  const status: unknown = o.status
  if (typeof status !== 'string' || !Object.hasOwn(OrderStatus, status))
    return unreadable(o, 'status', status)
  if (isTerminalStatus(o.status)) return ok(undefined)
  if (o.side !== 'BUY' && o.side !== 'SELL') return unreadable(o, 'side', o.side)
  const qty = readDecimal(o.qty)
  if (qty === undefined || qty.isZero() || qty.isNegative()) return unreadable(o, 'qty', o.qty)
  const filled = readDecimal(o.filledQty)
  if (filled === undefined || filled.isNegative() || greaterThan(filled, qty))
    return unreadable(o, 'filledQty', o.filledQty)
  const left = qty.minus(filled)
  return ok(left.isZero() ? undefined : left)
}

function unreadable(o: Order, field: string, value: unknown): Result<never, RiskRejection> {
  const shown = String(value).slice(0, 64)
  return err(
    rejection(
      RiskReason.INVALID_INPUT,
      `Invalid ${field} "${shown}" of open order "${String(o.clientOrderId).slice(0, 64)}"`,
      { field: `openOrders.${field}`, value: shown, clientOrderId: String(o.clientOrderId).slice(0, 64) },
    ),
  )
}
