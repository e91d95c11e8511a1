/**
 * `seed` makes a BinanceSim run reproducible: the same seed and the same clock start give the same candles and the
 * same fills, whatever the timer jitter; another seed gives another market. Three bots (seed 1, seed 1, seed 2) run
 * at once on a sped-up clock (120×) through the real adapter, stream, engine, risk and PaperTrader.
 *
 * The risk data-age limit and the feed-health window are widened here: at 120× a 5 s limit is 42 real ms, and a
 * busy machine (not the market) would decide whether a signal is denied. What is compared is the market and what
 * the bot does with it.
 */
import { describe, expect, it } from 'vitest'
import { type Clock, SystemClock, type TimerHandle } from '../../../src/core/clock.js'
import type { Fill } from '../../../src/core/types.js'
import { TradingEngine } from '../../../src/engine/index.js'
import { BinanceMarketStream, BinanceSpot } from '../../../src/exchanges/binance/index.js'
import { PaperTrader } from '../../../src/execution/index.js'
import { RiskManager } from '../../../src/risk/index.js'
import { BinanceSim } from '../../../src/sim/index.js'
import { EmaCrossover } from '../../../src/strategies/index.js'

/**
 * A `ScaledClock` that stands still at `startMs` until `release()`: every bot is subscribed before the market moves,
 * so none misses the first candle however slowly this machine starts three bots.
 */
class HeldClock implements Clock {
  readonly #real = new SystemClock()
  readonly speed: number
  readonly #startMs: number
  #releasedAt: number | undefined
  constructor(speed: number, startMs: number) {
    this.speed = speed
    this.#startMs = startMs
  }
  release(): void {
    this.#releasedAt ??= Date.now()
  }
  now(): number {
    const at = this.#releasedAt
    return at === undefined ? this.#startMs : this.#startMs + Math.floor((Date.now() - at) * this.speed)
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    return this.#real.setTimeout(fn, Math.max(0, ms) / this.speed)
  }
  clearTimeout(handle: TimerHandle | undefined): void {
    this.#real.clearTimeout(handle)
  }
}

interface Run {
  readonly closes: number[]
  readonly fills: Fill[]
  stop(): Promise<void>
}

async function bot(seed: number, until: (r: Run) => boolean): Promise<Run> {
  const clock = new HeldClock(120, Date.UTC(2026, 0, 1))
  const sim = await BinanceSim.start({ clock, seed })
  const spot = new BinanceSpot(sim.urls.spot)
  const btc = await spot.instrument('BTCUSDT')
  const stream = new BinanceMarketStream({ market: 'spot', streamUrl: sim.urls.spot.streamUrl })
  const paper = new PaperTrader({ instruments: [btc], balances: { USDT: '10000' }, clock })
  const engine = new TradingEngine({
    clock,
    feeds: [{ name: 'binance', venue: btc.venue, source: stream, close: () => stream.close() }],
    strategies: [
      new EmaCrossover({ venue: btc.venue, symbol: 'BTCUSDT', interval: '1m', fast: 5, slow: 13 }),
    ],
    risk: new RiskManager({ clock, maxDataAgeMs: 600_000 }),
    executors: [paper],
    portfolio: paper.portfolio,
    instruments: [btc],
    feedHealth: { staleAfterMs: 600_000 },
  })
  const run: Run = {
    closes: [],
    fills: [],
    stop: async () => {
      await engine.stop()
      await spot.close()
      await sim.close()
    },
  }
  const reached = new Promise<void>((resolve, reject) => {
    const check = () => {
      if (until(run)) resolve()
    }
    engine.events.on('candle', (c) => {
      if (c.isClosed) run.closes.push(c.close)
      check()
    })
    engine.events.on('order.filled', (e) => {
      run.fills.push(...e.fills)
      check()
    })
    engine.events.on('error', reject)
  })
  await engine.start()
  await stream.subscribe(['btcusdt@kline_1m', 'btcusdt@depth20@100ms'])
  clock.release()
  await reached
  return run
}

const view = (fills: Fill[]) =>
  fills.map((f) => `${f.side} ${f.qty.toFixed()} @ ${f.price.toFixed()} fee ${f.fee.toFixed()}`)

describe('BinanceSim seed', () => {
  it('the same seed gives the same candles and the same fills; another seed another market', async () => {
    const twoTrades = (r: Run) => r.fills.some((f) => f.side === 'SELL') && r.closes.length >= 20
    const runs = await Promise.all([
      bot(1, twoTrades),
      bot(1, twoTrades),
      bot(2, (r) => r.closes.length >= 20),
    ])
    try {
      const [a, b, c] = runs as [Run, Run, Run]
      const n = Math.min(a.closes.length, b.closes.length)
      expect(a.closes.slice(0, n)).toEqual(b.closes.slice(0, n))
      expect(a.closes.slice(0, 20)).not.toEqual(c.closes.slice(0, 20))
      const buyAndSell = (r: Run) => view(r.fills).slice(0, r.fills.findIndex((f) => f.side === 'SELL') + 1)
      expect(buyAndSell(a).length).toBeGreaterThanOrEqual(2)
      expect(buyAndSell(a)).toEqual(buyAndSell(b))
    } finally {
      await Promise.all(runs.map((r) => r.stop()))
    }
  }, 180_000)
})
