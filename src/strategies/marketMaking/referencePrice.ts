import type { BookSnapshot } from '../../core/types.js'

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
