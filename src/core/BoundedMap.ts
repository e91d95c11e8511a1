import { InvariantError } from '../errors/index.js'

/** A kept value and the insertion stamp that tells its queue slot from a stale one. */
interface Slot<V> {
  value: V
  readonly stamp: number
}

/**
 * A Map that keeps at most `capacity` entries and forgets the oldest first (insertion order, like a Map: setting a
 * kept key again updates its value and keeps its place). Every operation is O(1) amortized, however long it runs:
 * the oldest entry is found through a queue of insertion stamps, never by `map.keys().next()`, which walks every
 * deleted entry V8 still keeps at the front of the table (a cost that grows with the number of evictions).
 *
 * @example
 * ```ts
 * const orders = new BoundedMap<string, string>(2)
 * orders.set('a', 's1').set('b', 's2').set('c', 's3')
 * orders.has('a') // false: the oldest was forgotten
 * ```
 */
export class BoundedMap<K, V> {
  readonly #capacity: number
  readonly #slots = new Map<K, Slot<V>>()
  // Insertion queue: keys and stamps from #head on; a slot whose stamp is no longer its key's is stale.
  #keys: K[] = []
  #stamps: number[] = []
  #head = 0
  #nextStamp = 0

  constructor(capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 0) {
      throw new InvariantError(`BoundedMap capacity must be a non-negative integer, got "${capacity}"`)
    }
    this.#capacity = capacity
  }

  /** Most entries kept. */
  get capacity(): number {
    return this.#capacity
  }

  /** Entries kept now. */
  get size(): number {
    return this.#slots.size
  }

  /** Whether `key` is kept. */
  has(key: K): boolean {
    return this.#slots.has(key)
  }

  /** The value kept for `key`. */
  get(key: K): V | undefined {
    return this.#slots.get(key)?.value
  }

  /** Keeps `value` for `key`; past `capacity`, the oldest entries are forgotten. */
  set(key: K, value: V): this {
    const slot = this.#slots.get(key)
    if (slot !== undefined) {
      slot.value = value
      return this
    }
    const stamp = this.#nextStamp++
    this.#slots.set(key, { value, stamp })
    this.#keys.push(key)
    this.#stamps.push(stamp)
    while (this.#slots.size > this.#capacity) this.#evictOldest()
    this.#compact()
    return this
  }

  /** Forgets `key`; returns whether it was kept. */
  delete(key: K): boolean {
    return this.#slots.delete(key)
  }

  /** Forgets everything. */
  clear(): void {
    this.#slots.clear()
    this.#keys = []
    this.#stamps = []
    this.#head = 0
  }

  /** Kept keys, oldest first. */
  keys(): IterableIterator<K> {
    return this.#slots.keys()
  }

  /** Kept entries, oldest first. */
  *entries(): IterableIterator<[K, V]> {
    for (const [k, s] of this.#slots) yield [k, s.value]
  }

  /** Kept entries, oldest first. */
  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.entries()
  }

  #evictOldest(): void {
    while (this.#head < this.#keys.length) {
      const key = this.#keys[this.#head] as K
      const stamp = this.#stamps[this.#head] as number
      this.#head++
      if (this.#slots.get(key)?.stamp === stamp) {
        this.#slots.delete(key)
        return
      }
    }
  }

  /** Drops consumed and stale queue slots once they outnumber the kept entries (amortized O(1) per call). */
  #compact(): void {
    const queued = this.#keys.length - this.#head
    if (this.#head < 1024 && queued <= 2 * this.#slots.size + 1024) return
    if (queued > 2 * this.#slots.size + 1024) {
      // Many deletions without evictions: rebuild the queue from the kept entries (a Map iterates in insertion order).
      this.#keys = []
      this.#stamps = []
      for (const [k, s] of this.#slots) {
        this.#keys.push(k)
        this.#stamps.push(s.stamp)
      }
    } else if (this.#head * 2 >= this.#keys.length) {
      this.#keys = this.#keys.slice(this.#head)
      this.#stamps = this.#stamps.slice(this.#head)
    } else return
    this.#head = 0
  }
}
