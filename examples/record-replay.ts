/**
 * Record a session, then replay it: every raw frame of BinanceSim's market streams is written to a JSONL file while
 * an EmaCrossover strategy runs; the file is then played back through Binance's real decoder into a fresh engine,
 * which produces the same signals.
 *
 *   npx tsx examples/record-replay.ts [--duration 8]
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { Recorder, type ReplayDecoder, ReplayFeed, readRecording } from '../src/backtest/index.js'
import { BinanceMarketStream, BinanceSpot, decodeMarketEvent } from '../src/exchanges/binance/index.js'
import { PaperTrader, Portfolio } from '../src/execution/index.js'
import {
  type Clock,
  type Instrument,
  ManualClock,
  type MarketDataSource,
  ScaledClock,
  type Signal,
  TradingEngine,
} from '../src/index.js'
import { RiskManager } from '../src/risk/index.js'
import { BinanceSim } from '../src/sim/index.js'
import { EmaCrossover } from '../src/strategies/index.js'

const { values } = parseArgs({ options: { duration: { type: 'string', default: '8' } } })
const durationMs = Number(values.duration) * 1000

/** One engine with one strategy on one feed; returns the signals it emitted. */
function makeEngine(clock: Clock, source: MarketDataSource, btc: Instrument) {
  const portfolio = new Portfolio({ balances: { USDT: '10000' }, instruments: [btc], clock })
  const paper = new PaperTrader({ instruments: [btc], portfolio, clock })
  const risk = new RiskManager({ clock, maxDataAgeMs: 3_600_000, minStopDistanceFraction: 0.0001 })
  const signals: Signal[] = []
  const engine = new TradingEngine({
    clock,
    feeds: [{ name: 'binance-spot', venue: btc.venue, source }],
    strategies: [new EmaCrossover({ venue: btc.venue, symbol: 'BTCUSDT', interval: '1m', fast: 3, slow: 8 })],
    risk,
    executors: [paper],
    portfolio,
    instruments: [btc],
    feedHealth: { checkIntervalMs: 0 },
  })
  engine.events.on('signal', (s) => signals.push(s))
  engine.events.on('error', (e) => console.error('engine error:', e.message))
  return { engine, signals }
}

// 1. Record a live session on the simulator.
const clock = new ScaledClock({ speed: 600, startMs: Date.UTC(2026, 0, 1) })
const sim = await BinanceSim.start({ seed: 9, clock, tickMs: 50 })
const spot = new BinanceSpot({ ...sim.urls.spot })
const btc = await spot.instrument('BTCUSDT')
const file = join(mkdtempSync(join(tmpdir(), 'tradekit-')), 'session.jsonl')
// Receive times on the live engine's clock: the replay's clock runs through them, so the replayed engine judges the
// age of a price as the live one did (on the system clock, a sped-up session's prices would all look months old).
const recorder = await Recorder.open(file, { clock })
const stream = new BinanceMarketStream({
  market: 'spot',
  streamUrl: sim.urls.spot.streamUrl,
  WebSocket: recorder.recordingWebSocket('binance-spot'),
})
const live = makeEngine(clock, stream, btc)
await live.engine.start()
await stream.subscribe(['btcusdt@kline_1m'])
await new Promise((r) => setTimeout(r, durationMs))
await live.engine.stop()
await stream.close()
await spot.close()
await sim.close()
await recorder.close()
console.log(`recorded ${recorder.stats().records} frames to ${file}; live signals: ${live.signals.length}`)

// 2. Replay it through Binance's decoder into a fresh engine on a manual clock.
const decode: ReplayDecoder = (m) => {
  if (m.src !== 'ws') return { ok: true, value: [] }
  const r = decodeMarketEvent(m.data, 'spot')
  if (!r.ok) return r
  const e = r.value
  if (e.type === 'candle') return { ok: true, value: [{ kind: 'candle', value: e }] }
  if (e.type === 'trade') return { ok: true, value: [{ kind: 'trade', value: e }] }
  return { ok: true, value: [] } // acks and other event types carry no candle
}
const replayClock = new ManualClock(Date.UTC(2026, 0, 1))
const replay = new ReplayFeed({ decode, clock: replayClock })
const again = makeEngine(replayClock, replay, btc)
await again.engine.start()
const stats = await replay.play(readRecording(file))
await again.engine.stop()
console.log(
  `replayed ${stats.messages} frames (${stats.events} events, ${stats.dataErrors} rejected); replay signals: ${again.signals.length}`,
)
const key = (s: Signal) => `${s.side}/${s.intent}@${s.tsEvent}`
const same = JSON.stringify(live.signals.map(key)) === JSON.stringify(again.signals.map(key))
console.log(same ? 'replay matches the live session' : 'MISMATCH between live and replay')
if (!same)
  console.log(`live:   ${live.signals.map(key).join(' ')}\nreplay: ${again.signals.map(key).join(' ')}`)
process.exitCode = same ? 0 : 1
