import { InvariantError } from '../errors/index.js'

/**
 * A Map that keeps at most `capacity` entries and forgets the oldest first (insertion order, like a Map: setting a
 * kept key again updates its value and keeps its place). Every operation is O(1) amortized, however long it runs:
 * the oldest entry is found by one iterator that walks the map once, in insertion order, for the map's whole life.
 * Every key before its position was evicted (a key deleted and set again is appended, after it), so its next key is
 * always the oldest kept one, and it passes each deleted slot once, not at every eviction as
 * `map.keys().next()` does (that walks every deleted entry V8 still keeps at the front of the table, a cost that grows
 * with the number of evictions). No per-entry bookkeeping is allocated: a kept entry is one Map entry.
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
  readonly #map = new Map<K, V>()
  /** The eviction cursor: walks #map in insertion order, each key once; created at the first eviction. */
  #oldest: Iterator<K> | undefined

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
    return this.#map.size
  }

  /** Whether `key` is kept. */
  has(key: K): boolean {
    return this.#map.has(key)
  }

  /** The value kept for `key`. */
  get(key: K): V | undefined {
    return this.#map.get(key)
  }

  /** Keeps `value` for `key`; past `capacity`, the oldest entries are forgotten. */
  set(key: K, value: V): this {
    this.put(key, value)
    return this
  }

  /**
   * Like `set`, and returns whether `key` was new: one map operation where `has` then `set` take two (a kept key
   * keeps its place).
   */
  put(key: K, value: V): boolean {
    const before = this.#map.size
    this.#map.set(key, value)
    if (this.#map.size === before) return false
    while (this.#map.size > this.#capacity) this.#evictOldest()
    return true
  }

  /**
   * Keeps `value` for `key` as the newest entry: a kept key moves to the end (it is forgotten last). Returns whether
   * `key` was new. A new key costs one map operation, not the two of `delete` then `set`.
   */
  setNewest(key: K, value: V): boolean {
    if (this.put(key, value)) return true
    this.#map.delete(key)
    this.#map.set(key, value)
    return false
  }

  /** Forgets `key`; returns whether it was kept. */
  delete(key: K): boolean {
    return this.#map.delete(key)
  }

  /** Forgets everything. */
  clear(): void {
    this.#map.clear()
    this.#oldest = undefined
  }

  /** Kept keys, oldest first. */
  keys(): IterableIterator<K> {
    return this.#map.keys()
  }

  /** Kept entries, oldest first. */
  entries(): IterableIterator<[K, V]> {
    return this.#map.entries()
  }

  /** Kept entries, oldest first. */
  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.entries()
  }

  #evictOldest(): void {
    this.#oldest ??= this.#map.keys()
    let next = this.#oldest.next()
    if (next.done === true) {
      // Not reached while the map is over capacity (each key the cursor passed was evicted); kept as a safe restart.
      this.#oldest = this.#map.keys()
      next = this.#oldest.next()
    }
    if (next.done !== true) this.#map.delete(next.value)
  }
}
