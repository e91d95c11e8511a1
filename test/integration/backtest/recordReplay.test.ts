import { mkdtempSync, readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocketServer } from 'ws'
import {
  type RecordedMessage,
  Recorder,
  type ReplayDecoder,
  ReplayFeed,
  readRecording,
} from '../../../src/backtest/index.js'
import { ManualClock, SystemClock } from '../../../src/core/clock.js'
import type { Trade } from '../../../src/core/types.js'
import { ExchangeDataError } from '../../../src/errors/index.js'
import { ReconnectingWebSocket } from '../../../src/transport/index.js'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

/** A tiny decoder for the test venue's frames: {"p":"1.5","q":"2","i":7} → a trade. */
const decode: ReplayDecoder = (m: RecordedMessage) => {
  if (m.src !== 'ws') return { ok: true, value: [] }
  try {
    const f = JSON.parse(m.data) as { p: string; q: string; i: number }
    const price = Number(f.p)
    const qty = Number(f.q)
    if (!(price > 0) || !(qty > 0)) throw new Error('bad price or qty')
    const t: Trade = {
      venue: 'test',
      symbol: 'X',
      tradeId: String(f.i),
      price,
      qty,
      side: 'BUY',
      tsEvent: m.t,
    }
    return { ok: true, value: [{ kind: 'trade', value: t }] }
  } catch (e) {
    return { ok: false, error: new ExchangeDataError('test', 'bad frame', [String(e)], m.data) }
  }
}

describe('Recorder and ReplayFeed', () => {
  it('records WS frames and REST bodies with receive times, strips secrets, and replays them in order', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 })
    await new Promise<void>((r) => wss.once('listening', () => r()))
    const frames = ['{"p":"1.5","q":"2","i":1}', '{"p":"NaN","q":"2","i":2}', '{"p":"1.6","q":"1","i":3}']
    wss.on('connection', (ws) => {
      for (const f of frames) ws.send(f)
    })
    cleanups.push(() => new Promise<void>((r) => wss.close(() => r())))
    const http: Server = createServer((_req, res) => res.end('{"serverTime":1}'))
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()))
    cleanups.push(() => new Promise<void>((r) => http.close(() => r())))

    const dir = mkdtempSync(join(tmpdir(), 'tk-rec-'))
    const file = join(dir, 'session.jsonl')
    const rec = await Recorder.open(file, { clock: new SystemClock() })
    const port = (wss.address() as AddressInfo).port
    const rws = new ReconnectingWebSocket(`ws://127.0.0.1:${port}`)
    cleanups.push(() => rws.close())
    rec.attachWebSocket('feed', rws)
    const got = new Promise<void>((resolve) => {
      let n = 0
      rws.events.on('message', () => {
        if (++n === frames.length) resolve()
      })
    })
    await got
    const f = rec.recordingFetch(fetch)
    const httpPort = (http.address() as AddressInfo).port
    const res = await f(`http://127.0.0.1:${httpPort}/api/v3/time?symbol=X&signature=deadbeef&timestamp=1`)
    expect(await res.json()).toEqual({ serverTime: 1 })
    await new Promise((r) => setTimeout(r, 50))
    await rec.close()
    expect(rec.stats().records).toBe(4)

    const text = readFileSync(file, 'utf8')
    expect(text).not.toContain('deadbeef')
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as RecordedMessage)
    expect(lines.filter((l) => l.src === 'ws').map((l) => l.data)).toEqual(frames)
    expect(lines.find((l) => l.src === 'rest')?.ch).toBe('GET /api/v3/time?symbol=X')

    const clock = new ManualClock(0)
    const replay = new ReplayFeed({ decode, clock })
    const trades: string[] = []
    const errors: unknown[] = []
    replay.events.on('trade', (t) => trades.push(`${t.tradeId}@${t.price}`))
    replay.events.on('dataError', (e) => errors.push(e))
    const stats = await replay.play(readRecording(file))
    expect(trades).toEqual(['1@1.5', '3@1.6'])
    expect(errors).toHaveLength(1)
    expect(stats).toEqual({ messages: 4, events: 2, dataErrors: 1 })
    expect(clock.now()).toBe(Math.max(...lines.map((l) => l.t)))

    // Same file, same events: replay is deterministic.
    const again: string[] = []
    const replay2 = new ReplayFeed({ decode, clock: new ManualClock(0) })
    replay2.events.on('trade', (t) => again.push(`${t.tradeId}@${t.price}`))
    replay2.events.on('dataError', () => {})
    await replay2.play(readRecording(file))
    expect(again).toEqual(trades)
  })

  it('counts malformed recording lines and goes on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-rec-'))
    const file = join(dir, 'bad.jsonl')
    const { writeFileSync } = await import('node:fs')
    writeFileSync(
      file,
      `not json\n{"t":1}\n${JSON.stringify({ t: 5, src: 'ws', ch: 'feed', data: '{"p":"2","q":"1","i":9}' })}\n`,
    )
    const replay = new ReplayFeed({ decode })
    const trades: Trade[] = []
    replay.events.on('trade', (t) => trades.push(t))
    replay.events.on('dataError', () => {})
    const stats = await replay.play(readRecording(file))
    expect(stats.dataErrors).toBe(2)
    expect(trades).toHaveLength(1)
  })
})

describe('Recorder with a venue adapter', () => {
  it('records the REST bodies a BinanceSpot receives, with signatures and timestamps stripped', async () => {
    const { BinanceSim } = await import('../../../src/sim/index.js')
    const { BinanceSpot, parseExchangeInfo } = await import('../../../src/exchanges/binance/index.js')
    const sim = await BinanceSim.start({ seed: 2, tickMs: 0 })
    cleanups.push(() => sim.close())
    const file = join(mkdtempSync(join(tmpdir(), 'tk-rec-')), 'rest.jsonl')
    const rec = await Recorder.open(file)
    const spot = new BinanceSpot({
      ...sim.urls.spot,
      apiKey: 'sim-api-key',
      apiSecret: 'sim-api-secret',
      fetch: rec.recordingFetch(fetch),
    })
    cleanups.push(() => spot.close())
    await spot.instrument('BTCUSDT')
    await spot.balances()
    await new Promise((r) => setTimeout(r, 50))
    await rec.close()
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as RecordedMessage)
    const info = lines.find((l) => l.ch.startsWith('GET /api/v3/exchangeInfo'))
    expect(info).toBeDefined()
    expect(parseExchangeInfo(JSON.parse(info!.data), 'spot').symbols.has('BTCUSDT')).toBe(true)
    const account = lines.find((l) => l.ch.startsWith('GET /api/v3/account'))
    expect(account).toBeDefined()
    expect(account!.ch).not.toMatch(/signature|timestamp/)
  })
})
