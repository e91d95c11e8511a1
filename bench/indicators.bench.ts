/**
 * Indicators: updates over 1,000,000 candles for SMA, EMA, RSI, ATR, MACD and BollingerBands — tradekit next to
 * trading-signals and technicalindicators, measured in the same run, with a hand-written plain float loop of the
 * same maths as the floor (the baseline every ratio refers to).
 *
 * trading-signals 8 ships a single number-based class per indicator (its former Big.js "default" classes and
 * `Faster*` number classes were merged when Big.js was dropped), so one trading-signals case per indicator is
 * both its fast and its default class.
 */
import * as TI from 'technicalindicators'
import * as TS from 'trading-signals'
import * as TK from '../src/indicators/index.js'
import { type BenchCase, runSuite, type SuiteResult } from './harness.js'

const N = 1_000_000

// A seeded random walk, so every run measures the same data.
let seed = 12345
const rand = (): number => {
  seed = (seed * 1103515245 + 12345) >>> 0
  return seed / 4294967296
}
const close = new Float64Array(N)
const candles: TK.CandleInput[] = new Array(N)
{
  let c = 100
  for (let i = 0; i < N; i++) {
    const o = c
    c = Math.max(1, o * (1 + (rand() - 0.5) * 0.02))
    const h = Math.max(o, c) * (1 + rand() * 0.005)
    const l = Math.min(o, c) * (1 - rand() * 0.005)
    close[i] = c
    candles[i] = { open: o, high: h, low: l, close: c, volume: 1 + rand() * 100 }
  }
}

// Everything computed goes into this sink so no engine can drop the work.
let sink = 0

// ---- one operation = the next CHUNK updates of the 1,000,000-candle series (wrapping around with fresh instances) ----
// Each case has its own loop (no shared helper taking a callback), so every library gets monomorphic call sites.
const CHUNK = 10_000

/** Runs `step(i)` for the next CHUNK indices of the series; `restart()` when the series wraps. */
function chunked(make: () => (start: number, end: number) => void): () => void {
  let run = make()
  let pos = 0
  return () => {
    if (pos + CHUNK > N) {
      run = make()
      pos = 0
    }
    run(pos, pos + CHUNK)
    pos += CHUNK
  }
}

/** The plain loop as a chunked case: a generator-free state machine would be overkill; it runs the same maths. */
function plainChunked(make: () => (start: number, end: number) => void): () => void {
  return chunked(make)
}

const P = 20
const suites: { name: string; cases: BenchCase[] }[] = []

function suite(
  name: string,
  plain: () => void,
  tradekit: () => void,
  tradingSignals: () => void,
  technicalIndicators: () => void,
): void {
  suites.push({
    name,
    cases: [
      { name: 'plain float loop (floor)', baseline: true, fn: plain },
      { name: 'tradekit', fn: tradekit },
      { name: 'trading-signals', fn: tradingSignals },
      { name: 'technicalindicators', fn: technicalIndicators },
    ],
  })
}

suite(
  'SMA(20)',
  plainChunked(() => {
    const buf = new Float64Array(P)
    let sum = 0
    let idx = 0
    return (a, b) => {
      for (let i = a; i < b; i++) {
        const x = close[i]!
        sum += x
        buf[idx] = x
        idx = idx + 1 === P ? 0 : idx + 1
        if (i >= P - 1) {
          sink += sum / P
          sum -= buf[idx]!
        }
      }
    }
  }),
  chunked(() => {
    const s = new TK.SMA(P)
    return (a, b) => {
      for (let i = a; i < b; i++) {
        const v = s.update(close[i]!)
        if (v !== undefined) sink += v
      }
    }
  }),
  chunked(() => {
    const s = new TS.SMA(P)
    return (a, b) => {
      for (let i = a; i < b; i++) {
        const v = s.update(close[i]!, false)
        if (v != null) sink += v
      }
    }
  }),
  chunked(() => {
    const s = new TI.SMA({ period: P, values: [] })
    return (a, b) => {
      for (let i = a; i < b; i++) {
        const v = s.nextValue(close[i]!)
        if (v !== undefined) sink += v
      }
    }
  }),
)
suite(
  'EMA(20)',
  plainChunked(() => {
    const k = 2 / (P + 1)
    let e = 0
    return (a, b) => {
      for (let i = a; i < b; i++) {
        const x = close[i]!
        if (i < P) {
          e += x
          if (i === P - 1) {
            e /= P
            sink += e
          }
        } else {
          e = (x - e) * k + e
          sink += e
        }
      }
    }
  }),
  chunked(() => {
    const s = new TK.EMA(P)
    return (a, b) => {
      for (let i = a; i < b; i++) {
        const v = s.update(close[i]!)
        if (v !== undefined) sink += v
      }
    }
  }),
  chunked(() => {
    const s = new TS.EMA(P)
    return (a, b) => {
      for (let i = a; i < b; i++) {
        const v = s.update(close[i]!, false)
        if (v != null) sink += v
      }
    }
  }),
  chunked(() => {
    const s = new TI.EMA({ period: P, values: [] })
    return (a, b) => {
      for (let i = a; i < b; i++) {
        const v = s.nextValue(close[i]!)
        if (v !== undefined) sink += v
      }
    }
  }),
)
suite(
  'RSI(14)',
  plainChunked(() => {
    const p = 14
    let g = 0
    let l = 0
    return (a, b) => {
      for (let i = Math.max(a, 1); i < b; i++) {
        const d = close[i]! - close[i - 1]!
        if (i <= p) {
          if (d < 0) l -= d
          else g += d
          if (i === p) {
            g /= p
            l /= p
            sink += (100 * g) / (g + l)
          }
        } else {
          g = (g * (p - 1) + (d > 0 ? d : 0)) / p
          l = (l * (p - 1) + (d < 0 ? -d : 0)) / p
          sink += (100 * g) / (g + l)
        }
      }
    }
  }),
  chunked(() => {
    const s = new TK.RSI(14)
    return (a, b) => {
      for (let i = a; i < b; i++) {
        const v = s.update(close[i]!)
        if (v !== undefined) sink += v
      }
    }
  }),
  chunked(() => {
    const s = new TS.RSI(14)
    return (a, b) => {
      for (let i = a; i < b; i++) {
        const v = s.update(close[i]!, false)
        if (v != null) sink += v
      }
    }
  }),
  chunked(() => {
    const s = new TI.RSI({ period: 14, values: [] })
    return (a, b) => {
      for (let i = a; i < b; i++) {
        const v = s.nextValue(close[i]!)
        if (v !== undefined) sink += v
      }
    }
  }),
)
suite(
  'ATR(14)',
  plainChunked(() => {
    const p = 14
    let at = 0
    return (a, b) => {
      for (let i = Math.max(a, 1); i < b; i++) {
        // reads the same candle objects the libraries get
        const c = candles[i]!
        const h = c.high
        const lo = c.low
        const pc = candles[i - 1]!.close
        const tr = Math.max(h - lo, Math.abs(h - pc), Math.abs(lo - pc))
        if (i <= p) {
          at += tr
          if (i === p) {
            at /= p
            sink += at
          }
        } else {
          at = (at * (p - 1) + tr) / p
          sink += at
        }
      }
    }
  }),
  chunked(() => {
    const s = new TK.ATR(14)
    return (a, b) => {
      for (let i = a; i < b; i++) {
        const v = s.update(candles[i]!)
        if (v !== undefined) sink += v
      }
    }
  }),
  chunked(() => {
    const s = new TS.ATR(14)
    return (a, b) => {
      for (let i = a; i < b; i++) {
        const v = s.update(candles[i]!, false)
        if (v != null) sink += v
      }
    }
  }),
  chunked(() => {
    const s = new TI.ATR({ period: 14, high: [], low: [], close: [] })
    return (a, b) => {
      for (let i = a; i < b; i++) {
        const v = s.nextValue(candles[i]!)
        if (v !== undefined) sink += v
      }
    }
  }),
)
suite(
  'MACD(12,26,9)',
  plainChunked(() => {
    const fast = 12
    const slow = 26
    const signal = 9
    const kf = 2 / (fast + 1)
    const ks = 2 / (slow + 1)
    const kg = 2 / (signal + 1)
    let f = 0
    let s = 0
    let g = 0
    return (a, b) => {
      for (let i = a; i < b; i++) {
        const x = close[i]!
        if (i < slow) {
          s += x
          if (i >= slow - fast) f += x
          if (i < slow - 1) continue
          f /= fast
          s /= slow
        } else {
          f = (x - f) * kf + f
          s = (x - s) * ks + s
        }
        const m = f - s
        const j = i - slow + 1
        if (j < signal) {
          g += m
          if (j < signal - 1) continue
          g /= signal
        } else {
          g = (m - g) * kg + g
        }
        sink += m - g
      }
    }
  }),
  chunked(() => {
    const s = new TK.MACD({ fast: 12, slow: 26, signal: 9 })
    return (a, b) => {
      for (let i = a; i < b; i++) {
        const v = s.update(close[i]!)
        if (v !== undefined) sink += v.histogram
      }
    }
  }),
  chunked(() => {
    const s = new TS.MACD(new TS.EMA(12), new TS.EMA(26), new TS.EMA(9))
    return (a, b) => {
      for (let i = a; i < b; i++) {
        const v = s.update(close[i]!, false)
        if (v != null) sink += v.histogram
      }
    }
  }),
  chunked(() => {
    const s = new TI.MACD({
      values: [],
      fastPeriod: 12,
      slowPeriod: 26,
      signalPeriod: 9,
      SimpleMAOscillator: false,
      SimpleMASignal: false,
    })
    return (a, b) => {
      for (let i = a; i < b; i++) {
        const v = s.nextValue(close[i]!)
        if (v?.histogram !== undefined) sink += v.histogram
      }
    }
  }),
)
suite(
  'BollingerBands(20,2)',
  plainChunked(() => {
    const buf = new Float64Array(P)
    let sum = 0
    let sum2 = 0
    let idx = 0
    return (a, b) => {
      for (let i = a; i < b; i++) {
        const x = close[i]!
        sum += x
        sum2 += x * x
        buf[idx] = x
        idx = idx + 1 === P ? 0 : idx + 1
        if (i >= P - 1) {
          const mean = sum / P
          const v = sum2 / P - mean * mean
          const t = buf[idx]!
          sum -= t
          sum2 -= t * t
          const d = v < 1e-8 ? 0 : Math.sqrt(v) * 2
          sink += mean + d
        }
      }
    }
  }),
  chunked(() => {
    const s = new TK.BollingerBands({ period: P, stdDev: 2 })
    return (a, b) => {
      for (let i = a; i < b; i++) {
        const v = s.update(close[i]!)
        if (v !== undefined) sink += v.upper
      }
    }
  }),
  chunked(() => {
    const s = new TS.BollingerBands(P, 2)
    return (a, b) => {
      for (let i = a; i < b; i++) {
        const v = s.update(close[i]!, false)
        if (v != null) sink += v.upper
      }
    }
  }),
  chunked(() => {
    const s = new TI.BollingerBands({ period: P, stdDev: 2, values: [] })
    return (a, b) => {
      for (let i = a; i < b; i++) {
        const v = s.nextValue(close[i]!)
        if (v !== undefined) sink += v.upper
      }
    }
  }),
)

const only = process.env.BENCH_INDICATORS // e.g. "RSI" to run one suite
const results: SuiteResult[] = []
for (const s of suites) {
  if (only !== undefined && !s.name.includes(only)) continue
  const r = await runSuite(
    `indicators: ${s.name}`,
    `${CHUNK.toLocaleString('en-US')} updates, walking a ${N.toLocaleString('en-US')}-candle series`,
    s.cases,
    {
      notes: `updates/s = ops/s × ${CHUNK.toLocaleString('en-US')}`,
    },
  )
  results.push(r)
}

console.log('\n## indicators summary (updates/s; ratios measured in this run)')
for (const r of results) {
  const get = (name: string): number => r.cases.find((c) => c.name.startsWith(name))?.opsPerSec ?? Number.NaN
  const tk = get('tradekit')
  const floor = get('plain float loop')
  const bestPeer = Math.max(get('trading-signals'), get('technicalindicators'))
  console.log(
    `${r.suite.padEnd(34)} tradekit ${Math.round(tk * CHUNK)
      .toLocaleString('en-US')
      .padStart(13)}/s` +
      `  vs fastest peer ${(tk / bestPeer).toFixed(2)}x  vs plain loop ${(tk / floor).toFixed(2)}x`,
  )
}
if (sink === 42) console.log('') // keeps `sink` observable
