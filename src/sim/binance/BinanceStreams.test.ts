import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import type { WebSocket } from 'ws'
import { ManualClock } from '../../core/index.js'
import { FaultQueue } from '../shared/FaultQueue.js'
import { BinanceStreams, usdmRouteOf } from './BinanceStreams.js'
import { SimEngine } from './engine.js'
import { resolveSpec } from './specs.js'

function fakeSocket() {
  const sent: string[] = []
  const ws = Object.assign(new EventEmitter(), {
    readyState: 1,
    send: (text: string) => sent.push(text),
    close: () => {},
  })
  return { ws: ws as unknown as WebSocket, sent, emitter: ws }
}

describe('BinanceStreams', () => {
  it('routes USD-M streams to /public or /market', () => {
    expect(usdmRouteOf('btcusdt@bookTicker')).toBe('public')
    expect(usdmRouteOf('btcusdt@depth@100ms')).toBe('public')
    expect(usdmRouteOf('btcusdt@aggTrade')).toBe('market')
  })

  it('delivers subscribed streams, answers SUBSCRIBE, and sends hostile payloads on demand', () => {
    const noop = () => {}
    const engine = new SimEngine({ orderUpdate: noop, accountUpdate: noop, algoUpdate: noop, trade: noop })
    engine.addSymbol('spot', resolveSpec('BTCUSDT', 'spot'), 1)
    const clock = new ManualClock(1_000)
    const malformed = new FaultQueue<{ kind: 'nan' }>()
    const streams = new BinanceStreams({
      engine,
      clock,
      now: () => clock.now(),
      maxConnectionAgeMs: 10,
      malformed,
    })
    const s = fakeSocket()
    streams.open(s.ws, 'spot', 'spot', '/ws/btcusdt@trade', new URL('http://x/ws/btcusdt@trade'))
    expect(streams.size).toBe(1)
    s.emitter.emit('message', JSON.stringify({ method: 'SUBSCRIBE', params: ['btcusdt@aggTrade'], id: 1 }))
    expect(JSON.parse(s.sent.pop() as string)).toEqual({ result: null, id: 1 })
    const m = engine.market('spot', 'BTCUSDT')
    streams.publishTrade('spot', m, 7, m.midTicks, 1, true, 5)
    expect(s.sent.map((t) => JSON.parse(t).e)).toEqual(['trade', 'aggTrade'])
    malformed.add({ kind: 'nan' })
    streams.publishTrade('spot', m, 8, m.midTicks, 1, true, 5)
    expect(JSON.parse(s.sent[2] as string).p).toBe('NaN')
    streams.stall(100)
    streams.publishTrade('spot', m, 9, m.midTicks, 1, true, 5)
    expect(s.sent).toHaveLength(4)
  })
})
