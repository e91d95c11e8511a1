import { describe, expect, it } from 'vitest'
import { type AccountSnapshot, ManualClock, type Order, type OrderIntent } from '../core/index.js'
import { Decimal } from '../decimal/index.js'
import { account, D, FakeExecutor, market, openOrder, position, signal } from './__fixtures__/builders.js'
import type { RiskManagerConfig } from './config.js'
import { EntryReservations } from './EntryReservations.js'
import { RiskManager } from './RiskManager.js'

const T0 = Date.UTC(2026, 0, 15, 12)

/** A manager that allows pyramiding (several entries per instrument); the default signal sizes 50 at a price of 100. */
function make(config: RiskManagerConfig) {
  const clock = new ManualClock(T0)
  const risk = new RiskManager({ clock, maxPositionsPerInstrument: 5, ...config })
  const evaluate = (a: Partial<AccountSnapshot> = {}) => {
    const r = risk.evaluate(signal(), account(a), market({ priceTs: clock.now() }))
    return r.ok ? r.value.qty.toString() : r.error.code
  }
  return { risk, clock, evaluate }
}

/** The tracked order an approved intent becomes once it rests at the venue. */
const resting = (id: string, qty: string, over: Partial<Order> = {}): Order =>
  openOrder(id, { qty: D(qty), price: D('100'), ...over })

describe('RiskManager: resting entry orders count against maxNotional and maxPositionFraction', () => {
  it('caps an entry to the room its resting entry orders leave under maxNotional', () => {
    const evaluate = (a: Partial<AccountSnapshot> = {}) => make({ maxNotional: '1000' }).evaluate(a)
    expect(evaluate()).toBe('10') // 1000 ÷ 100
    expect(evaluate({ openOrders: [resting('a', '4')] })).toBe('6')
    expect(evaluate({ openOrders: [resting('a', '4'), resting('b', '6')] })).toBe('QUANTITY_ZERO')
  })

  it('caps an entry to the room left under maxPositionFraction, with a position and a partly filled order', () => {
    const { evaluate } = make({ maxPositionFraction: 0.1 }) // 1000 of 10 000
    // 3 held (the filled part of `a`), 5 still resting on `a`: 8 × 100 of the 1000.
    const a = resting('a', '8', { status: 'PARTIALLY_FILLED', filledQty: D('3') })
    expect(evaluate({ positions: [position('BTCUSDT', '3')], openOrders: [a] })).toBe('2')
  })

  it('never lets several entries, each approved while the others rest, fill past the cap', () => {
    const { evaluate } = make({ maxNotional: '1000' })
    const open: Order[] = []
    for (let i = 0; i < 4; i++) {
      const q = evaluate({ openOrders: [...open] })
      if (!/^\d/.test(q)) break
      open.push(resting(`e${i}`, q))
    }
    const total = open.reduce((s, o) => s.plus(o.qty), new Decimal(0))
    expect(total.times(100).lte(1000)).toBe(true)
    expect(total.toString()).toBe('10')
  })

  it('ignores reduce-only orders, the other side, other instruments and finished orders', () => {
    const { evaluate } = make({ maxNotional: '1000' })
    const others = [
      resting('r', '5', { reduceOnly: true }),
      resting('s', '5', { side: 'SELL' }),
      resting('x', '5', { symbol: 'ETHUSDT' }),
      resting('v', '5', { venue: 'elsewhere' }),
      resting('f', '5', { status: 'FILLED', filledQty: D('5') }),
      resting('c', '5', { status: 'CANCELED' }),
    ]
    expect(evaluate({ openOrders: others })).toBe('10')
  })

  it('counts orders not acknowledged yet and orders being cancelled (they may still fill)', () => {
    const { evaluate } = make({ maxNotional: '1000' })
    const pending = [
      resting('n', '3', { status: 'PENDING_NEW' }),
      resting('c', '3', { status: 'PENDING_CANCEL' }),
    ]
    expect(evaluate({ openOrders: pending })).toBe('4')
  })

  it('denies an entry whose resting entry orders cannot be read (INVALID_INPUT), never counting them as 0', () => {
    const { risk, clock } = make({ maxNotional: '1000' })
    const bad: Array<Partial<Order>> = [
      { qty: D('NaN') },
      { qty: D('-1') },
      { filledQty: D('6') }, // more than the order's 5
      { filledQty: undefined as unknown as Decimal },
      { status: 'WHATEVER' as Order['status'] },
    ]
    for (const over of bad) {
      const r = risk.evaluate(
        signal(),
        account({ openOrders: [resting('b', '5', over)] }),
        market({ priceTs: clock.now() }),
      )
      expect(r.ok ? 'APPROVED' : r.error.code, JSON.stringify(over)).toBe('INVALID_INPUT')
    }
  })
})

describe('RiskManager: approved entries no snapshot lists yet count like resting ones', () => {
  /** 400 an entry, at a price of 100: 4 each, capped by maxNotional. */
  const notional400: RiskManagerConfig = {
    sizing: { method: 'fixedNotional', notional: '400' },
    requireStop: false,
  }
  const code = (r: ReturnType<RiskManager['evaluate']>): string =>
    r.ok ? r.value.qty.toFixed() : r.error.code

  it('two approvals on one snapshot cannot each take the whole room, nor both pass the position counts', () => {
    const clock = new ManualClock(T0)
    const risk = new RiskManager({ clock, maxNotional: '1000' })
    const acct = account()
    const m = market({ priceTs: clock.now() })
    expect(code(risk.evaluate(signal(), acct, m))).toBe('10')
    expect(code(risk.evaluate(signal(), acct, m))).toBe('MAX_POSITIONS_PER_INSTRUMENT') // 1 per instrument
    const pyramid = make({ maxNotional: '1000' }) // 5 per instrument
    expect(pyramid.evaluate()).toBe('10')
    expect(pyramid.evaluate()).toBe('QUANTITY_ZERO') // not another 10: 2000 would fill
    const { risk: few, clock: c2 } = make({ maxOpenPositions: 2 })
    const held = account({ positions: [position('XRPUSDT', '10')] })
    expect(code(few.evaluate(signal(), held, market({ priceTs: c2.now() })))).toBe('50')
    const eth = market({ instrument: { ...market().instrument, symbol: 'ETHUSDT' }, priceTs: c2.now() })
    expect(code(few.evaluate(signal({ symbol: 'ETHUSDT' }), held, eth))).toBe('MAX_OPEN_POSITIONS')
  })

  it('counts an approval once a snapshot lists its order: as that open order, not twice', () => {
    const { risk, clock } = make({ ...notional400, maxNotional: '1000' })
    const m = market({ priceTs: clock.now() })
    const first = risk.evaluate(signal(), account(), m)
    if (!first.ok) throw new Error(first.error.message)
    const a = resting(first.value.clientOrderId, '4')
    const second = risk.evaluate(signal(), account({ openOrders: [a] }), m)
    expect(code(second)).toBe('4') // 400 listed, 600 left: not 400 listed + 400 reserved
    if (!second.ok) return
    const both = account({ openOrders: [a, resting(second.value.clientOrderId, '4')] })
    expect(code(risk.evaluate(signal(), both, m))).toBe('2')
  })

  it("ends a reservation on a registered executor's news of the order, not on a move of the position", () => {
    const { risk, clock } = make({ ...notional400, maxNotional: '900' })
    const venue = new FakeExecutor(['binance'], [])
    risk.registerExecutor(venue)
    const m = market({ priceTs: clock.now() })
    const first = risk.evaluate(signal(), account(), m)
    if (!first.ok) throw new Error(first.error.message)
    // Another order's fill moved the position: the approved 4 may still be waiting to be sent, and still count.
    expect(code(risk.evaluate(signal(), account({ positions: [position('BTCUSDT', '2')] }), m))).toBe('3')
    const { risk: other, clock: c2 } = make({ ...notional400, maxNotional: '900' })
    other.registerExecutor(venue)
    const mine = other.evaluate(signal(), account(), market({ priceTs: c2.now() }))
    if (!mine.ok) throw new Error(mine.error.message)
    const order = openOrder(mine.value.clientOrderId, { qty: D('4'), status: 'CANCELED' })
    venue.bus.emit('order.canceled', { type: 'order.canceled', order, tsEvent: c2.now() })
    expect(code(other.evaluate(signal(), account(), market({ priceTs: c2.now() })))).toBe('4') // nothing of it left
  })

  it('without a registered executor, ends a reservation when the position on its instrument moved (its fill)', () => {
    const { risk, clock } = make({ ...notional400, maxNotional: '900' })
    const m = market({ priceTs: clock.now() })
    expect(code(risk.evaluate(signal(), account(), m))).toBe('4')
    // Filled at once (a MARKET order on a paper venue): the snapshot holds it, and never lists it as an open order.
    expect(code(risk.evaluate(signal(), account({ positions: [position('BTCUSDT', '4')] }), m))).toBe('4')
  })

  it('stops counting an approval never submitted after entryReservationTtlMs', () => {
    const { risk, clock } = make({ ...notional400, maxNotional: '500', entryReservationTtlMs: 5_000 })
    const at = (ms: number) => {
      clock.advanceTo(T0 + ms)
      return code(risk.evaluate(signal(), account(), market({ priceTs: clock.now() })))
    }
    expect(at(0)).toBe('4')
    expect(at(4_999)).toBe('1') // the first 4 still count
    expect(at(5_000)).toBe('4') // the first ended; the 1 approved at 4 999 still counts
  })

  it('reads the open orders for reservations without failing an exit on a malformed one', () => {
    const { risk, clock } = make({})
    const m = market({ priceTs: clock.now() })
    expect(risk.evaluate(signal(), account(), m).ok).toBe(true) // one entry reserved
    const exit = signal({ side: 'SELL', intent: 'EXIT' })
    const held = account({ positions: [position('BTCUSDT', '1')], openOrders: [null as unknown as Order] })
    expect(code(risk.evaluate(exit, held, m))).toBe('1')
  })

  it('takes what approvals the snapshot does not list yet will use off its free margin', () => {
    const { risk, clock } = make({ sizing: { method: 'fixedNotional', notional: '600' }, requireStop: false })
    const venue = new FakeExecutor(['binance'], [])
    risk.registerExecutor(venue)
    const m = market({ priceTs: clock.now() })
    const acct = account({ freeMargin: D('1000') })
    const first = risk.evaluate(signal(), acct, m)
    expect(code(first)).toBe('6') // 600 of 950 (free margin × 0.95)
    expect(code(risk.evaluate(signal(), acct, m))).toBe('3.8') // 400 left: 380
    expect(code(risk.evaluate(signal(), acct, m))).toBe('0.19') // 20 left: 19
    // The executor reports on the first: it counts from the snapshot from then on (its hold, its fill), not here.
    if (!first.ok) throw new Error(first.error.message)
    const order = openOrder(first.value.clientOrderId, { qty: D('6'), status: 'CANCELED' })
    venue.bus.emit('order.canceled', { type: 'order.canceled', order, tsEvent: clock.now() })
    expect(code(risk.evaluate(signal(), acct, m))).toBe('5.709') // 1000 − 380 − 19 = 601: 570.95
  })

  it('takes a reserved perpetual entry off the free margin at its leverage', () => {
    const perp = market({ instrument: { ...market().instrument, kind: 'perpetual', maxLeverage: 10 } })
    const { risk, clock } = make({
      sizing: { method: 'fixedNotional', notional: '3000' },
      requireStop: false,
      leverage: 5,
    })
    const m = { ...perp, priceTs: clock.now() }
    const acct = account({ freeMargin: D('1000') })
    expect(code(risk.evaluate(signal(), acct, m))).toBe('30') // 3000 of 4750 (1000 × 5 × 0.95)
    expect(code(risk.evaluate(signal(), acct, m))).toBe('19') // 3000 ÷ 5 = 600 reserved: 400 × 5 × 0.95
  })

  it('denies an entry when the approvals not listed yet take all the free margin, saying so', () => {
    const { risk, clock } = make({
      sizing: { method: 'fixedNotional', notional: '100' },
      requireStop: false,
      marginSafetyFactor: 1,
    })
    const m = market({ priceTs: clock.now() })
    const acct = account({ freeMargin: D('100') })
    expect(code(risk.evaluate(signal(), acct, m))).toBe('1')
    const r = risk.evaluate(signal(), acct, m)
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.error.code).toBe('INSUFFICIENT_MARGIN')
    expect(r.error.message).toBe(
      'Free margin "100" less "100" for approved entries not listed yet is not above zero',
    )
    expect(r.error.values).toMatchObject({ freeMargin: '100', reservedMargin: '100' })
  })

  it('keeps a bounded number of reservations, the oldest dropped first', () => {
    const reservations = new EntryReservations(60_000, 2)
    const intent = (id: string) => ({
      clientOrderId: id,
      venue: 'binance',
      symbol: 'BTCUSDT',
      side: 'BUY',
      qty: D(1),
    })
    const valued = { price: D(100), leverage: 1 }
    for (const id of ['a', 'b', 'c']) reservations.reserve(intent(id) as OrderIntent, undefined, T0, valued)
    expect([...reservations.values()].map((r) => r.clientOrderId)).toEqual(['b', 'c'])
  })
})

describe('RiskManager: the caps value the exposure at the price it fills at', () => {
  it('values a LIMIT SELL above the market, and the short beside it, at its limit: the cap holds when it fills', () => {
    const { risk, clock } = make({ maxNotional: '1000' })
    const r = risk.evaluate(
      signal({ side: 'SELL', orderType: 'LIMIT', limitPrice: D('110'), stopPrice: D('130') }),
      account({ positions: [position('BTCUSDT', '-5')] }),
      market({ priceTs: clock.now() }),
    )
    expect(r.ok && r.value.qty.toFixed()).toBe('4.09') // (5 + 4.09) × 110 = 999.9
    if (r.ok) expect(D(5).plus(r.value.qty).times(110).lte(1000)).toBe(true)
  })

  it('values a LIMIT BUY below the market, and the long beside it, at the market: the higher of the two', () => {
    const { risk, clock } = make({ maxNotional: '1000' })
    const r = risk.evaluate(
      signal({ orderType: 'LIMIT', limitPrice: D('90'), stopPrice: D('88') }),
      account({ positions: [position('BTCUSDT', '4')] }),
      market({ priceTs: clock.now() }),
    )
    expect(r.ok && r.value.qty.toFixed()).toBe('6') // (4 + 6) × 100: not 6.666 (600 ÷ 90)
  })

  it("checks minNotional at the order's own price when the caps value it higher", () => {
    const { risk, clock } = make({ maxNotional: '1000' })
    // 5.5 of room at 100 is 0.055, worth 4.95 at its limit of 90: below the minimum notional of 5.
    const r = risk.evaluate(
      signal({ orderType: 'LIMIT', limitPrice: D('90'), stopPrice: D('88') }),
      account({ positions: [position('BTCUSDT', '9.945')] }),
      market({ priceTs: clock.now() }),
    )
    expect(r.ok ? r.value.qty.toFixed() : r.error.code).toBe('BELOW_MIN_NOTIONAL')
  })
})
