import { equalDecimals, greaterThan, isFinitePositive, productFits } from '../decimal/compareDecimals.js'
import { Decimal } from '../decimal/index.js'
import { plus } from '../decimal/plusMinus.js'
import { product } from '../decimal/product.js'
import { StateError, ValidationError } from '../errors/index.js'
import { err, ok, type Result } from '../errors/result.js'
import {
  type Fill,
  hasLimitPrice,
  hasTriggerPrice,
  type Order,
  type OrderRequest,
  OrderStatus,
} from './types.js'

const ZERO = new Decimal(0)

/**
 * The legal status transitions. Terminal statuses (FILLED, CANCELED, REJECTED, EXPIRED) go nowhere.
 * PENDING_CANCEL may return to OPEN/PARTIALLY_FILLED when the venue refuses the cancel.
 */
export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = Object.freeze({
  PENDING_NEW: ['OPEN', 'PARTIALLY_FILLED', 'FILLED', 'PENDING_CANCEL', 'CANCELED', 'REJECTED', 'EXPIRED'],
  OPEN: ['PARTIALLY_FILLED', 'FILLED', 'PENDING_CANCEL', 'CANCELED', 'EXPIRED'],
  PARTIALLY_FILLED: ['PARTIALLY_FILLED', 'FILLED', 'PENDING_CANCEL', 'CANCELED', 'EXPIRED'],
  PENDING_CANCEL: ['OPEN', 'PARTIALLY_FILLED', 'FILLED', 'CANCELED', 'EXPIRED'],
  FILLED: [],
  CANCELED: [],
  REJECTED: [],
  EXPIRED: [],
})

/**
 * True when no further transition is possible.
 *
 * @example
 * ```ts
 * isTerminalStatus('FILLED')           // true
 * isTerminalStatus('PARTIALLY_FILLED') // false
 * ```
 */
export function isTerminalStatus(status: OrderStatus): boolean {
  return ORDER_TRANSITIONS[status].length === 0
}

/**
 * True when the state machine allows `from → to`.
 *
 * @example
 * ```ts
 * canTransition('OPEN', 'FILLED')     // true
 * canTransition('CANCELED', 'FILLED') // false
 * ```
 */
export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return ORDER_TRANSITIONS[from].includes(to)
}

/**
 * Checks an order request before anything is sent: positive quantity, a positive limit price for limit types,
 * a trigger for stop types, `expireAt` for GTD, a non-empty client order id.
 *
 * @example
 * ```ts
 * const r = validateOrderRequest({ clientOrderId: 'c1', venue: 'binance', symbol: 'BTCUSDT', side: 'BUY',
 *   type: 'LIMIT', qty: new Decimal('0.01') }) // no price
 * if (!r.ok) console.log(r.error.message) // 'Invalid order price: must be > 0'
 * ```
 */
export function validateOrderRequest(req: OrderRequest): Result<OrderRequest, ValidationError> {
  if (typeof req.clientOrderId !== 'string' || req.clientOrderId.length === 0)
    return invalidOrder(req, 'clientOrderId', 'must be set')
  if (!Decimal.isDecimal(req.qty) || !isFinitePositive(req.qty))
    return invalidOrder(req, 'qty', 'must be > 0')
  if (hasLimitPrice(req.type)) {
    if (req.price === undefined || !isFinitePositive(req.price))
      return invalidOrder(req, 'price', 'must be > 0')
  } else if (req.price !== undefined) {
    return invalidOrder(req, 'price', `is not used by ${req.type} orders`)
  }
  if (hasTriggerPrice(req.type)) {
    if (req.triggerPrice === undefined || !req.triggerPrice.isFinite() || req.triggerPrice.lte(0)) {
      return invalidOrder(req, 'triggerPrice', 'must be > 0')
    }
  } else if (req.triggerPrice !== undefined && req.type !== 'TRAILING_STOP_MARKET') {
    return invalidOrder(req, 'triggerPrice', `is not used by ${req.type} orders`)
  }
  if (req.type === 'TRAILING_STOP_MARKET') {
    if (req.trailingPercent === undefined || !req.trailingPercent.isFinite() || req.trailingPercent.lte(0)) {
      return invalidOrder(req, 'trailingPercent', 'must be > 0')
    }
  }
  if (req.timeInForce === 'GTD' && (req.expireAt === undefined || !Number.isFinite(req.expireAt))) {
    return invalidOrder(req, 'expireAt', 'is required for GTD')
  }
  if (req.timeInForce === 'POST_ONLY' && req.type !== 'LIMIT')
    return invalidOrder(req, 'timeInForce', 'POST_ONLY needs a LIMIT order')
  return ok(req)
}

/** The rejection of an order request's field (a module function: a closure per order costs on the hot path). */
function invalidOrder(req: OrderRequest, field: string, why: string): Result<never, ValidationError> {
  return err(
    new ValidationError(`Invalid order ${field}: ${why}`, {
      field,
      details: { clientOrderId: req.clientOrderId },
    }),
  )
}

/**
 * Creates a tracked order in `PENDING_NEW` from a validated request: its order fields only (what else it carries, such
 * as an intent's strategy metadata, stays with the caller), set one by one, so every order has the same layout.
 *
 * @example
 * ```ts
 * const r = createOrder({ clientOrderId: 'c1', venue: 'binance', symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT',
 *   qty: new Decimal('0.01'), price: new Decimal('64000'), timeInForce: 'GTC' }, clock.now())
 * if (r.ok) console.log(r.value.status) // 'PENDING_NEW'
 * ```
 */
export function createOrder(req: OrderRequest, tsCreated: number): Result<Order, ValidationError> {
  const v = validateOrderRequest(req)
  if (!v.ok) return v
  // A literal, then the optional fields a request sets: neither a spread nor a rest copy (V8 takes a slow path for
  // both, and they would copy whatever else the request carries).
  const order: Writable<Order> = {
    clientOrderId: req.clientOrderId,
    venue: req.venue,
    symbol: req.symbol,
    side: req.side,
    type: req.type,
    qty: req.qty,
    status: OrderStatus.PENDING_NEW,
    filledQty: new Decimal(0),
    tsCreated,
    tsUpdated: tsCreated,
  }
  if (req.price !== undefined) order.price = req.price
  if (req.triggerPrice !== undefined) order.triggerPrice = req.triggerPrice
  if (req.trailingPercent !== undefined) order.trailingPercent = req.trailingPercent
  if (req.timeInForce !== undefined) order.timeInForce = req.timeInForce
  if (req.reduceOnly !== undefined) order.reduceOnly = req.reduceOnly
  if (req.expireAt !== undefined) order.expireAt = req.expireAt
  return ok(order)
}

/** An order copy whose fields are set before it is handed out (orders are immutable once returned). */
type Writable<T> = { -readonly [K in keyof T]: T[K] }

function illegalTransition(order: Order, to: OrderStatus): StateError {
  return new StateError(`Illegal order transition "${order.status}" -> "${to}"`, {
    details: { clientOrderId: order.clientOrderId, from: order.status, to },
  })
}

/** What accompanies a status change. */
export interface OrderTransitionInfo {
  readonly tsEvent: number
  readonly venueOrderId?: string
  readonly reason?: string
}

/**
 * Moves an order to `to` if the state machine allows it. Repeating the current status is an idempotent no-op
 * (venues and reconciliation repeat themselves); an illegal move returns a {@link StateError} and changes nothing.
 *
 * @example
 * ```ts
 * const r = transitionOrder(order, 'OPEN', { tsEvent: clock.now(), venueOrderId: '12345' })
 * if (r.ok) order = r.value
 * else console.warn(r.error.message) // an illegal move changes nothing
 * ```
 */
export function transitionOrder(
  order: Order,
  to: OrderStatus,
  info: OrderTransitionInfo,
): Result<Order, StateError> {
  if (order.status === to) return ok(order)
  if (!canTransition(order.status, to)) return err(illegalTransition(order, to))
  // A plain copy, then its fields set (the same keys in the same order as `{ ...order, status, ... }`): a spread
  // followed by more keys, or by conditional spreads, is V8's slow path (about 1 µs per order event).
  const next: Writable<Order> = { ...order }
  next.status = to
  next.tsUpdated = Math.max(order.tsUpdated, info.tsEvent)
  if (info.venueOrderId !== undefined) next.venueOrderId = info.venueOrderId
  if (info.reason !== undefined) next.reason = info.reason
  return ok(next)
}

/**
 * Applies a fill: updates filled quantity and average price and moves to PARTIALLY_FILLED or FILLED.
 * Rejects a fill for another order, a wrong side, a non-positive quantity or price, a fill on a terminal
 * order, or one that would overfill.
 *
 * @example
 * ```ts
 * const r = applyFill(order, fill)
 * if (r.ok) order = r.value // PARTIALLY_FILLED or FILLED, with filledQty and avgFillPrice updated
 * else console.warn(r.error.message) // overfill, wrong order or side, terminal order
 * ```
 */
export function applyFill(order: Order, fill: Fill): Result<Order, StateError | ValidationError> {
  const u = planOrderFill(order, fill)
  if (!u.ok) return u
  // transitionOrder(order, to, ...) and the new amounts in one copy (the same fields, in the same order): a plain
  // copy, then its fields set (see transitionOrder).
  return ok(writeOrderFill({ ...order }, order, u.value))
}

/**
 * What a fill changes in an order: its status (and with it the venue order id), its update time (the fill's, never
 * earlier than the order's) and its amounts.
 */
export interface OrderFillUpdate {
  readonly status: OrderStatus
  readonly tsUpdated: number
  readonly venueOrderId: string | undefined
  readonly filledQty: Decimal
  readonly avgFillPrice: Decimal
}

/**
 * The checks and the arithmetic of {@link applyFill}, without the new order: what the fill would change, or why the
 * order cannot take it. {@link writeOrderFill} writes it.
 *
 * @example
 * ```ts
 * const u = planOrderFill(order, fill)
 * if (u.ok) writeOrderFill(draft, order, u.value) // draft: an order no one has seen yet
 * ```
 */
export function planOrderFill(
  order: Order,
  fill: Fill,
): Result<OrderFillUpdate, StateError | ValidationError> {
  if (fill.clientOrderId !== order.clientOrderId) {
    return err(
      new ValidationError(`Fill for "${fill.clientOrderId}" applied to "${order.clientOrderId}"`, {
        field: 'clientOrderId',
      }),
    )
  }
  if (fill.side !== order.side)
    return err(new ValidationError(`Fill side "${fill.side}" differs from order side`, { field: 'side' }))
  if (!isFinitePositive(fill.qty))
    return err(new ValidationError('Fill quantity must be > 0', { field: 'qty' }))
  if (!isFinitePositive(fill.price))
    return err(new ValidationError('Fill price must be > 0', { field: 'price' }))
  const amounts = filledAmounts(order, fill)
  if (amounts === undefined) {
    return err(
      new StateError(`Fill would overfill order "${order.clientOrderId}"`, {
        details: { qty: order.qty.toString(), filled: order.filledQty.plus(fill.qty).toString() },
      }),
    )
  }
  const { filledQty, avgFillPrice } = amounts
  const to = equalDecimals(filledQty, order.qty) ? OrderStatus.FILLED : OrderStatus.PARTIALLY_FILLED
  if (order.status !== to && !canTransition(order.status, to)) return err(illegalTransition(order, to))
  return ok({
    status: to,
    tsUpdated: Math.max(order.tsUpdated, fill.tsEvent),
    venueOrderId: fill.venueOrderId,
    filledQty,
    avgFillPrice,
  })
}

/**
 * An order's filled quantity and average fill price with `fill` added, or `undefined` when it would overfill the
 * order. The arithmetic of every fill an order takes, whatever its status (see {@link planOrderFill}).
 *
 * @example
 * ```ts
 * filledAmounts(order, fill)?.avgFillPrice // (avg × filled + price × qty) ÷ (filled + qty)
 * ```
 */
export function filledAmounts(
  order: Order,
  fill: Fill,
): { readonly filledQty: Decimal; readonly avgFillPrice: Decimal } | undefined {
  const first = order.filledQty.isZero()
  const filledQty = first ? fill.qty : plus(order.filledQty, fill.qty)
  if (greaterThan(filledQty, order.qty)) return undefined
  // A first fill's average is its price (price × qty ÷ qty is exact when the product is: at most 40 digits).
  const avgFillPrice =
    first && productFits(fill.price, fill.qty)
      ? fill.price
      : plus(product(order.avgFillPrice ?? ZERO, order.filledQty), product(fill.price, fill.qty)).div(
          filledQty,
        )
  return { filledQty, avgFillPrice }
}

/**
 * Writes a planned fill ({@link planOrderFill} of `order`) into `draft`, a copy of `order` or `order` itself when no
 * one has seen it yet: the fields {@link applyFill} sets, in the same order. Returns `draft`.
 *
 * @example
 * ```ts
 * const next = writeOrderFill({ ...order }, order, update)
 * ```
 */
export function writeOrderFill(draft: Order, order: Order, u: OrderFillUpdate): Order {
  const next = draft as Writable<Order>
  if (order.status !== u.status) {
    next.status = u.status
    if (u.venueOrderId !== undefined) next.venueOrderId = u.venueOrderId
  }
  // Every fill moves the update time (a second partial fill too: its amounts changed), never backwards.
  next.tsUpdated = u.tsUpdated
  next.filledQty = u.filledQty
  next.avgFillPrice = u.avgFillPrice
  return next
}
