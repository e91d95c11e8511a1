// Number, time and axis formatting for the HTML backtest report. Display only: the report's JSON keeps full values.

/**
 * A money amount (number or Decimal string) for display, with 2 to 8 significant digits: 2 decimals from 1 up
 * (`10 000.00`, `-4.17`; fewer decimals past 8 digits, `12 345 679`), 6 significant digits below 1 (`0.00423457`,
 * at most 8 decimals, at least 2), scientific notation below 10⁻⁶ (`1.2e-9`); thousands grouped with a thin space.
 */
export function formatMoney(value: number | string): string {
  const x = typeof value === 'string' ? Number(value) : value
  if (Number.isNaN(x)) return 'n/a'
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞'
  if (x === 0) return '0.00'
  const mag = Math.floor(Math.log10(Math.abs(x)))
  if (mag < -6) return x.toPrecision(2)
  if (mag >= 0) {
    const r = Number(x.toPrecision(8))
    return group(r.toFixed(Math.min(2, Math.max(0, 7 - Math.floor(Math.log10(Math.abs(r)))))))
  }
  const s = x
    .toFixed(Math.min(8, 5 - mag))
    .replace(/0+$/, '')
    .replace(/\.(\d?)$/, (_m, d: string) => `.${d.padEnd(2, '0')}`)
  // Trimming never leaves fewer than 2 significant digits (0.0000010, not 0.000001).
  return s.replace(/[^\d]/g, '').replace(/^0+/, '').length >= 2 ? s : x.toFixed(1 - mag)
}

/** A quantity (number or Decimal string) with at most 8 significant digits and no trailing zeros (`0.07627`, `1.5`). */
export function formatQuantity(value: number | string): string {
  const x = typeof value === 'string' ? Number(value) : value
  if (!Number.isFinite(x)) return 'n/a'
  if (x === 0) return '0'
  const mag = Math.floor(Math.log10(Math.abs(x)))
  if (mag < -7) return x.toPrecision(2)
  const s = Number(x.toPrecision(8)).toFixed(Math.max(0, Math.min(8, 7 - mag)))
  return group(s.includes('.') ? s.replace(/\.?0+$/, '') : s)
}

/** A tick label: as many decimals as the tick step needs (`90 000`, `0.25`). */
export function formatTick(value: number, step: number): string {
  const decimals = Math.max(0, Math.min(8, -Math.floor(Math.log10(Math.abs(step) || 1))))
  return group(value.toFixed(decimals))
}

/** Groups the integer digits of a plain decimal string in threes. */
function group(s: string): string {
  const [int = '', frac] = s.split('.')
  const sign = int.startsWith('-') ? '-' : ''
  const digits = sign === '' ? int : int.slice(1)
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, '\u2009')
  return `${sign}${grouped}${frac === undefined ? '' : `.${frac}`}`
}

/** A share (0.0123) as a percentage with 2 decimals (`1.23%`). */
export function formatPercent(x: number): string {
  return Number.isFinite(x) ? `${(x * 100).toFixed(2)}%` : 'n/a'
}

/** A ratio (Sharpe, profit factor) with 2 decimals; `null` is `n/a`, infinity `∞`. */
export function formatRatio(x: number | null): string {
  if (x === null || Number.isNaN(x)) return 'n/a'
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞'
  return x.toFixed(2)
}

/** An epoch-ms time as `YYYY-MM-DD HH:MM` (UTC; seconds only when not zero). */
export function formatTime(t: number): string {
  const iso = new Date(t).toISOString()
  const s = iso.slice(17, 19)
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}${s === '00' ? '' : `:${s}`}`
}

/** A duration in ms as the two largest units (`3 d 4 h`, `50 min`). */
export function formatDuration(ms: number): string {
  const units: [string, number][] = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['min', 60_000],
    ['s', 1000],
  ]
  const parts: string[] = []
  let rest = Math.max(0, Math.round(ms))
  for (const [name, size] of units) {
    const n = Math.floor(rest / size)
    if (n > 0 || (parts.length > 0 && parts.length < 2)) {
      if (n > 0) parts.push(`${n} ${name}`)
      rest -= n * size
    }
    if (parts.length === 2) break
  }
  return parts.length > 0 ? parts.join(' ') : '0 s'
}

/** About `count` round tick values (1, 2, 5 × 10ⁿ) covering [min, max], and the domain they span. */
export function niceTicks(min: number, max: number, count = 5): { ticks: number[]; lo: number; hi: number } {
  if (!(max > min)) {
    const pad = Math.abs(min) * 0.01 || 1
    return niceTicks(min - pad, max + pad, count)
  }
  const raw = (max - min) / Math.max(1, count)
  const pow = 10 ** Math.floor(Math.log10(raw))
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * pow >= raw) ?? 10) * pow
  const lo = Math.floor(min / step) * step
  const hi = Math.ceil(max / step) * step
  const ticks: number[] = []
  for (let v = lo; v <= hi + step / 2; v += step) ticks.push(Number(v.toPrecision(12)))
  return { ticks, lo, hi }
}

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
const TIME_STEPS = [
  MINUTE,
  5 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
  14 * DAY,
  30 * DAY,
  91 * DAY,
  182 * DAY,
  365 * DAY,
]

/**
 * Time-axis ticks between t0 and t1 (epoch ms) at a round UTC step giving at most `count` labels; each label shows
 * the date where the day changes (or the step is a day or more) and the time where the step is under a day.
 */
export function timeTicks(t0: number, t1: number, count = 8): { t: number; label: string }[] {
  const span = Math.max(1, t1 - t0)
  const step = TIME_STEPS.find((s) => span / s <= count) ?? Math.ceil(span / count / DAY) * DAY
  const out: { t: number; label: string }[] = []
  let prevDay = ''
  for (let t = Math.ceil(t0 / step) * step; t <= t1; t += step) {
    const iso = new Date(t).toISOString()
    const day = iso.slice(0, 10)
    const time = iso.slice(11, 16)
    const label = step >= DAY ? day : day === prevDay ? time : `${day.slice(5)} ${time}`
    out.push({ t, label })
    prevDay = day
  }
  return out
}
