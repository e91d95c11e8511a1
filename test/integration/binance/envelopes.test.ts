import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocketServer, type WebSocket as WsSocket } from 'ws'
import { decodeUsdmUserEvent } from '../../../src/exchanges/binance/decodeUserEvent.js'
import { BinanceUsdm, BinanceUsdmUserStream } from '../../../src/exchanges/binance/index.js'
import type { Order, TradekitError } from '../../../src/index.js'
import { waitFor } from './helpers.js'

/**
 * USD-M "Event: Order Update" example (developers.binance.com, USD-M Futures User Data Streams), framed as a
 * combined stream (`{ "stream": <listenKey>, "data": <event> }`), the framing Binance uses for private payloads on
 * some products (e.g. the Portfolio Margin and `/stream?streams=<listenKey>` connections).
 */
const DOCS_ORDER_UPDATE = {
  e: 'ORDER_TRADE_UPDATE',
  E: 1568879465651,
  T: 1568879465650,
  o: {
    s: 'BTCUSDT',
    c: 'TEST',
    S: 'SELL',
    o: 'TRAILING_STOP_MARKET',
    f: 'GTC',
    q: '0.001',
    p: '0',
    ap: '0',
    sp: '7103.04',
    x: 'NEW',
    X: 'NEW',
    i: 8886774,
    l: '0',
    z: '0',
    L: '0',
    N: 'USDT',
    n: '0',
    T: 1568879465650,
    t: 0,
    b: '0',
    a: '9.91',
    m: false,
    R: false,
    wt: 'CONTRACT_PRICE',
    ot: 'TRAILING_STOP_MARKET',
    ps: 'BOTH',
    cp: false,
    AP: '7476.89',
    cr: '5.0',
    pP: false,
    si: 0,
    ss: 0,
    rp: '0',
    V: 'EXPIRE_TAKER',
    pm: 'OPPONENT',
    gtd: 0,
  },
}
const COMBINED = {
  stream: 'pqia91ma19a5s61cv6a81va65sdf19v8a65a1a5s61cv6a81va65sdf19v8a65a1',
  data: DOCS_ORDER_UPDATE,
}

describe('USD-M user-data envelopes', () => {
  it('decodes an event framed { stream, data } like a bare one', () => {
    const r = decodeUsdmUserEvent(JSON.stringify(COMBINED))
    expect(r.ok && r.value.kind).toBe('orderTrade')
  })

  it('reports what cannot be placed: unknown envelope, unknown event type, non-object JSON', () => {
    for (const bad of [
      { result: null, id: 1 },
      { stream: 'x', data: 42 },
      { e: 'SOMETHING_NEW', E: 1 },
      '42',
      '[]',
    ]) {
      const r = decodeUsdmUserEvent(typeof bad === 'string' ? bad : JSON.stringify(bad))
      expect(r.ok).toBe(false)
    }
  })

  describe('through BinanceUsdm (loopback WebSocket)', () => {
    const server = createServer((req, res) => {
      req.resume()
      const path = (req.url ?? '').split('?')[0] ?? ''
      res.setHeader('content-type', 'application/json')
      if (path.endsWith('/listenKey')) res.end('{"listenKey":"k"}')
      else if (path.endsWith('/time')) res.end(JSON.stringify({ serverTime: Date.now() }))
      else if (path.endsWith('/positionSide/dual')) res.end('{"dualSidePosition":false}')
      else {
        res.statusCode = 404
        res.end('{"code":-1000,"msg":"not here"}')
      }
    })
    const wss = new WebSocketServer({ server })
    let socket: WsSocket | undefined
    let usdm: BinanceUsdm
    let url = ''
    beforeAll(async () => {
      wss.on('connection', (ws) => {
        socket = ws
      })
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
      url = `127.0.0.1:${(server.address() as AddressInfo).port}`
      usdm = new BinanceUsdm({
        apiKey: 'k',
        apiSecret: 's',
        restUrl: `http://${url}`,
        streamUrl: `ws://${url}`,
      })
    })
    afterAll(async () => {
      await usdm?.close()
      for (const c of wss.clients) c.terminate()
      await new Promise<void>((r) => wss.close(() => r()))
      await new Promise<void>((r) => server.close(() => r()))
    })

    it('handles a combined-stream order update and reports an unknown envelope on error', async () => {
      const orders: Order[] = []
      const errors: TradekitError[] = []
      usdm.events.on('order.updated', (e) => orders.push(e.order))
      usdm.events.on('error', (e) => errors.push(e))
      await usdm.startUserData()
      await waitFor(() => socket !== undefined, 5000, 'connection')
      socket?.send(JSON.stringify(COMBINED))
      await waitFor(() => orders.length === 1, 5000, 'order update')
      expect(orders[0]).toMatchObject({ clientOrderId: 'TEST', status: 'OPEN', symbol: 'BTCUSDT' })
      socket?.send(JSON.stringify({ channel: 'private', payload: DOCS_ORDER_UPDATE }))
      await waitFor(() => errors.length === 1, 5000, 'error event')
      expect(errors[0]?.code).toBe('EXCHANGE_DATA_INVALID')
      expect(orders).toHaveLength(1)
    })

    it('BinanceUsdmUserStream counts what it refuses (dataErrors) and reports each on error', async () => {
      const user = new BinanceUsdmUserStream({ rest: usdm.rest, url: `ws://${url}`, reconnectBaseMs: 20 })
      const errors: TradekitError[] = []
      user.events.on('error', (e) => errors.push(e))
      socket = undefined
      await user.start()
      await waitFor(() => socket !== undefined, 5000, 'connection')
      const conn = socket as WsSocket | undefined
      for (const f of ['42', '{"channel":"x"}', '{"e":"SOMETHING_NEW","E":1}', JSON.stringify(COMBINED)])
        conn?.send(f)
      await waitFor(() => user.dataErrors === 3, 5000, 'three refused frames')
      expect(errors.map((e) => e.code)).toEqual([
        'EXCHANGE_DATA_INVALID',
        'EXCHANGE_DATA_INVALID',
        'EXCHANGE_DATA_INVALID',
      ])
      await user.close()
    })
  })
})
