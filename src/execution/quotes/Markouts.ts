import { BoundedMap } from '../../core/BoundedMap.js'
import type { Side } from '../../core/types.js'

/** Average markout at one horizon: mid then minus the fill price (a sell: the reverse), per share. */
export interface Markout {
  readonly horizonMs: number
  /** Fills measured so far (a fill is measured once a book arrives after its horizon). */
  readonly count: number
  /** Average per share, price units; negative means adverse selection. */
  readonly perShare: number
  /** Total over the measured fills, quote currency. */
  readonly total: number
}

/** A fill waiting for the first mid of its instrument at or after `due`. */
interface Pending {
  readonly side: Side
  readonly price: number
  readonly qty: number
  readonly due: number
}

/** A FIFO of sequence numbers: O(1) amortized push and shift (the consumed head is cut off now and then). */
class SeqQueue {
  #items: number[] = []
  #head = 0

  get length(): number {
    return this.#items.length - this.#head
  }

  push(seq: number): void {
    this.#items.push(seq)
  }

  peek(): number | undefined {
    return this.#items[this.#head]
  }

  shift(): void {
    this.#head++
    if (this.#head >= 1_024 && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head)
      this.#head = 0
    }
  }
}

/**
 * Markouts of fills at fixed horizons: for each fill, the first mid of its instrument at least `horizon` ms later,
 * minus the fill price (a sell: the reverse), summed per horizon. At most `maxPending` fill-horizons wait (past it
 * the oldest is forgotten); each fill and each measurement costs O(1) amortized, however many wait.
 *
 * @example
 * ```ts
 * const markouts = new Markouts([1_000, 10_000], 10_000)
 * markouts.add('pm:yes', 'BUY', 0.48, 10, clock.now())
 * markouts.onMid('pm:yes', 0.46, clock.now()) // measures what is due
 * markouts.report()[0]?.perShare
 * ```
 */
export class Markouts {
  readonly #horizonsMs: readonly number[]
  readonly #maxPending: number
  readonly #sums: Array<{ count: number; perShareSum: number; total: number }>
  /** Every pending fill-horizon by sequence number, oldest first: past `maxPending` the oldest is forgotten. */
  readonly #pending: BoundedMap<number, Pending>
  /** Per instrument, per horizon: sequence numbers of its pending fill-horizons, in fill (so due) order. */
  readonly #queues = new Map<string, SeqQueue[]>()
  #seq = 0

  constructor(horizonsMs: readonly number[], maxPending: number) {
    this.#horizonsMs = [...horizonsMs]
    this.#maxPending = maxPending
    this.#sums = horizonsMs.map(() => ({ count: 0, perShareSum: 0, total: 0 }))
    this.#pending = new BoundedMap(maxPending)
  }

  /** A fill on instrument `key` at time `now`: measured at each horizon by {@link Markouts.onMid}. */
  add(key: string, side: Side, price: number, qty: number, now: number): void {
    let queues = this.#queues.get(key)
    if (queues === undefined) {
      queues = this.#horizonsMs.map(() => new SeqQueue())
      this.#queues.set(key, queues)
    }
    for (let h = 0; h < this.#horizonsMs.length; h++) {
      const seq = this.#seq++
      this.#pending.set(seq, { side, price, qty, due: now + (this.#horizonsMs[h] as number) })
      const q = queues[h] as SeqQueue
      q.push(seq)
      // Longer than every pending one together: its oldest were forgotten already.
      if (q.length > this.#maxPending) q.shift()
    }
  }

  /** The mid of instrument `key` at `now`: measures its fills whose horizon has passed. */
  onMid(key: string, mid: number, now: number): void {
    const queues = this.#queues.get(key)
    if (queues === undefined) return
    for (let h = 0; h < queues.length; h++) {
      const q = queues[h] as SeqQueue
      const due: Pending[] = []
      for (let seq = q.peek(); seq !== undefined; seq = q.peek()) {
        const p = this.#pending.get(seq)
        if (p !== undefined && now < p.due) break
        q.shift()
        if (p === undefined) continue // forgotten (more than `maxPending` waited)
        this.#pending.delete(seq)
        due.push(p)
      }
      const m = this.#sums[h] as { count: number; perShareSum: number; total: number }
      // Newest first: the sums add in the same order as they always have (floating point is order-sensitive).
      for (let i = due.length - 1; i >= 0; i--) {
        const p = due[i] as Pending
        const perShare = p.side === 'BUY' ? mid - p.price : p.price - mid
        m.count++
        m.perShareSum += perShare
        m.total += perShare * p.qty
      }
    }
  }

  /** The average markout per horizon so far. */
  report(): Markout[] {
    return this.#horizonsMs.map((horizonMs, i) => {
      const m = this.#sums[i] as { count: number; perShareSum: number; total: number }
      return {
        horizonMs,
        count: m.count,
        perShare: m.count === 0 ? 0 : m.perShareSum / m.count,
        total: m.total,
      }
    })
  }
}
