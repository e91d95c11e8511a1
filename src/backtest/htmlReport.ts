import type { BacktestReport } from './Backtester.js'
import { makerHtml } from './makerHtml.js'
import type { PricePoint } from './PriceCurve.js'
import {
  formatDuration,
  formatMoney,
  formatPercent,
  formatQuantity,
  formatRatio,
  formatTick,
  formatTime,
} from './reportFormat.js'
import { type ChartMarker, type ChartSpec, renderChart } from './svgChart.js'

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
const MAX_TRADES_SHOWN = 500
const UP = '#087f23'
const DOWN = '#b00020'

/** The close at time t, interpolated between the two nearest points of the down-sampled price series. */
function priceAt(points: readonly PricePoint[], t: number): number | undefined {
  if (points.length === 0) return undefined
  let lo = 0
  let hi = points.length - 1
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1
    if ((points[mid] as PricePoint).t <= t) lo = mid
    else hi = mid
  }
  const a = points[lo] as PricePoint
  const b = points[hi] as PricePoint
  if (t <= a.t || b.t === a.t) return a.close
  if (t >= b.t) return b.close
  return a.close + ((b.close - a.close) * (t - a.t)) / (b.t - a.t)
}

/** The point of a time series nearest to t (binary search; the series is in time order). */
function nearest<P extends { readonly t: number }>(points: readonly P[], t: number): P | undefined {
  let lo = 0
  let hi = points.length - 1
  if (hi < 0) return undefined
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1
    if ((points[mid] as P).t <= t) lo = mid
    else hi = mid
  }
  const a = points[lo] as P
  const b = points[hi] as P
  return Math.abs(b.t - t) < Math.abs(a.t - t) ? b : a
}

/** Entry and exit markers of the first trades of the price chart's symbol, with a line from entry to exit. */
function tradeMarks(report: BacktestReport, points: readonly PricePoint[], symbol: string) {
  const markers: ChartMarker[] = []
  const segments: { t0: number; y0: number; t1: number; y1: number; color: string }[] = []
  for (const tr of report.trades.slice(0, MAX_TRADES_SHOWN)) {
    if (tr.symbol !== symbol) continue
    const y0 = priceAt(points, tr.openedAt)
    const y1 = priceAt(points, tr.closedAt)
    if (y0 === undefined || y1 === undefined) continue
    const long = tr.side === 'BUY'
    const win = isWin(tr.pnl)
    const color = win ? UP : DOWN
    const what = `${long ? 'Long' : 'Short'} ${tr.symbol} ${formatQuantity(tr.qty)}`
    markers.push({
      t: tr.openedAt,
      y: y0,
      shape: long ? 'up' : 'down',
      color: '#1f6feb',
      title: `${what}: opened ${formatTime(tr.openedAt)} near ${formatMoney(y0)}`,
    })
    markers.push({
      t: tr.closedAt,
      y: y1,
      shape: 'dot',
      color,
      title: `${what}: closed ${formatTime(tr.closedAt)} near ${formatMoney(y1)}, PnL ${formatMoney(tr.pnl)} (fees ${formatMoney(tr.fees)})`,
    })
    segments.push({ t0: tr.openedAt, y0, t1: tr.closedAt, y1, color })
  }
  return { markers, segments }
}

/**
 * Whether a trade counts as a win: a PnL above zero, as the report's `winRate` and `profitFactor` count it (a
 * break-even trade is not a win, so it is drawn as a loss too).
 */
const isWin = (pnl: string): boolean => Number(pnl) > 0

/** The account-currency fees, and every fee asset's total when some fee was paid in another asset. */
function feesText(report: BacktestReport): string {
  const byAsset = Object.entries(report.feesByAsset ?? {})
  if (byAsset.length === 0) return formatMoney(report.fees)
  return `${formatMoney(report.fees)} (by asset: ${byAsset.map(([a, v]) => `${a} ${formatQuantity(v)}`).join(', ')})`
}

/** The headline numbers: label and display text. */
function summaryRows(report: BacktestReport): [string, string][] {
  // ratioNote: a string when the sample was too short, null when it was long enough (then the reason is the
  // data's), absent in a report built by hand.
  const ratio = (x: number | null, why: string): string => {
    if (x !== null) return formatRatio(x)
    if (typeof report.ratioNote === 'string') return `n/a (${report.ratioNote})`
    return report.ratioNote === null ? `n/a (${why})` : 'n/a'
  }
  const denied = Object.entries(report.deniedByCode ?? {})
    .map(([code, n]) => `${code} ${n}`)
    .join(', ')
  return [
    [
      'Period',
      `${formatTime(report.startTime)} → ${formatTime(report.endTime)} UTC (${formatDuration(report.endTime - report.startTime)})`,
    ],
    ['Candles', String(report.candles)],
    ['Start equity', formatMoney(report.startEquity)],
    ['End equity', formatMoney(report.endEquity)],
    ['Total return', formatPercent(report.totalReturn)],
    ['Max drawdown', formatPercent(report.maxDrawdown)],
    ['Sharpe (annualised)', ratio(report.sharpe, 'no variation in returns')],
    ['Sortino (annualised)', ratio(report.sortino, 'no losing period')],
    ['Trades', String(report.tradeCount)],
    ['Win rate', formatPercent(report.winRate)],
    ['Profit factor', formatRatio(report.profitFactor)],
    ['Exposure', formatPercent(report.exposure)],
    ['Fees', feesText(report)],
    ['Signals / denied', `${report.signals} / ${report.denied}${denied === '' ? '' : ` (${denied})`}`],
  ]
}

/** The chart panels: price with trade markers (when the report has prices), equity, drawdown. */
function charts(report: BacktestReport): string {
  const eq = report.equityCurve
  const prices = report.prices
  const t0 = Math.min(
    report.startTime,
    eq[0]?.t ?? report.startTime,
    prices?.points[0]?.t ?? report.startTime,
  )
  const t1 = Math.max(report.endTime, eq[eq.length - 1]?.t ?? report.endTime)
  const hoverText = (t: number): string => {
    const e = nearest(eq, t)
    const at = e?.t ?? t
    const parts = [`${formatTime(at)} UTC`]
    const p = prices === undefined ? undefined : nearest(prices.points, at)
    if (p !== undefined) parts.push(`${prices?.symbol} ${formatMoney(p.close)}`)
    if (e !== undefined)
      parts.push(`equity ${formatMoney(e.equity)}`, `drawdown ${formatPercent(-e.drawdown)}`)
    return parts.join('  ·  ')
  }
  const specs: ChartSpec[] = []
  if (prices !== undefined && prices.points.length > 0) {
    const { markers, segments } = tradeMarks(report, prices.points, prices.symbol)
    specs.push({
      id: 'price',
      label: `${prices.symbol} close`,
      height: 300,
      t0,
      t1,
      ts: prices.points.map((p) => p.t),
      ys: prices.points.map((p) => p.close),
      color: '#444c56',
      format: formatTick,
      minSpan: 0.01,
      markers,
      segments,
      hoverText,
    })
  }
  specs.push({
    id: 'equity',
    label: 'Equity',
    height: 240,
    t0,
    t1,
    ts: eq.map((p) => p.t),
    ys: eq.map((p) => p.equity),
    color: '#1f6feb',
    format: formatTick,
    include: [report.startEquity],
    minSpan: 0.01,
    reference: report.startEquity,
    hoverText,
  })
  specs.push({
    id: 'drawdown',
    label: 'Drawdown',
    height: 140,
    t0,
    t1,
    ts: eq.map((p) => p.t),
    ys: eq.map((p) => -p.drawdown),
    color: DOWN,
    format: (y, step) => `${formatTick(y * 100, step * 100)}%`,
    include: [0, -0.01],
    fillTo: 0,
    hoverText,
  })
  const titles: Record<string, string> = {
    price: `Price: ${prices?.symbol ?? ''} close, trades ▲ long / ▼ short entry, ● exit (green profit, red loss)`,
    equity: 'Equity (dashed: start)',
    drawdown: 'Drawdown from peak',
  }
  return specs.map((s) => `<h2>${esc(titles[s.id] ?? s.label)}</h2>\n${renderChart(s)}`).join('\n')
}

const STYLE = `body{font:14px system-ui,sans-serif;margin:2rem;color:#222;max-width:1000px}h1{font-size:1.4rem}
h2{font-size:1rem;margin:1.4rem 0 .3rem}table{border-collapse:collapse;margin:1rem 0}
td,th{padding:.25rem .75rem;border-bottom:1px solid #ddd;text-align:right;font-variant-numeric:tabular-nums}
td:first-child,th:first-child{text-align:left}.pos{color:${UP}}.neg{color:${DOWN}}
svg.chart{display:block;font:11px system-ui,sans-serif;fill:#555}.plot{fill:#fbfbfb;stroke:none}
.grid{stroke:#e6e6e6}.axis{stroke:#888}.ref{stroke:#888;stroke-dasharray:4 3}.seg{stroke-width:1;stroke-dasharray:2 2;opacity:.7}
.mark{stroke:#fff;stroke-width:.8}.hb{fill:transparent}.hb:hover{fill:rgba(31,111,235,.12)}.hint{color:#666}`

/**
 * Renders a backtest report as one self-contained HTML page that works offline (inline SVG and CSS, no script, no
 * external assets): the headline numbers rounded for display, a price chart with the trades' entries and exits, the
 * equity curve and the drawdown panel on one UTC time axis with round ticks, the values under the cursor on hover,
 * the market makers' metrics and fills (a replayed backtest), and the closed trades.
 *
 * @example
 * ```ts
 * writeFileSync('report.html', renderHtmlReport(report, { title: 'EMA 9/21 on BTCUSDT' }))
 * ```
 */
export function renderHtmlReport(report: BacktestReport, options: { title?: string } = {}): string {
  const title = options.title ?? 'tradekit backtest'
  const rows = summaryRows(report)
  const chartsHtml = charts(report)
  const trades = report.trades
    .slice(0, MAX_TRADES_SHOWN)
    .map(
      (t) =>
        `<tr><td>${esc(t.symbol)}</td><td>${t.side === 'BUY' ? 'long' : 'short'}</td><td>${formatTime(t.openedAt)}</td><td>${formatTime(t.closedAt)}</td><td>${esc(formatQuantity(t.qty))}</td><td class="${isWin(t.pnl) ? 'pos' : 'neg'}">${esc(formatMoney(t.pnl))}</td><td>${esc(formatMoney(t.fees))}</td></tr>`,
    )
    .join('\n')
  const shown = report.tradeCount > MAX_TRADES_SHOWN ? `, first ${MAX_TRADES_SHOWN} shown` : ''
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${esc(title)}</title>
<style>
${STYLE}
</style></head><body>
<h1>${esc(title)}</h1>
<table>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table>
<p class="hint">Hover a chart for the values at that time, a trade marker for the trade. Times are UTC.</p>
${chartsHtml}${makerHtml(report)}
<h2>Trades (${report.tradeCount}${shown}; times UTC)</h2>
<table><tr><th>Symbol</th><th>Side</th><th>Opened</th><th>Closed</th><th>Qty</th><th>PnL</th><th>Fees</th></tr>
${trades}
</table>
</body></html>
`
}
