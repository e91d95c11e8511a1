import { describe, expect, it } from 'vitest'
import { ManualClock } from '../core/clock.js'
import { silentLogger } from '../core/logger.js'
import type { CancelAllResult, Signal } from '../core/ports.js'
import type { BookSnapshot, Candle, Order, Position } from '../core/types.js'
import { Decimal } from '../decimal/index.js'
import {
  BollingerBreakout,
  type CandleIgnoredEvent,
  ComplementArbitrage,
  EmaCrossover,
  findComplementOpportunity,
  MacdTrend,
  ResolutionSniper,
  RsiMeanReversion,
  type Strategy,
  type StrategyContext,
  type StrategyHost,
  StrategyRunner,
} from './index.js'

function host(positions: Position[] = [], orders: Order[] = []): StrategyHost {
  return {
    clock: new ManualClock(0),
    positions: () => positions,
    openOrders: () => orders,
    cancelOrders: async (): Promise<CancelAllResult> => ({ canceled: [], failed: [] }),
  }
}

function candles(closes: number[], symbol = 'BTCUSDT'): Candle[] {
  return closes.map((close, i) => ({
    venue: 'binance',
    symbol,
    interval: '1m',
    openTime: i * 60_000,
    closeTime: i * 60_000 + 59_999,
    open: close,
    high: close,
    low: close,
    close,
    volume: 1,
    isClosed: true,
  }))
}

function run(strategy: Strategy, data: Candle[], h = host()): Signal[] {
  const runner = new StrategyRunner(strategy, h)
  const out: Signal[] = []
  runner.events.on('signal', (s) => out.push(s))
  runner.start()
  for (const c of data) runner.candle(c)
  return out
}

/** Independent reference: a plain TA-Lib-style EMA (SMA seed). */
function emaSeries(xs: number[], p: number): (number | undefined)[] {
  const k = 2 / (p + 1)
  let e: number | undefined
  return xs.map((x, i) => {
    if (i < p - 1) return undefined
    if (i === p - 1) {
      e = xs.slice(0, p).reduce((a, b) => a + b, 0) / p
      return e
    }
    e = (x - (e as number)) * k + (e as number)
    return e
  })
}

const wave = [10, 10, 10, 10, 10, 11, 12, 13, 14, 15, 14, 13, 12, 11, 10, 9, 8, 9, 10, 11, 12]

describe('EmaCrossover', () => {
  it('signals exactly at the crossings of an independent EMA computation', () => {
    const fast = emaSeries(wave, 3)
    const slow = emaSeries(wave, 5)
    const expected: { i: number; side: string }[] = []
    let prev = 0
    wave.forEach((_, i) => {
      const f = fast[i]
      const s = slow[i]
      if (f === undefined || s === undefined) return
      const sign = Math.sign(f - s)
      if (sign !== 0 && prev !== 0 && sign !== prev) expected.push({ i, side: sign > 0 ? 'BUY' : 'SELL' })
      if (sign !== 0) prev = sign
    })
    expect(expected.length).toBeGreaterThanOrEqual(2)
    // Long-only and flat: only the bullish crossings produce (ENTRY) signals.
    const s = run(
      new EmaCrossover({ venue: 'binance', symbol: 'BTCUSDT', interval: '1m', fast: 3, slow: 5 }),
      candles(wave),
    )
    const bullish = expected.filter((e) => e.side === 'BUY')
    expect(s.map((x) => x.tsEvent)).toEqual(bullish.map((e) => e.i * 60_000 + 59_999))
    expect(
      s.every((x) => x.side === 'BUY' && x.intent === 'ENTRY' && x.strategyId.startsWith('ema-crossover')),
    ).toBe(true)
  })

  it('exits a long on a bearish crossing and shorts only when allowed', () => {
    const long: Position = {
      venue: 'binance',
      symbol: 'BTCUSDT',
      qty: new Decimal(1),
      realizedPnl: new Decimal(0),
      unrealizedPnl: new Decimal(0),
    }
    const data = candles([10, 10, 10, 10, 10, 11, 12, 13, 14, 15, 13, 11, 9, 7])
    const s = run(
      new EmaCrossover({ venue: 'binance', symbol: 'BTCUSDT', interval: '1m', fast: 2, slow: 4 }),
      data,
      host([long]),
    )
    expect(s.map((x) => `${x.side}/${x.intent}`)).toEqual(['SELL/EXIT'])
    const t = run(
      new EmaCrossover({
        venue: 'binance',
        symbol: 'BTCUSDT',
        interval: '1m',
        fast: 2,
        slow: 4,
        allowShort: true,
      }),
      data,
      host([long]),
    )
    expect(t.map((x) => `${x.side}/${x.intent}`)).toEqual(['SELL/EXIT', 'SELL/ENTRY'])
  })

  it('ignores open candles, other symbols and other intervals (no look-ahead)', () => {
    const data = candles(wave).map((c) => ({ ...c, isClosed: false }))
    expect(
      run(new EmaCrossover({ venue: 'binance', symbol: 'BTCUSDT', interval: '1m', fast: 3, slow: 5 }), data),
    ).toEqual([])
    expect(
      run(
        new EmaCrossover({ venue: 'binance', symbol: 'ETHUSDT', interval: '1m', fast: 3, slow: 5 }),
        candles(wave),
      ),
    ).toEqual([])
  })

  it('rejects bad parameters with a ConfigError', () => {
    expect(
      () => new EmaCrossover({ venue: 'b', symbol: 's', interval: '1m', fast: 10, slow: 5 }),
    ).toThrowError(/fast/)
  })

  it('restores from a snapshot and continues with the same signals', () => {
    const data = candles([...wave, ...wave, ...wave])
    const cfg = { venue: 'binance', symbol: 'BTCUSDT', interval: '1m', fast: 3, slow: 5 }
    const full = run(new EmaCrossover(cfg), data)
    const first = new EmaCrossover(cfg)
    const r1 = new StrategyRunner(first, host())
    r1.start()
    for (const c of data.slice(0, 30)) r1.candle(c)
    const saved = JSON.parse(JSON.stringify(r1.snapshot()))
    const second = new EmaCrossover(cfg)
    const r2 = new StrategyRunner(second, host())
    r2.restore(saved)
    const after: Signal[] = []
    r2.events.on('signal', (s) => after.push(s))
    r2.start()
    for (const c of data.slice(30)) r2.candle(c)
    expect(after.map((s) => s.tsEvent)).toEqual(
      full.filter((s) => s.tsEvent > data[29]!.closeTime).map((s) => s.tsEvent),
    )
  })

  it('keeps the last historyLength candles in order once the history has wrapped, and restores from them', () => {
    const data = candles(Array.from({ length: 173 }, (_, i) => 100 + 10 * Math.sin(i / 4)))
    const cfg = { venue: 'binance', symbol: 'BTCUSDT', interval: '1m', fast: 3, slow: 5 } // history: 50 candles
    const full = run(new EmaCrossover(cfg), data)
    const r1 = new StrategyRunner(new EmaCrossover(cfg), host())
    r1.start()
    for (const c of data.slice(0, 123)) r1.candle(c)
    const saved = JSON.parse(JSON.stringify(r1.snapshot())) as {
      strategyId: string
      state: { candles: Candle[] }
    }
    expect(saved.state.candles.map((c) => c.closeTime)).toEqual(data.slice(73, 123).map((c) => c.closeTime))
    const r2 = new StrategyRunner(new EmaCrossover(cfg), host())
    r2.restore(saved)
    const after: Signal[] = []
    r2.events.on('signal', (s) => after.push(s))
    r2.start()
    for (const c of data.slice(123)) r2.candle(c)
    expect(after.length).toBeGreaterThan(0)
    expect(after.map((s) => s.tsEvent)).toEqual(
      full.filter((s) => s.tsEvent > data[122]!.closeTime).map((s) => s.tsEvent),
    )
    const state = r2.snapshot()?.state as { candles: Candle[] }
    expect(state.candles.map((c) => c.closeTime)).toEqual(data.slice(123).map((c) => c.closeTime))
  })
})

describe('RsiMeanReversion', () => {
  it('buys when RSI falls through oversold', () => {
    const down = [50, 51, 52, 53, 54, 55, 56, 55, 54, 52, 49, 45, 40, 34, 27]
    const s = run(
      new RsiMeanReversion({ venue: 'binance', symbol: 'BTCUSDT', interval: '1m', period: 5 }),
      candles(down),
    )
    expect(s).toHaveLength(1)
    expect(s[0]?.side).toBe('BUY')
  })
})

describe('RsiMeanReversion on a low-priced instrument', () => {
  it('sees a SHIB-priced rally as overbought, never oversold (no fixed cut-off zeroes its RSI)', () => {
    // 30 choppy bars around 1e-5 (+6e-8 / −5e-8), then 60 bars rising 2e-9 each: average moves far below 1e-8
    const chop = Array.from({ length: 30 }, (_, i) => 1e-5 + (i % 2 === 0 ? 6e-8 : -5e-8))
    const rally = Array.from({ length: 60 }, (_, i) => 1e-5 + (i + 1) * 2e-9)
    const data = candles([...chop, ...rally])
    const rallyStart = data[30]!.openTime
    const long: Position = {
      venue: 'binance',
      symbol: 'BTCUSDT',
      qty: new Decimal(1),
      realizedPnl: new Decimal(0),
      unrealizedPnl: new Decimal(0),
    }
    const cfg = { venue: 'binance', symbol: 'BTCUSDT', interval: '1m', period: 14 }
    const flat = run(new RsiMeanReversion(cfg), data).filter((x) => x.tsEvent > rallyStart)
    expect(flat.filter((x) => x.side === 'BUY')).toEqual([])
    // held long: the rally's RSI rising through 70 exits it
    const held = run(new RsiMeanReversion(cfg), data, host([long])).filter((x) => x.tsEvent > rallyStart)
    expect(held.map((x) => `${x.side}/${x.intent}`)).toEqual(['SELL/EXIT'])
  })
})

describe('BollingerBreakout', () => {
  it('buys the close that breaks above the upper band', () => {
    const data = [10, 10.1, 9.9, 10, 10.1, 9.9, 10, 10.1, 9.9, 10, 10.1, 9.9, 12]
    const s = run(
      new BollingerBreakout({ venue: 'binance', symbol: 'BTCUSDT', interval: '1m', period: 10 }),
      candles(data),
    )
    expect(s.map((x) => x.tsEvent)).toEqual([12 * 60_000 + 59_999])
  })
})

describe('MacdTrend', () => {
  it('buys when the histogram turns positive', () => {
    const data = [
      ...Array.from({ length: 30 }, (_, i) => 100 - i * i * 0.02),
      ...Array.from({ length: 15 }, (_, i) => 85 + i * 2),
    ]
    const s = run(
      new MacdTrend({ venue: 'binance', symbol: 'BTCUSDT', interval: '1m', fast: 3, slow: 6, signal: 3 }),
      candles(data),
    )
    expect(s.length).toBe(1)
    expect(s[0]?.side).toBe('BUY')
  })
})

function book(symbol: string, asks: [number, number][], ts = 1): BookSnapshot {
  return { venue: 'polymarket', symbol, bids: [], asks, tsEvent: ts }
}

describe('ComplementArbitrage', () => {
  it('walks both ladders while the pair cost stays below 1 - margin', () => {
    const opp = findComplementOpportunity(
      [
        [0.45, 10],
        [0.47, 20],
        [0.5, 100],
      ],
      [
        [0.5, 15],
        [0.52, 100],
      ],
      { feeRate: 0, margin: 0.01, maxShares: 1000 },
    )
    // 0.45+0.50 (10) , 0.47+0.50 (5), 0.47+0.52 = 0.99 >= 0.99 stops
    expect(opp?.qty).toBe(15)
    expect(opp?.yesLimit).toBe(0.47)
    expect(opp?.noLimit).toBe(0.5)
    expect(
      findComplementOpportunity([[0.5, 10]], [[0.5, 10]], { feeRate: 0, margin: 0, maxShares: 10 }),
    ).toBeUndefined()
  })

  it('emits two grouped LIMIT BUY signals capped by depth', () => {
    const arb = new ComplementArbitrage({ yesTokenId: 'Y', noTokenId: 'N', margin: 0.02, minShares: 5 })
    const h = host()
    const runner = new StrategyRunner(arb, h)
    const out: Signal[] = []
    runner.events.on('signal', (s) => out.push(s))
    runner.start()
    runner.book(book('Y', [[0.4, 50]]))
    expect(out).toHaveLength(0)
    runner.book(book('N', [[0.55, 30]]))
    expect(out).toHaveLength(2)
    expect(out[0]?.groupId).toBe(out[1]?.groupId)
    expect(out.map((s) => s.limitPrice?.toString())).toEqual(['0.4', '0.55'])
    expect(out.every((s) => s.maxQty?.eq(30))).toBe(true)
    runner.book(book('N', [[0.55, 30]]))
    expect(out).toHaveLength(2) // cooldown
  })

  it('judges a pair on both books: its legs carry the older book’s time, for the data-age check', () => {
    const arb = new ComplementArbitrage({ yesTokenId: 'Y', noTokenId: 'N', margin: 0.02, cooldownMs: 0 })
    const h = host()
    const runner = new StrategyRunner(arb, h)
    const out: Signal[] = []
    runner.events.on('signal', (s) => out.push(s))
    runner.start()
    runner.book(book('N', [[0.55, 30]], 1_000))
    runner.book(book('Y', [[0.4, 50]], 61_000)) // a fresh YES book paired with NO asks a minute old
    expect(out.map((s) => [s.symbol, s.tsEvent])).toEqual([
      ['Y', 1_000],
      ['N', 1_000],
    ])
    runner.book(book('N', [[0.55, 30]], 62_000)) // NO fresh again: the older book is now the YES one
    expect(out.slice(2).map((s) => s.tsEvent)).toEqual([61_000, 61_000])
    runner.book(book('Y', [[0.4, 50]], Number.NaN)) // a book without a valid time vouches for nothing
    expect(out).toHaveLength(4)
  })
})

describe('ResolutionSniper', () => {
  it('buys the resolved outcome below the threshold only', () => {
    const sniper = new ResolutionSniper({ tokenIds: ['Y', 'N'], threshold: 0.98, maxShares: 40 })
    const runner = new StrategyRunner(sniper, host())
    const out: Signal[] = []
    runner.events.on('signal', (s) => out.push(s))
    runner.start()
    runner.book(book('Y', [[0.9, 10]]))
    expect(out).toHaveLength(0)
    sniper.markResolved('Y')
    runner.book(
      book('Y', [
        [0.95, 10],
        [0.97, 50],
        [0.99, 100],
      ]),
    )
    expect(out).toHaveLength(1)
    expect(out[0]?.maxQty?.toString()).toBe('40')
    expect(out[0]?.limitPrice?.toString()).toBe('0.97')
    runner.book(book('Y', [[0.95, 10]]))
    expect(out).toHaveLength(1) // budget used
  })
})

/** A runner of a shorting EmaCrossover(2, 3) on BTCUSDT 1m, collecting signals and ignored candles. */
function crossRunner() {
  const r = new StrategyRunner(
    new EmaCrossover({
      venue: 'binance',
      symbol: 'BTCUSDT',
      interval: '1m',
      fast: 2,
      slow: 3,
      allowShort: true,
    }),
    host(),
  )
  const out: Signal[] = []
  const ignored: CandleIgnoredEvent[] = []
  r.events.on('signal', (s) => out.push(s))
  r.events.on('candle.ignored', (e) => ignored.push(e))
  r.start()
  return { r, out, ignored }
}

describe('StrategyRunner: each closed bar once, in order', () => {
  it('an older closed candle after newer ones is not a new bar (reported as stale)', () => {
    const { r, out, ignored } = crossRunner()
    const h = candles([100, 101, 102, 103, 104, 105])
    for (const c of h) r.candle(c)
    expect(out).toEqual([])
    r.candle(h[0]!) // a REST backfill overlapping the stream: fed to the EMAs it would cross them down
    expect(out).toEqual([])
    expect(ignored).toEqual([
      { type: 'candle.ignored', reason: 'stale', candle: h[0], lastOpenTime: h[5]!.openTime, tsEvent: 0 },
    ])
  })

  it('the same closed candle twice moves the indicators once (reported as repeated, even with other values)', () => {
    const a = crossRunner()
    const b = crossRunner()
    const closes = [100, 101, 102, 103, 104, 99, 98]
    const data = candles(closes)
    for (const c of data) a.r.candle(c)
    data.forEach((c, i) => {
      b.r.candle(c)
      if (i === 4) {
        b.r.candle(c)
        b.r.candle({ ...c, close: 90, low: 90 }) // a "correction" of a closed bar is not taken either
      }
    })
    const snap = (x: ReturnType<typeof crossRunner>) => (x.r.strategy as EmaCrossover).snapshot().candles
    expect(snap(b)).toEqual(snap(a))
    expect(b.out).toEqual(a.out)
    expect(b.ignored.map((e) => [e.reason, e.candle.openTime, e.lastOpenTime])).toEqual([
      ['repeated', 4 * 60_000, 4 * 60_000],
      ['repeated', 4 * 60_000, 4 * 60_000],
    ])
  })

  it('tracks each instrument and interval apart', () => {
    const seen: string[] = []
    const multi: Strategy = {
      id: 'multi',
      requirements: {
        instruments: [
          { venue: 'binance', symbol: 'BTCUSDT' },
          { venue: 'binance', symbol: 'ETHUSDT' },
        ],
        candles: ['1m', '5m'],
      },
      onCandle: (c) => void seen.push(`${c.symbol} ${c.interval} ${c.openTime / 60_000}`),
    }
    const r = new StrategyRunner(multi, host())
    r.start()
    const [b0, b1] = candles([1, 2])
    const [e0] = candles([1], 'ETHUSDT')
    for (const c of [b0!, b1!, e0!, { ...b0!, interval: '5m' }, e0!, b0!]) r.candle(c)
    expect(seen).toEqual(['BTCUSDT 1m 0', 'BTCUSDT 1m 1', 'ETHUSDT 1m 0', 'BTCUSDT 5m 0'])
  })
})

describe('CandleStrategy.onCandle (called directly, without a runner)', () => {
  const ctx = (signals: Signal[]): StrategyContext => ({
    strategyId: 'x',
    clock: new ManualClock(0),
    logger: silentLogger,
    signal: (p) => {
      const sig = { ...p, strategyId: 'x', tsEvent: p.tsEvent ?? 0 } as Signal
      signals.push(sig)
      return sig
    },
    quote: () => {
      throw new Error('no quotes')
    },
    cancelOrders: async () => ({ canceled: [], failed: [] }),
    position: () => undefined,
    positions: () => [],
    openOrders: () => [],
    booksShowOwnOrders: () => true,
  })

  it('evaluates only closed candles, each bar once, as its docs say', () => {
    const cfg = { venue: 'binance', symbol: 'BTCUSDT', interval: '1m', fast: 2, slow: 3 }
    const s = new EmaCrossover(cfg)
    const signals: Signal[] = []
    const data = candles([100, 99, 98, 97, 101, 103])
    for (const c of data) {
      s.onCandle({ ...c, isClosed: false, close: 1, low: 1 }, ctx(signals)) // forming: never evaluated
      s.onCandle(c, ctx(signals))
      s.onCandle(c, ctx(signals)) // repeated
      s.onCandle(data[0]!, ctx(signals)) // stale
    }
    expect(s.snapshot().candles).toEqual(data)
    const once = run(new EmaCrossover(cfg), data)
    expect(once).toHaveLength(1)
    expect(signals.map((x) => x.tsEvent)).toEqual(once.map((x) => x.tsEvent))
  })

  it('after a restore, a candle the snapshot already holds is not evaluated again', () => {
    const cfg = { venue: 'binance', symbol: 'BTCUSDT', interval: '1m', fast: 2, slow: 3 }
    const data = candles([100, 101, 102, 103, 104, 105])
    const first = new EmaCrossover(cfg)
    for (const c of data) first.onCandle(c, ctx([]))
    const restored = new EmaCrossover(cfg)
    restored.restore(JSON.parse(JSON.stringify(first.snapshot())))
    const signals: Signal[] = []
    restored.onCandle(data[0]!, ctx(signals))
    restored.onCandle(data[5]!, ctx(signals))
    expect(restored.snapshot()).toEqual(first.snapshot())
    expect(signals).toEqual([])
  })
})

describe('StrategyRunner', () => {
  it('isolates a throwing strategy and reports the error', () => {
    const bad: Strategy = {
      id: 'bad',
      requirements: { instruments: [{ venue: 'binance', symbol: 'BTCUSDT' }], candles: ['1m'] },
      onCandle() {
        throw new Error('bug')
      },
    }
    const runner = new StrategyRunner(bad, host())
    const errors: unknown[] = []
    runner.events.on('error', (e) => errors.push(e))
    runner.start()
    expect(() => runner.candle(candles([1])[0]!)).not.toThrow()
    expect(errors).toHaveLength(1)
  })
})
