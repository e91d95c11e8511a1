import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { BinanceSim } from './BinanceSim.js'
import { usdmRouteOf } from './BinanceStreams.js'
import { BINANCE_SIM_STREAMS } from './streamCatalog.js'

describe('BINANCE_SIM_STREAMS', () => {
  let sim: BinanceSim
  beforeAll(async () => {
    sim = await BinanceSim.start({ seed: 4, symbols: ['BTCUSDT'], tickMs: 0 })
  })
  afterAll(async () => {
    await sim.close()
  })

  /** Opens a combined-stream connection and collects the stream names of the frames it receives. */
  const listen = (url: string) =>
    new Promise<{ ws: WebSocket; seen: Set<string> }>((resolve, reject) => {
      const ws = new WebSocket(url)
      const seen = new Set<string>()
      ws.on('message', (d) => {
        const f = JSON.parse(String(d)) as { stream?: string }
        if (f.stream !== undefined) seen.add(f.stream)
      })
      ws.on('open', () => resolve({ ws, seen }))
      ws.on('error', reject)
    })

  it('lists only streams the sim delivers, on the route Binance serves them at', async () => {
    const want = (market: 'spot' | 'usdm', route?: 'public' | 'market') =>
      BINANCE_SIM_STREAMS.filter(
        (s) =>
          s.markets.includes(market) &&
          (route === undefined || usdmRouteOf(s.example) === route || s.example.endsWith('@trade')),
      ).map((s) => s.example)
    const conns = [
      { names: want('spot'), ...(await listen(`${sim.wsUrl}/stream?streams=${want('spot').join('/')}`)) },
      ...(await Promise.all(
        (['public', 'market'] as const).map(async (r) => ({
          names: want('usdm', r),
          ...(await listen(`${sim.wsUrl}/fstream/${r}/stream?streams=${want('usdm', r).join('/')}`)),
        })),
      )),
    ]
    const until = Date.now() + 5000
    const missing = () => conns.flatMap((c) => c.names.filter((n) => !c.seen.has(n)))
    while (missing().length > 0 && Date.now() < until) {
      sim.step(5)
      await new Promise((r) => setTimeout(r, 20))
    }
    expect(missing()).toEqual([])
    for (const c of conns) c.ws.close()
  })
})
