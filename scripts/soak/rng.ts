/** mulberry32: a small seeded PRNG. Every chaos and strategy decision of the soak is drawn from one of these. */
export class Rng {
  #s: number
  constructor(seed: number) {
    this.#s = seed >>> 0 || 0x9e3779b9
  }
  /** Uniform in [0, 1). */
  next(): number {
    this.#s = (this.#s + 0x6d2b79f5) >>> 0
    let t = this.#s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)] as T
  }
  chance(p: number): boolean {
    return this.next() < p
  }
  /** An independent stream derived from this seed and a label. */
  fork(label: string): Rng {
    let h = this.#s ^ 0x811c9dc5
    for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 16777619)
    return new Rng(h >>> 0)
  }
}
