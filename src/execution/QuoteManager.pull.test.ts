/**
 * The QuoteManager over a real OrderExecutor on a venue that amends in place (Binance USD-M), when a quote's
 * placement has an unknown outcome: it is never amended while the executor still looks it up, and a pull whose
 * cancel fails (the venue does not know the order yet) is retried until the order is gone from the venue.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { ManualClock } from '../core/clock.js'
import type { OrderAmendment } from '../core/ports.js'
import type { QuoteLevel, QuoteTargets } from '../core/quotes.js'
import type { Order } from '../core/types.js'
import { Decimal } from '../decimal/index.js'
import { NetworkError, OrderRejectedError } from '../errors/index.js'
import { OrderExecutor } from './live/OrderExecutor.js'
import { QuoteManager } from './QuoteManager.js'
import { FakeExchangeAdapter } from './testing/FakeExchangeAdapter.js'
import { BTCUSDT } from './testing/fixtures.js'

/**
 * A fake venue that amends in place; `hold` keeps amendments (and cancels) in flight until `release`, and
 * `refuseAmends` makes the venue refuse them.
 */
class AmendVenue extends FakeExchangeAdapter {
  readonly amends: string[] = []
  readonly hold = { amends: false, cancels: false }
  refuseAmends = false
  readonly #held = { amends: [] as Array<() => void>, cancels: [] as Array<() => void> }

  async amendOrder(_symbol: string, clientOrderId: string, c: OrderAmendment): Promise<Order> {
    this.amends.push(`${clientOrderId} ${c.price.toFixed()}`)
    if (this.hold.amends) await new Promise<void>((r) => this.#held.amends.push(r))
    const o = this.orders.get(clientOrderId)
    if (this.refuseAmends || o === undefined || o.status !== 'OPEN')
      throw new OrderRejectedError('fake', 'Order cannot be modified.', { venueCode: -5027 })
    const next = { ...o, price: c.price, qty: c.qty }
    this.orders.set(clientOrderId, next)
    return next
  }

  override async cancelOrder(symbol: string, clientOrderId: string): Promise<Order> {
    if (this.hold.cancels) await new Promise<void>((r) => this.#held.cancels.push(r))
    return super.cancelOrder(symbol, clientOrderId)
  }

  release(what: 'amends' | 'cancels'): void {
    for (const r of this.#held[what].splice(0)) r()
  }

  /** What rests at the venue, as `side price`. */
  resting(): string[] {
    return [...this.orders.values()]
      .filter((o) => o.status === 'OPEN' || o.status === 'PARTIALLY_FILLED')
      .map((o) => `${o.side} ${o.price?.toFixed()}`)
      .sort()
  }
}

/** A fake venue whose cancels hang until `release`, then fail (a lost connection): the order rests on. */
class SlowCancelVenue extends FakeExchangeAdapter {
  readonly #held: Array<() => void> = []

  override async cancelOrder(_symbol: string, _clientOrderId: string): Promise<Order> {
    await new Promise<void>((r) => this.#held.push(r))
    throw new NetworkError('connection reset')
  }

  release(): void {
    for (const r of this.#held.splice(0)) r()
  }

  /** What rests at the venue, as `side price`. */
  resting(): string[] {
    return [...this.orders.values()]
      .filter((o) => o.status === 'OPEN' || o.status === 'PARTIALLY_FILLED')
      .map((o) => `${o.side} ${o.price?.toFixed()}`)
      .sort()
  }
}

const level = (side: 'BUY' | 'SELL', price: string): QuoteLevel => ({
  symbol: BTCUSDT.symbol,
  side,
  price: new Decimal(price),
  qty: new Decimal('0.1'),
})
const targets = (levels: QuoteLevel[]): QuoteTargets => ({
  strategyId: 'mm',
  venue: 'fake',
  symbols: [BTCUSDT.symbol],
  levels,
  tsEvent: 0,
})

const running: Array<{ exec: OrderExecutor; clock: ManualClock }> = []
afterEach(async () => {
  for (const { exec, clock } of running.splice(0)) {
    const done = exec.shutdown({ cancelOpenOrders: false, timeoutMs: 1 })
    await clock.advanceAsync(60_000)
    await done
  }
})

async function setup() {
  const clock = new ManualClock(10_000)
  const venue = new AmendVenue('fake', [BTCUSDT], () => clock.now())
  const exec = new OrderExecutor({ adapter: venue, clock, queryIntervalMs: 1_000, queryAttempts: 5 })
  running.push({ exec, clock })
  exec.events.on('error', () => {})
  await exec.start()
  const qm = new QuoteManager({ client: exec, clock, instrument: () => BTCUSDT, pullRetryMs: 200 })
  const errors: string[] = []
  qm.events.on('error', (e) => errors.push(`${e.code}: ${e.message}`))
  return { clock, venue, exec, qm, errors }
}

describe('QuoteManager over an OrderExecutor, with a cancel in flight', () => {
  it('a quote being cancelled (PENDING_CANCEL) keeps its side waiting: a failed cancel leaves one quote, not two', async () => {
    const clock = new ManualClock(10_000)
    const venue = new SlowCancelVenue('fake', [BTCUSDT], () => clock.now())
    const exec = new OrderExecutor({ adapter: venue, clock, queryIntervalMs: 1_000, queryAttempts: 5 })
    running.push({ exec, clock })
    exec.events.on('error', () => {})
    await exec.start()
    const qm = new QuoteManager({ client: exec, clock, instrument: () => BTCUSDT, pullRetryMs: 60_000 })
    qm.events.on('error', () => {})
    const bid = level('BUY', '100')
    await qm.apply(targets([bid]))
    expect(venue.resting()).toEqual(['BUY 100'])
    const pulled = qm.pull('fake', BTCUSDT.symbol, 'FEED_UNHEALTHY')
    await clock.advanceAsync(0)
    expect(exec.openOrders()[0]?.status).toBe('PENDING_CANCEL')
    const r = await qm.apply(targets([bid]))
    venue.release()
    await pulled
    await clock.advanceAsync(0)
    expect(r.placed).toEqual([])
    expect(venue.resting()).toEqual(['BUY 100'])
  })
})

describe('QuoteManager over an OrderExecutor, with placements of unknown outcome', () => {
  it('never amends a quote still PENDING_NEW: it is cancelled alone and its side waits', async () => {
    const { venue, exec, qm, errors } = await setup()
    expect(exec.batching('fake')?.replace).toBe('amend')
    venue.failNext('LATE_ARRIVAL')
    await qm.apply(targets([level('BUY', '100'), level('SELL', '101')]))
    const bid = exec.openOrders().find((o) => o.side === 'BUY') as Order
    expect(bid.status).toBe('PENDING_NEW')
    const r = await qm.apply(targets([level('BUY', '99.5'), level('SELL', '101.5')]))
    // The ask moved in place; the bid was not amended (the executor would refuse: INVALID_STATE).
    expect(venue.amends.filter((a) => a.startsWith(bid.clientOrderId))).toEqual([])
    expect(r.amended).toHaveLength(1)
    expect(errors.filter((e) => e.startsWith('INVALID_STATE'))).toEqual([])
    // Its cancel failed (the venue has not seen the order): nothing new joins the bid side.
    expect(r.placed).toEqual([])
    expect(venue.resting()).toEqual(['SELL 101.5'])
  })

  it('a pulled quote whose cancel failed is cancelled again once the venue has it', async () => {
    const { clock, venue, exec, qm } = await setup()
    venue.failNext('LATE_ARRIVAL')
    await qm.apply(targets([level('BUY', '100'), level('SELL', '101')]))
    const pulled = await qm.pullAll('kill switch')
    expect(pulled.failed.map((f) => f.clientOrderId)).toHaveLength(1)
    expect(venue.resting()).toEqual([])
    // The placement reaches the venue late: the order rests there, and the executor learns it from the stream.
    venue.deliverLate()
    await clock.advanceAsync(0)
    expect(venue.resting()).toEqual(['BUY 100'])
    await clock.advanceAsync(200)
    await clock.advanceAsync(0)
    expect(venue.resting()).toEqual([])
    expect(exec.openOrders()).toEqual([])
  })

  it('a pull racing a refused amendment: the quote stays PENDING_CANCEL (not OPEN again) until its cancel answers', async () => {
    const { clock, venue, exec, qm } = await setup()
    await qm.apply(targets([level('BUY', '100')]))
    const cid = (exec.openOrders()[0] as Order).clientOrderId
    venue.hold.amends = true
    venue.hold.cancels = true
    venue.refuseAmends = true
    const refresh = qm.apply(targets([level('BUY', '99')]))
    await clock.advanceAsync(0)
    expect(venue.amends).toEqual([`${cid} 99`])
    const pull = qm.pullAll('halt')
    await clock.advanceAsync(0)
    expect(exec.order(cid)?.status).toBe('PENDING_CANCEL')
    // The venue refuses the amendment while the cancel is still on its way: the order rests there, but is being
    // cancelled, so it must not look open (a refresh would pair it again).
    venue.release('amends')
    const r = await refresh
    expect(r.amended).toEqual([])
    expect(exec.order(cid)?.status).toBe('PENDING_CANCEL')
    venue.release('cancels')
    const p = await pull
    expect(p.canceled).toEqual([cid])
    expect(exec.order(cid)?.status).toBe('CANCELED')
    expect(qm.openQuotes()).toEqual([])
    expect(venue.resting()).toEqual([])
  })
})
