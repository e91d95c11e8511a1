/**
 * Sharpe and Sortino are annualised only from a sample long enough to mean something: at least this many per-bar
 * returns ({@link MIN_RATIO_PERIODS}) spanning at least this long ({@link MIN_RATIO_SPAN_MS}, 7 days). Shorter
 * samples report `null` and say why: 50 one-minute returns scaled by √525 600 give numbers like −132 that describe
 * noise, not a strategy.
 */
export const MIN_RATIO_PERIODS = 30
/** See {@link MIN_RATIO_PERIODS}: the shortest time span (ms) over which Sharpe and Sortino are annualised. */
export const MIN_RATIO_SPAN_MS = 7 * 86_400_000

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
 * visible), plus the last bar when its stride kept a lower point: the chart always ends at the end equity.
 *
 * @example
 * ```ts
 * const curve = new EquityCurve(500)
 * curve.start(bars[0].openTime, 10_000) // the starting balance, before the first bar
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
  /** The worst bar of the current stride, as numbers (NaN equity: none); its point is built only when kept. */
  #pendingT = 0
  #pendingEquity = Number.NaN
  #pendingDd = 0
  #first: number | undefined
  #last: number | undefined
  #firstT: number | undefined
  #lastT: number | undefined
  /** Drawdown of the latest recorded equity (charted as the last point when down-sampling merged it away). */
  #lastDd = 0
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

  /**
   * Seeds the curve with the equity before the first bar (the starting balance at the first bar's open): it sets the
   * start and the peak and is charted, but is not a bar (exposure ignores it); the first bar's return is measured from it.
   */
  start(t: number, equity: number): void {
    if (this.#first === undefined && Number.isFinite(equity)) this.#record(t, equity)
  }

  /** Adds one bar's equity; `exposed` says whether any position was open during it. */
  add(t: number, equity: number, exposed: boolean): void {
    if (!Number.isFinite(equity)) return
    this.#bars++
    if (exposed) this.#exposedBars++
    this.#record(t, equity)
  }

  #record(t: number, equity: number): void {
    if (this.#last !== undefined && this.#last > 0) {
      const r = equity / this.#last - 1
      this.#n++
      this.#sum += r
      this.#sumSq += r * r
      if (r < 0) this.#downSq += r * r
    }
    this.#first ??= equity
    this.#firstT ??= t
    this.#last = equity
    this.#lastT = t
    if (equity > this.#peak) this.#peak = equity
    const dd = this.#peak > 0 ? (this.#peak - equity) / this.#peak : 0
    if (dd > this.#maxDrawdown) this.#maxDrawdown = dd
    this.#lastDd = dd
    // Keep the worst point of each stride so the chart never hides a drawdown (a point is built only when kept).
    if (Number.isNaN(this.#pendingEquity) || equity < this.#pendingEquity) {
      this.#pendingT = t
      this.#pendingEquity = equity
      this.#pendingDd = dd
    }
    if (++this.#sinceKept >= this.#stride) {
      this.#points.push(this.#pendingPoint())
      this.#pendingEquity = Number.NaN
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

  /**
   * The down-sampled curve: at most `maxPoints` worst-of-stride points, then the last bar (its end equity) when its
   * stride kept an earlier, lower point instead, so the chart always ends at the report's `endEquity`.
   */
  points(): EquityPoint[] {
    const out = Number.isNaN(this.#pendingEquity)
      ? [...this.#points]
      : [...this.#points, this.#pendingPoint()]
    const tail = out[out.length - 1]
    const last = this.#last
    const t = this.#lastT
    if (
      last !== undefined &&
      t !== undefined &&
      (tail === undefined || tail.t !== t || tail.equity !== last)
    ) {
      out.push({ t, equity: last, drawdown: this.#lastDd })
    }
    return out
  }

  #pendingPoint(): EquityPoint {
    return { t: this.#pendingT, equity: this.#pendingEquity, drawdown: this.#pendingDd }
  }

  /**
   * Summary statistics; `barsPerYear` annualises Sharpe and Sortino (risk-free rate 0). They are `null` when the
   * sample is too short ({@link MIN_RATIO_PERIODS} returns over {@link MIN_RATIO_SPAN_MS}; `ratioNote` says why) or
   * undefined (no variation; for Sortino, no losing bar).
   */
  summary(barsPerYear: number): {
    startEquity: number
    endEquity: number
    totalReturn: number
    maxDrawdown: number
    sharpe: number | null
    sortino: number | null
    ratioNote: string | null
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
    const ratioNote = this.#ratioNote()
    return {
      startEquity: start,
      endEquity: end,
      totalReturn: start > 0 ? end / start - 1 : 0,
      maxDrawdown: this.#maxDrawdown,
      sharpe: ratioNote === null && sd > 0 ? (mean / sd) * ann : null,
      sortino: ratioNote === null && downside > 0 ? (mean / downside) * ann : null,
      ratioNote,
      exposure: this.#bars > 0 ? this.#exposedBars / this.#bars : 0,
      bars: this.#bars,
    }
  }

  /** Why the sample is too short to annualise Sharpe and Sortino, or null when it is long enough. */
  #ratioNote(): string | null {
    const spanMs = (this.#lastT ?? 0) - (this.#firstT ?? 0)
    if (this.#n >= MIN_RATIO_PERIODS && spanMs >= MIN_RATIO_SPAN_MS) return null
    const days = (spanMs / 86_400_000).toFixed(spanMs < 86_400_000 ? 2 : 1)
    return `sample too short to annualise: ${this.#n} returns over ${days} days (needs ≥ ${MIN_RATIO_PERIODS} returns over ≥ ${MIN_RATIO_SPAN_MS / 86_400_000} days)`
  }
}
