/**
 * Parity: the same market data gives the same signals on every path. A session is traded on BinanceSim through the
 * real adapter stream (paper-on-sim) while every raw frame is recorded; the recording is then replayed through
 * Binance's decoder into a fresh engine, and its closed candles are backtested with the Backtester.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  Backtester,
  type RecordedMessage,
  Recorder,
  type ReplayDecoder,
  ReplayFeed,
  readRecording,
} from '../../../src/backtest/index.js'
import type { Clock } from '../../../src/core/clock.js'
import { ManualClock, SystemClock } from '../../../src/core/clock.js'
import type { MarketDataSource, Signal } from '../../../src/core/ports.js'
import type { Candle, Instrument } from '../../../src/core/types.js'
import { BinanceMarketStream, BinanceSpot, decodeMarketEvent } from '../../../src/exchanges/binance/index.js'
import { PaperTrader, Portfolio } from '../../../src/execution/index.js'
import { TradingEngine } from '../../../src/index.js'
import { RiskManager, type RiskManagerConfig } from '../../../src/risk/index.js'
import { BinanceSim } from '../../../src/sim/index.js'
import { EmaCrossover, RsiMeanReversion } from '../../../src/strategies/index.js'

const cleanups: Array<() => Promise<unknown> | unknown> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

const riskConfig: Omit<RiskManagerConfig, 'clock' | 'store'> = {
  sizing: { method: 'fixedNotional', notional: '200' },
  requireStop: false,
  maxDataAgeMs: 3_600_000,
}
const strategies = (venue: string) => [
  new EmaCrossover({ venue, symbol: 'BTCUSDT', interval: '1s', fast: 2, slow: 3 }),
  new RsiMeanReversion({ venue, symbol: 'ETHUSDT', interval: '1s', period: 2, oversold: 40, overbought: 60 }),
]
const key = (s: { symbol: string; side: string; intent: string }, t: number) =>
  `${t}:${s.symbol}:${s.side}/${s.intent}`

function engineOn(clock: Clock, source: MarketDataSource, instruments: Instrument[]) {
  const portfolio = new Portfolio({ balances: { USDT: '100000' }, instruments, clock })
  const paper = new PaperTrader({ instruments, portfolio, clock })
  const signals: Signal[] = []
  const engine = new TradingEngine({
    clock,
    feeds: [{ name: 'binance-spot', venue: instruments[0]!.venue, source }],
    strategies: strategies(instruments[0]!.venue),
    risk: new RiskManager({ ...riskConfig, clock }),
    executors: [paper],
    portfolio,
    instruments,
    feedHealth: { checkIntervalMs: 0 },
  })
  engine.events.on('signal', (s) => signals.push(s))
  engine.events.on('error', () => {})
  return { engine, signals }
}

describe('parity: paper-on-sim, replay and backtest', () => {
  it('produce the same signals for the same data', async () => {
    const sim = await BinanceSim.start({ seed: 21, tickMs: 20 })
    cleanups.push(() => sim.close())
    const spot = new BinanceSpot({ ...sim.urls.spot })
    cleanups.push(() => spot.close())
    const instruments = [await spot.instrument('BTCUSDT'), await spot.instrument('ETHUSDT')]
    const file = join(mkdtempSync(join(tmpdir(), 'tk-parity-')), 'session.jsonl')
    const recorder = await Recorder.open(file)
    const stream = new BinanceMarketStream({
      market: 'spot',
      streamUrl: sim.urls.spot.streamUrl,
      WebSocket: recorder.recordingWebSocket('binance-spot'),
    })
    cleanups.push(() => stream.close())

    // 1. Paper trading on the simulator, live.
    const live = engineOn(new SystemClock(), stream, instruments)
    await live.engine.start()
    await stream.subscribe(['btcusdt@kline_1s', 'ethusdt@kline_1s'])
    const t0 = Date.now()
    while (live.signals.length < 3 && Date.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 100))
    await live.engine.stop()
    await stream.close()
    await recorder.close()
    expect(live.signals.length).toBeGreaterThanOrEqual(2)

    // 2. Replay of the recording through Binance's decoder.
    const decode: ReplayDecoder = (m: RecordedMessage) => {
      const r = decodeMarketEvent(m.data, 'spot')
      if (!r.ok) return r
      return { ok: true, value: r.value.type === 'candle' ? [{ kind: 'candle', value: r.value }] : [] }
    }
    const replayClock = new ManualClock(0)
    const replayFeed = new ReplayFeed({ decode, clock: replayClock })
    const replay = engineOn(replayClock, replayFeed, instruments)
    await replay.engine.start()
    await replayFeed.play(readRecording(file))
    await replay.engine.stop()

    // 3. Backtest over the recorded closed candles.
    const candles: Candle[] = []
    for await (const m of readRecording(file)) {
      if (m instanceof Error) continue
      const r = decodeMarketEvent(m.data, 'spot')
      if (r.ok && r.value.type === 'candle' && r.value.isClosed) {
        const { type: _t, tsEvent: _e, ...c } = r.value
        candles.push(c)
      }
    }
    const report = await new Backtester({
      instruments,
      balances: { USDT: '100000' },
      strategies: () => strategies(instruments[0]!.venue),
      risk: riskConfig,
    }).run(candles)

    const liveKeys = live.signals.map((s) => key(s, s.tsEvent))
    expect(replay.signals.map((s) => key(s, s.tsEvent))).toEqual(liveKeys)
    expect(report.signalLog.map((s) => key(s, s.t))).toEqual(liveKeys)
  }, 60_000)
})
