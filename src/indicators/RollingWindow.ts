/**
 * The last `size` inputs of a streaming indicator in a ring buffer, with their running sum and sum of squares, and
 * a one-step undo for `replace`. Shared by the window indicators (SMA, StdDev, BollingerBands, CCI) so the ring
 * bookkeeping and its snapshot live in one place.
 *
 * The sums follow TA-Lib's order: `push` adds the new input, the indicator reads `sum` / `sumSq` over the full
 * window, then `dropOldest` subtracts the input that leaves it (the one the next `push` overwrites).
 *
 * With `squares`, it also knows exactly when the window is flat (`isFlat`: every input equal), from the length of
 * the trailing run of equal inputs: `E[x²] - E[x]²` of a flat window is rounding noise at any price scale, so a
 * variance is 0 exactly when the window is flat, with no fixed cut-off that would zero a low-priced instrument.
 *
 * Snapshot pattern (shared with `MinMaxWindow`): a window part snapshots itself on every `push`, and
 * `undo()` takes that push back; the indicator keeps only its scalar state's previous value. `replace` is then
 * `undo()` + the same step as `update`.
 *
 * @example
 * ```ts
 * const w = new RollingWindow(3)
 * for (const x of [1, 2, 3]) w.push(x) // true on the third
 * w.sum           // 6
 * w.dropOldest()  // sum 5: the window is ready for the next push
 * ```
 *
 * @internal
 */
export class RollingWindow {
  /** Window length. */
  readonly size: number
  /** Whether `sumSq` and `isFlat` are kept (SMA does without: they cost a multiply, an add and a compare per push). */
  readonly #squares: boolean
  readonly #buf: Float64Array
  #idx = 0
  #count = 0
  #sum = 0
  #sumSq = 0
  /** Length of the trailing run of equal inputs, capped at `size` (kept with `squares`). */
  #run = 0
  #pIdx = 0
  #pSum = 0
  #pSumSq = 0
  #pRun = 0
  #pOld = 0

  constructor(size: number, options: { squares?: boolean } = {}) {
    this.size = size
    this.#squares = options.squares === true
    this.#buf = new Float64Array(size)
  }

  /** Adds `x` (to the buffer and both sums); returns true when the window holds `size` inputs. */
  push(x: number): boolean {
    const idx = this.#idx
    // Snapshot for `undo()`: taken on every push, so the undo always refers to the latest step.
    this.#pIdx = idx
    this.#pSum = this.#sum
    this.#pSumSq = this.#sumSq
    this.#pRun = this.#run
    this.#pOld = this.#buf[idx]!
    this.#sum += x
    if (this.#squares) {
      this.#sumSq += x * x
      // the previous input sits just before `idx` (read before this push overwrites `idx`, which it is when size 1)
      const prev = this.#buf[idx === 0 ? this.size - 1 : idx - 1]
      const run = this.#run
      this.#run = this.#count > 0 && x === prev ? (run < this.size ? run + 1 : run) : 1
    }
    this.#buf[idx] = x
    this.#idx = idx + 1 === this.size ? 0 : idx + 1
    return ++this.#count >= this.size
  }

  /** Subtracts the oldest input (the one the next `push` overwrites) from both sums. */
  dropOldest(): void {
    const t = this.#buf[this.#idx]!
    this.#sum -= t
    if (this.#squares) this.#sumSq -= t * t
  }

  /** Running sum of the window. */
  get sum(): number {
    return this.#sum
  }
  /** Running sum of squares of the window (0 unless built with `squares: true`). */
  get sumSq(): number {
    return this.#sumSq
  }
  /** True when the window holds `size` inputs, all equal (always false unless built with `squares: true`). */
  get isFlat(): boolean {
    return this.#run >= this.size
  }
  /** Inputs pushed since construction or `reset()`. */
  get count(): number {
    return this.#count
  }
  /** The buffer (in ring order, not time order): for indicators that scan the whole window. */
  get values(): Readonly<Float64Array> {
    return this.#buf
  }

  /** Takes back the last `push` (and the `dropOldest` after it), at most once per push. */
  undo(): void {
    this.#idx = this.#pIdx
    this.#sum = this.#pSum
    this.#sumSq = this.#pSumSq
    this.#run = this.#pRun
    this.#buf[this.#idx] = this.#pOld
    this.#count--
  }

  /** Empties the window. */
  reset(): void {
    this.#buf.fill(0)
    this.#idx = 0
    this.#count = 0
    this.#sum = 0
    this.#sumSq = 0
    this.#run = 0
  }
}
