/**
 * A fixed-capacity ring of timestamps: O(1) sliding-window rate limiting (the TradingGuard's order-rate windows).
 *
 * @example
 * ```ts
 * const ring = new TimestampRing(2)
 * ring.push(1_000)
 * ring.push(1_500)
 * ring.isFull(2_000, 60_000) // true: two timestamps within the last minute
 * ```
 */
export class TimestampRing {
  readonly #buf: Float64Array
  #next = 0
  #size = 0
  constructor(capacity: number) {
    this.#buf = new Float64Array(capacity)
  }
  /** True when `capacity` timestamps already lie within `(now - windowMs, now]`. */
  isFull(now: number, windowMs: number): boolean {
    if (this.#size < this.#buf.length) return false
    const oldest = this.#buf[this.#next] as number
    return oldest > now - windowMs
  }
  /** Records `ts`, overwriting the oldest timestamp once the ring is full. */
  push(ts: number): void {
    this.#buf[this.#next] = ts
    this.#next = (this.#next + 1) % this.#buf.length
    if (this.#size < this.#buf.length) this.#size++
  }
  /**
   * Takes back the most recent push. The slot it overwrote held a timestamp already outside the window (the push
   * was checked with `isFull` first), so the ring counts exactly as before that push.
   */
  pop(): void {
    if (this.#size === 0) return
    this.#next = (this.#next - 1 + this.#buf.length) % this.#buf.length
    this.#size--
  }
  /** The most recent timestamp, or -Infinity. */
  last(): number {
    if (this.#size === 0) return Number.NEGATIVE_INFINITY
    return this.#buf[(this.#next - 1 + this.#buf.length) % this.#buf.length] as number
  }
}
