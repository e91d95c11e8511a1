/** Test-only data: a seeded pseudo-random OHLCV series (mulberry32), with flat and gapping bars mixed in. */
import type { CandleInput } from '../types.js'
import type { Bars } from './talibReference.js'

/** mulberry32: a small seeded PRNG, so every test run sees the same series. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** `n` consistent candles (low <= open, close <= high, volume >= 0) around `start`. */
export function makeCandles(n: number, seed = 1, start = 100): CandleInput[] {
  const r = prng(seed)
  const out: CandleInput[] = []
  let close = start
  for (let i = 0; i < n; i++) {
    const open = close
    const kind = r()
    if (kind < 0.03) {
      // a flat bar, no trade: exercises the zero-range and equal-price branches
      out.push({ open, high: open, low: open, close: open, volume: 0 })
      continue
    }
    close = Math.max(0.01, open * (1 + (r() - 0.5) * 0.04 + (kind > 0.97 ? (r() - 0.5) * 0.2 : 0)))
    const high = Math.max(open, close) * (1 + r() * 0.01)
    const low = Math.min(open, close) * (1 - r() * 0.01)
    out.push({ open, high, low, close, volume: Math.round(r() * 1000 * 100) / 100 })
  }
  return out
}

/** Columns of a candle array, for the reference functions. */
export function toBars(c: readonly CandleInput[]): Bars {
  return {
    open: c.map((x) => x.open),
    high: c.map((x) => x.high),
    low: c.map((x) => x.low),
    close: c.map((x) => x.close),
    volume: c.map((x) => x.volume),
  }
}

/** True when `a` and `b` agree to 1e-9, relative to max(1, |b|); NaN only matches undefined. */
export function close9(a: number | undefined, b: number): boolean {
  if (Number.isNaN(b)) return a === undefined
  if (a === undefined) return false
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b))
}

/** Index of the first disagreement of a streamed series with a reference series, or -1. */
export function firstMismatch(got: readonly (number | undefined)[], want: readonly number[]): number {
  if (got.length !== want.length) return Math.min(got.length, want.length)
  for (let i = 0; i < want.length; i++) if (!close9(got[i], want[i]!)) return i
  return -1
}
