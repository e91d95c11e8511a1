import { BoundedMap } from '../../core/BoundedMap.js'
import { type Fill, fillKey, type Order } from '../../core/types.js'
import type { Decimal } from '../../decimal/index.js'
import { StateError } from '../../errors/index.js'

/** Trade ids of the fills the live OrderExecutor synthesizes start with this. */
export const SYNTHETIC_TRADE_PREFIX = 'reconcile:'

/** What a synthesized fill of one order still stands for. */
interface Synthesized {
  /** Quantity synthesized whose real fills have not arrived yet. */
  remaining: Decimal
  /** The venue's update time of the order record the quantity came from. */
  readonly tsVenue: number
  /** Whether that record was terminal (no fill of the order can come after it). */
  readonly ended: boolean
  /** The synthesized fill, while the quantity is one fill's (a second synthesized fill of the order joins it). */
  readonly fill: Fill | undefined
}

/** A real fill counted in a synthesized one: that fill, when the real fill was all of it. */
interface BookedIn {
  readonly clientOrderId: string
  readonly whole: Fill | undefined
}

/**
 * The quantity the live OrderExecutor synthesized per order (a fill missed by the stream, rebuilt from the venue's
 * filled quantity and average price, fee unknown) whose real fills may still arrive: a real fill it stands for is
 * counted once, not booked on top of it. A real fill counts as covered when it fits in what is left of that quantity
 * and is not newer than the venue's record it came from (or that record was terminal). Keeps the last `capacity`
 * orders; an order's entry goes once its quantity is covered.
 *
 * @example
 * ```ts
 * synthetic.record(venueOrder, syntheticFill)
 * if (synthetic.covers(realFill)) skip(realFill) // booked already by the synthesized fill
 * ```
 */
export class SyntheticFills {
  readonly #byOrder: BoundedMap<string, Synthesized>
  /** By fill key: the real fills covered, for a reversal of one of them. */
  readonly #covered: BoundedMap<string, BookedIn>

  constructor(capacity: number) {
    this.#byOrder = new BoundedMap(capacity)
    this.#covered = new BoundedMap(capacity)
  }

  /** Records a synthesized fill, applied to its order, and the venue record `v` it came from. */
  record(v: Order, fill: Fill): void {
    const cid = fill.clientOrderId
    const before = this.#byOrder.get(cid)
    const remaining = before === undefined ? fill.qty : before.remaining.plus(fill.qty)
    const ended = v.status === 'FILLED' || v.status === 'CANCELED' || v.status === 'EXPIRED'
    this.#byOrder.set(cid, {
      remaining,
      tsVenue: v.tsUpdated,
      ended,
      fill: before === undefined ? fill : undefined,
    })
  }

  /**
   * Whether a real fill is one a synthesized fill already booked: if so, its quantity is taken off what is left
   * (the caller does not apply it). Synthesized fills themselves are never covered.
   */
  covers(fill: Fill): boolean {
    if (fill.tradeId.startsWith(SYNTHETIC_TRADE_PREFIX)) return false
    const s = this.#byOrder.get(fill.clientOrderId)
    if (s === undefined || fill.qty.gt(s.remaining)) return false
    if (!s.ended && fill.tsEvent > s.tsVenue) return false
    s.remaining = s.remaining.minus(fill.qty)
    if (s.remaining.isZero()) this.#byOrder.delete(fill.clientOrderId)
    const whole = s.fill?.qty.eq(fill.qty) === true ? s.fill : undefined
    this.#covered.set(fillKey(fill), { clientOrderId: fill.clientOrderId, whole })
    return true
  }

  /**
   * What a reversal of a real fill that `covers` counted must undo: the synthesized fill that booked it, when the real
   * fill was all of it; otherwise an error (the Portfolio cannot take back part of a fill: the position differs from
   * the venue's until reconciled). `undefined` for a fill booked itself.
   */
  reversalOf(fill: Fill): Fill | StateError | undefined {
    const b = this.#covered.take(fillKey(fill))
    if (b === undefined || b.whole !== undefined) return b?.whole
    const why = `Fill "${fill.tradeId}" reversed by the venue was booked as part of a synthesized fill of order "${b.clientOrderId}": not undone`
    return new StateError(why, {
      details: { clientOrderId: b.clientOrderId, tradeId: fill.tradeId, qty: fill.qty.toFixed() },
    })
  }
}
