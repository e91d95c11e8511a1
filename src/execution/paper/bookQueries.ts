import type { Order } from '../../core/types.js'
import { isAboveZero } from '../../decimal/compareDecimals.js'
import { Decimal } from '../../decimal/index.js'
import { plus } from '../../decimal/plusMinus.js'
import type { PaperBook } from './PaperBook.js'

const ZERO = new Decimal(0)

/**
 * Whether a limit at `limit` on `order`'s side would take at once: it reaches the best opposite price of `book`, or
 * without a book the last price (`last`, read only then).
 *
 * @example
 * ```ts
 * if (crossesBook(book, () => lastPrice, order, order.price)) reject('Order would immediately match and take.')
 * ```
 */
export function crossesBook(
  book: PaperBook | undefined,
  last: () => Decimal | undefined,
  order: Order,
  limit: Decimal,
): boolean {
  if (book === undefined) {
    const px = last()
    return px !== undefined && (order.side === 'BUY' ? px.lte(limit) : px.gte(limit))
  }
  const best = order.side === 'BUY' ? book.snap.asks[0]?.[0] : book.snap.bids[0]?.[0]
  if (best === undefined) return false
  return order.side === 'BUY' ? limit.gte(best) : limit.lte(best)
}

/**
 * Quantity `order` could take within `limit` from what `book` has left (the whole order when there is no book but the
 * last price, read only then, is marketable).
 *
 * @example
 * ```ts
 * if (availableToTake(book, () => lastPrice, order, order.price).lt(order.qty)) expire('FOK')
 * ```
 */
export function availableToTake(
  book: PaperBook | undefined,
  last: () => Decimal | undefined,
  order: Order,
  limit: Decimal | undefined,
): Decimal {
  if (book === undefined) {
    const px = last()
    if (px === undefined) return ZERO
    if (limit === undefined || (order.side === 'BUY' ? px.lte(limit) : px.gte(limit))) return order.qty
    return ZERO
  }
  let sum = ZERO
  const lim = limit?.toNumber()
  for (const [p, q] of order.side === 'BUY' ? book.snap.asks : book.snap.bids) {
    if (lim !== undefined && (order.side === 'BUY' ? p > lim : p < lim)) break
    // What the walk can take there: a level shown with less than was taken from it (a resting order's crossing fill
    // carried into this snapshot) has nothing left, not a negative amount that would hide the depth of the others.
    const left = book.left(p, q)
    if (isAboveZero(left)) sum = plus(sum, left)
  }
  return sum
}
