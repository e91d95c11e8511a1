/** One point of a (down-sampled) price series: a candle's close time and close. */
export interface PricePoint {
  /** Epoch ms (the candle's close time). */
  readonly t: number
  readonly close: number
}

/**
 * The closes of one symbol, down-sampled to at most `maxPoints` in O(1) memory (every second point is dropped each
 * time the buffer fills, the newest close always kept): what the backtest report draws its price chart from.
 *
 * @example
 * ```ts
 * const prices = new PriceCurve('BTCUSDT', 500)
 * for (const c of candles) prices.add(c)
 * console.log(prices.points().length) // ≤ 500
 * ```
 */
export class PriceCurve {
  readonly symbol: string
  readonly #maxPoints: number
  #points: PricePoint[] = []
  #stride = 1
  #sinceKept = 0
  /** The last close not kept yet (as numbers: a point is built only when kept or read). */
  #pendingT = 0
  #pendingClose = Number.NaN

  constructor(symbol: string, maxPoints = 1000) {
    this.symbol = symbol
    this.#maxPoints = Math.max(16, maxPoints)
  }

  /** Adds a candle of any symbol; only this curve's symbol is kept. */
  add(c: { readonly symbol: string; readonly closeTime: number; readonly close: number }): void {
    if (c.symbol !== this.symbol || !Number.isFinite(c.close)) return
    if (++this.#sinceKept < this.#stride) {
      this.#pendingT = c.closeTime
      this.#pendingClose = c.close
      return
    }
    this.#points.push({ t: c.closeTime, close: c.close })
    this.#pendingClose = Number.NaN
    this.#sinceKept = 0
    if (this.#points.length >= this.#maxPoints) {
      const last = this.#points.length - 1
      this.#points = this.#points.filter((_, i) => (last - i) % 2 === 0)
      this.#stride *= 2
    }
  }

  /** The down-sampled closes, oldest first (the last close always included). */
  points(): PricePoint[] {
    if (Number.isNaN(this.#pendingClose)) return [...this.#points]
    return [...this.#points, { t: this.#pendingT, close: this.#pendingClose }]
  }
}
