/**
 * A small seeded PRNG (mulberry32): the same seed gives the same sequence on every run and platform. Used wherever
 * tradekit needs reproducible randomness (simulated markets, synthetic candles, the chaos soak); never for secrets
 * or ids (those come from `crypto`).
 *
 * @example
 * ```ts
 * const r = new SeededRandom(7)
 * r.next()       // uniform in [0, 1)
 * r.int(1, 6)    // a die roll
 * ```
 */
export class SeededRandom {
  #state: number

  constructor(seed: number) {
    this.#state = seed >>> 0
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0
    let t = this.#state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }

  /** Standard normal (Box-Muller). */
  gauss(): number {
    const u = Math.max(this.next(), 1e-12)
    const v = this.next()
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
  }

  /** One element of a non-empty list. */
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)] as T
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p
  }

  /** An independent stream derived from this one's state and a label. */
  fork(label: string): SeededRandom {
    let h = this.#state ^ 0x811c9dc5
    for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 16777619)
    return new SeededRandom(h >>> 0)
  }
}
