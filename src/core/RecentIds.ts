import { type BoundedKey, BoundedMap } from './BoundedMap.js'

/**
 * The last `capacity` ids seen (fills applied, responses counted, trades reported): a set that forgets the oldest id
 * first, in O(1) however many ids pass through it. Adding an id already kept changes nothing (it keeps its place).
 *
 * @example
 * ```ts
 * const seen = new RecentIds<string>(100_000)
 * if (!seen.has(fill.tradeId)) { seen.add(fill.tradeId); apply(fill) }
 * ```
 */
export class RecentIds<K extends BoundedKey = string> extends BoundedMap<K, true> {
  /** Remembers `id`; past `capacity`, the oldest ids are forgotten. */
  add(id: K): this {
    return this.set(id, true)
  }

  /**
   * Remembers `id` unless it is kept already; returns whether it was new. One map operation where `has` then `add`
   * take two (an id kept already keeps its place).
   */
  addNew(id: K): boolean {
    return this.put(id, true)
  }
}
