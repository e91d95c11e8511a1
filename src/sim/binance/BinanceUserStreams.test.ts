import { createHmac } from 'node:crypto'
import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import type { WebSocket } from 'ws'
import { BinanceAuth } from './BinanceAuth.js'
import { BinanceUserStreams } from './BinanceUserStreams.js'
import { SimEngine } from './engine.js'

function fakeSocket() {
  const sent: string[] = []
  const ws = Object.assign(new EventEmitter(), { readyState: 1, send: (text: string) => sent.push(text) })
  return { ws: ws as unknown as WebSocket, sent, emitter: ws }
}

describe('BinanceUserStreams', () => {
  const noop = () => {}
  const engine = new SimEngine({ orderUpdate: noop, accountUpdate: noop, algoUpdate: noop, trade: noop })
  const acc = engine.addAccount('k', { USDT: '10' }, '100')
  const auth = new BinanceAuth(new Map([['k', { apiKey: 'k', secret: 's' }]]), engine, () => 1_000)
  const user = new BinanceUserStreams({ engine, auth, now: () => 1_000 })

  it('answers WebSocket API methods and subscribes a signed account', () => {
    const s = fakeSocket()
    user.openWsApi(s.ws)
    s.emitter.emit('message', JSON.stringify({ id: 1, method: 'ping' }))
    expect(JSON.parse(s.sent.pop() as string)).toMatchObject({ id: 1, status: 200, result: {} })
    s.emitter.emit('message', JSON.stringify({ id: 2, method: 'toString' }))
    expect(JSON.parse(s.sent.pop() as string)).toMatchObject({ id: 2, status: 400, error: { code: -1000 } })
    s.emitter.emit('message', 'not json')
    expect(JSON.parse(s.sent.pop() as string)).toMatchObject({ id: null, status: 400 })
    const signature = createHmac('sha256', 's').update('apiKey=k&timestamp=1000').digest('hex')
    const params = { apiKey: 'k', timestamp: 1000, signature }
    s.emitter.emit('message', JSON.stringify({ id: 3, method: 'userDataStream.subscribe.signature', params }))
    expect(JSON.parse(s.sent.pop() as string).result).toEqual({ subscriptionId: 0 })
    user.accountUpdate(acc, 'spot', ['USDT'], [], 'ORDER', 5)
    expect(JSON.parse(s.sent.pop() as string)).toMatchObject({
      subscriptionId: 0,
      event: { e: 'outboundAccountPosition' },
    })
    user.dropEvents(1)
    user.accountUpdate(acc, 'spot', ['USDT'], [], 'ORDER', 6)
    expect(s.sent).toHaveLength(0)
    user.terminate()
    expect(JSON.parse(s.sent.pop() as string).event.e).toBe('eventStreamTerminated')
  })

  it('delivers USD-M events on private sockets of a live listen key, until the keys expire', () => {
    user.listenKeys.set('lk', { apiKey: 'k', expiresAt: 0 })
    const s = fakeSocket()
    user.openPrivate(s.ws, '', new URL('http://x/fstream/private?listenKey=lk'))
    expect(user.counts.private).toBe(1)
    user.accountUpdate(acc, 'usdm', [], [], 'DEPOSIT', 7)
    expect(JSON.parse(s.sent.pop() as string).e).toBe('ACCOUNT_UPDATE')
    user.expireListenKeys()
    expect(JSON.parse(s.sent.pop() as string).e).toBe('listenKeyExpired')
    user.accountUpdate(acc, 'usdm', [], [], 'DEPOSIT', 8)
    expect(s.sent).toHaveLength(0)
  })
})
