/**
 * Highest high and lowest low of the last `size` pushes, with monotonic deques: O(1) amortised per push, O(size)
 * memory. `undo()` takes back the last push (used by `replace`) by restoring the overwritten slot and rebuilding
 * the deques from the ring, which costs O(size).
 *
 * @internal
 */
export class MinMaxWindow {
  readonly size: number
  readonly #hi: Float64Array
  readonly #lo: Float64Array
  readonly #qMax: Float64Array
  readonly #qMin: Float64Array
  #maxHead = 0
  #maxLen = 0
  #minHead = 0
  #minLen = 0
  #t = 0
  #oldHi = 0
  #oldLo = 0

  constructor(size: number) {
    this.size = size
    this.#hi = new Float64Array(size)
    this.#lo = new Float64Array(size)
    this.#qMax = new Float64Array(size)
    this.#qMin = new Float64Array(size)
  }

  /** Number of pushes so far. */
  get pushed(): number {
    return this.#t
  }

  /** Adds one (high, low) pair. */
  push(high: number, low: number): void {
    const s = this.size
    const t = this.#t
    const slot = t % s
    this.#oldHi = this.#hi[slot]!
    this.#oldLo = this.#lo[slot]!
    this.#hi[slot] = high
    this.#lo[slot] = low
    this.#t = t + 1
    this.#insert(t, high, low)
  }

  #insert(t: number, high: number, low: number): void {
    const s = this.size
    const hi = this.#hi
    const lo = this.#lo
    const qMax = this.#qMax
    const qMin = this.#qMin
    if (this.#maxLen > 0 && qMax[this.#maxHead]! <= t - s) {
      this.#maxHead = this.#maxHead + 1 === s ? 0 : this.#maxHead + 1
      this.#maxLen--
    }
    while (this.#maxLen > 0 && hi[qMax[(this.#maxHead + this.#maxLen - 1) % s]! % s]! <= high) this.#maxLen--
    qMax[(this.#maxHead + this.#maxLen) % s] = t
    this.#maxLen++
    if (this.#minLen > 0 && qMin[this.#minHead]! <= t - s) {
      this.#minHead = this.#minHead + 1 === s ? 0 : this.#minHead + 1
      this.#minLen--
    }
    while (this.#minLen > 0 && lo[qMin[(this.#minHead + this.#minLen - 1) % s]! % s]! >= low) this.#minLen--
    qMin[(this.#minHead + this.#minLen) % s] = t
    this.#minLen++
  }

  /** Takes back the last push (at most once per push). */
  undo(): void {
    const s = this.size
    const t = --this.#t
    this.#hi[t % s] = this.#oldHi
    this.#lo[t % s] = this.#oldLo
    this.#maxHead = 0
    this.#maxLen = 0
    this.#minHead = 0
    this.#minLen = 0
    for (let u = Math.max(0, t - s); u < t; u++) this.#insert(u, this.#hi[u % s]!, this.#lo[u % s]!)
  }

  /** Highest high of the window (only meaningful after a push). */
  get max(): number {
    return this.#hi[this.#qMax[this.#maxHead]! % this.size]!
  }
  /** Lowest low of the window (only meaningful after a push). */
  get min(): number {
    return this.#lo[this.#qMin[this.#minHead]! % this.size]!
  }

  /** Empties the window. */
  reset(): void {
    this.#hi.fill(0)
    this.#lo.fill(0)
    this.#t = 0
    this.#maxHead = 0
    this.#maxLen = 0
    this.#minHead = 0
    this.#minLen = 0
  }
}
