/**
 * Test-only reference implementations: plain array loops that follow TA-Lib's C functions (ta_func/ta_*.c, the
 * default "classic" compatibility, no unstable period) step by step. They are deliberately written differently from
 * the streaming classes (whole arrays, window sums recomputed from scratch where TA-Lib's maths allows it), so a
 * test comparing the two checks the streaming bookkeeping (warm-up, ring buffers, replace) against the documented
 * algorithm. Outputs are aligned with the inputs; `NaN` marks "no value yet" (before TA-Lib's `outBegIdx`).
 *
 * Where tradekit documents a deviation from TA-Lib, the reference follows tradekit: no fixed 1e-8 cut-off on prices
 * or their sums (RSI, STDDEV/BBANDS, CCI, the DI's true range; TA-Lib's zeroed low-priced instruments), only the
 * exact flat-market cases (see each function), and MFI's empty-window rule.
 *
 * Not exported from `tradekit/indicators`.
 */

/** OHLCV arrays. */
export interface Bars {
  open: number[]
  high: number[]
  low: number[]
  close: number[]
  volume: number[]
}

const nan = (n: number): number[] => new Array<number>(n).fill(Number.NaN)
const isZero = (v: number): boolean => -0.00000001 < v && v < 0.00000001

/** TA_SMA: window mean; first value at index period-1. */
export function refSMA(x: number[], period: number): number[] {
  const out = nan(x.length)
  for (let i = period - 1; i < x.length; i++) {
    let s = 0
    for (let j = i - period + 1; j <= i; j++) s += x[j]!
    out[i] = s / period
  }
  return out
}

/** TA_INT_EMA over the whole input starting at `from` (values before `from` are NaN and ignored). */
export function refEMA(x: number[], period: number, from = 0): number[] {
  const out = nan(x.length)
  const k = 2 / (period + 1)
  const seedEnd = from + period - 1
  if (seedEnd >= x.length) return out
  let s = 0
  for (let j = from; j <= seedEnd; j++) s += x[j]!
  let prev = s / period
  out[seedEnd] = prev
  for (let i = seedEnd + 1; i < x.length; i++) {
    prev = (x[i]! - prev) * k + prev
    out[i] = prev
  }
  return out
}

/** TA_WMA: weights 1..period, newest heaviest. */
export function refWMA(x: number[], period: number): number[] {
  const out = nan(x.length)
  const divider = (period * (period + 1)) / 2
  for (let i = period - 1; i < x.length; i++) {
    let s = 0
    for (let w = 1; w <= period; w++) s += x[i - period + w]! * w
    out[i] = s / divider
  }
  return out
}

/** TA_DEMA: 2*EMA - EMA(EMA). */
export function refDEMA(x: number[], period: number): number[] {
  const e1 = refEMA(x, period)
  const e2 = refEMA(e1, period, period - 1)
  return e1.map((v, i) => 2 * v - e2[i]!)
}

/** TA_TEMA: 3*EMA - 3*EMA(EMA) + EMA(EMA(EMA)). */
export function refTEMA(x: number[], period: number): number[] {
  const e1 = refEMA(x, period)
  const e2 = refEMA(e1, period, period - 1)
  const e3 = refEMA(e2, period, 2 * (period - 1))
  return e1.map((v, i) => 3 * v - 3 * e2[i]! + e3[i]!)
}

/** TA_RSI (classic): SMA seed of gains/losses over the first `period` changes, then Wilder smoothing. */
export function refRSI(x: number[], period: number): number[] {
  const out = nan(x.length)
  if (x.length <= period) return out
  let gain = 0
  let loss = 0
  for (let i = 1; i <= period; i++) {
    const d = x[i]! - x[i - 1]!
    if (d < 0) loss -= d
    else gain += d
  }
  gain /= period
  loss /= period
  const rsi = (g: number, l: number): number => (g + l === 0 ? 0 : (100 * g) / (g + l)) // 0 only when flat
  out[period] = rsi(gain, loss)
  for (let i = period + 1; i < x.length; i++) {
    const d = x[i]! - x[i - 1]!
    gain = (gain * (period - 1) + (d > 0 ? d : 0)) / period
    loss = (loss * (period - 1) + (d < 0 ? -d : 0)) / period
    out[i] = rsi(gain, loss)
  }
  return out
}

/** TA_TRANGE: first value at index 1. */
export function refTRANGE(b: Bars): number[] {
  const out = nan(b.close.length)
  for (let i = 1; i < b.close.length; i++) {
    const h = b.high[i]!
    const l = b.low[i]!
    const pc = b.close[i - 1]!
    out[i] = Math.max(h - l, Math.abs(h - pc), Math.abs(l - pc))
  }
  return out
}

/** TA_ATR: SMA of the first `period` true ranges (indices 1..period), then Wilder smoothing. */
export function refATR(b: Bars, period: number): number[] {
  const tr = refTRANGE(b)
  const out = nan(tr.length)
  if (tr.length <= period) return out
  let s = 0
  for (let i = 1; i <= period; i++) s += tr[i]!
  let atr = s / period
  out[period] = atr
  for (let i = period + 1; i < tr.length; i++) {
    atr = (atr * (period - 1) + tr[i]!) / period
    out[i] = atr
  }
  return out
}

/** TA_MACD: both EMAs seeded so they start at index slow-1; signal EMA seeded with an SMA of MACD values. */
export function refMACD(
  x: number[],
  fast: number,
  slow: number,
  signal: number,
): { macd: number[]; signal: number[]; histogram: number[] } {
  const slowE = refEMA(x, slow)
  const fastE = refEMA(x, fast, slow - fast) // TA_INT_EMA(startIdx = slow-1) seeds at (slow-1) - (fast-1)
  const line = slowE.map((s, i) => fastE[i]! - s)
  const sig = refEMA(line, signal, slow - 1)
  const first = slow - 1 + signal - 1
  const macd = line.map((v, i) => (i >= first ? v : Number.NaN))
  return { macd, signal: sig, histogram: macd.map((m, i) => m - sig[i]!) }
}

/**
 * TA_STDDEV (nbDev 1) / the σ of TA_BBANDS, literally TA_INT_VAR's loop: running Σx and Σx² (add the new input,
 * take the means, subtract the trailing input), variance = E[x²] - E[x]², σ = 0 for a flat window (all inputs
 * equal) or a variance <= 0 (tradekit; TA-Lib: below 1e-8). The running
 * sums matter: at prices like 60000 the cancellation in E[x²] - E[x]² makes σ depend on them in the 9th digit.
 */
export function refSTDDEV(x: number[], period: number): number[] {
  const out = nan(x.length)
  let s = 0
  let s2 = 0
  for (let i = 0; i < period - 1 && i < x.length; i++) {
    s += x[i]!
    s2 += x[i]! * x[i]!
  }
  for (let i = period - 1, trailing = 0; i < x.length; i++, trailing++) {
    s += x[i]!
    s2 += x[i]! * x[i]!
    const mean = s / period
    const mean2 = s2 / period
    s -= x[trailing]!
    s2 -= x[trailing]! * x[trailing]!
    const v = mean2 - mean * mean
    const w = x.slice(i - period + 1, i + 1)
    out[i] = w.every((y) => y === w[0]) || !(v > 0) ? 0 : Math.sqrt(v)
  }
  return out
}

/** TA_BBANDS with an SMA middle band and equal up/down deviations. */
export function refBBANDS(
  x: number[],
  period: number,
  dev: number,
): { upper: number[]; middle: number[]; lower: number[] } {
  const middle = refSMA(x, period)
  const sd = refSTDDEV(x, period)
  return {
    upper: middle.map((m, i) => m + sd[i]! * dev),
    middle,
    lower: middle.map((m, i) => m - sd[i]! * dev),
  }
}

/** Window max/min over [i-period+1, i]. */
function windowMax(a: number[], i: number, period: number): number {
  let m = Number.NEGATIVE_INFINITY
  for (let j = i - period + 1; j <= i; j++) if (a[j]! > m) m = a[j]!
  return m
}
function windowMin(a: number[], i: number, period: number): number {
  let m = Number.POSITIVE_INFINITY
  for (let j = i - period + 1; j <= i; j++) if (a[j]! < m) m = a[j]!
  return m
}

/** SMA over a series that starts at index `from` (NaN before). */
function smaFrom(x: number[], period: number, from: number): number[] {
  const out = nan(x.length)
  for (let i = from + period - 1; i < x.length; i++) {
    let s = 0
    for (let j = i - period + 1; j <= i; j++) s += x[j]!
    out[i] = s / period
  }
  return out
}

/** TA_STOCH with SMA slowing: fastK = (close - LL) / ((HH - LL) / 100), slowK = SMA(fastK), slowD = SMA(slowK). */
export function refSTOCH(
  b: Bars,
  kPeriod: number,
  kSlowing: number,
  dPeriod: number,
): { k: number[]; d: number[] } {
  const n = b.close.length
  const fastK = nan(n)
  for (let i = kPeriod - 1; i < n; i++) {
    const hh = windowMax(b.high, i, kPeriod)
    const ll = windowMin(b.low, i, kPeriod)
    const diff = (hh - ll) / 100
    fastK[i] = diff !== 0 ? (b.close[i]! - ll) / diff : 0
  }
  const slowK = smaFrom(fastK, kSlowing, kPeriod - 1)
  const d = smaFrom(slowK, dPeriod, kPeriod - 1 + kSlowing - 1)
  const first = kPeriod - 1 + kSlowing - 1 + dPeriod - 1
  return { k: slowK.map((v, i) => (i >= first ? v : Number.NaN)), d }
}

/** TA_ADX, TA_PLUS_DI and TA_MINUS_DI (the DI values of the ADX computation; ADX from index 2*period-1). */
export function refADX(b: Bars, period: number): { adx: number[]; plusDI: number[]; minusDI: number[] } {
  const n = b.close.length
  const adx = nan(n)
  const plusDI = nan(n)
  const minusDI = nan(n)
  let pdm = 0
  let mdm = 0
  let tr = 0
  let sumDX = 0
  let prevADX = 0
  for (let i = 1; i < n; i++) {
    const diffP = b.high[i]! - b.high[i - 1]!
    const diffM = b.low[i - 1]! - b.low[i]!
    const h = b.high[i]!
    const l = b.low[i]!
    const pc = b.close[i - 1]!
    const t = Math.max(h - l, Math.abs(h - pc), Math.abs(l - pc))
    if (i >= period) {
      mdm -= mdm / period
      pdm -= pdm / period
    }
    if (diffM > 0 && diffP < diffM) mdm += diffM
    else if (diffP > 0 && diffP > diffM) pdm += diffP
    tr = i >= period ? tr - tr / period + t : tr + t
    if (i < period) continue
    let dx: number | undefined
    if (tr !== 0) {
      const m = 100 * (mdm / tr)
      const p = 100 * (pdm / tr)
      plusDI[i] = p
      minusDI[i] = m
      if (!isZero(m + p)) dx = 100 * (Math.abs(m - p) / (m + p))
    } else {
      plusDI[i] = 0
      minusDI[i] = 0
    }
    if (i < 2 * period) {
      if (dx !== undefined) sumDX += dx
      if (i === 2 * period - 1) {
        prevADX = sumDX / period
        adx[i] = prevADX
      }
    } else {
      if (dx !== undefined) prevADX = (prevADX * (period - 1) + dx) / period
      adx[i] = prevADX
    }
  }
  return { adx, plusDI, minusDI }
}

/** TA_CCI: (TP - mean(TP)) / (0.015 * meanAbsDev(TP)), 0 for a flat window (tradekit; TA-Lib: either below 1e-8). */
export function refCCI(b: Bars, period: number): number[] {
  const n = b.close.length
  const tp = b.close.map((c, i) => (b.high[i]! + b.low[i]! + c) / 3)
  const out = nan(n)
  for (let i = period - 1; i < n; i++) {
    let s = 0
    for (let j = i - period + 1; j <= i; j++) s += tp[j]!
    const avg = s / period
    let dev = 0
    for (let j = i - period + 1; j <= i; j++) dev += Math.abs(tp[j]! - avg)
    const w = tp.slice(i - period + 1, i + 1)
    out[i] = w.every((y) => y === w[0]) || dev === 0 ? 0 : (tp[i]! - avg) / (0.015 * (dev / period))
  }
  return out
}

/** TA_ROC: ((x / x[-period]) - 1) * 100, 0 when the old value is 0. */
export function refROC(x: number[], period: number): number[] {
  const out = nan(x.length)
  for (let i = period; i < x.length; i++) {
    const old = x[i - period]!
    out[i] = old !== 0 ? (x[i]! / old - 1) * 100 : 0
  }
  return out
}

/** TA_OBV: starts at the first volume, then ± volume on up/down closes. */
export function refOBV(b: Bars): number[] {
  const out = nan(b.close.length)
  let obv = 0
  for (let i = 0; i < b.close.length; i++) {
    if (i === 0) obv = b.volume[0]!
    else if (b.close[i]! > b.close[i - 1]!) obv += b.volume[i]!
    else if (b.close[i]! < b.close[i - 1]!) obv -= b.volume[i]!
    out[i] = obv
  }
  return out
}

/** TA_MFI over the last `period` money flows; 0 when the window holds no money flow. */
export function refMFI(b: Bars, period: number): number[] {
  const n = b.close.length
  const tp = b.close.map((c, i) => (b.high[i]! + b.low[i]! + c) / 3)
  const out = nan(n)
  for (let i = period; i < n; i++) {
    let pos = 0
    let neg = 0
    for (let j = i - period + 1; j <= i; j++) {
      const mf = tp[j]! * b.volume[j]!
      if (tp[j]! > tp[j - 1]!) pos += mf
      else if (tp[j]! < tp[j - 1]!) neg += mf
    }
    out[i] = pos + neg > 0 ? (100 * pos) / (pos + neg) : 0
  }
  return out
}

/** Donchian channel: highest high / lowest low over `period`, middle = their mean. */
export function refDonchian(b: Bars, period: number): { upper: number[]; middle: number[]; lower: number[] } {
  const n = b.close.length
  const upper = nan(n)
  const lower = nan(n)
  for (let i = period - 1; i < n; i++) {
    upper[i] = windowMax(b.high, i, period)
    lower[i] = windowMin(b.low, i, period)
  }
  return { upper, middle: upper.map((u, i) => (u + lower[i]!) / 2), lower }
}

/** Keltner channels: EMA(close, period) ± multiplier × ATR(atrPeriod). */
export function refKeltner(
  b: Bars,
  period: number,
  atrPeriod: number,
  multiplier: number,
): { upper: number[]; middle: number[]; lower: number[] } {
  const mid = refEMA(b.close, period)
  const atr = refATR(b, atrPeriod)
  return {
    upper: mid.map((m, i) => m + multiplier * atr[i]!),
    middle: mid.map((m, i) => (Number.isNaN(atr[i]!) ? Number.NaN : m)),
    lower: mid.map((m, i) => m - multiplier * atr[i]!),
  }
}

/** Rolling VWAP: Σ(TP·v)/Σv over `period` candles; the latest TP when the window has no volume. */
export function refRollingVWAP(b: Bars, period: number): number[] {
  const n = b.close.length
  const out = nan(n)
  for (let i = period - 1; i < n; i++) {
    let pv = 0
    let v = 0
    for (let j = i - period + 1; j <= i; j++) {
      pv += ((b.high[j]! + b.low[j]! + b.close[j]!) / 3) * b.volume[j]!
      v += b.volume[j]!
    }
    out[i] = v > 0 ? pv / v : (b.high[i]! + b.low[i]! + b.close[i]!) / 3
  }
  return out
}
