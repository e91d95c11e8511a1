import { InvariantError } from '../errors/index.js'

/** Sequence numbers (plus one) are kept in Int32Arrays: by default the ring is renumbered from 0 when they reach this. */
const MAX_SEQ = 2 ** 30

/** Keys a {@link BoundedMap} takes: ids (strings, or numbers other than NaN). */
export type BoundedKey = string | number

/** The key {@link hashKey} hashed last (not a small integer) and its hash. */
let lastKey: BoundedKey | undefined
let lastHash = 0

/**
 * A 30-bit hash of a key: FNV-1a over its UTF-16 code units (a 32-bit integer is its own hash). Entries are compared
 * by hash first, so a lookup reads a stored key only when the hashes match.
 *
 * @example
 * ```ts
 * hashKey('order-1') === hashKey('order-1') // true
 * ```
 */
export function hashKey(key: BoundedKey): number {
  if (typeof key === 'number' && (key | 0) === key) return key & 0x3fffffff
  // The key hashed last, again: an order's id goes through several maps in a row (its strategy, then its history).
  if (key === lastKey) return lastHash
  const s = typeof key === 'string' ? key : String(key)
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193)
  lastKey = key
  lastHash = h & 0x3fffffff
  return lastHash
}

/**
 * A Map that keeps at most `capacity` entries and forgets the oldest first (insertion order, like a Map: setting a
 * kept key again updates its value and keeps its place). Every operation is O(1) amortized, however long it runs.
 *
 * Entries live in a ring, oldest first, with a hash table of its own over it: typed arrays of bucket heads (twice as
 * many as ring slots) and same-bucket links, and each entry's {@link hashKey}, so a lookup compares integers and
 * reads a stored key only when the hashes match. (A Map of 100,000 string keys reads the stored strings of a bucket
 * on every lookup, and most of its time goes to those cache misses.) A deleted entry leaves a hole in the ring. The
 * ring holds the capacity and a quarter more (rounded up to a power of 2), grows to that by doubling and is compacted
 * when it fills with holes, at most once per quarter-capacity appends: O(1) amortized too.
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
  /** The sequence number at which the ring is renumbered from 0. */
  readonly #renumberAt: number
  /** The ring's largest length minus one (a power of 2, at least the capacity and a quarter). */
  readonly #maxMask: number
  /** Ring slots minus one: a slot is a sequence number & #mask. */
  #mask = 0
  /** Buckets minus one, twice the ring's slots (few keys share one): a key's bucket is its hash & #bucketMask. */
  #bucketMask = 0
  /** Per bucket: 1 + the sequence number of its newest entry (0: empty). */
  #buckets = new Int32Array(0)
  /** Per slot: 1 + the sequence number of the next older entry in the same bucket (0: none). */
  #next = new Int32Array(0)
  /** Per slot: its key's hash. */
  #hashes = new Int32Array(0)
  /** Per slot: the key (`undefined`: a hole) and value. */
  #keys: (K | undefined)[] = []
  #values: (V | undefined)[] = []
  /** Sequence numbers: the oldest kept entry (or #tail), and the next one to fill. */
  #head = 0
  #tail = 0
  #size = 0

  /**
   * @param capacity - most entries kept (0 to 2^28)
   * @param renumberAt - the sequence number at which the ring is renumbered from 0 (default 2^30, the most an
   *   Int32Array slot holds with room to spare; tests lower it to reach the renumbering)
   */
  constructor(capacity: number, renumberAt = MAX_SEQ) {
    if (!Number.isSafeInteger(capacity) || capacity < 0 || capacity > 2 ** 28) {
      throw new InvariantError(`BoundedMap capacity must be an integer from 0 to 2^28, got "${capacity}"`)
    }
    if (!Number.isSafeInteger(renumberAt) || renumberAt < 1 || renumberAt > MAX_SEQ) {
      throw new InvariantError(`BoundedMap renumberAt must be an integer from 1 to 2^30, got "${renumberAt}"`)
    }
    this.#capacity = capacity
    this.#renumberAt = renumberAt
    // Room for the holes of deletes: a ring of exactly the capacity would be compacted at every append once full.
    this.#maxMask = 2 ** Math.ceil(Math.log2(capacity + Math.max(capacity >> 2, 16))) - 1
    this.clear()
  }

  /** Most entries kept. */
  get capacity(): number {
    return this.#capacity
  }

  /** Entries kept now. */
  get size(): number {
    return this.#size
  }

  /** Slots of the ring now (the memory it holds: it grows with the entries kept, not with the holes deletes leave). */
  get slots(): number {
    return this.#mask + 1
  }

  /** The oldest kept key: the one forgotten next (`undefined` when empty). */
  oldestKey(): K | undefined {
    return this.#size === 0 ? undefined : this.#keys[this.#head & this.#mask]
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

  /** Forgets `key` and returns the value it kept (`undefined` when none): one lookup where `get` then `delete` take two. */
  take(key: K): V | undefined {
    const seq = this.#find(key, hashKey(key))
    if (seq < 0) return undefined
    const value = this.#values[seq & this.#mask]
    this.#remove(seq)
    return value
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
    this.#size = 0 // nothing is carried over into the new ring
    this.#resize(Math.min(this.#maxMask, 63))
  }

  /** Kept keys, oldest first. */
  *keys(): IterableIterator<K> {
    for (const [k] of this.entries()) yield k
  }

  /** Kept entries, oldest first. Deleting while iterating is allowed; adding is not (the ring may be rebuilt). */
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
    let seq = (this.#buckets[hash & this.#bucketMask] as number) - 1
    while (seq >= 0) {
      const i = seq & this.#mask
      if (this.#hashes[i] === hash && this.#keys[i] === key) return seq
      seq = (this.#next[i] as number) - 1
    }
    return -1
  }

  #append(key: K, value: V, hash: number): void {
    if (this.#capacity === 0) return
    if (this.#tail - this.#head > this.#mask || this.#tail >= this.#renumberAt) {
      // The ring is full: it grows while its entries fill more than half of it (up to its largest length), else it is
      // mostly holes (deletes behind an old entry) and is compacted in place, at least half of it free again; sequence
      // numbers are renumbered from 0 either way (they stay small integers).
      const grow = this.#tail - this.#head > this.#mask && this.#size > this.#mask >> 1
      this.#resize(grow ? Math.min(this.#maxMask, this.#mask * 2 + 1) : this.#mask)
    }
    const seq = this.#tail++
    const i = seq & this.#mask
    const b = hash & this.#bucketMask
    // The first lap fills the slots in order: each write is a push, the arrays stay packed.
    this.#keys[i] = key
    this.#values[i] = value
    this.#hashes[i] = hash
    this.#next[i] = this.#buckets[b] as number
    this.#buckets[b] = seq + 1
    if (++this.#size > this.#capacity) this.#remove(this.#head)
  }

  /** Unlinks the entry `seq` from its bucket and leaves a hole in its slot (#head moves past the holes after it). */
  #remove(seq: number): void {
    const i = seq & this.#mask
    const b = (this.#hashes[i] as number) & this.#bucketMask
    const after = this.#next[i] as number
    if (this.#buckets[b] === seq + 1) this.#buckets[b] = after
    else {
      // A newer entry of the bucket links to this one.
      let j = ((this.#buckets[b] as number) - 1) & this.#mask
      while (this.#next[j] !== seq + 1) j = ((this.#next[j] as number) - 1) & this.#mask
      this.#next[j] = after
    }
    this.#keys[i] = undefined
    this.#values[i] = undefined
    this.#size--
    while (this.#head < this.#tail && this.#keys[this.#head & this.#mask] === undefined) this.#head++
  }

  /** Moves the kept entries, in order, into a fresh ring of `mask + 1` slots: O(size), once per many appends. */
  #resize(mask: number): void {
    const [keys, values, hashes] = [this.#keys, this.#values, this.#hashes]
    const [from, to, oldMask] = [this.#head, this.#tail, this.#mask]
    const kept = this.#size
    this.#mask = mask
    this.#bucketMask = mask * 2 + 1
    this.#buckets = new Int32Array(this.#bucketMask + 1)
    this.#next = new Int32Array(mask + 1)
    this.#hashes = new Int32Array(mask + 1)
    this.#keys = []
    this.#values = []
    this.#head = 0
    this.#tail = 0
    this.#size = 0
    if (kept === 0) return
    for (let seq = from; seq < to; seq++) {
      const k = keys[seq & oldMask]
      if (k !== undefined) this.#append(k, values[seq & oldMask] as V, hashes[seq & oldMask] as number)
    }
  }
}
