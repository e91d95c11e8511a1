import type { Instrument, Order } from '../../core/types.js'
import { greaterThan, lessThan } from '../../decimal/compareDecimals.js'
import { Decimal } from '../../decimal/index.js'
import { magnitude } from '../../decimal/magnitude.js'
import { minus, plus } from '../../decimal/plusMinus.js'
import { product } from '../../decimal/product.js'
import { checkInstrumentFilters } from '../filters.js'
import type { OpenOrders } from '../OpenOrders.js'
import type { Portfolio } from '../Portfolio.js'
import { perLeverage } from '../portfolio/MutablePosition.js'
import type { PaperBook } from './PaperBook.js'
import { remaining } from './remaining.js'

const ZERO = new Decimal(0)
const NO_BALANCE = 'Account has insufficient balance for requested action.'

/** What {@link venueCheck} reads of a PaperTrader: its account, its orders, its fee rates and the market it saw. */
export interface VenueCheckContext {
  readonly portfolio: Portfolio
  readonly orders: OpenOrders
  /** Largest number of open orders (`maxOpenOrders`). */
  readonly maxOpenOrders: number
  /** |takerFeeRate|. */
  readonly takerAbs: Decimal
  /** |takerFeeRate| + 1. */
  readonly takerPlusOne: Decimal
  /** 1 + the fallback slippage: what a market buy costs over the last price without a book. */
  readonly slipUp: Decimal
  /** The simulated venue's time now. */
  now(): number
  /** The last book of instrument key `k`, if any. */
  book(k: string): PaperBook | undefined
  /** The last trade or candle price of instrument key `k`, if any. */
  lastPrice(k: string): Decimal | undefined
}

/**
 * Why the simulated venue refuses `order` on `inst` (key `k`), in the venue's words, or `undefined` when it takes it:
 * unsupported type, too many open orders, a GTD in the past, the instrument's filters, no market price, reduce-only,
 * margin (perpetuals), cash for a buy or the base asset for a sell (spot, outcome tokens).
 *
 * @example
 * ```ts
 * const reason = venueCheck(order, inst, key(inst.venue, inst.symbol), ctx)
 * if (reason !== undefined) reject(order, reason)
 * ```
 */
export function venueCheck(
  order: Order,
  inst: Instrument,
  k: string,
  ctx: VenueCheckContext,
): string | undefined {
  if (order.type === 'TRAILING_STOP_MARKET')
    return 'Order type TRAILING_STOP_MARKET is not supported by PaperTrader'
  if (ctx.orders.openCount > ctx.maxOpenOrders) return 'Too many open orders'
  if (order.timeInForce === 'GTD' && (order.expireAt ?? 0) <= ctx.now()) return 'expireAt is in the past'
  const ref = referencePrice(k, order, ctx)
  const filter = checkInstrumentFilters(order, inst, ref)
  if (filter !== undefined) return filter
  if (order.type === 'MARKET' && ref === undefined)
    return 'No market price: no book, trade or candle seen yet'
  const px = order.price ?? order.triggerPrice ?? ref
  if (px === undefined) return 'No market price'
  if (inst.kind === 'perpetual') return marginCheck(order, inst, px, ctx)
  return order.side === 'BUY' ? cashCheck(order, inst, k, px, ctx) : heldCheck(order, inst, ctx)
}

/** Reduce-only and margin of a perpetual order: margin for what it opens, and the taker fee on all of it. */
function marginCheck(
  order: Order,
  inst: Instrument,
  px: Decimal,
  ctx: VenueCheckContext,
): string | undefined {
  const posQty = ctx.portfolio.positionQty(inst.venue, inst.symbol)
  const reducing = order.side === 'BUY' ? posQty.isNegative() : posQty.isPositive()
  const held = magnitude(posQty)
  if (order.reduceOnly === true && (!reducing || greaterThan(order.qty, held))) {
    return 'ReduceOnly Order is rejected.'
  }
  // What opens: the order less what it reduces (`minus` rounds a quantity of over 40 digits as decimal.js does).
  const opening = minus(order.qty, reducing ? (lessThan(held, order.qty) ? held : order.qty) : ZERO)
  const lev = ctx.portfolio.leverage(inst.venue, inst.symbol)
  const need = plus(perLeverage(product(opening, px), lev), product(product(order.qty, px), ctx.takerAbs))
  return greaterThan(need, ctx.portfolio.freeMargin()) ? 'Margin is insufficient.' : undefined
}

/** Free cash for a spot buy: its cost (a market buy: from the book's depth) and the taker fee. */
function cashCheck(
  order: Order,
  inst: Instrument,
  k: string,
  px: Decimal,
  ctx: VenueCheckContext,
): string | undefined {
  const cost = order.price !== undefined ? product(order.qty, order.price) : estimateCost(k, order, px, ctx)
  const need = product(cost, ctx.takerPlusOne)
  return greaterThan(need, ctx.portfolio.freeCash(inst.quote)) ? NO_BALANCE : undefined
}

/** The base asset for a spot sell: what is held less what our other open sells there reserve. */
function heldCheck(order: Order, inst: Instrument, ctx: VenueCheckContext): string | undefined {
  let reserved = ZERO
  if (ctx.orders.openCount > 1) {
    for (const o of ctx.orders.open({ venue: inst.venue, symbol: inst.symbol })) {
      if (o.side === 'SELL' && o.clientOrderId !== order.clientOrderId) reserved = reserved.plus(remaining(o))
    }
  }
  const free = minus(ctx.portfolio.positionQty(inst.venue, inst.symbol), reserved)
  return greaterThan(order.qty, free) ? NO_BALANCE : undefined
}

/** Cost of taking `order.qty` from the book (the rest, beyond its depth, priced at `px` or the last level). */
function estimateCost(k: string, order: Order, px: Decimal, ctx: VenueCheckContext): Decimal {
  const b = ctx.book(k)
  return b === undefined ? order.qty.times(px).times(ctx.slipUp) : b.costToTake(order.side, order.qty, px)
}

/** Best opposite price, else the last trade, else undefined. */
function referencePrice(k: string, order: Order, ctx: VenueCheckContext): Decimal | undefined {
  const b = ctx.book(k)
  const best = order.side === 'BUY' ? b?.snap.asks[0]?.[0] : b?.snap.bids[0]?.[0]
  if (best !== undefined && b !== undefined) return b.dec(best)
  return ctx.lastPrice(k)
}
