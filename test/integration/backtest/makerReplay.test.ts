/**
 * Market making on recorded books: a BinanceSim USD-M session (depth and trades) is recorded, then replayed through
 * Binance's live decoder into a TradingEngine with a SpreadQuoter and a PaperTrader (maker fills with queue position)
 * on a manual clock. The replay quotes, gets maker fills, and two replays of the same recording give exactly the same
 * quotes, fills and metrics.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  type RecordedMessage,
  Recorder,
  type ReplayDecoder,
  type ReplayEvent,
  ReplayFeed,
  readRecording,
} from '../../../src/backtest/index.js'
import { ManualClock } from '../../../src/core/clock.js'
import type { Instrument } from '../../../src/core/types.js'
import { BinanceMarketStream, BinanceUsdm, decodeMarketEvent } from '../../../src/exchanges/binance/index.js'
import { PaperTrader, Portfolio, QuoteMetrics } from '../../../src/execution/index.js'
import { TradingEngine } from '../../../src/index.js'
import { RiskManager } from '../../../src/risk/index.js'
import { BinanceSim } from '../../../src/sim/index.js'
import { SpreadQuoter } from '../../../src/strategies/index.js'

const cleanups: Array<() => Promise<unknown> | unknown> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

/** Binance's live decoder; a partial-depth frame carries no event time, so it gets its receive time (as live). */
const decode: ReplayDecoder = (m: RecordedMessage) => {
  const r = decodeMarketEvent(m.data, 'usdm')
  if (!r.ok) return r
  const e = r.value
  const out: ReplayEvent[] = []
  if (e.type === 'trade') out.push({ kind: 'trade', value: e })
  if (e.type === 'bookDepth') {
    const { venue, symbol, bids, asks, lastUpdateId } = e
    out.push({
      kind: 'book',
      value: { venue, symbol, bids, asks, sequence: lastUpdateId, tsEvent: e.tsEvent || m.t },
    })
  }
  return { ok: true, value: out }
}

async function replay(file: string, btc: Instrument) {
  const clock = new ManualClock(0)
  const feed = new ReplayFeed({ decode, clock })
  const portfolio = new Portfolio({ balances: { USDT: '100000' }, instruments: [btc], clock })
  const paper = new PaperTrader({ instruments: [btc], portfolio, clock, queuePosition: 0.5 })
  const engine = new TradingEngine({
    clock,
    feeds: [{ name: 'replay', venue: btc.venue, source: feed }],
    strategies: [
      new SpreadQuoter({
        venue: btc.venue,
        symbol: 'BTCUSDT',
        size: '0.003',
        spreadBps: 1,
        levels: 2,
        refreshMs: 300,
      }),
    ],
    risk: new RiskManager({ clock, maxDataAgeMs: 3_600_000, quotes: { maxInventory: '0.02' } }),
    executors: [paper],
    portfolio,
    instruments: [btc],
    feedHealth: { checkIntervalMs: 0 },
  })
  const metrics = new QuoteMetrics({
    quotes: engine.quoteManager(btc.venue)!,
    client: paper,
    clock,
    markoutsMs: [1_000],
  })
  engine.events.on('book', (b) => metrics.onBook(b))
  const sent: string[] = []
  engine
    .quoteManager(btc.venue)!
    .events.on('quote.sent', (q) => sent.push(`${q.tsEvent} ${q.side} ${q.price} ${q.qty}`))
  const fills: string[] = []
  paper.events.on('order.filled', (e) => {
    for (const f of e.fills) fills.push(`${f.tsEvent} ${f.side} ${f.price} ${f.qty} ${f.liquidity}`)
  })
  await engine.start()
  await feed.play(readRecording(file))
  const report = metrics.report()
  await engine.stop()
  return { sent, fills, report, position: portfolio.position(btc.venue, 'BTCUSDT')?.qty.toFixed() ?? '0' }
}

describe('market making on recorded books', () => {
  it('a replayed BinanceSim USD-M session quotes, fills as maker, and replays identically', async () => {
    const sim = await BinanceSim.start({ seed: 33, tickMs: 20 })
    cleanups.push(() => sim.close())
    const usdm = new BinanceUsdm({ ...sim.urls.usdm })
    cleanups.push(() => usdm.close())
    const btc = await usdm.instrument('BTCUSDT')
    const file = join(mkdtempSync(join(tmpdir(), 'tk-mm-replay-')), 'session.jsonl')
    const recorder = await Recorder.open(file)
    const stream = new BinanceMarketStream({
      market: 'usdm',
      streamUrl: sim.urls.usdm.streamUrl,
      WebSocket: recorder.recordingWebSocket('binance-spot'),
    })
    await stream.subscribe(['btcusdt@depth20@100ms', 'btcusdt@aggTrade'])
    await new Promise((r) => setTimeout(r, 5_000))
    await stream.close()
    await recorder.close()

    const a = await replay(file, btc)
    const b = await replay(file, btc)
    expect(a.sent.length).toBeGreaterThan(4)
    expect(a.fills.length).toBeGreaterThan(0)
    expect(a.fills.every((f) => f.endsWith('MAKER'))).toBe(true)
    expect(Math.abs(Number(a.position))).toBeLessThanOrEqual(0.02)
    expect(a.report.fills).toBe(a.fills.length)
    expect(b.sent).toEqual(a.sent)
    expect(b.fills).toEqual(a.fills)
    expect(b.report).toEqual(a.report)
  }, 60_000)
})
