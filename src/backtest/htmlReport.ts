import type { BacktestReport } from './Backtester.js'

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
const pct = (x: number): string => `${(x * 100).toFixed(2)}%`
const fix = (x: number, d = 2): string => (Number.isFinite(x) ? x.toFixed(d) : String(x))

function path(xs: number[], ys: number[], w: number, h: number, yMin: number, yMax: number): string {
  const x0 = xs[0] ?? 0
  const x1 = xs[xs.length - 1] ?? 1
  const sx = (x: number) => (x1 === x0 ? 0 : ((x - x0) / (x1 - x0)) * w)
  const sy = (y: number) => (yMax === yMin ? h / 2 : h - ((y - yMin) / (yMax - yMin)) * h)
  return xs.map((x, i) => `${i === 0 ? 'M' : 'L'}${sx(x).toFixed(1)},${sy(ys[i] ?? 0).toFixed(1)}`).join(' ')
}

/**
 * Renders a backtest report as one self-contained HTML page (no scripts, no external assets): the headline numbers,
 * an SVG equity curve with the drawdown underneath, and the closed trades.
 *
 * @example
 * ```ts
 * writeFileSync('report.html', renderHtmlReport(report, { title: 'EMA 9/21 on BTCUSDT' }))
 * ```
 */
export function renderHtmlReport(report: BacktestReport, options: { title?: string } = {}): string {
  const title = options.title ?? 'tradekit backtest'
  const pts = report.equityCurve
  const xs = pts.map((p) => p.t)
  const eq = pts.map((p) => p.equity)
  const dd = pts.map((p) => -p.drawdown)
  const w = 900
  const eqPath = path(
    xs,
    eq,
    w,
    260,
    Math.min(...eq, report.startEquity),
    Math.max(...eq, report.startEquity),
  )
  const ddPath = path(xs, dd, w, 100, Math.min(...dd, -0.0001), 0)
  const rows: [string, string][] = [
    ['Period', `${new Date(report.startTime).toISOString()} → ${new Date(report.endTime).toISOString()}`],
    ['Candles', String(report.candles)],
    ['Start equity', fix(report.startEquity)],
    ['End equity', fix(report.endEquity)],
    ['Total return', pct(report.totalReturn)],
    ['Max drawdown', pct(report.maxDrawdown)],
    ['Sharpe', fix(report.sharpe)],
    ['Sortino', fix(report.sortino)],
    ['Trades', String(report.tradeCount)],
    ['Win rate', pct(report.winRate)],
    ['Profit factor', fix(report.profitFactor)],
    ['Exposure', pct(report.exposure)],
    ['Fees', fix(report.fees, 4)],
    ['Signals / denied', `${report.signals} / ${report.denied}`],
  ]
  const trades = report.trades
    .slice(0, 500)
    .map(
      (t) =>
        `<tr><td>${esc(t.symbol)}</td><td>${esc(t.side)}</td><td>${new Date(t.openedAt).toISOString()}</td><td>${new Date(t.closedAt).toISOString()}</td><td>${esc(t.qty)}</td><td class="${Number(t.pnl) >= 0 ? 'pos' : 'neg'}">${esc(t.pnl)}</td><td>${esc(t.fees)}</td></tr>`,
    )
    .join('\n')
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font:14px system-ui,sans-serif;margin:2rem;color:#222}h1{font-size:1.4rem}
table{border-collapse:collapse;margin:1rem 0}td,th{padding:.25rem .75rem;border-bottom:1px solid #ddd;text-align:right}
td:first-child,th:first-child{text-align:left}.pos{color:#087f23}.neg{color:#b00020}svg{background:#fafafa;border:1px solid #eee}
</style></head><body>
<h1>${esc(title)}</h1>
<table>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table>
<h2>Equity</h2>
<svg width="${w}" height="260" viewBox="0 0 ${w} 260" role="img" aria-label="equity curve"><path d="${eqPath}" fill="none" stroke="#1f6feb" stroke-width="1.5"/></svg>
<h2>Drawdown</h2>
<svg width="${w}" height="100" viewBox="0 0 ${w} 100" role="img" aria-label="drawdown"><path d="${ddPath}" fill="none" stroke="#b00020" stroke-width="1.2"/></svg>
<h2>Trades (${report.tradeCount}${report.tradeCount > 500 ? ', first 500 shown' : ''})</h2>
<table><tr><th>Symbol</th><th>Side</th><th>Opened</th><th>Closed</th><th>Qty</th><th>PnL</th><th>Fees</th></tr>
${trades}
</table>
</body></html>
`
}
