import { describe, expect, it } from 'vitest'
import { ManualClock } from '../core/clock.js'
import type { CancelAllResult, Signal } from '../core/ports.js'
import type { BookSnapshot, Candle, Order, Position } from '../core/types.js'
import { Decimal } from '../decimal/index.js'
import {
  BollingerBreakout,
  ComplementArbitrage,
  EmaCrossover,
  findComplementOpportunity,
  MacdTrend,
  ResolutionSniper,
  RsiMeanReversion,
  type Strategy,
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
