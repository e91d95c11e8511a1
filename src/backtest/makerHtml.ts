import type { BacktestReport } from './Backtester.js'
import { formatDuration, formatMoney, formatPercent, formatQuantity, formatTime } from './reportFormat.js'

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
const MAX_FILLS_SHOWN = 500

/** A long symbol (a Polymarket token id) shortened for display; the full one on hover. */
const symbolCell = (s: string): string =>
  `<td title="${esc(s)}">${esc(s.length > 16 ? `${s.slice(0, 8)}…${s.slice(-4)}` : s)}</td>`

/**
 * The market makers' section of the HTML report of a replayed backtest (`Backtester.replay`): spread captured, fill
 * ratio, markouts, reward-eligible time, the inventory at the end and the maker fills. Empty for a candle backtest.
 */
export function makerHtml(report: BacktestReport): string {
  const m = report.makers
  if (m === undefined) return ''
  const last = new Map<string, string>()
  for (const x of m.inventory) last.set(x.symbol, x.qty)
  const rows: [string, string][] = [
    ['Quotes placed', `${m.quotesPlaced} (${formatQuantity(m.placedQty)})`],
    ['Maker fills', `${m.fills} (${formatQuantity(m.filledQty)})`],
    ['Fill ratio', formatPercent(m.fillRatio)],
    ['Spread captured', formatMoney(m.spreadCaptured)],
    ...m.markouts.map((x): [string, string] => [
      `Markout ${formatDuration(x.horizonMs)}`,
      x.count === 0
        ? 'n/a (no fill measured)'
        : `${formatMoney(x.perShare)} per unit over ${x.count} fill${x.count === 1 ? '' : 's'} (total ${formatMoney(x.total)})`,
    ]),
    ['Reward-eligible resting time (summed over quotes)', formatDuration(m.rewardEligibleMs)],
  ]
  const inventory = [...last]
    .map(([s, q]) => `<tr>${symbolCell(s)}<td>${esc(formatQuantity(q))}</td></tr>`)
    .join('')
  const fills = m.fillLog
    .slice(0, MAX_FILLS_SHOWN)
    .map(
      (f) =>
        `<tr><td>${formatTime(f.t)}</td>${symbolCell(f.symbol)}<td>${esc(f.side)}</td><td>${esc(f.price)}</td><td>${esc(formatQuantity(f.qty))}</td></tr>`,
    )
    .join('\n')
  const shown = m.fillLog.length > MAX_FILLS_SHOWN ? `, first ${MAX_FILLS_SHOWN} shown` : ''
  return `
<h2>Market making</h2>
<table>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table>
<h2>Inventory at the end</h2>
<table><tr><th>Symbol</th><th>Net position from the quotes' fills</th></tr>${inventory}</table>
<h2>Maker fills (${m.fills}${shown}; times UTC)</h2>
<table><tr><th>Time</th><th>Symbol</th><th>Side</th><th>Price</th><th>Qty</th></tr>
${fills}
</table>`
}
