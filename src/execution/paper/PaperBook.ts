import type { BookLevel, BookSnapshot, Side } from '../../core/types.js'
import { greaterThan, isAboveZero } from '../../decimal/compareDecimals.js'
import { Decimal } from '../../decimal/index.js'
import { minus, plus } from '../../decimal/plusMinus.js'
import { product } from '../../decimal/product.js'

const ZERO = new Decimal(0)

/** What resting orders filled from one crossing level: which side of the book it is on, and how much. */
interface Crossed {
  readonly levels: 'bids' | 'asks'
  readonly qty: Decimal
}

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
  /** Quantity this trader already took at each price, until the next snapshot (made at the first take). */
  #consumed: Map<number, Decimal> | undefined
  readonly #decimals: Map<number, Decimal>
  /**
   * `left(price, qty)` as last computed, per price, until the next take there (read by the pre-check, then the fill);
   * made when first needed: most snapshots are replaced before anything is taken from them.
   */
  #left: Map<number, { readonly qty: number; readonly left: Decimal }> | undefined
  /** The last `fit` that fitted: at `price`, `want` on top of what was taken makes `after` (the next take's total). */
  #fitted:
    | { readonly price: number; readonly qty: number; readonly want: Decimal; readonly after: Decimal }
    | undefined

  /**
   * What resting orders filled from each crossing level (by price), carried into the next snapshots while the level is
   * in them: a book that still shows the liquidity a resting order took does not fill it again (made at the first).
   */
  #crossed: Map<number, Crossed> | undefined

  /**
   * `previous`: the last snapshot's book of the instrument, whose converted numbers this one starts with (a few), and
   * whose crossing fills stay taken at the levels this snapshot still shows.
   */
  constructor(snap: BookSnapshot, previous?: PaperBook) {
    this.snap = snap
    const kept = previous === undefined ? undefined : previous.#decimals
    this.#decimals = kept !== undefined && kept.size <= 256 ? kept : new Map()
    const crossed = previous === undefined ? undefined : previous.#crossed
    if (crossed !== undefined) this.#carry(crossed)
  }

  /** Takes again, at each level still shown on the same side, what resting orders filled from it before. */
  #carry(crossed: ReadonlyMap<number, Crossed>): void {
    for (const [price, c] of crossed) {
      const levels = this.snap[c.levels]
      let shown = false
      for (let i = 0; i < levels.length && !shown; i++) shown = (levels[i] as BookLevel)[0] === price
      if (!shown) continue // the level went: a new one at that price starts afresh
      this.#crossed ??= new Map()
      this.#crossed.set(price, c)
      this.#consumed ??= new Map()
      this.#consumed.set(price, c.qty)
    }
  }

  /**
   * Records that a resting order filled `qty` from level `price` on side `levels` crossing it: taken (as
   * {@link PaperBook.take}) from this snapshot, and from the next ones while they show that level.
   */
  takeCrossing(levels: 'bids' | 'asks', price: number, qty: Decimal): void {
    this.take(price, qty)
    this.#crossed ??= new Map()
    const c = this.#crossed.get(price)
    this.#crossed.set(price, { levels, qty: c === undefined || c.levels !== levels ? qty : plus(c.qty, qty) })
  }

  /** What this trader already took at `price` from this snapshot, if anything. */
  taken(price: number): Decimal | undefined {
    return this.#consumed?.get(price)
  }

  /** What is left at level `[price, qty]` after this trader's earlier takes. */
  left(price: number, qty: number): Decimal {
    const used = this.#consumed?.get(price)
    if (used === undefined) return this.dec(qty)
    this.#left ??= new Map()
    const kept = this.#left.get(price)
    if (kept !== undefined && kept.qty === qty) return kept.left
    const left = minus(this.dec(qty), used)
    this.#left.set(price, { qty, left })
    return left
  }

  /**
   * What an order wanting `want` takes at level `[price, qty]`: `want` itself when that much is left (the level's
   * sum after it, `taken + want`, is then kept for the take that follows: one addition instead of `qty − taken` and
   * `taken + want`), else what is left (zero or less: nothing).
   */
  fit(price: number, qty: number, want: Decimal): Decimal {
    const f = this.#fitted
    if (f !== undefined && f.price === price && f.qty === qty && f.want === want) return want
    const used = this.#consumed?.get(price)
    const level = this.dec(qty)
    if (used === undefined) return greaterThan(want, level) ? level : want
    if (sumIsExact(used, want)) {
      const after = plus(used, want)
      if (greaterThan(after, level)) return this.left(price, qty) // less than `want` is left
      this.#fitted = { price, qty, want, after }
      return want
    }
    const avail = this.left(price, qty)
    return greaterThan(want, avail) ? avail : want
  }

  /** Records that this trader took `qty` at `price`. */
  take(price: number, qty: Decimal): void {
    this.#left?.delete(price)
    const f = this.#fitted
    this.#fitted = undefined
    this.#consumed ??= new Map()
    if (f !== undefined && f.price === price && f.want === qty) {
      this.#consumed.set(price, f.after)
      return
    }
    const used = this.#consumed.get(price)
    this.#consumed.set(price, used === undefined ? qty : plus(used, qty))
  }

  /**
   * Cost of taking `qty` from the levels a `side` order takes, after this trader's earlier takes; what the book
   * cannot cover is priced at its last level (at `px` when it has none).
   */
  costToTake(side: Side, qty: Decimal, px: Decimal): Decimal {
    let left = qty
    let cost = ZERO
    let lastPx = px
    const levels = side === 'BUY' ? this.snap.asks : this.snap.bids
    for (let i = 0; i < levels.length; i++) {
      const level = levels[i] as BookLevel // indexed: no iterator per level (see PaperTrader's book walk)
      const p = level[0]
      const q = level[1]
      if (!isAboveZero(left)) break
      lastPx = this.dec(p)
      const take = this.fit(p, q, left)
      if (!isAboveZero(take)) continue
      const part = product(lastPx, take)
      cost = plus(cost, part)
      left = take === left ? ZERO : minus(left, take)
    }
    return isAboveZero(left) ? plus(cost, product(left, lastPx)) : cost
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

/** The lowest power of ten a positive Decimal's last base-10^7 limb reaches (its last digit is at or above it). */
function lowLimb(x: Decimal): number {
  return 7 * (Math.floor(x.e / 7) - (x.d?.length ?? 0) + 1)
}

/**
 * Whether `a + b` (both positive and finite) fits decimal.js's 40 significant digits, so it is not rounded: from the
 * larger one's first digit (and a carry) down to the smaller's last limb.
 */
function sumIsExact(a: Decimal, b: Decimal): boolean {
  if (!a.d || !b.d || a.s !== 1 || b.s !== 1) return false
  const top = (a.e > b.e ? a.e : b.e) + 1
  const low = Math.min(lowLimb(a), lowLimb(b))
  return top - low + 1 <= 40
}
