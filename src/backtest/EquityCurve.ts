/** One point of the (down-sampled) equity curve. */
export interface EquityPoint {
  /** Epoch ms. */
  readonly t: number
  readonly equity: number
  /** Drawdown from the running peak, 0..1. */
  readonly drawdown: number
}

/**
 * Streaming performance statistics over an equity series, in O(1) memory whatever its length: per-bar returns feed
 * running sums for Sharpe and Sortino, the peak and max drawdown are tracked exactly, and the curve kept for charts
 * is down-sampled to at most `maxPoints` (adjacent points are merged keeping the lower equity, so drawdowns stay
 * visible).
 *
 * @example
 * ```ts
 * const curve = new EquityCurve(500)
 * for (const bar of bars) curve.add(bar.time, bar.equity, bar.inPosition)
 * const s = curve.summary(365 * 24 * 60) // 1-minute bars per year
 * console.log(s.totalReturn, s.maxDrawdown, s.sharpe, curve.points().length)
 * ```
 */
export class EquityCurve {
  readonly #maxPoints: number
  #points: EquityPoint[] = []
  #stride = 1
  #sinceKept = 0
  #pending: EquityPoint | undefined
  #first: number | undefined
  #last: number | undefined
  #peak = Number.NEGATIVE_INFINITY
  #maxDrawdown = 0
  #n = 0
  #sum = 0
  #sumSq = 0
  #downSq = 0
  #exposedBars = 0
  #bars = 0

  constructor(maxPoints = 1000) {
    this.#maxPoints = Math.max(16, maxPoints)
  }

  /** Adds one bar's equity; `exposed` says whether any position was open during it. */
  add(t: number, equity: number, exposed: boolean): void {
    if (!Number.isFinite(equity)) return
    this.#bars++
    if (exposed) this.#exposedBars++
    if (this.#last !== undefined && this.#last > 0) {
      const r = equity / this.#last - 1
      this.#n++
      this.#sum += r
      this.#sumSq += r * r
      if (r < 0) this.#downSq += r * r
    }
    this.#first ??= equity
    this.#last = equity
    if (equity > this.#peak) this.#peak = equity
    const dd = this.#peak > 0 ? (this.#peak - equity) / this.#peak : 0
    if (dd > this.#maxDrawdown) this.#maxDrawdown = dd
    const p: EquityPoint = { t, equity, drawdown: dd }
    // Keep the worst point of each stride so the chart never hides a drawdown.
    if (this.#pending === undefined || p.equity < this.#pending.equity) this.#pending = p
    if (++this.#sinceKept >= this.#stride) {
      this.#points.push(this.#pending)
      this.#pending = undefined
      this.#sinceKept = 0
      if (this.#points.length >= this.#maxPoints) this.#compact()
    }
  }

  #compact(): void {
    const merged: EquityPoint[] = []
    for (let i = 0; i < this.#points.length; i += 2) {
      const a = this.#points[i] as EquityPoint
      const b = this.#points[i + 1]
      merged.push(b === undefined || a.equity <= b.equity ? a : b)
    }
    this.#points = merged
    this.#stride *= 2
  }

  /** The down-sampled curve (the last bar always included). */
  points(): EquityPoint[] {
    return this.#pending === undefined ? [...this.#points] : [...this.#points, this.#pending]
  }

  /** Summary statistics; `barsPerYear` annualises Sharpe and Sortino (risk-free rate 0). */
  summary(barsPerYear: number): {
    startEquity: number
    endEquity: number
    totalReturn: number
    maxDrawdown: number
    sharpe: number
    sortino: number
    exposure: number
    bars: number
  } {
    const mean = this.#n > 0 ? this.#sum / this.#n : 0
    const variance = this.#n > 1 ? (this.#sumSq - this.#n * mean * mean) / (this.#n - 1) : 0
    const sd = Math.sqrt(Math.max(0, variance))
    const downside = this.#n > 0 ? Math.sqrt(this.#downSq / this.#n) : 0
    const ann = Math.sqrt(barsPerYear)
    const start = this.#first ?? 0
    const end = this.#last ?? 0
    return {
      startEquity: start,
      endEquity: end,
      totalReturn: start > 0 ? end / start - 1 : 0,
      maxDrawdown: this.#maxDrawdown,
      sharpe: sd > 0 ? (mean / sd) * ann : 0,
      sortino: downside > 0 ? (mean / downside) * ann : 0,
      exposure: this.#bars > 0 ? this.#exposedBars / this.#bars : 0,
      bars: this.#bars,
    }
  }
}
