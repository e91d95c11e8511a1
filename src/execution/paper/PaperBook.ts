import type { BookSnapshot, Side } from '../../core/types.js'
import { greaterThan, isAboveZero } from '../../decimal/compareDecimals.js'
import { Decimal } from '../../decimal/index.js'
import { product } from '../../decimal/product.js'

const ZERO = new Decimal(0)

/**
 * One order-book snapshot as the PaperTrader walks it: the quantity it already took at each price (until the next
 * snapshot) and the snapshot's numbers as Decimals, each converted once (a fill reads the same best price several
 * times: reference price, cost estimate, the fill itself).
 *
 * @example
 * ```ts
 * const book = new PaperBook(snapshot)
 * book.dec(snapshot.asks[0][0]) // the best ask as a Decimal
 * ```
 */
export class PaperBook {
  readonly snap: BookSnapshot
  /** Quantity this trader already took at each price, until the next snapshot. */
  readonly consumed = new Map<number, Decimal>()
  readonly #decimals: Map<number, Decimal>
  /** `left(price, qty)` as last computed, per price, until the next take there (read by the pre-check, then the fill). */
  readonly #left = new Map<number, { readonly qty: number; readonly left: Decimal }>()

  /** `previous`: the last snapshot's book of the instrument, whose converted numbers this one starts with (a few). */
  constructor(snap: BookSnapshot, previous?: PaperBook) {
    this.snap = snap
    const kept = previous === undefined ? undefined : previous.#decimals
    this.#decimals = kept !== undefined && kept.size <= 256 ? kept : new Map()
  }

  /** What is left at level `[price, qty]` after this trader's earlier takes. */
  left(price: number, qty: number): Decimal {
    const used = this.consumed.get(price)
    if (used === undefined) return this.dec(qty)
    const kept = this.#left.get(price)
    if (kept !== undefined && kept.qty === qty) return kept.left
    const left = this.dec(qty).minus(used)
    this.#left.set(price, { qty, left })
    return left
  }

  /** Records that this trader took `qty` at `price`. */
  take(price: number, qty: Decimal): void {
    this.#left.delete(price)
    const used = this.consumed.get(price)
    this.consumed.set(price, used === undefined ? qty : used.plus(qty))
  }

  /**
   * Cost of taking `qty` from the levels a `side` order takes, after this trader's earlier takes; what the book
   * cannot cover is priced at its last level (at `px` when it has none).
   */
  costToTake(side: Side, qty: Decimal, px: Decimal): Decimal {
    let left = qty
    let cost = ZERO
    let lastPx = px
    for (const [p, q] of side === 'BUY' ? this.snap.asks : this.snap.bids) {
      if (!isAboveZero(left)) break
      lastPx = this.dec(p)
      const avail = this.left(p, q)
      const take = greaterThan(left, avail) ? avail : left
      if (!isAboveZero(take)) continue
      const part = product(lastPx, take)
      cost = cost === ZERO ? part : cost.plus(part) // 0 + x is x (a product is already at 40 digits)
      left = take === left ? ZERO : left.minus(take)
    }
    return isAboveZero(left) ? cost.plus(left.times(lastPx)) : cost
  }

  /** `v`, a price or size of this snapshot, as a Decimal (converted once). */
  dec(v: number): Decimal {
    let d = this.#decimals.get(v)
    if (d === undefined) {
      d = new Decimal(v)
      this.#decimals.set(v, d)
    }
    return d
  }
}
