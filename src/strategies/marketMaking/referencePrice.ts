import type { BookLevel, BookSnapshot, Order } from '../../core/types.js'
import type { StrategyContext } from '../Strategy.js'

/** Where a market maker's reference price comes from: the book's mid, its microprice, or the host's fair value. */
export type PriceSource = 'mid' | 'microprice'

/**
 * The reference price of a book: the mid ((bid + ask) / 2) or the microprice (the mid weighted toward the side with
 * less size: (bid × askQty + ask × bidQty) / (bidQty + askQty)). `undefined` without both a bid and an ask.
 *
 * @example
 * ```ts
 * referencePrice({ venue: 'x', symbol: 'y', bids: [[99, 3]], asks: [[101, 1]], tsEvent: 0 }, 'microprice') // 100.5
 * ```
 */
export function referencePrice(book: BookSnapshot, source: PriceSource): number | undefined {
  const bid = book.bids[0]
  const ask = book.asks[0]
  if (bid === undefined || ask === undefined) return undefined
  if (source === 'mid' || bid[1] + ask[1] <= 0) return (bid[0] + ask[0]) / 2
  return (bid[0] * ask[1] + ask[0] * bid[1]) / (bid[1] + ask[1])
}

/**
 * The book without our own resting orders: their open size is taken off the levels at their prices (levels left empty
 * are dropped), so a maker's reference price never chases its own quotes. Only for a book that shows them (a live
 * venue's): {@link bookOfOthers} asks the context first.
 *
 * @example
 * ```ts
 * const others = bookWithout(venueBook, ctx.openOrders()) // a live venue's book, which shows our orders
 * referencePrice(others, 'mid')
 * ```
 */
export function bookWithout(book: BookSnapshot, orders: readonly Order[]): BookSnapshot {
  const own = { BUY: new Map<number, number>(), SELL: new Map<number, number>() }
  let ownOrders = false
  for (const o of orders) {
    if (o.venue !== book.venue || o.symbol !== book.symbol || o.price === undefined) continue
    const p = o.price.toNumber()
    const m = own[o.side]
    m.set(p, (m.get(p) ?? 0) + o.qty.minus(o.filledQty).toNumber())
    ownOrders = true
  }
  if (!ownOrders) return book
  const strip = (levels: readonly BookLevel[], m: Map<number, number>): BookLevel[] =>
    levels.map(([p, q]): BookLevel => [p, q - (m.get(p) ?? 0)]).filter(([, q]) => q > 1e-9)
  return { ...book, bids: strip(book.bids, own.BUY), asks: strip(book.asks, own.SELL) }
}

/**
 * The book as the other traders make it: `book` without this strategy's resting orders ({@link bookWithout}) when the
 * books it receives show them (`ctx.booksShowOwnOrders`, live), `book` as it is when they never do (paper, backtest).
 *
 * @example
 * ```ts
 * const ref = referencePrice(bookOfOthers(book, ctx), 'mid') // in onBook(book, ctx): live or paper alike
 * ```
 */
export function bookOfOthers(
  book: BookSnapshot,
  ctx: Pick<StrategyContext, 'booksShowOwnOrders' | 'openOrders'>,
): BookSnapshot {
  return ctx.booksShowOwnOrders(book.venue) ? bookWithout(book, ctx.openOrders()) : book
}
