/**
 * Binance USD-M's auto-cancel (`POST /fapi/v1/countdownCancelAll`) through `BinanceUsdm.countdownCancelAll` and the
 * `BinanceCancelCountdown` heartbeat, on BinanceSim: while the heartbeats arrive the quotes rest; when they stop
 * reaching the venue, the venue cancels every open order of the symbol and the executor learns it from the stream.
 * Request and response layout: Binance's USD-M docs, "Auto-Cancel All Open Orders (TRADE)".
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BinanceCancelCountdown } from '../../../src/exchanges/binance/index.js'
import { OrderExecutor } from '../../../src/execution/index.js'
import type { TradekitError } from '../../../src/index.js'
import { Decimal, type Harness, harness, req, waitFor } from './helpers.js'

describe('BinanceUsdm auto-cancel countdown against BinanceSim', () => {
  let h: Harness
  beforeEach(async () => {
    h = await harness()
  })
  afterEach(async () => {
    await h.close()
  })

  it('countdownCancelAll: the venue answers the countdown set; bad input is refused before sending', async () => {
    const { usdm, sim } = h
    expect(await usdm.countdownCancelAll('ethusdt', 120_000)).toBe(120_000)
    expect(await usdm.countdownCancelAll('ETHUSDT', 0)).toBe(0)
    const before = sim.requestLog.length
    await expect(usdm.countdownCancelAll('ETHUSDT', -1)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' })
    await expect(usdm.countdownCancelAll('ETHUSDT', 1.5)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' })
    expect(sim.requestLog.length).toBe(before)
  })

  it('heartbeats keep the quotes; when they stop reaching the venue, it cancels them all', async () => {
    const { usdm, sim } = h
    const exec = new OrderExecutor({ adapter: usdm })
    exec.events.on('error', () => {})
    await exec.start()
    const mid = new Decimal(sim.midPrice('usdm', 'ETHUSDT'))
    const quote = (side: 'BUY' | 'SELL', k: number) =>
      req({
        venue: 'binance-usdm',
        symbol: 'ETHUSDT',
        side,
        type: 'LIMIT',
        timeInForce: 'POST_ONLY',
        qty: new Decimal('0.1'),
        price: (side === 'BUY' ? mid.times(0.9 - k / 100) : mid.times(1.1 + k / 100)).toDecimalPlaces(2),
      })
    const countdown = new BinanceCancelCountdown({ venue: usdm, countdownMs: 1_500, heartbeatMs: 300 })
    const errors: TradekitError[] = []
    countdown.events.on('error', (e) => errors.push(e))
    await countdown.arm('ETHUSDT')
    expect(countdown.symbols).toEqual(['ETHUSDT'])
    for (const [side, k] of [
      ['BUY', 0],
      ['BUY', 1],
      ['SELL', 0],
    ] as const) {
      await exec.submit({ ...quote(side, k), strategyId: 'mm' })
    }
    expect(exec.openOrders()).toHaveLength(3)
    // Longer than the countdown: the heartbeats re-arm it, nothing is cancelled.
    await new Promise((r) => setTimeout(r, 3_000))
    expect(sim.countdownsExpired).toBe(0)
    expect(exec.openOrders()).toHaveLength(3)
    expect(errors).toEqual([])
    // The heartbeats stop reaching the venue (as when the bot hangs or loses its connection).
    sim.faults.serverError({ count: 1_000, status: 503, path: '/fapi/v1/countdownCancelAll' })
    await waitFor(() => sim.countdownsExpired === 1, 10_000, 'the countdown to run out')
    await waitFor(() => exec.openOrders().length === 0, 10_000, 'the executor to learn the cancels')
    expect(errors.length).toBeGreaterThan(0)
    sim.faults.reset()
    await countdown.close()
    await countdown.close()
    await expect(countdown.arm('ETHUSDT')).rejects.toMatchObject({ code: 'INVALID_STATE' })
    await exec.shutdown({ cancelOpenOrders: false })
  }, 30_000)

  it('close() stops the countdown at the venue: orders placed afterwards rest past it', async () => {
    const { usdm, sim } = h
    const countdown = new BinanceCancelCountdown({ venue: usdm, countdownMs: 900, heartbeatMs: 300 })
    await countdown.arm('ETHUSDT')
    await countdown.close()
    const mid = new Decimal(sim.midPrice('usdm', 'ETHUSDT'))
    const bid = req({
      venue: 'binance-usdm',
      symbol: 'ETHUSDT',
      type: 'LIMIT',
      timeInForce: 'POST_ONLY',
      qty: new Decimal('0.1'),
      price: mid.times(0.9).toDecimalPlaces(2),
    })
    await usdm.placeOrder(bid)
    await new Promise((r) => setTimeout(r, 1_500))
    expect(sim.countdownsExpired).toBe(0)
    expect((await usdm.queryOrder('ETHUSDT', bid.clientOrderId))?.status).toBe('OPEN')
  })

  it('refuses a heartbeat that could not keep up with its countdown', () => {
    expect(() => new BinanceCancelCountdown({ venue: h.usdm, countdownMs: 1_000, heartbeatMs: 500 })).toThrow(
      /heartbeatMs must be at most a third of countdownMs/,
    )
  })
})
