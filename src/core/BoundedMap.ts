import { InvariantError } from '../errors/index.js'

/** Sequence numbers stay small integers (a Map stores them unboxed): the ring is renumbered when they reach this. */
const MAX_SEQ = 2 ** 30

/** Keys a {@link BoundedMap} takes: ids. */
export type BoundedKey = string | number

/**
 * A 30-bit hash of a key (FNV-1a over its UTF-16 code units; a small integer is its own hash): always a small integer,
 * which a Map compares without reading the key it stored.
 */
export function hashKey(key: BoundedKey): number {
  if (typeof key === 'number' && (key | 0) === key) return key & 0x3fffffff
  const s = typeof key === 'string' ? key : String(key)
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193)
  return h & 0x3fffffff
}

/**
 * A Map that keeps at most `capacity` entries and forgets the oldest first (insertion order, like a Map: setting a
 * kept key again updates its value and keeps its place). Every operation is O(1) amortized, however long it runs.
 *
 * Entries live in a ring, oldest first, indexed by a Map from each key's {@link hashKey} to its newest entry (entries
 * whose keys share a hash are chained, newest first). A Map keyed by small integers finds an id without reading the
 * strings it holds: with 100,000 string keys, a plain Map's lookups spend most of their time on cache misses reading
 * the stored keys of a bucket. A deleted entry leaves a hole in the ring; the ring is twice the capacity and is
 * compacted when it fills, so that costs O(1) per operation too.
 *
 * @example
 * ```ts
 * const orders = new BoundedMap<string, string>(2)
 * orders.set('a', 's1').set('b', 's2').set('c', 's3')
 * orders.has('a') // false: the oldest was forgotten
 * ```
 */
export class BoundedMap<K extends BoundedKey, V> {
  readonly #capacity: number
  /** Ring slots minus one (the ring's length is a power of 2, at least twice the capacity). */
  readonly #mask: number
  /** Hash of a key → sequence number of the newest entry with that hash. */
  readonly #index = new Map<number, number>()
  /** Per ring slot (sequence number & #mask): the key (`undefined`: a hole), value, hash, next older same-hash entry. */
  #keys: (K | undefined)[] = []
  #values: (V | undefined)[] = []
  #hashes: number[] = []
  #next: number[] = []
  /** Sequence numbers: the oldest slot still in the ring, and the next one to fill. */
  #head = 0
  #tail = 0
  #size = 0

  constructor(capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 0 || capacity > 2 ** 28) {
      throw new InvariantError(`BoundedMap capacity must be an integer from 0 to 2^28, got "${capacity}"`)
    }
    this.#capacity = capacity
    this.#mask = 2 ** Math.ceil(Math.log2(Math.max(2, capacity * 2))) - 1
  }

  /** Most entries kept. */
  get capacity(): number {
    return this.#capacity
  }

  /** Entries kept now. */
  get size(): number {
    return this.#size
  }

  /** Whether `key` is kept. */
  has(key: K): boolean {
    return this.#find(key, hashKey(key)) >= 0
  }

  /** The value kept for `key`. */
  get(key: K): V | undefined {
    const seq = this.#find(key, hashKey(key))
    return seq < 0 ? undefined : this.#values[seq & this.#mask]
  }

  /** Keeps `value` for `key`; past `capacity`, the oldest entries are forgotten. */
  set(key: K, value: V): this {
    this.put(key, value)
    return this
  }

  /**
   * Like `set`, and returns whether `key` was new: one lookup where `has` then `set` take two (a kept key keeps its
   * place).
   */
  put(key: K, value: V): boolean {
    const hash = hashKey(key)
    const seq = this.#find(key, hash)
    if (seq >= 0) {
      this.#values[seq & this.#mask] = value
      return false
    }
    this.#append(key, value, hash)
    return true
  }

  /**
   * Keeps `value` for `key` as the newest entry: a kept key moves to the end (it is forgotten last). Returns whether
   * `key` was new.
   */
  setNewest(key: K, value: V): boolean {
    const hash = hashKey(key)
    const seq = this.#find(key, hash)
    if (seq >= 0) this.#remove(seq)
    this.#append(key, value, hash)
    return seq < 0
  }

  /** Forgets `key`; returns whether it was kept. */
  delete(key: K): boolean {
    const seq = this.#find(key, hashKey(key))
    if (seq < 0) return false
    this.#remove(seq)
    return true
  }

  /** Forgets everything. */
  clear(): void {
    this.#index.clear()
    this.#keys = []
    this.#values = []
    this.#hashes = []
    this.#next = []
    this.#head = 0
    this.#tail = 0
    this.#size = 0
  }

  /** Kept keys, oldest first. */
  *keys(): IterableIterator<K> {
    for (const [k] of this.entries()) yield k
  }

  /** Kept entries, oldest first. Deleting while iterating is allowed; adding is not (a compaction renumbers). */
  *entries(): IterableIterator<[K, V]> {
    for (let seq = this.#head; seq < this.#tail; seq = Math.max(seq + 1, this.#head)) {
      const i = seq & this.#mask
      const k = this.#keys[i]
      if (k !== undefined) yield [k, this.#values[i] as V]
    }
  }

  /** Kept entries, oldest first. */
  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.entries()
  }

  /** The sequence number of `key`'s entry, or -1. */
  #find(key: K, hash: number): number {
    let seq = this.#index.get(hash)
    while (seq !== undefined && seq >= 0) {
      const i = seq & this.#mask
      if (this.#keys[i] === key) return seq
      seq = this.#next[i]
    }
    return -1
  }

  #append(key: K, value: V, hash: number): void {
    if (this.#capacity === 0) return
    // A full ring (holes left by deletes) is compacted; so is one whose sequence numbers leave the small integers.
    if (this.#tail - this.#head > this.#mask || this.#tail === MAX_SEQ) this.#compact()
    const seq = this.#tail++
    const i = seq & this.#mask
    // The first lap fills the slots in order: each write is a push, the arrays stay packed.
    this.#keys[i] = key
    this.#values[i] = value
    this.#hashes[i] = hash
    this.#next[i] = this.#index.get(hash) ?? -1
    this.#index.set(hash, seq)
    if (++this.#size > this.#capacity) this.#evictOldest()
  }

  /** The oldest entry goes: #head is always a kept entry (or #tail), as #remove skips the holes after it. */
  #evictOldest(): void {
    this.#remove(this.#head)
  }

  /** Unlinks the entry `seq` from its hash chain and leaves a hole in its slot. */
  #remove(seq: number): void {
    const i = seq & this.#mask
    const hash = this.#hashes[i] as number
    const after = this.#next[i] as number
    const newest = this.#index.get(hash) as number
    if (newest === seq) {
      if (after < 0) this.#index.delete(hash)
      else this.#index.set(hash, after)
    } else {
      // A newer entry with the same hash links to this one.
      let j = newest & this.#mask
      while (this.#next[j] !== seq) j = (this.#next[j] as number) & this.#mask
      this.#next[j] = after
    }
    this.#keys[i] = undefined
    this.#values[i] = undefined
    this.#size--
    while (this.#head < this.#tail && this.#keys[this.#head & this.#mask] === undefined) this.#head++
  }

  /** Moves the kept entries to the front of a fresh ring (the ring was full of holes): O(size), once per capacity. */
  #compact(): void {
    const kept = [...this.entries()]
    this.clear()
    for (const [k, v] of kept) this.#append(k, v, hashKey(k))
  }
}
