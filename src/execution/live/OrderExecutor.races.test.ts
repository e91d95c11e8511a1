import { afterEach, describe, expect, it } from 'vitest'
import { ManualClock } from '../../core/clock.js'
import type { JournalOrderEntry, JournalView } from '../../core/journal.js'
import type { OrderAmendment, OrderIntent } from '../../core/ports.js'
import type { Fill, Order } from '../../core/types.js'
import { Decimal } from '../../decimal/index.js'
import { TimeoutError } from '../../errors/index.js'
import { Portfolio } from '../Portfolio.js'
import { FakeExchangeAdapter } from '../testing/FakeExchangeAdapter.js'
import { BTCUSDT } from '../testing/fixtures.js'
import { OrderExecutor } from './OrderExecutor.js'

/** A fake venue that amends in place (Binance USD-M modify); `onAmend` runs once the venue changed the order. */
class AmendVenue extends FakeExchangeAdapter {
  onAmend: ((cid: string) => void) | undefined
  loseAnswer = false
  async amendOrder(_symbol: string, clientOrderId: string, c: OrderAmendment): Promise<Order> {
    await Promise.resolve()
    const o = this.orders.get(clientOrderId) as Order
    const next = { ...o, price: c.price, qty: c.qty }
    this.orders.set(clientOrderId, next)
    this.onAmend?.(clientOrderId)
    if (this.loseAnswer) throw new TimeoutError('amendOrder timed out', 1000)
    return this.orders.get(clientOrderId) as Order
  }
}

const bid = (cid: string, qty: string, price = '100'): OrderIntent => ({
  clientOrderId: cid,
  strategyId: 's',
  venue: 'fake',
  symbol: 'BTCUSDT',
  side: 'BUY',
  type: 'LIMIT',
  qty: new Decimal(qty),
  price: new Decimal(price),
})

const running: OrderExecutor[] = []
afterEach(async () => {
  for (const e of running.splice(0)) await e.shutdown({ cancelOpenOrders: false, timeoutMs: 1 })
})

async function setup<A extends FakeExchangeAdapter>(
  make: (now: () => number) => A,
  options: { start?: boolean; reconcileOnStart?: boolean } = {},
) {
  const clock = new ManualClock(10_000)
  const venue = make(() => clock.now())
  const exec = new OrderExecutor({
    adapter: venue,
    clock,
    queryIntervalMs: 100,
    queryAttempts: 2,
    reconnectRecheckDelayMs: 0,
    reconcileOnStart: options.reconcileOnStart ?? true,
  })
  running.push(exec)
  const errors: string[] = []
  exec.events.on('error', (e) => errors.push(e.shortMessage))
  const fills: Fill[] = []
  exec.events.on('order.filled', (e) => fills.push(...e.fills))
  const portfolio = new Portfolio({ balances: { USDT: '100000' }, instruments: [BTCUSDT] })
  portfolio.attach(exec)
  if (options.start !== false) await exec.start()
  const settle = async (ms: number, step = 100) => {
    for (let t = 0; t < ms; t += step) {
      await clock.advanceAsync(step)
      for (let k = 0; k < 20; k++) await Promise.resolve()
    }
  }
  return { clock, venue, exec, fills, errors, portfolio, settle }
}

const booked = (fills: readonly Fill[]) => fills.reduce((s, f) => s.plus(f.qty), new Decimal(0)).toFixed()
const state = (o: Order | undefined) => o && `${o.status} ${o.filledQty.toFixed()}/${o.qty.toFixed()}`

describe('OrderExecutor: a fill that beats the answer of an amendment raising the quantity', () => {
  it('is sized against the new quantity: the order stays open (and tracked) for the rest resting at the venue', async () => {
    const { venue, exec, fills, portfolio } = await setup((now) => {
      const v = new AmendVenue('fake', [BTCUSDT], now)
      v.onAmend = (cid) => v.fill(cid, '1') // on the stream before the answer
      return v
    })
    await exec.submit(bid('q1', '1'))
    const amended = await exec.replace('q1', bid('q1', '2'))
    expect(state(venue.orders.get('q1'))).toBe('PARTIALLY_FILLED 1/2')
    expect(state(amended)).toBe('PARTIALLY_FILLED 1/2')
    expect(exec.openOrders().map((o) => o.clientOrderId)).toEqual(['q1'])
    expect(booked(fills)).toBe('1')
    await exec.reconcile()
    expect(state(exec.order('q1'))).toBe('PARTIALLY_FILLED 1/2')
    // The rest fills later, like any fill of an open order; cancelAll reaches it meanwhile.
    venue.fill('q1', '1')
    expect(state(exec.order('q1'))).toBe('FILLED 2/2')
    expect(portfolio.position('fake', 'BTCUSDT')?.qty.toFixed()).toBe('2')
  })

  it('cancelAll reaches the rest of an order whose amendment raced a fill', async () => {
    const { venue, exec } = await setup((now) => {
      const v = new AmendVenue('fake', [BTCUSDT], now)
      v.onAmend = (cid) => v.fill(cid, '1')
      return v
    })
    await exec.submit(bid('q2', '1'))
    await exec.replace('q2', bid('q2', '2'))
    const r = await exec.cancelAll()
    expect(r.failed).toEqual([])
    expect(venue.orders.get('q2')?.status).toBe('CANCELED')
    expect(state(exec.order('q2'))).toBe('CANCELED 1/2')
  })

  it('a refused raise leaves the order as the venue has it: the fill that beat the refusal ends it FILLED', async () => {
    const { venue, exec, fills } = await setup((now) => {
      const v = new AmendVenue('fake', [BTCUSDT], now)
      v.onAmend = (cid) => {
        // The venue fills the old quantity, then refuses the raise: the order is FILLED at 1.
        const o = v.orders.get(cid) as Order
        v.orders.set(cid, { ...o, qty: new Decimal(1) })
        v.fill(cid, '1')
      }
      v.loseAnswer = true
      return v
    })
    await exec.submit(bid('q3', '1'))
    await expect(exec.replace('q3', bid('q3', '2'))).rejects.toThrow(/timed out/)
    expect(state(venue.orders.get('q3'))).toBe('FILLED 1/1')
    expect(state(exec.order('q3'))).toBe('FILLED 1/1')
    expect(exec.openOrders()).toEqual([])
    expect(booked(fills)).toBe('1')
  })
})

describe('OrderExecutor: an order whose status an amendment changes says so', () => {
  it('amended down to what had filled: FILLED with an order.filled event (no new fill)', async () => {
    const { exec, fills } = await setup((now) => {
      const v = new AmendVenue('fake', [BTCUSDT], now)
      // The venue fills 1 of 2 just before it applies the amendment to 1: the order ends FILLED 1/1.
      v.onAmend = (cid) => v.fill(cid, '1')
      return v
    })
    const events: string[] = []
    exec.events.on('order.filled', (e) => events.push(`${e.order.status} ${e.fills.length}`))
    await exec.submit(bid('f1', '2'))
    const o = await exec.replace('f1', bid('f1', '1'))
    expect(state(o)).toBe('FILLED 1/1')
    expect(events.at(-1)).toBe('FILLED 0')
    expect(exec.openOrders()).toEqual([])
    expect(booked(fills)).toBe('1')
  })
})

describe('OrderExecutor: an amendment whose answer is lost', () => {
  it('adopts the quantity the lookup finds, so the fills of the new quantity are booked (stream up)', async () => {
    const { venue, exec, fills, settle } = await setup((now) => {
      const v = new AmendVenue('fake', [BTCUSDT], now)
      v.loseAnswer = true
      v.enableOrderFills()
      return v
    })
    await exec.submit(bid('d1', '1'))
    await expect(exec.replace('d1', bid('d1', '2', '101'))).rejects.toThrow(/timed out/)
    expect(state(exec.order('d1'))).toBe('OPEN 0/2')
    expect(exec.order('d1')?.price?.toFixed()).toBe('101')
    venue.fill('d1', '2')
    await settle(60_000, 1_000)
    await exec.reconcile()
    expect(state(venue.orders.get('d1'))).toBe('FILLED 2/2')
    expect(state(exec.order('d1'))).toBe('FILLED 2/2')
    expect(booked(fills)).toBe('2')
    expect(fills.every((f) => !f.tradeId.startsWith('reconcile:') && f.fee.gt(0))).toBe(true)
  })

  it('adopts it at reconciliation when the lookup after the lost answer failed too (stream down)', async () => {
    class FlakyQuery extends AmendVenue {
      failQueries = 0
      override async queryOrder(symbol: string, cid: string): Promise<Order | undefined> {
        if (this.failQueries > 0) {
          this.failQueries--
          throw new TimeoutError('queryOrder timed out', 1000)
        }
        return super.queryOrder(symbol, cid)
      }
    }
    const { venue, exec, fills, portfolio } = await setup((now) => {
      const v = new FlakyQuery('fake', [BTCUSDT], now)
      v.loseAnswer = true
      v.enableOrderFills()
      return v
    })
    await exec.submit(bid('d2', '1'))
    venue.failQueries = 1
    await expect(exec.replace('d2', bid('d2', '2'))).rejects.toThrow(/timed out/)
    expect(state(exec.order('d2'))).toBe('OPEN 0/1')
    venue.dropStream()
    venue.fill('d2', '2')
    await exec.reconcile()
    expect(state(exec.order('d2'))).toBe('FILLED 2/2')
    expect(booked(fills)).toBe('2')
    expect(fills.every((f) => !f.tradeId.startsWith('reconcile:'))).toBe(true)
    expect(portfolio.position('fake', 'BTCUSDT')?.qty.toFixed()).toBe('2')
  })
})

describe('OrderExecutor: a synthesized fill and the real fill it stands for', () => {
  it('books the quantity once when the real trade arrives after the synthesized one', async () => {
    const { venue, exec, fills, portfolio } = await setup(
      (now) => new FakeExchangeAdapter('fake', [BTCUSDT], now),
    )
    await exec.submit(bid('h1', '2'))
    venue.dropStream()
    const real = venue.fill('h1', '1')
    const canceled = await exec.cancel('h1') // the answer (CANCELED, 1 filled) beats the trade
    expect(state(canceled)).toBe('CANCELED 1/2')
    expect(fills.map((f) => f.tradeId)).toEqual(['reconcile:h1:1'])
    venue.reconnectStream()
    venue.events.emit('fill', { type: 'fill', fill: real, tsEvent: real.tsEvent })
    expect(state(exec.order('h1'))).toBe('CANCELED 1/2')
    expect(booked(fills)).toBe('1')
    expect(portfolio.position('fake', 'BTCUSDT')?.qty.toFixed()).toBe('1')
    // Delivered once more (a replay): still once.
    venue.events.emit('fill', { type: 'fill', fill: real, tsEvent: real.tsEvent })
    expect(portfolio.position('fake', 'BTCUSDT')?.qty.toFixed()).toBe('1')
  })

  it('still books a later fill of a still-open order that the synthesized one did not cover', async () => {
    const { clock, venue, exec, fills, portfolio } = await setup(
      (now) => new FakeExchangeAdapter('fake', [BTCUSDT], now),
    )
    await exec.submit(bid('h2', '3'))
    venue.dropStream()
    const lost = venue.fill('h2', '1')
    await exec.reconcile()
    expect(fills.map((f) => f.tradeId)).toEqual(['reconcile:h2:1'])
    clock.advance(1_000)
    venue.reconnectStream()
    venue.fill('h2', '1') // a new trade, after the venue's record the synthesized fill came from
    expect(state(exec.order('h2'))).toBe('PARTIALLY_FILLED 2/3')
    venue.events.emit('fill', { type: 'fill', fill: lost, tsEvent: lost.tsEvent }) // the lost one, late
    expect(state(exec.order('h2'))).toBe('PARTIALLY_FILLED 2/3')
    expect(booked(fills)).toBe('2')
    expect(portfolio.position('fake', 'BTCUSDT')?.qty.toFixed()).toBe('2')
  })
})

/**
 * Order `cid` for `qty` whose trades the stream missed and a cancel's answer synthesized, then delivered late (as
 * trades not on chain yet when `unsettled`), followed by a Portfolio that can reverse spot fills.
 */
async function synthesizedThenReal(cid: string, qty: '1' | '2', unsettled = false) {
  const r = await setup((now) => new FakeExchangeAdapter('fake', [BTCUSDT], now))
  r.portfolio.events.on('error', () => {}) // setup's Portfolio keeps no spot fill to reverse
  const portfolio = new Portfolio({
    balances: { USDT: '100000' },
    instruments: [BTCUSDT],
    reversibleKinds: ['spot'],
  })
  portfolio.attach(r.exec)
  const covered: string[] = []
  r.exec.events.on('fill.covered', (e) => covered.push(e.fill.tradeId))
  await r.exec.submit(bid(cid, qty))
  r.venue.dropStream()
  const real = [r.venue.fill(cid, '1'), ...(qty === '2' ? [r.venue.fill(cid, '1')] : [])].map(
    (f): Fill => (unsettled ? { ...f, unsettled: true } : f),
  )
  await r.exec.cancel(cid) // the answer beats the trades: their quantity is synthesized
  r.venue.reconnectStream()
  for (const f of real) r.venue.events.emit('fill', { type: 'fill', fill: f, tsEvent: f.tsEvent }) // covered
  const venueEvent = (name: 'fill.settled' | 'fill.reversed', f: Fill) =>
    name === 'fill.settled'
      ? r.venue.events.emit(name, { type: name, fill: f, tsEvent: f.tsEvent })
      : r.venue.events.emit(name, { type: name, fill: f, reason: 'FAILED', tsEvent: f.tsEvent })
  const held = () => portfolio.position('fake', 'BTCUSDT')?.unsettledQty?.toFixed()
  return { ...r, portfolio, real, covered, venueEvent, held }
}

describe('OrderExecutor: the venue reverses a real fill that a synthesized fill booked', () => {
  it('undoes the synthesized fill when the real fill was all of it', async () => {
    const { portfolio, real, venueEvent, errors } = await synthesizedThenReal('h3', '1')
    expect(portfolio.position('fake', 'BTCUSDT')?.qty.toFixed()).toBe('1')
    venueEvent('fill.reversed', real[0] as Fill)
    expect(portfolio.position('fake', 'BTCUSDT')?.qty.toFixed() ?? '0').toBe('0')
    expect(portfolio.cash('USDT').toFixed()).toBe('100000')
    expect(errors).toEqual([])
  })

  it('says so when the real fill was only part of it (the Portfolio cannot take back part of a fill)', async () => {
    const { portfolio, real, venueEvent, errors } = await synthesizedThenReal('h3', '2')
    expect(portfolio.position('fake', 'BTCUSDT')?.qty.toFixed()).toBe('2')
    venueEvent('fill.reversed', real[1] as Fill)
    expect(portfolio.position('fake', 'BTCUSDT')?.qty.toFixed()).toBe('2')
    expect(errors).toEqual([
      expect.stringMatching(/booked as part of a synthesized fill of order "h3": not undone/),
    ])
  })
})

describe('OrderExecutor: an unsettled real fill that a synthesized fill booked', () => {
  it('holds back what it bought until the venue settles it (the synthesized fill was booked settled)', async () => {
    const { portfolio, real, covered, venueEvent, held, errors } = await synthesizedThenReal('u1', '1', true)
    expect(covered).toEqual([real[0]?.tradeId])
    expect(portfolio.position('fake', 'BTCUSDT')?.qty.toFixed()).toBe('1')
    expect(held()).toBe('1')
    venueEvent('fill.settled', real[0] as Fill)
    expect(held()).toBeUndefined()
    expect(errors).toEqual([])
  })

  it('stops holding it back when the venue reverses it, whole or as part of the synthesized fill', async () => {
    const whole = await synthesizedThenReal('u1', '1', true)
    await whole.exec.submit(bid('u2', '3'))
    whole.venue.fill('u2', '3') // settled
    const reported: Array<string | undefined> = []
    whole.portfolio.events.on('fill.reversed', (e) =>
      reported.push(e.applied.position?.unsettledQty?.toFixed()),
    )
    whole.venueEvent('fill.reversed', whole.real[0] as Fill)
    // The reversal's own event already shows nothing held back: the 3 shares left were settled.
    expect([whole.portfolio.position('fake', 'BTCUSDT')?.qty.toFixed(), whole.held(), reported]).toEqual([
      '3',
      undefined,
      [undefined],
    ])

    const part = await synthesizedThenReal('u1', '2', true)
    expect(part.held()).toBe('2')
    part.venueEvent('fill.reversed', part.real[1] as Fill) // not undone (part of a fill): said on error
    expect(part.errors).toEqual([expect.stringMatching(/booked as part of a synthesized fill of order "u1"/)])
    expect(part.held()).toBe('1')
    expect(part.portfolio.snapshot().positions[0]?.unsettledQty?.toFixed()).toBe('1') // no stale kept view
  })
})

describe('OrderExecutor.reconcileJournal after start() adopted the open orders', () => {
  const journaled = (over: Partial<JournalOrderEntry> = {}): JournalOrderEntry => ({
    kind: 'order',
    event: 'order.accepted',
    clientOrderId: 'j1',
    strategyId: 's',
    venue: 'fake',
    symbol: 'BTCUSDT',
    side: 'BUY',
    orderType: 'LIMIT',
    status: 'OPEN',
    qty: '2',
    price: '100',
    filledQty: '0',
    venueOrderId: '1',
    tsEvent: 5_000,
    ...over,
  })
  const viewOf = (e: JournalOrderEntry): JournalView => ({
    openOrders: [e],
    positions: [],
    fillKeys: [],
    lastTrades: [],
  })

  for (const reconcileOnStart of [true, false]) {
    it(`books the partial fill made while down (reconcileOnStart ${reconcileOnStart})`, async () => {
      const { venue, exec, fills, portfolio } = await setup(
        (now) => {
          const v = new FakeExchangeAdapter('fake', [BTCUSDT], now)
          v.enableOrderFills()
          return v
        },
        { start: false, reconcileOnStart },
      )
      await venue.placeOrder({ ...bid('j1', '2'), timeInForce: 'GTC' })
      venue.dropStream()
      venue.fill('j1', '1')
      await exec.start()
      await exec.reconcileJournal(viewOf(journaled()))
      expect(state(exec.order('j1'))).toBe('PARTIALLY_FILLED 1/2')
      expect(booked(fills)).toBe('1')
      expect(portfolio.position('fake', 'BTCUSDT')?.qty.toFixed()).toBe('1')
      expect(exec.openOrders({ strategyId: 's' }).map((o) => o.clientOrderId)).toEqual(['j1'])
    })
  }
})
