import { afterEach, describe, expect, it } from 'vitest'
import { BinanceSpot } from '../../../src/exchanges/binance/index.js'
import { PolymarketAdapter } from '../../../src/exchanges/polymarket/index.js'
import { BinanceSim } from '../../../src/sim/binance/index.js'
import { PolymarketSim } from '../../../src/sim/polymarket/index.js'
import { CircuitBreaker, CircuitState } from '../../../src/transport/index.js'

// The adapters' `circuitBreaker` option: the breaker a user passes is the one their REST calls go through, and
// `false` turns it off (a 5xx burst longer than the default threshold then never fails fast).
const closers: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close()
})

describe('adapters take a circuitBreaker option', () => {
  it('Binance: a user breaker (threshold 2) opens on a 503 burst and fails the next read fast', async () => {
    const sim = await BinanceSim.start({ seed: 3, symbols: ['BTCUSDT'], tickMs: 0 })
    const breaker = new CircuitBreaker({ failureThreshold: 2, cooldownMs: 60_000 })
    const spot = new BinanceSpot({ ...sim.urls.spot, circuitBreaker: breaker })
    closers.push(
      () => sim.close(),
      () => spot.close(),
    )
    expect(spot.rest.http.circuitBreaker).toBe(breaker)
    sim.faults.serverError({ count: 2, status: 503 })
    await expect(spot.tickerPrice('BTCUSDT')).rejects.toMatchObject({ code: 'CIRCUIT_OPEN' })
    expect(breaker.state).toBe(CircuitState.OPEN)
    expect(sim.requestLog.filter((r) => r.path.endsWith('/ticker/price')).map((r) => r.status)).toEqual([
      503, 503,
    ])
  })

  it('Binance: `false` disables the breaker: six 503s in a row never open anything', async () => {
    const sim = await BinanceSim.start({ seed: 3, symbols: ['BTCUSDT'], tickMs: 0 })
    const spot = new BinanceSpot({ ...sim.urls.spot, circuitBreaker: false })
    closers.push(
      () => sim.close(),
      () => spot.close(),
    )
    expect(spot.rest.http.circuitBreaker).toBeUndefined()
    sim.faults.serverError({ count: 6, status: 503 })
    for (let i = 0; i < 2; i++)
      await expect(spot.tickerPrice('BTCUSDT')).rejects.toMatchObject({ status: 503 })
    expect((await spot.tickerPrice('BTCUSDT')).gt(0)).toBe(true)
  })

  it('Polymarket: the adapter passes the breaker to its REST client', async () => {
    const sim = await PolymarketSim.start({ seed: 3, markets: [{ tickSize: '0.01', fairPrice: '0.5' }] })
    const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 60_000 })
    const pm = new PolymarketAdapter({ restUrl: sim.restUrl, wsUrl: sim.wsUrl, circuitBreaker: breaker })
    closers.push(
      () => sim.close(),
      () => pm.close(),
    )
    expect(pm.rest.http.circuitBreaker).toBe(breaker)
    const token = sim.markets[0]!.tokens[0].tokenId
    sim.faults.failHttp(1, 503, { path: '/book' })
    await expect(pm.rest.getBook(token)).rejects.toMatchObject({ code: 'CIRCUIT_OPEN' })
    breaker.reset()
    expect((await pm.rest.getBook(token)).bids.length).toBeGreaterThan(0)
  })
})
