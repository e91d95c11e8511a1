/**
 * OrderExecutor against what venues really do around a cancel: a cancel answered with the order as the venue has it
 * (Polymarket answers a cancel that lost the race to a match with `not_canceled` and the matched order), fills still
 * in flight on the stream, a trade history that lags the order status, and a shutdown that cancels while fills come.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { ManualClock } from '../../core/clock.js'
import type { OrderIntent } from '../../core/ports.js'
import type { Fill, Order } from '../../core/types.js'
import { Decimal } from '../../decimal/index.js'
import { Portfolio } from '../Portfolio.js'
import { FakeExchangeAdapter } from '../testing/FakeExchangeAdapter.js'
import { BTCUSDT } from '../testing/fixtures.js'
import { OrderExecutor } from './OrderExecutor.js'

/**
 * A venue whose stream can be held (events delivered later, in order), whose trade history lags its order status by
 * `historyLag` reads, and whose cancel of an order it no longer can cancel answers the order as it is (`not_canceled`)
 * instead of an error, as Polymarket's adapter does.
 */
class RacyVenue extends FakeExchangeAdapter {
  historyLag = 0
  /** The cancel is answered with the order unchanged, as if the venue refused it without an error. */
  refuseCancel = false
  readonly #held: Array<() => void> = []
  #holding = false

  constructor(now: () => number) {
    super('fake', [BTCUSDT], now)
    const emit = this.events.emit.bind(this.events) as (...a: unknown[]) => boolean
    ;(this.events as { emit: (...a: unknown[]) => boolean }).emit = (...a: unknown[]) => {
      if (!this.#holding) return emit(...a)
      this.#held.push(() => emit(...a))
      return true
    }
    this.enableOrderFills()
    const fills = this.orderFills as NonNullable<FakeExchangeAdapter['orderFills']>
    this.orderFills = async (symbol, cid) => {
      if (this.historyLag > 0) {
        this.historyLag--
        return []
      }
      return fills(symbol, cid)
    }
  }

  /** Stream events are held from now on. */
  hold(): void {
    this.#holding = true
  }

  /** Delivers the held stream events, in order, and stops holding. */
  release(): void {
    this.#holding = false
    for (const e of this.#held.splice(0)) e()
  }

  override async cancelOrder(symbol: string, clientOrderId: string): Promise<Order> {
    const o = this.orders.get(clientOrderId)
    if (o !== undefined && (this.refuseCancel || o.status === 'FILLED')) {
      await Promise.resolve()
      return o
    }
    return super.cancelOrder(symbol, clientOrderId)
  }
}

const bid = (cid: string, qty: string): OrderIntent => ({
  clientOrderId: cid,
  strategyId: 's',
  venue: 'fake',
  symbol: 'BTCUSDT',
  side: 'BUY',
  type: 'LIMIT',
  qty: new Decimal(qty),
  price: new Decimal('100'),
})

const running: OrderExecutor[] = []
afterEach(async () => {
  for (const e of running.splice(0)) await e.shutdown({ cancelOpenOrders: false, timeoutMs: 1 })
})

async function setup() {
  const clock = new ManualClock(10_000)
  const venue = new RacyVenue(() => clock.now())
  const exec = new OrderExecutor({
    adapter: venue,
    clock,
    queryIntervalMs: 100,
    queryAttempts: 3,
    reconnectRecheckDelayMs: 0,
  })
  running.push(exec)
  const errors: string[] = []
  exec.events.on('error', (e) => errors.push(e.shortMessage))
  const fills: Fill[] = []
  exec.events.on('order.filled', (e) => fills.push(...e.fills))
  const canceled: string[] = []
  exec.events.on('order.canceled', (e) => canceled.push(e.order.clientOrderId))
  const portfolio = new Portfolio({ balances: { USDT: '100000' }, instruments: [BTCUSDT] })
  portfolio.attach(exec)
  await exec.start()
  const settle = async (ms: number, step = 100) => {
    for (let t = 0; t < ms; t += step) await clock.advanceAsync(step)
  }
  return { clock, venue, exec, fills, errors, canceled, portfolio, settle }
}

const booked = (fills: readonly Fill[]) => fills.reduce((s, f) => s.plus(f.qty), new Decimal(0)).toFixed()
const state = (o: Order | undefined) => o && `${o.status} ${o.filledQty.toFixed()}/${o.qty.toFixed()}`

describe('OrderExecutor: a cancel the venue answers with an order it did not cancel', () => {
  it('matched before the cancel (fill still on the stream, trade history behind): FILLED, never CANCELED', async () => {
    const { venue, exec, fills, canceled, portfolio, settle } = await setup()
    await exec.submit(bid('m1', '1'))
    venue.hold()
    venue.fill('m1', '1') // the venue matched it; the fill is on its way
    venue.historyLag = 1
    const r = await exec.cancel('m1').then(
      (o) => ({ ok: true as const, status: o.status }),
      (e: unknown) => ({ ok: false as const, error: e }),
    )
    // Not cancelled: the caller is told so (a resolved cancel reads as done to QuoteManager and cancelAll).
    expect(r.ok).toBe(false)
    expect(canceled).toEqual([])
    expect(exec.order('m1')?.status).not.toBe('CANCELED')
    venue.release()
    await settle(500)
    expect(state(exec.order('m1'))).toBe('FILLED 1/1')
    expect(canceled).toEqual([])
    expect(booked(fills)).toBe('1')
    expect(portfolio.position('fake', 'BTCUSDT')?.qty.toFixed()).toBe('1')
  })

  it('still resting (the venue refused the cancel without an error): stays open and the cancel fails', async () => {
    const { venue, exec, canceled } = await setup()
    await exec.submit(bid('m2', '1'))
    venue.refuseCancel = true
    await expect(exec.cancel('m2')).rejects.toMatchObject({ code: 'INVALID_STATE' })
    expect(canceled).toEqual([])
    expect(state(exec.order('m2'))).toBe('OPEN 0/1')
    expect(exec.openOrders().map((o) => o.clientOrderId)).toEqual(['m2'])
    const all = await exec.cancelAll()
    expect(all.canceled).toEqual([])
    expect(all.failed.map((f) => f.clientOrderId)).toEqual(['m2'])
  })
})

describe('OrderExecutor: shutdown that cancels while fills are arriving', () => {
  it('a fill the cancel answer reports but no lookup found yet is reported, not silently dropped', async () => {
    const { venue, exec, errors } = await setup()
    await exec.submit(bid('s1', '2'))
    venue.dropStream() // the stream misses the partial fill
    venue.fill('s1', '1')
    venue.historyLag = 5 // and the trade history lags past the shutdown
    await exec.shutdown({ cancelOpenOrders: true, timeoutMs: 1_000 })
    expect(venue.orders.get('s1')?.status).toBe('CANCELED')
    expect(errors.some((m) => m.includes('"s1"') && /fill/i.test(m))).toBe(true)
  })

  it('a fills lookup waiting for its next try does not hold the shutdown up', async () => {
    const { venue, exec } = await setup()
    await exec.submit(bid('s2', '2'))
    venue.dropStream()
    venue.fill('s2', '1')
    venue.historyLag = 1
    await exec.reconcile() // finds the gap; the next lookup waits queryIntervalMs
    let done = false
    const p = exec.shutdown({ cancelOpenOrders: false, timeoutMs: 60_000 }).then(() => {
      done = true
    })
    for (let k = 0; k < 50; k++) await Promise.resolve()
    expect(done).toBe(true)
    await p
  })
})

describe('OrderExecutor: the rate limit covers every order sent', () => {
  it('a resend (onNotFound RESEND) waits for the rate limit like any placement', async () => {
    const clock = new ManualClock(10_000)
    const venue = new FakeExchangeAdapter('fake', [BTCUSDT], () => clock.now())
    const sentAt: number[] = []
    const place = venue.placeOrder.bind(venue)
    venue.placeOrder = (req) => {
      sentAt.push(clock.now())
      return place(req)
    }
    const exec = new OrderExecutor({
      adapter: venue,
      clock,
      maxOrdersPerInterval: 1,
      rateIntervalMs: 1_000,
      queryAttempts: 1,
      queryIntervalMs: 0,
      onNotFound: 'RESEND',
      reconnectRecheckDelayMs: 0,
    })
    running.push(exec)
    exec.events.on('error', () => {})
    await exec.start()
    venue.failNext('TIMEOUT_BEFORE_VENUE')
    await exec.submit(bid('r1', '1'))
    for (let t = 0; t < 20; t++) await clock.advanceAsync(100)
    expect(venue.placeCalls.get('r1')).toBe(2)
    expect(venue.created.get('r1')).toBe(1)
    expect(exec.order('r1')?.status).toBe('OPEN')
    // One order a second: the resend went out no sooner than a second after the first send.
    expect((sentAt[1] as number) - (sentAt[0] as number)).toBeGreaterThanOrEqual(1_000)
  })
})
