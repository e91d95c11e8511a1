/**
 * The WebSocket API keepalive is a method each market documents. Spot documents `ping` (Test connectivity,
 * https://developers.binance.com/docs/binance-spot-api-docs/web-socket-api/general-requests); the USD-M WebSocket
 * API documents no `ping` method, only ping frames from the server every 3 minutes (answered with pong frames by the
 * WebSocket implementation) and the session requests `session.logon`, `session.status` (weight 2, no parameters) and
 * `session.logout` (https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-api-general-info).
 * So a USD-M connection keeps its traffic up with `session.status`, a Spot one with `ping`.
 */
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { ManualClock } from '../../../src/core/index.js'
import { BinanceSpot, BinanceUsdm } from '../../../src/exchanges/binance/index.js'
import { BinanceSim } from '../../../src/sim/index.js'
import { waitFor } from './helpers.js'

describe('WebSocket API keepalive on BinanceSim', () => {
  const closers: Array<() => Promise<void>> = []
  afterEach(async () => {
    for (const c of closers.splice(0).reverse()) await c()
  })

  it('sends session.status on USD-M and ping on Spot, every 30 s of the clock', async () => {
    const sim = await BinanceSim.start({ seed: 7, symbols: ['BTCUSDT'], tickMs: 0 })
    closers.push(() => sim.close())
    // The sockets' timers run on this clock; the sim keeps real time (it signs nothing with it).
    const clock = new ManualClock(Date.now())
    const common = { apiKey: sim.apiKey, apiSecret: sim.apiSecret, orderEntry: 'ws-api' as const, clock }
    const usdm = new BinanceUsdm({ ...sim.urls.usdm, ...common })
    const spot = new BinanceSpot({ ...sim.urls.spot, ...common })
    closers.push(
      () => usdm.close(),
      () => spot.close(),
    )
    // Any request opens the connection: a lookup of an order that does not exist.
    expect(await usdm.queryOrder('BTCUSDT', 'missing-1')).toBeUndefined()
    expect(await spot.queryOrder('BTCUSDT', 'missing-1')).toBeUndefined()
    const received = (market: 'spot' | 'usdm') =>
      sim.wsApiRequests.filter((r) => r.market === market).map((r) => r.method)
    expect(received('usdm')).toEqual(['order.status'])
    expect(received('spot')).toEqual(['order.status'])

    for (let n = 1; n <= 2; n++) {
      clock.advance(30_000)
      await waitFor(
        () => received('usdm').length === 1 + n && received('spot').length === 1 + n,
        10_000,
        `keepalive #${n}`,
      )
    }
    expect(received('usdm')).toEqual(['order.status', 'session.status', 'session.status'])
    expect(received('spot')).toEqual(['order.status', 'ping', 'ping'])
    // The answers keep the connections up: no reconnect, so no second logon or lookup.
    expect(usdm.wsApi().isReady).toBe(true)
    expect(spot.wsApi().isReady).toBe(true)
  })

  it('answers USD-M session.status as documented: no API key before a logon', async () => {
    const sim = await BinanceSim.start({ seed: 7, symbols: ['BTCUSDT'], tickMs: 0 })
    closers.push(() => sim.close())
    const ws = new WebSocket(sim.urls.usdm.wsApiUrl)
    closers.push(async () => ws.close())
    await new Promise((resolve, reject) => {
      ws.once('open', resolve)
      ws.once('error', reject)
    })
    const answer = new Promise<Record<string, unknown>>((resolve) =>
      ws.once('message', (data) => resolve(JSON.parse(String(data)))),
    )
    ws.send(JSON.stringify({ id: 's1', method: 'session.status' }))
    const res = await answer
    expect(res).toMatchObject({
      id: 's1',
      status: 200,
      result: { apiKey: null, authorizedSince: null, returnRateLimits: false },
    })
    const result = res.result as Record<string, unknown>
    expect(Object.keys(result).sort()).toEqual([
      'apiKey',
      'authorizedSince',
      'connectedSince',
      'returnRateLimits',
      'serverTime',
    ])
    expect(typeof result.connectedSince).toBe('number')
    expect(typeof result.serverTime).toBe('number')
  })
})
