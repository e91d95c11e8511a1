import { afterEach, describe, expect, it } from 'vitest'
import {
  BinanceConfigSchema,
  BinanceRest,
  BinanceSpotUserStream,
  BinanceUsdmUserStream,
  type BinanceUserStreamConfig,
} from '../../../src/exchanges/binance/index.js'
import { ExchangeError, type Order, type Position, type TradekitError } from '../../../src/index.js'
import { Decimal, type Harness, harness, req, waitFor } from './helpers.js'

/** The user-data stream units on their own, against BinanceSim (the adapters place the orders). */
describe('Binance user-data stream units', () => {
  let h: Harness | undefined
  const streams: Array<{ close(): Promise<void> }> = []
  afterEach(async () => {
    for (const s of streams.splice(0)) await s.close()
    await h?.close()
    h = undefined
  })
  const common = (rest: BinanceRest, url: string): BinanceUserStreamConfig => ({
    rest,
    url,
    timeoutMs: 3000,
    reconnectBaseMs: 20,
    reconnectMaxMs: 200,
  })

  it('spot: subscribes, translates executionReports, announces reconnects and re-subscriptions', async () => {
    h = await harness()
    const { spot, sim } = h
    const user = new BinanceSpotUserStream(common(spot.rest, spot.urls.wsApiUrl))
    streams.push(user)
    const updates: Order[] = []
    const errors: TradekitError[] = []
    let reconnected = 0
    user.events.on('order.updated', (e) => updates.push(e.order))
    user.events.on('user.reconnected', () => reconnected++)
    user.events.on('error', (e) => errors.push(e))
    await user.start()
    await user.start() // idempotent
    expect(user.isStarted).toBe(true)
    expect(user.subscriptionId).toBeTypeOf('number')
    const r = req()
    await spot.placeOrder(r)
    await waitFor(
      () => updates.some((u) => u.clientOrderId === r.clientOrderId && u.status === 'FILLED'),
      5000,
      'FILLED on the user stream',
    )
    sim.faults.closeStreams({ mode: 'abrupt' })
    await waitFor(() => reconnected === 1, 10_000, 'user.reconnected after a drop')
    sim.faults.terminateUserStreams()
    await waitFor(() => reconnected === 2, 10_000, 'user.reconnected after eventStreamTerminated')
    expect(errors.filter((e) => e.code === 'EXCHANGE_DATA_INVALID')).toEqual([])
    await user.close()
    await user.close()
    expect(user.isStarted).toBe(false)
  })

  it('spot: a re-subscription refused with -1021 after a reconnect re-syncs time and retries until subscribed', async () => {
    h = await harness()
    const { spot, sim } = h
    const updates: Order[] = []
    const errors: TradekitError[] = []
    let reconnected = 0
    spot.events.on('order.updated', (e) => updates.push(e.order))
    spot.events.on('error', (e) => errors.push(e))
    spot.events.on('user.reconnected', () => reconnected++)
    await spot.startUserData()
    sim.faults.clockSkew(20_000)
    sim.faults.closeStreams()
    await waitFor(
      () => errors.some((e) => e instanceof ExchangeError && e.venueCode === -1021),
      10_000,
      'the -1021 refusal',
    )
    // Announced only once subscribed again (time re-synced: the sim's clock is 20 s ahead).
    await waitFor(() => reconnected === 1, 10_000, 'user.reconnected once re-subscribed')
    expect(spot.userSubscriptionId).toBeTypeOf('number')
    expect(spot.rest.timeOffsetMs).toBeGreaterThan(15_000)
    sim.faults.clockSkew(0)
    const r = req()
    await spot.placeOrder(r)
    await waitFor(
      () => updates.some((u) => u.clientOrderId === r.clientOrderId && u.status === 'FILLED'),
      5000,
      'updates flow again',
    )
    expect(reconnected).toBe(1)
  })

  it('spot: re-subscriptions that time out after eventStreamTerminated are retried with backoff; close stops them', async () => {
    h = await harness()
    const { spot, sim } = h
    const user = new BinanceSpotUserStream({ ...common(spot.rest, spot.urls.wsApiUrl), timeoutMs: 200 })
    streams.push(user)
    const updates: Order[] = []
    const errors: TradekitError[] = []
    let reconnected = 0
    user.events.on('order.updated', (e) => updates.push(e.order))
    user.events.on('error', (e) => errors.push(e))
    user.events.on('user.reconnected', () => reconnected++)
    await user.start()
    // Unanswered and not executed (an executed one would leave a second subscription at the venue).
    const subscribe = 'userDataStream.subscribe.signature'
    sim.faults.wsApiAnswer({ kind: 'silent', method: subscribe, count: 2, afterExecute: false })
    sim.faults.terminateUserStreams()
    await waitFor(() => errors.length >= 2, 10_000, 'two failed re-subscriptions')
    expect(user.subscriptionId).toBeUndefined()
    expect(reconnected).toBe(0)
    await waitFor(() => reconnected === 1, 10_000, 'subscribed on the third try')
    expect(user.subscriptionId).toBeTypeOf('number')
    const r = req()
    await spot.placeOrder(r)
    await waitFor(() => updates.some((u) => u.clientOrderId === r.clientOrderId), 5000, 'updates flow again')
    // A retry pending at close is cancelled: no request goes out afterwards.
    sim.faults.wsApiAnswer({ kind: 'silent', method: subscribe, count: 100, afterExecute: false })
    sim.faults.terminateUserStreams()
    await waitFor(() => errors.length >= 3, 10_000, 'a failed re-subscription')
    await user.close()
    const n = errors.length
    await new Promise((res) => setTimeout(res, 600))
    expect(errors.length).toBe(n)
  })

  it('spot: without a secret the start is refused; the config is validated', async () => {
    const rest = new BinanceRest('spot', BinanceConfigSchema.parse({ apiKey: 'k' }), 'http://127.0.0.1:1')
    const user = new BinanceSpotUserStream(common(rest, 'ws://127.0.0.1:1'))
    await expect(user.start()).rejects.toMatchObject({ code: 'VALIDATION_FAILED' })
    expect(user.isStarted).toBe(false)
    expect(() => new BinanceSpotUserStream({ ...common(rest, 'http://x'), timeoutMs: -1 })).toThrow(
      /timeoutMs/,
    )
    expect(() => new BinanceUsdmUserStream({ rest: {} as BinanceRest, url: 'ws://x' })).toThrow(/rest/)
  })

  it('USD-M: listen key, translated updates, renewal on listenKeyExpired announced as user.reconnected', async () => {
    h = await harness()
    const { usdm, sim } = h
    const algos: string[] = []
    const user = new BinanceUsdmUserStream({
      ...common(usdm.rest, usdm.urls.streamUrl),
      onAlgoOrder: (cid) => algos.push(cid),
    })
    streams.push(user)
    const updates: Order[] = []
    const positions: Position[][] = []
    let reconnected = 0
    user.events.on('order.updated', (e) => updates.push(e.order))
    user.events.on('position.updated', (e) => positions.push([...e.positions]))
    user.events.on('user.reconnected', () => reconnected++)
    await user.start()
    const first = user.listenKey
    expect(first).toBeDefined()
    const r = req({ venue: 'binance-usdm', qty: new Decimal('0.01') })
    await usdm.placeOrder(r)
    await waitFor(
      () => updates.some((u) => u.clientOrderId === r.clientOrderId && u.status === 'FILLED'),
      5000,
      'FILLED on the user stream',
    )
    await waitFor(() => positions.some((p) => p[0]?.qty.toString() === '0.01'), 5000, 'position.updated')
    const mid = new Decimal(sim.midPrice('usdm', 'BTCUSDT'))
    const stop = req({
      venue: 'binance-usdm',
      type: 'STOP_MARKET',
      side: 'SELL',
      qty: new Decimal('0.01'),
      triggerPrice: mid.minus(5000),
      reduceOnly: true,
    })
    await usdm.placeOrder(stop)
    await waitFor(() => algos.includes(stop.clientOrderId), 5000, 'algo order reported')
    sim.faults.expireListenKeys()
    await waitFor(() => reconnected > 0, 10_000, 'reconnect after expiry')
    expect(user.listenKey).not.toBe(first)
  })
})
