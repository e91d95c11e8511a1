import { describe, expect, it } from 'vitest'
import { PolymarketHttp } from './PolymarketHttp.js'
import { type PolymarketFaultControls, PolymarketSimFaults } from './PolymarketSimFaults.js'
import type { PolymarketVenue } from './routes/PolymarketRoute.js'
import { polymarketRoutes } from './routes/polymarketRoutes.js'

describe('PolymarketSimFaults', () => {
  it('drives the controls it is given', () => {
    const calls: string[] = []
    const http = new PolymarketHttp({
      routes: polymarketRoutes(),
      venue: {} as PolymarketVenue,
      sleep: async () => {},
    })
    const controls: PolymarketFaultControls = {
      http,
      drop: (c) => calls.push(`drop:${c}`),
      sendRaw: () => calls.push('raw'),
      setFrozen: (f) => calls.push(`frozen:${f}`),
      setStalled: (s) => calls.push(`stalled:${s}`),
      setSettlement: (m) => calls.push(`settlement:${m}`),
      setMatchDelay: (ms) => calls.push(`matchDelay:${ms}`),
      setTradeHistoryLag: (ms) => calls.push(`tradeLag:${ms}`),
    }
    const faults = new PolymarketSimFaults(controls)
    faults.dropConnections('user')
    faults.freezeMarketData()
    faults.stallSockets()
    faults.sendMalformed(2)
    faults.settlement('hold')
    faults.delayMatching(500)
    faults.lagTradeHistory(10_000)
    faults.delayHttp(50)
    faults.failHttp(3, 500)
    faults.rateLimitHeaders(false)
    expect([http.delayMs, http.failures.size, http.rateLimitHeaders]).toEqual([50, 1, false])
    faults.clear()
    expect([http.delayMs, http.failures.size, http.rateLimitHeaders]).toEqual([0, 0, true])
    expect(calls).toEqual([
      'drop:user',
      'frozen:true',
      'stalled:true',
      'raw',
      'raw',
      'settlement:hold',
      'matchDelay:500',
      'tradeLag:10000',
      'frozen:false',
      'stalled:false',
      'settlement:confirm',
      'matchDelay:0',
      'tradeLag:0',
    ])
  })
})
