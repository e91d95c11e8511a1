// Hand-written SVG charts for the HTML backtest report: one time axis shared by every panel, a y axis with round
// ticks, a line (optionally filled down to a baseline), optional markers and hover strips. No library and no script:
// the page stays one small self-contained file.
import { niceTicks, timeTicks } from './reportFormat.js'

/** Plot geometry shared by every panel of the report, so the panels line up. */
export const CHART = { width: 960, left: 84, right: 16, top: 10, bottom: 26 } as const
const plotWidth = CHART.width - CHART.left - CHART.right

/** A marker drawn on a chart: a shape at (t, y) with a hover text. */
export interface ChartMarker {
  readonly t: number
  readonly y: number
  readonly shape: 'up' | 'down' | 'dot'
  readonly color: string
  readonly title: string
}

/** What one panel draws. */
export interface ChartSpec {
  readonly id: string
  readonly label: string
  readonly height: number
  /** The time domain of every panel. */
  readonly t0: number
  readonly t1: number
  readonly ts: readonly number[]
  readonly ys: readonly number[]
  readonly color: string
  /** Formats a y tick label, given the tick step. */
  readonly format: (y: number, step: number) => string
  /** Values the y domain must include besides the series (a start level, 0). */
  readonly include?: readonly number[]
  /** The y domain is at least this wide (relative to the largest absolute level), so noise never fills the panel. */
  readonly minSpan?: number
  /** Fill between the line and this level. */
  readonly fillTo?: number
  /** A dashed reference line at this level. */
  readonly reference?: number
  readonly markers?: readonly ChartMarker[]
  /** Hover text of the plot at time t (every series' value there): shown by the browser over `hoverBands` strips. */
  readonly hoverText?: (t: number) => string
  /** Number of vertical strips carrying the hover text (default 160). */
  readonly hoverBands?: number
  /** Segments drawn under the markers (entry → exit of a trade). */
  readonly segments?: ReadonlyArray<{ t0: number; y0: number; t1: number; y1: number; color: string }>
}

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
const r1 = (x: number): string => x.toFixed(1)

/** The y domain of a panel: the data, the included levels, at least `minSpan` wide, on round ticks. */
function yDomain(spec: ChartSpec): { ticks: number[]; lo: number; hi: number } {
  let min = Number.POSITIVE_INFINITY
  let max = Number.NEGATIVE_INFINITY
  for (const y of [...spec.ys, ...(spec.include ?? []), ...(spec.markers ?? []).map((m) => m.y)]) {
    if (!Number.isFinite(y)) continue
    if (y < min) min = y
    if (y > max) max = y
  }
  if (min > max) return niceTicks(0, 1)
  const span = (spec.minSpan ?? 0) * Math.max(Math.abs(min), Math.abs(max))
  if (max - min < span) {
    const mid = (max + min) / 2
    min = mid - span / 2
    max = mid + span / 2
  }
  return niceTicks(min, max, Math.max(3, Math.round(spec.height / 50)))
}

/** Renders one panel as an `<svg>` with axes, ticks, the series, its markers and hover strips. */
export function renderChart(spec: ChartSpec): string {
  const h = spec.height - CHART.top - CHART.bottom
  const { ticks, lo, hi } = yDomain(spec)
  const sx = (t: number): number =>
    spec.t1 === spec.t0 ? CHART.left : CHART.left + ((t - spec.t0) / (spec.t1 - spec.t0)) * plotWidth
  const sy = (y: number): number => CHART.top + (hi === lo ? h / 2 : h - ((y - lo) / (hi - lo)) * h)
  const bottom = CHART.top + h
  const step = (ticks[1] ?? hi) - (ticks[0] ?? lo) || 1
  const grid = ticks
    .map(
      (v) =>
        `<line x1="${CHART.left}" x2="${CHART.width - CHART.right}" y1="${r1(sy(v))}" y2="${r1(sy(v))}" class="grid"/>` +
        `<text x="${CHART.left - 6}" y="${r1(sy(v) + 4)}" text-anchor="end">${esc(spec.format(v, step))}</text>`,
    )
    .join('')
  const xTicks = timeTicks(spec.t0, spec.t1, 8)
    .map(
      ({ t, label }) =>
        `<line x1="${r1(sx(t))}" x2="${r1(sx(t))}" y1="${bottom}" y2="${bottom + 4}" class="axis"/>` +
        `<text x="${r1(sx(t))}" y="${bottom + 16}" text-anchor="middle">${esc(label)}</text>`,
    )
    .join('')
  const pts = spec.ts.map((t, i) => `${r1(sx(t))},${r1(sy(spec.ys[i] ?? 0))}`)
  const line = pts.length > 0 ? `M${pts.join('L')}` : ''
  const fill =
    spec.fillTo !== undefined && pts.length > 0
      ? `<path d="${line}L${r1(sx(spec.ts[spec.ts.length - 1] ?? 0))},${r1(sy(spec.fillTo))}L${r1(sx(spec.ts[0] ?? 0))},${r1(sy(spec.fillTo))}Z" fill="${spec.color}" fill-opacity="0.15" stroke="none"/>`
      : ''
  const ref =
    spec.reference === undefined
      ? ''
      : `<line x1="${CHART.left}" x2="${CHART.width - CHART.right}" y1="${r1(sy(spec.reference))}" y2="${r1(sy(spec.reference))}" class="ref"/>`
  const segments = (spec.segments ?? [])
    .map(
      (s) =>
        `<line x1="${r1(sx(s.t0))}" y1="${r1(sy(s.y0))}" x2="${r1(sx(s.t1))}" y2="${r1(sy(s.y1))}" stroke="${s.color}" class="seg"/>`,
    )
    .join('')
  const markers = (spec.markers ?? []).map((m) => marker(m, sx(m.t), sy(m.y))).join('')
  const hover = spec.hoverText === undefined ? '' : hoverBands(spec, spec.hoverText, h)
  return `<svg id="${esc(spec.id)}" class="chart" width="${CHART.width}" height="${spec.height}" viewBox="0 0 ${CHART.width} ${spec.height}" role="img" aria-label="${esc(spec.label)}">
<rect x="${CHART.left}" y="${CHART.top}" width="${plotWidth}" height="${h}" class="plot"/>${grid}${ref}${fill}
<path d="${line}" fill="none" stroke="${spec.color}" stroke-width="1.5"/>${hover}${segments}${markers}
<line x1="${CHART.left}" x2="${CHART.left}" y1="${bottom}" y2="${CHART.top}" class="axis"/><line x1="${CHART.left}" x2="${CHART.width - CHART.right}" y1="${bottom}" y2="${bottom}" class="axis"/>${xTicks}
</svg>`
}

/**
 * Transparent vertical strips over the plot, each with a `<title>` of the values at its middle: the browser shows
 * it on hover and the page's CSS highlights the strip under the cursor. No script needed.
 */
function hoverBands(spec: ChartSpec, text: (t: number) => string, h: number): string {
  const n = Math.max(1, Math.min(spec.hoverBands ?? 160, spec.ts.length))
  const w = plotWidth / n
  const out: string[] = []
  for (let k = 0; k < n; k++) {
    const t = spec.t0 + ((k + 0.5) / n) * (spec.t1 - spec.t0)
    out.push(
      `<rect x="${r1(CHART.left + k * w)}" y="${CHART.top}" width="${r1(w)}" height="${h}" class="hb"><title>${esc(text(t))}</title></rect>`,
    )
  }
  return `<g class="hover">${out.join('')}</g>`
}

function marker(m: ChartMarker, x: number, y: number): string {
  const title = `<title>${esc(m.title)}</title>`
  if (m.shape === 'dot')
    return `<circle cx="${r1(x)}" cy="${r1(y)}" r="4" fill="${m.color}" class="mark">${title}</circle>`
  const d = m.shape === 'up' ? `M${r1(x)},${r1(y - 6)}l6,10h-12z` : `M${r1(x)},${r1(y + 6)}l6,-10h-12z`
  return `<path d="${d}" fill="${m.color}" class="mark">${title}</path>`
}
