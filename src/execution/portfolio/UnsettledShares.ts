import { BoundedMap } from '../../core/BoundedMap.js'
import { instrumentKey } from '../../core/instrumentKey.js'
import { type Fill, fillKey, type Instrument } from '../../core/types.js'
import { isAboveZero, lessThan } from '../../decimal/compareDecimals.js'
import { Decimal } from '../../decimal/index.js'
import { minus, plus } from '../../decimal/plusMinus.js'

const ZERO = new Decimal(0)

/**
 * What a Portfolio holds but cannot sell yet: per instrument, the quantity bought in fills the venue reported before
 * settling them ({@link Fill.unsettled}; Polymarket: trades `MATCHED`, not yet `MINED`), until each is settled or
 * reversed. The last `capacity` such fills are remembered; an older one still unsettled counts as settled.
 *
 * @example
 * ```ts
 * const pending = new UnsettledShares(100_000)
 * pending.applied(fillKey(fill), instrumentKey(fill.venue, fill.symbol), fill) // an unsettled buy
 * pending.qtyOf(k, position.qty) // what of the position cannot be sold yet
 * pending.ended(fillKey(fill)) // settled (or reversed)
 * ```
 */
export class UnsettledShares {
  readonly #byFill: BoundedMap<string, { readonly k: string; readonly qty: Decimal }>
  readonly #byInst = new Map<string, Decimal>()

  constructor(capacity: number) {
    this.#byFill = new BoundedMap(capacity)
  }

  /** Records fill `id` (its fillKey) of instrument key `k` when it is an unsettled buy; returns whether it was. */
  applied(id: string, k: string, fill: Fill): boolean {
    if (fill.unsettled !== true || fill.side !== 'BUY') return false
    const oldest = this.#byFill.size === this.#byFill.capacity ? this.#byFill.oldestKey() : undefined
    if (oldest !== undefined) this.ended(oldest) // forgotten: it no longer holds the shares back
    this.#byFill.set(id, { k, qty: fill.qty })
    this.#byInst.set(k, plus(this.#byInst.get(k) ?? ZERO, fill.qty))
    return true
  }

  /**
   * A real fill booked in another one (a synthesized fill, see `FillCoveredEvent`): held back under its own key while
   * unsettled like one applied (`held`; not on a perpetual or an instrument missing from `instruments`), and forgotten
   * when reversed (`held` false; a settlement ends it as any other). Returns whether anything changed.
   */
  covered(fill: Fill, held: boolean, instruments: ReadonlyMap<string, Instrument>): boolean {
    const id = fillKey(fill)
    if (!held) return this.ended(id)
    const k = instrumentKey(fill.venue, fill.symbol)
    const kind = instruments.get(k)?.kind
    return kind !== undefined && kind !== 'perpetual' && this.applied(id, k, fill)
  }

  /** Forgets fill `id` (the venue settled or reversed it); returns whether it was unsettled. */
  ended(id: string): boolean {
    const e = this.#byFill.take(id)
    if (e === undefined) return false
    const left = minus(this.#byInst.get(e.k) ?? ZERO, e.qty)
    if (isAboveZero(left)) this.#byInst.set(e.k, left)
    else this.#byInst.delete(e.k)
    return true
  }

  /** What of a position of `qty` at instrument key `k` is unsettled: at most `qty`, `undefined` when none is. */
  qtyOf(k: string, qty: Decimal): Decimal | undefined {
    const q = this.#byInst.get(k)
    if (q === undefined || !isAboveZero(qty)) return undefined
    return lessThan(q, qty) ? q : qty
  }
}
