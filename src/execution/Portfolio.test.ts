import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ManualClock } from '../core/clock.js'
import { TypedEmitter } from '../core/events.js'
import type { ExecutionEvents } from '../core/ports.js'
import type { Fill, Instrument, Order, Side } from '../core/types.js'
import { Decimal } from '../decimal/index.js'
import { Portfolio } from './Portfolio.js'
import { PaperTrader } from './paper/PaperTrader.js'
import { BTCPERP, BTCUSDT, NO, testFill, YES } from './testing/fixtures.js'

let tid = 0
function fill(
  inst: Instrument,
  side: Side,
  qty: string,
  price: string,
  fee = '0',
  extra: Partial<Fill> = {},
): Fill {
  const clientOrderId = `c${tid}`
  return testFill(inst, side, qty, price, {
    clientOrderId,
    tradeId: `t${++tid}`,
    fee: new Decimal(fee),
    ...extra,
  })
}

const mk = () =>
  new Portfolio({
    balances: { USDT: '10000' },
    instruments: [BTCUSDT, BTCPERP, YES, NO],
    clock: new ManualClock(0),
  })

describe('Portfolio spot', () => {
  it('a strategy selling what no strategy owns keeps a flat share, sale after sale (never -0, never short)', () => {
    const p = mk()
    p.attribute('d1', 'D')
    p.attribute('d2', 'D')
    expect(p.applyFill(fill(BTCUSDT, 'BUY', '0.005', '100', '0', { clientOrderId: 'by-hand' })).ok).toBe(true)
    for (const cid of ['d1', 'd2'])
      expect(p.applyFill(fill(BTCUSDT, 'SELL', '0.002', '100', '0', { clientOrderId: cid })).ok).toBe(true)
    const forD = p.snapshot(undefined, { strategyId: 'D' })
    expect(forD.strategyPositions).toEqual([])
    expect(forD.unattributedPositions?.map((x) => x.qty.toString())).toEqual(['0.001'])
  })

  it('an EXIT that sells others’ dust takes its own share to flat, never short: the dust is not sold twice', () => {
    const p = mk()
    for (const [cid, sid] of Object.entries({
      b1: 'B',
      b2: 'B',
      c1: 'C',
      c2: 'C',
      d1: 'D',
      d2: 'D',
      e1: 'E',
    }))
      p.attribute(cid, sid)
    const f = (cid: string, side: Side, qty: string, fee = '0', feeAsset = 'USDT') =>
      fill(BTCUSDT, side, qty, '100', fee, { clientOrderId: cid, feeAsset })
    for (const x of [
      f('b1', 'BUY', '1.111', '0.001111', 'BTC'),
      f('b2', 'SELL', '1.109'),
      f('c1', 'BUY', '1.111', '0.001111', 'BTC'),
      f('c2', 'SELL', '1.109'),
      f('d1', 'BUY', '1'),
      f('d2', 'SELL', '1.001'), // D's 1 and 0.001 of B's and C's dust (unattributed: any EXIT's)
      f('e1', 'BUY', '1'),
    ])
      expect(p.applyFill(x).ok).toBe(true)
    expect(p.positionQty('fake', 'BTCUSDT').toString()).toBe('1.000778')
    expect(p.snapshot(undefined, { strategyId: 'D' }).strategyPositions).toEqual([])
    const forB = p.snapshot(undefined, { strategyId: 'B' })
    expect(forB.strategyPositions).toEqual([])
    expect(forB.unattributedPositions).toEqual([]) // 0.000778 left besides E's 1: dust
    expect(p.strategyPositions('E').map((x) => x.qty.toString())).toEqual(['1'])
  })

  it('strategies’ dust shares that add up to a sellable quantity are unattributed: any EXIT may close them', () => {
    const p = mk()
    for (const cid of ['a-in', 'a-out']) p.attribute(cid, 'A')
    for (const cid of ['b-in', 'b-out']) p.attribute(cid, 'B')
    const f = (cid: string, side: Side, qty: string, fee: string, feeAsset: string) =>
      fill(BTCUSDT, side, qty, '100', fee, { clientOrderId: cid, feeAsset })
    // Each strategy exits its own entry in whole steps and leaves 0.000889: together 0.001778, one step and more.
    for (const x of [
      f('a-in', 'BUY', '1.111', '0.001111', 'BTC'),
      f('b-in', 'BUY', '1.111', '0.001111', 'BTC'),
      f('a-out', 'SELL', '1.109', '0.1', 'USDT'),
      f('b-out', 'SELL', '1.109', '0.1', 'USDT'),
    ])
      expect(p.applyFill(x).ok).toBe(true)
    expect(p.positions().map((x) => x.qty.toString())).toEqual(['0.001778'])
    const forA = p.snapshot(undefined, { strategyId: 'A' })
    expect(forA.strategyPositions).toEqual([])
    expect(forA.unattributedPositions?.map((x) => x.qty.toString())).toEqual(['0.001778'])
  })

  it('dust a base-asset fee leaves after an exit is no open position; it stays in equity and position()', () => {
    const p = mk()
    p.attribute('c-in', 'ema')
    p.attribute('c-out', 'ema')
    // 1.111 BTC bought, 0.001111 of it taken as the fee: 1.109889 held; the exit sells 1.109 (whole steps).
    expect(
      p.applyFill(
        fill(BTCUSDT, 'BUY', '1.111', '100', '0.001111', { feeAsset: 'BTC', clientOrderId: 'c-in' }),
      ).ok,
    ).toBe(true)
    expect(p.applyFill(fill(BTCUSDT, 'SELL', '1.109', '100', '0.1109', { clientOrderId: 'c-out' })).ok).toBe(
      true,
    )
    const left = p.position('fake', 'BTCUSDT')
    expect(left?.qty.toString()).toBe('0.000889')
    expect(left?.dust).toBe(true)
    expect(p.positions()).toEqual([])
    expect(p.hasOpenPositions()).toBe(false)
    expect(p.snapshot().positions).toEqual([])
    const forEma = p.snapshot(undefined, { strategyId: 'ema' })
    expect(forEma.strategyPositions).toEqual([])
    expect(forEma.unattributedPositions).toEqual([])
    expect(p.equity().toString()).toBe(p.cash('USDT').plus('0.0889').toString()) // held at the mark all the same
    // A position of a step or more is open again, and not flagged.
    expect(p.applyFill(fill(BTCUSDT, 'BUY', '0.001', '100')).ok).toBe(true)
    expect(p.positions().map((x) => [x.qty.toString(), x.dust])).toEqual([['0.001889', undefined]])
  })

  it('buys and sells with fees, realized PnL net of fees, conservation of cash', () => {
    const p = mk()
    expect(p.applyFill(fill(BTCUSDT, 'BUY', '0.1', '20000', '2')).ok).toBe(true)
    expect(p.cash('USDT').toString()).toBe('7998')
    const pos = p.position('fake', 'BTCUSDT')
    expect(pos?.qty.toString()).toBe('0.1')
    expect(pos?.entryPrice?.toString()).toBe('20000')
    expect(pos?.realizedPnl.toString()).toBe('-2')
    p.mark('fake', 'BTCUSDT', '21000')
    expect(p.equity().toString()).toBe('10098')
    expect(p.unrealizedPnl().toString()).toBe('100')
    p.applyFill(fill(BTCUSDT, 'SELL', '0.1', '21000', '2.1'))
    expect(p.cash('USDT').toString()).toBe('10095.9')
    expect(p.position('fake', 'BTCUSDT')?.realizedPnl.toString()).toBe('95.9')
    expect(p.position('fake', 'BTCUSDT')?.entryPrice).toBeUndefined()
    expect(p.equity().toString()).toBe('10095.9')
    expect(p.realizedPnlToday().toString()).toBe('95.9')
  })

  it('refuses to sell more than held and changes nothing', () => {
    const p = mk()
    p.applyFill(fill(BTCUSDT, 'BUY', '0.1', '20000'))
    const r = p.applyFill(fill(BTCUSDT, 'SELL', '0.2', '20000'))
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error.code).toBe('INSUFFICIENT_FUNDS')
    expect(p.position('fake', 'BTCUSDT')?.qty.toString()).toBe('0.1')
    expect(p.cash('USDT').toString()).toBe('8000')
    // A refused fill is not remembered as applied: the same fill, once it fits, is applied (not a duplicate).
    const sell = fill(BTCUSDT, 'SELL', '0.2', '20000', '0', { tradeId: 'refused-then-fits' })
    expect(p.applyFill(sell).ok).toBe(false)
    p.applyFill(fill(BTCUSDT, 'BUY', '0.1', '20000'))
    const later = p.applyFill(sell)
    expect(later.ok && later.value !== undefined).toBe(true)
    expect(p.position('fake', 'BTCUSDT')?.qty.toString()).toBe('0')
    expect(p.applyFill(sell)).toEqual({ ok: true, value: undefined }) // now it is a duplicate
  })

  it('accounts a fee paid in the base asset from the tokens received', () => {
    const p = mk()
    p.applyFill(fill(BTCUSDT, 'BUY', '1', '100', '0.001', { feeAsset: 'BTC' }))
    expect(p.position('fake', 'BTCUSDT')?.qty.toString()).toBe('0.999')
    expect(p.cash('USDT').toString()).toBe('9900')
    expect(p.cash('BTC').toString()).toBe('0')
    p.mark('fake', 'BTCUSDT', '100')
    expect(p.equity().minus(10000).eq(p.realizedPnl().plus(p.unrealizedPnl()))).toBe(true)
  })

  it('counts a duplicate fill (same trade id) once', () => {
    const p = mk()
    const f = fill(BTCUSDT, 'BUY', '0.1', '20000', '2')
    p.applyFill(f)
    const r = p.applyFill(f)
    expect(r.ok && r.value).toBe(undefined)
    expect(p.cash('USDT').toString()).toBe('7998')
    expect(p.feesPaid().get('USDT')?.toString()).toBe('2')
  })

  it('the same trade id on two symbols is two fills (Binance numbers trades per symbol)', () => {
    const p = mk()
    expect(p.applyFill(fill(BTCUSDT, 'BUY', '0.1', '20000', '0', { tradeId: '34' })).ok).toBe(true)
    const r = p.applyFill(fill(BTCPERP, 'BUY', '0.1', '20000', '1', { tradeId: '34' }))
    expect(r.ok && r.value !== undefined).toBe(true)
    expect(p.position('fake', 'BTCUSDT-PERP')?.qty.toString()).toBe('0.1')
    expect(p.feesPaid().get('USDT')?.toString()).toBe('1')
  })

  it('one trade filling two of our orders is two fills (a Polymarket self-match: same trade id, both sides ours)', () => {
    const p = mk()
    expect(
      p.applyFill(fill(BTCUSDT, 'BUY', '0.1', '20000', '1', { tradeId: '77', clientOrderId: 'taker' })).ok,
    ).toBe(true)
    const r = p.applyFill(
      fill(BTCUSDT, 'SELL', '0.1', '20000', '1', { tradeId: '77', clientOrderId: 'maker' }),
    )
    expect(r.ok && r.value !== undefined).toBe(true)
    expect(p.feesPaid().get('USDT')?.toString()).toBe('2')
  })

  it('tracks peak equity and drawdown', () => {
    const p = mk()
    p.applyFill(fill(BTCUSDT, 'BUY', '0.1', '20000'))
    p.mark('fake', 'BTCUSDT', '30000')
    expect(p.peakEquity().toString()).toBe('11000')
    p.mark('fake', 'BTCUSDT', '19000')
    expect(p.equity().toString()).toBe('9900')
    expect(p.drawdown().toString()).toBe('0.1')
    const snap = p.snapshot()
    expect(snap.peakEquity.toString()).toBe('11000')
    expect(snap.freeMargin.toString()).toBe('8000')
  })

  it('a deposit or withdrawal moves the peak with it: drawdown is the trading loss from the peak, not a transfer', () => {
    const p = mk()
    p.applyFill(fill(BTCUSDT, 'BUY', '0.1', '20000'))
    p.mark('fake', 'BTCUSDT', '18000') // a 200 trading loss from the 10,000 peak
    expect(p.drawdown().toString()).toBe('0.02')
    // Reference: the peak net of transfers, 10,000 − 5,000; equity 9,800 − 5,000; drawdown 200 / 5,000.
    p.deposit('USDT', '-5000')
    expect([p.equity(), p.peakEquity(), p.drawdown()].map(String)).toEqual(['4800', '5000', '0.04'])
    expect(p.snapshot().peakEquity.toString()).toBe('5000')
    p.deposit('USDT', '200') // a deposit does not hide the loss either: 5,200 peak, 5,000 equity
    expect([p.equity(), p.peakEquity()].map(String)).toEqual(['5000', '5200'])
    expect(p.drawdown().eq(new Decimal(200).div(5200))).toBe(true)
    const flat = mk() // no trading at all: no drawdown, whatever moves in and out
    flat.deposit('USDT', '10000')
    flat.deposit('USDT', '-15000')
    expect([flat.peakEquity(), flat.drawdown()].map(String)).toEqual(['5000', '0'])
  })

  it('positions() is a copy to change at will; a snapshot shares the kept views, frozen, until a mark or fill moves them', () => {
    const p = mk()
    p.applyFill(fill(BTCUSDT, 'BUY', '0.1', '20000'))
    const mine = p.positions()
    mine.length = 0
    const a = p.snapshot()
    expect(a.positions.map((x) => x.qty.toString())).toEqual(['0.1'])
    expect(Object.isFrozen(a.positions)).toBe(true)
    expect(p.snapshot().positions).toBe(a.positions) // nothing moved: the same views
    p.mark('fake', 'BTCUSDT', '21000')
    const b = p.snapshot()
    expect(b.positions).not.toBe(a.positions)
    expect(b.positions[0]?.unrealizedPnl.toString()).toBe('100')
    expect(a.positions[0]?.unrealizedPnl.toString()).toBe('0') // the earlier snapshot is unchanged
    expect(() => p.mark('fake', 'BTCUSDT', new Decimal('-1'))).not.toThrow() // not above zero: ignored
    expect(() => p.mark('fake', 'BTCUSDT', new Decimal(0))).not.toThrow()
    expect(p.snapshot().positions[0]?.unrealizedPnl.toString()).toBe('100')
    expect(() => p.mark('fake', 'BTCUSDT', new Decimal(Number.NaN))).toThrow(/not finite/)
  })

  it('a fill marks the instrument at its price, unless a newer price marked it since', () => {
    const clock = new ManualClock(0)
    const p = new Portfolio({ balances: { USDT: '10000' }, instruments: [BTCUSDT], clock })
    p.applyFill(fill(BTCUSDT, 'BUY', '0.1', '20000', '0', { tsEvent: 0 }))
    p.mark('fake', 'BTCUSDT', '20000')
    clock.advance(1_000)
    // A later fill at 21 000 is the latest traded price: the position and equity are valued at it.
    p.applyFill(fill(BTCUSDT, 'BUY', '0.1', '21000', '0', { tsEvent: 1_000 }))
    expect(p.position('fake', 'BTCUSDT')?.markPrice?.toString()).toBe('21000')
    expect(p.equity().toString()).toBe('10100')
    // A book marks at 21 500 at t = 3 000; a fill of t = 2 000 recovered late does not move the mark back.
    clock.advance(2_000)
    p.mark('fake', 'BTCUSDT', '21500')
    p.applyFill(fill(BTCUSDT, 'SELL', '0.1', '20500', '0', { tsEvent: 2_000 }))
    expect(p.position('fake', 'BTCUSDT')?.markPrice?.toString()).toBe('21500')
  })
})

describe('Portfolio perpetuals', () => {
  it('opens, adds, reduces and flips with leverage, margin and a liquidation estimate', () => {
    const p = mk()
    p.setLeverage('fake', BTCPERP.symbol, 10)
    p.applyFill(fill(BTCPERP, 'BUY', '1', '100', '0.04'))
    p.applyFill(fill(BTCPERP, 'BUY', '1', '110', '0.044'))
    let pos = p.position('fake', BTCPERP.symbol)
    expect(pos?.entryPrice?.toString()).toBe('105')
    expect(pos?.leverage).toBe(10)
    p.mark('fake', BTCPERP.symbol, '120')
    pos = p.position('fake', BTCPERP.symbol)
    expect(pos?.unrealizedPnl.toString()).toBe('30')
    expect(pos?.margin.toString()).toBe('24')
    // long liq = 105 * (1 - 0.1 + 0.004)
    expect(pos?.liquidationPrice?.toString()).toBe('94.92')
    expect(p.cash('USDT').toString()).toBe('9999.916')
    expect(p.freeMargin().toString()).toBe('10005.916')
    // sell 3: close 2 at 120 (+30), flip to short 1 at 120
    p.applyFill(fill(BTCPERP, 'SELL', '3', '120', '0'))
    pos = p.position('fake', BTCPERP.symbol)
    expect(pos?.qty.toString()).toBe('-1')
    expect(pos?.entryPrice?.toString()).toBe('120')
    expect(p.cash('USDT').toString()).toBe('10029.916')
    expect(pos?.liquidationPrice?.toString()).toBe('131.52')
  })

  it('applies funding: a long pays a positive rate', () => {
    const p = mk()
    p.applyFill(fill(BTCPERP, 'BUY', '2', '100'))
    expect(p.applyFunding('fake', BTCPERP.symbol, '0.0001', '100').toString()).toBe('-0.02')
    expect(p.cash('USDT').toString()).toBe('9999.98')
  })

  it("books the venue's funding from an attached client's funding.settled: exact amount, once", () => {
    const p = mk()
    p.applyFill(fill(BTCPERP, 'BUY', '2', '100'))
    const bus = new TypedEmitter<ExecutionEvents>()
    const applied: unknown[] = []
    p.events.on('funding.applied', (e) => applied.push([e.symbol, e.asset, e.amount.toString(), e.tsEvent]))
    p.attach({ events: bus })
    const funding = { venue: 'fake', asset: 'USDT', amount: new Decimal('-0.01999999'), tsEvent: 7 }
    bus.emit('funding.settled', { type: 'funding.settled', funding, tsEvent: 7 })
    bus.emit('funding.settled', { type: 'funding.settled', funding, tsEvent: 7 }) // replayed: ignored
    // no symbol named (cross margin): the only open USDT perpetual on the venue takes it
    expect(applied).toEqual([[BTCPERP.symbol, 'USDT', '-0.01999999', 7]])
    expect(p.cash('USDT').toString()).toBe('9999.98000001')
    expect(p.position('fake', BTCPERP.symbol)?.realizedPnl.toString()).toBe('-0.01999999')
    // a later charge (another time) is booked; one naming its symbol goes there
    expect(p.applyVenueFunding({ ...funding, symbol: BTCPERP.symbol, tsEvent: 8 })?.toString()).toBe(
      '-0.01999999',
    )
    expect(p.cash('USDT').toString()).toBe('9999.96000002')
  })
})

describe("Portfolio: an attached client's orders keep their strategy while open", () => {
  it('a resting order outlives the window of ended ones; an ended one is kept among the last `dedupeWindow`', () => {
    const p = new Portfolio({ balances: { USDT: '100000' }, instruments: [BTCUSDT], dedupeWindow: 16 })
    const bus = new TypedEmitter<ExecutionEvents>()
    p.attach({ events: bus })
    const order = (cid: string, status: 'OPEN' | 'FILLED', filled = '0') => ({
      clientOrderId: cid,
      venue: BTCUSDT.venue,
      symbol: BTCUSDT.symbol,
      side: 'BUY' as const,
      type: 'LIMIT' as const,
      qty: new Decimal('0.01'),
      price: new Decimal('100'),
      status,
      filledQty: new Decimal(filled),
      tsCreated: 0,
      tsUpdated: 0,
    })
    const filled = (cid: string) => {
      const f = { ...fill(BTCUSDT, 'BUY', '0.01', '100'), clientOrderId: cid }
      bus.emit('order.filled', {
        type: 'order.filled',
        order: order(cid, 'FILLED', '0.01'),
        fills: [f],
        tsEvent: 1,
      })
    }
    p.attribute('rest', 'mm')
    bus.emit('order.accepted', { type: 'order.accepted', order: order('rest', 'OPEN'), tsEvent: 0 })
    for (let i = 0; i < 40; i++) {
      p.attribute(`o${i}`, 'other')
      filled(`o${i}`)
    }
    filled('rest')
    expect(p.strategyPositions('mm').map((x) => x.qty.toFixed())).toEqual(['0.01'])
    expect(p.strategyPositions('other').map((x) => x.qty.toFixed())).toEqual(['0.4'])
    // A late fill of an order that ended 40 orders ago is the venue's only (beyond the window of 16).
    const late = { ...fill(BTCUSDT, 'BUY', '0.01', '100'), clientOrderId: 'o0' }
    expect(p.applyFill(late).ok).toBe(true)
    expect(p.strategyPositions('other').map((x) => x.qty.toFixed())).toEqual(['0.4'])
    // One that ended 10 orders ago still is the strategy's.
    p.applyFill({ ...fill(BTCUSDT, 'BUY', '0.01', '100'), clientOrderId: 'o30' })
    expect(p.strategyPositions('other').map((x) => x.qty.toFixed())).toEqual(['0.41'])
  })
})

describe('Portfolio: a snapshot’s free margin is net of what open orders commit and no hold covers', () => {
  const order = (
    inst: Instrument,
    cid: string,
    side: Side,
    status: 'OPEN' | 'PARTIALLY_FILLED' | 'CANCELED',
    filled = '0',
    type: 'LIMIT' | 'MARKET' = 'LIMIT',
  ): Order => ({
    clientOrderId: cid,
    venue: inst.venue,
    symbol: inst.symbol,
    side,
    type,
    qty: new Decimal('2'),
    ...(type === 'LIMIT' ? { price: new Decimal('100') } : {}),
    status,
    filledQty: new Decimal(filled),
    tsCreated: 0,
    tsUpdated: 0,
  })
  const free = (p: Portfolio, orders?: readonly Order[]) => p.snapshot(orders).freeMargin.toFixed()

  it('counts a live resting buy’s cost (the venue locked it) until it ends: followed, or as the executor lists it', () => {
    const p = mk()
    const bus = new TypedEmitter<ExecutionEvents>()
    p.attach({ events: bus })
    bus.emit('order.accepted', {
      type: 'order.accepted',
      order: order(BTCUSDT, 'b', 'BUY', 'OPEN'),
      tsEvent: 0,
    })
    expect(free(p)).toBe('9800')
    expect(p.freeMargin().toFixed()).toBe('10000') // the account's own: nothing is held
    // Half filled: 50 paid, 1.5 × 100 still committed.
    const f = { ...fill(BTCUSDT, 'BUY', '0.5', '100'), clientOrderId: 'b' }
    const partly = order(BTCUSDT, 'b', 'BUY', 'PARTIALLY_FILLED', '0.5')
    bus.emit('order.filled', { type: 'order.filled', order: partly, fills: [f], tsEvent: 1 })
    expect(free(p)).toBe('9800')
    bus.emit('order.canceled', {
      type: 'order.canceled',
      order: { ...partly, status: 'CANCELED' },
      tsEvent: 2,
    })
    expect(free(p)).toBe('9950')
    // Orders the portfolio never heard of (open before a restart), as the executor lists them.
    expect(free(p, [order(BTCUSDT, 'j1', 'BUY', 'OPEN')])).toBe('9750')
    expect(free(p, [])).toBe('9950')
  })

  it('counts a perpetual order’s margin at the position’s leverage; nothing for a spot sell, reduce-only or no mark', () => {
    const p = mk()
    p.setLeverage(BTCPERP.venue, BTCPERP.symbol, 4)
    const none = [
      order(BTCUSDT, 's', 'SELL', 'OPEN'),
      order(BTCUSDT, 'm', 'BUY', 'OPEN', '0', 'MARKET'),
      { ...order(BTCPERP, 'r', 'SELL', 'OPEN'), reduceOnly: true },
      order(BTCUSDT, 'c', 'BUY', 'CANCELED'),
    ]
    expect(free(p, none)).toBe('10000')
    expect(free(p, [order(BTCPERP, 'p', 'SELL', 'OPEN')])).toBe('9950') // 2 × 100 ÷ 4
  })

  it('counts a listed MARKET order waiting for its fill at the instrument’s mark (nothing before a mark)', () => {
    const p = mk()
    p.setLeverage(BTCPERP.venue, BTCPERP.symbol, 4)
    const buy = order(BTCUSDT, 'm', 'BUY', 'OPEN', '0', 'MARKET')
    const perp = order(BTCPERP, 'n', 'SELL', 'OPEN', '0', 'MARKET')
    expect(free(p, [buy, perp])).toBe('10000') // no mark yet: nothing to value them at
    p.mark(BTCUSDT.venue, BTCUSDT.symbol, 110)
    p.mark(BTCPERP.venue, BTCPERP.symbol, new Decimal(120))
    expect(free(p, [buy])).toBe('9780') // 2 × 110
    expect(free(p, [perp])).toBe('9940') // 2 × 120 ÷ 4
    expect(free(p, [{ ...buy, side: 'SELL' as const }])).toBe('10000') // a spot sell spends nothing
    expect(free(p, [{ ...perp, reduceOnly: true }])).toBe('10000')
    // A trailing stop without an activation price has no price either, but rests until it triggers.
    expect(free(p, [{ ...perp, type: 'TRAILING_STOP_MARKET' as const }])).toBe('10000')
  })

  it('does not count a dry run’s skipped order (never sent), nor a paper order twice (held already)', async () => {
    const p = mk()
    const bus = new TypedEmitter<ExecutionEvents & { 'order.dryRunSkipped': [e: { order: Order }] }>()
    p.attach({ events: bus })
    const o = { ...order(BTCUSDT, 'd', 'BUY', 'OPEN'), status: 'PENDING_NEW' as const }
    bus.emit('order.submitted', { type: 'order.submitted', order: o, tsEvent: 0 })
    bus.emit('order.dryRunSkipped', { order: o })
    expect(p.openOrders()).toEqual([])
    expect(free(p)).toBe('10000')
    const paper = new PaperTrader({ instruments: [BTCUSDT], balances: { USDT: '10000' }, makerFeeRate: '0' })
    paper.onBook({ venue: 'fake', symbol: 'BTCUSDT', bids: [[99, 1]], asks: [[101, 1]], tsEvent: 0 })
    await paper.submit({ ...o, clientOrderId: 'q', strategyId: 's' })
    expect(paper.portfolio.freeMargin().toFixed()).toBe('9800') // held by the paper venue
    expect(free(paper.portfolio, paper.openOrders())).toBe('9800')
  })
})

describe('Portfolio outcome tokens', () => {
  it('settles at 1 for the winner and 0 for the loser', () => {
    const p = mk()
    p.applyFill(fill(YES, 'BUY', '100', '0.4'))
    p.applyFill(fill(NO, 'BUY', '100', '0.55'))
    expect(p.cash('USDT').toString()).toBe('9905')
    p.settleOutcome('fake', YES.symbol, 1)
    p.settleOutcome('fake', NO.symbol, 0)
    expect(p.cash('USDT').toString()).toBe('10005')
    expect(p.positions()).toHaveLength(0)
    expect(p.realizedPnl().toString()).toBe('5')
  })

  it('refuses an outcome-token fill priced above 1 and a payout other than 0 or 1, changing nothing', () => {
    const p = mk()
    const cents = p.applyFill(fill(YES, 'BUY', '100', '45')) // 45 cents given as 45: 100× the cost
    expect(cents.ok ? 'applied' : cents.error.code).toBe('VALIDATION_FAILED')
    expect(p.cash('USDT').toString()).toBe('10000')
    expect(p.applyFill(fill(YES, 'BUY', '100', '1')).ok).toBe(true) // 1 itself is a price a token can trade at
    expect(() => p.settleOutcome('fake', YES.symbol, 2 as 1)).toThrow(/payout "2"/)
    expect(() => p.settleOutcome('fake', YES.symbol, 0.5 as 1)).toThrow(/payout "0.5"/)
    expect([p.cash('USDT'), p.position('fake', YES.symbol)?.qty].map(String)).toEqual(['9900', '100'])
  })
})

describe('Portfolio with several cash currencies (rates)', () => {
  const PM_YES: Instrument = { ...YES, venue: 'polymarket', symbol: '333', quote: 'pUSD' }

  it('values rated cash and the instruments quoted in it in the account currency; unrated assets are not valued', () => {
    const p = new Portfolio({
      accountCurrency: 'USDT',
      currencies: { pUSD: 1 },
      balances: { USDT: '1000', pUSD: '500', BNB: '2' },
      instruments: [BTCUSDT, PM_YES],
    })
    expect(p.equity().toFixed()).toBe('1500')
    expect(p.freeMargin().toFixed()).toBe('1500')
    p.applyFill(fill(PM_YES, 'BUY', '100', '0.4', '0', { feeAsset: 'pUSD' }))
    expect(p.cash('pUSD').toFixed()).toBe('460')
    expect(p.equity().toFixed()).toBe('1500')
    p.mark('polymarket', '333', '0.5')
    expect(p.equity().toFixed()).toBe('1510')
    expect(p.unrealizedPnl().toFixed()).toBe('10')
    p.applyFill(fill(PM_YES, 'SELL', '100', '0.5', '0', { feeAsset: 'pUSD' }))
    expect(p.realizedPnl().toFixed()).toBe('10')
    expect(p.realizedPnlToday().toFixed()).toBe('10')
    // A rate other than 1 scales everything quoted in that asset.
    p.setRate('pUSD', '2')
    expect(p.equity().toFixed()).toBe(new Decimal(1000).plus(new Decimal(510).times(2)).toFixed())
    expect(p.realizedPnl().toFixed()).toBe('20')
    expect(p.rate('USDT')?.toFixed()).toBe('1')
    expect(p.rate('BNB')).toBeUndefined()
  })

  it('without a rate an asset is accounted but not valued (the single-currency default)', () => {
    const p = new Portfolio({ balances: { USDT: '1000', pUSD: '500' }, instruments: [PM_YES] })
    p.applyFill(fill(PM_YES, 'BUY', '100', '0.4', '0', { feeAsset: 'pUSD' }))
    expect(p.equity().toFixed()).toBe('1000')
    expect(p.cash('pUSD').toFixed()).toBe('460')
  })

  it('refuses a rate that is not a finite number above zero, or one for the account currency', () => {
    const p = new Portfolio({ balances: { USDT: '1000' } })
    for (const bad of ['0', '-1', 'NaN', 'Infinity']) {
      expect(() => p.setRate('pUSD', bad)).toThrow(/rate|pUSD/)
    }
    expect(() => p.setRate('USDT', '2')).toThrow(/account currency/)
    expect(() => new Portfolio({ currencies: { pUSD: '-1' } })).toThrow()
  })
})

describe('Portfolio.reverseFill (a fill the venue undid)', () => {
  /** A portfolio that keeps the undo of every kind's fills (by default only outcome tokens': see the last tests). */
  const mkReversible = () =>
    new Portfolio({
      balances: { USDT: '10000' },
      instruments: [BTCUSDT, BTCPERP, YES, NO],
      clock: new ManualClock(0),
      reversibleKinds: ['spot', 'perpetual', 'outcome'],
    })
  // Entry and realized PnL involve divisions (40 significant digits): compared to 30 digits, cash and quantity exactly.
  const state = (p: Portfolio, inst: Instrument) => {
    const pos = p.position(inst.venue, inst.symbol)
    return {
      cash: p.cash(inst.quote).toFixed(),
      qty: pos?.qty.toFixed() ?? '0',
      entry: pos?.entryPrice?.toSignificantDigits(30).toFixed(),
      realized: p.realizedPnl().toDecimalPlaces(30).plus(0).toFixed(),
      fees: (p.feesPaid().get(inst.quote) ?? new Decimal(0)).toFixed(),
    }
  }

  it('takes a bought lot out of the average and gives the cash and fee back', () => {
    const p = mkReversible()
    const first = fill(YES, 'BUY', '100', '0.4', '0.1')
    p.applyFill(first)
    p.applyFill(fill(YES, 'BUY', '50', '0.7'))
    const r = p.reverseFill(first, 'settlement FAILED')
    expect(r.ok && r.value?.position.qty.toFixed()).toBe('50')
    expect(state(p, YES)).toEqual({ cash: '9965', qty: '50', entry: '0.7', realized: '0', fees: '0' })
  })

  it('puts a sold lot back at its old entry and takes its realized PnL back', () => {
    const p = mkReversible()
    p.applyFill(fill(BTCUSDT, 'BUY', '1', '20000', '1'))
    const before = state(p, BTCUSDT)
    const sell = fill(BTCUSDT, 'SELL', '0.5', '22000', '1')
    p.applyFill(sell)
    expect(p.reverseFill(sell).ok).toBe(true)
    expect(state(p, BTCUSDT)).toEqual(before)
  })

  it('undoes a perpetual fill (margin position)', () => {
    const p = mkReversible()
    const before = state(p, BTCPERP)
    const f = fill(BTCPERP, 'SELL', '0.2', '30000', '2.4')
    p.applyFill(f)
    p.reverseFill(f)
    expect(state(p, BTCPERP)).toEqual(before)
    expect(p.checkInvariants().ok).toBe(true)
  })

  it('is idempotent, ignores fills never applied, refuses what it cannot undo and changes nothing then', () => {
    const p = mkReversible()
    const buy = fill(YES, 'BUY', '10', '0.5')
    p.applyFill(buy)
    expect(p.reverseFill(buy).ok).toBe(true)
    const again = p.reverseFill(buy)
    expect(again.ok && again.value).toBeUndefined()
    const never = p.reverseFill(fill(YES, 'BUY', '1', '0.5'))
    expect(never.ok && never.value).toBeUndefined()
    // The bought tokens were sold since: the reversal would leave a negative holding.
    const b2 = fill(YES, 'BUY', '10', '0.5')
    p.applyFill(b2)
    p.applyFill(fill(YES, 'SELL', '10', '0.6'))
    const snap = state(p, YES)
    const r = p.reverseFill(b2)
    expect(!r.ok && r.error.code).toBe('INSUFFICIENT_FUNDS')
    expect(state(p, YES)).toEqual(snap)
    // Outside the reversal window.
    const q = new Portfolio({ balances: { USDT: '100' }, instruments: [YES], reversalWindow: 0 })
    const old = fill(YES, 'BUY', '10', '0.5')
    q.applyFill(old)
    const tooOld = q.reverseFill(old)
    expect(!tooOld.ok && tooOld.error.code).toBe('INVALID_STATE')
  })

  it('reversing fills newest first walks back through every earlier state exactly (property)', () => {
    const step = fc.record({
      inst: fc.constantFrom(YES, BTCUSDT, BTCPERP),
      buy: fc.boolean(),
      qty: fc.integer({ min: 1, max: 500 }),
      price: fc.integer({ min: 1, max: 99 }),
      fee: fc.integer({ min: 0, max: 5 }),
    })
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 25 }), (steps) => {
        const p = new Portfolio({
          balances: { USDT: '1000000' },
          instruments: [YES, BTCUSDT, BTCPERP],
          reversibleKinds: ['spot', 'perpetual', 'outcome'],
        })
        const applied: Array<{ f: Fill; before: ReturnType<typeof state>[] }> = []
        for (const s of steps) {
          const f = fill(
            s.inst,
            s.buy ? 'BUY' : 'SELL',
            String(s.qty / 100),
            String(s.price / 100),
            String(s.fee / 1000),
          )
          const before = [YES, BTCUSDT, BTCPERP].map((i) => state(p, i))
          if (p.applyFill(f).ok) applied.push({ f, before })
        }
        for (const { f, before } of applied.reverse()) {
          const r = p.reverseFill(f)
          expect(r.ok).toBe(true)
          expect([YES, BTCUSDT, BTCPERP].map((i) => state(p, i))).toEqual(before)
          expect(p.checkInvariants().ok).toBe(true)
        }
      }),
      { numRuns: 200 },
    )
  })

  it('by default keeps the undo of outcome-token fills only: spot and perpetual fills are final', () => {
    const p = mk()
    const spot = fill(BTCUSDT, 'BUY', '1', '20000', '1')
    const perp = fill(BTCPERP, 'SELL', '0.2', '30000', '2.4')
    p.applyFill(spot)
    p.applyFill(perp)
    const before = p.cash('USDT').toFixed()
    for (const f of [spot, perp]) {
      const r = p.reverseFill(f)
      expect(!r.ok && r.error.code).toBe('INVALID_STATE')
      expect(!r.ok && r.error.message).toMatch(/final.*reversibleKinds/)
    }
    expect(p.cash('USDT').toFixed()).toBe(before)
    const yes = fill(YES, 'BUY', '10', '0.5')
    p.applyFill(yes)
    expect(p.reverseFill(yes).ok).toBe(true)
  })

  it('counts only fills that can be reversed in its window: final fills never push one out', () => {
    const p = new Portfolio({ balances: { USDT: '100000' }, instruments: [BTCUSDT, YES], reversalWindow: 2 })
    const yes = fill(YES, 'BUY', '10', '0.5')
    p.applyFill(yes)
    for (let i = 0; i < 5; i++) p.applyFill(fill(BTCUSDT, i % 2 === 0 ? 'BUY' : 'SELL', '0.1', '20000'))
    const r = p.reverseFill(yes)
    expect(r.ok && r.value?.position.qty.toFixed()).toBe('0')
  })
})

describe('Portfolio invariants (property)', () => {
  const insts = [BTCUSDT, BTCPERP, YES]
  const step = fc.record({
    inst: fc.integer({ min: 0, max: 2 }),
    side: fc.constantFrom<Side>('BUY', 'SELL'),
    qtyUnits: fc.integer({ min: 1, max: 5000 }),
    priceUnits: fc.integer({ min: 1, max: 99 }),
    feeRate: fc.constantFrom('0', '0.001', '0.0002', '-0.0001'),
    dup: fc.boolean(),
    markUnits: fc.integer({ min: 1, max: 99 }),
    funding: fc.option(fc.constantFrom('0.0001', '-0.0003'), { nil: undefined }),
  })

  it('equity − start = realized + unrealized, quantity and fees conserved, no negative holdings', () => {
    fc.assert(
      fc.property(
        fc.array(step, { minLength: 1, maxLength: 60 }),
        fc.option(fc.constantFrom<0 | 1>(0, 1), { nil: undefined }),
        (steps, settle) => {
          const p = new Portfolio({
            balances: { USDT: '1000000' },
            instruments: insts,
            clock: new ManualClock(0),
            defaultLeverage: 5,
          })
          const start = p.equity()
          const qty = new Map<string, Decimal>()
          let fees = new Decimal(0)
          const applied: Fill[] = []
          for (const s of steps) {
            const inst = insts[s.inst] as Instrument
            const isOutcome = inst.kind === 'outcome'
            const price = isOutcome
              ? new Decimal(s.priceUnits).div(100)
              : new Decimal(s.priceUnits).times(1000).plus('0.01')
            const q = isOutcome ? new Decimal(s.qtyUnits).div(100) : new Decimal(s.qtyUnits).div(1000)
            const fee = price.times(q).times(s.feeRate)
            const f =
              s.dup && applied.length > 0
                ? (applied[applied.length - 1] as Fill)
                : fill(inst, s.side, q.toString(), price.toString(), fee.toString())
            const before = { cash: p.cash('USDT'), q: p.position(inst.venue, inst.symbol)?.qty }
            const r = p.applyFill(f)
            if (r.ok && r.value !== undefined) {
              applied.push(f)
              const signed = f.side === 'BUY' ? f.qty : f.qty.neg()
              qty.set(f.symbol, (qty.get(f.symbol) ?? new Decimal(0)).plus(signed))
              fees = fees.plus(f.fee)
            } else {
              // Refused or duplicate: nothing changed.
              expect(p.cash('USDT').eq(before.cash)).toBe(true)
              expect((p.position(inst.venue, inst.symbol)?.qty ?? new Decimal(0)).eq(before.q ?? 0)).toBe(
                true,
              )
            }
            if (s.funding !== undefined) p.applyFunding('fake', BTCPERP.symbol, s.funding)
            p.mark(
              inst.venue,
              inst.symbol,
              isOutcome ? new Decimal(s.markUnits).div(100) : new Decimal(s.markUnits).times(1000),
            )
            expect(p.checkInvariants().ok).toBe(true)
            for (const i of insts) {
              const held = p.position(i.venue, i.symbol)?.qty ?? new Decimal(0)
              expect(held.eq(qty.get(i.symbol) ?? 0)).toBe(true)
              if (i.kind !== 'perpetual') expect(held.gte(0)).toBe(true)
            }
            expect((p.feesPaid().get('USDT') ?? new Decimal(0)).eq(fees)).toBe(true)
            const lhs = p.equity().minus(start)
            const rhs = p.realizedPnl().plus(p.unrealizedPnl())
            expect(lhs.minus(rhs).abs().lte('1e-20')).toBe(true)
          }
          if (settle !== undefined) {
            p.settleOutcome('fake', YES.symbol, settle)
            expect(p.position('fake', YES.symbol)?.qty.isZero() ?? true).toBe(true)
            expect(
              p.equity().minus(start).minus(p.realizedPnl().plus(p.unrealizedPnl())).abs().lte('1e-20'),
            ).toBe(true)
          }
        },
      ),
      { numRuns: 200 },
    )
  })
})

describe('Portfolio.reconcileWith', () => {
  it('takes the venue cash and positions, reports spot holdings it cannot apply', () => {
    const p = mk()
    p.applyFill(fill(BTCUSDT, 'BUY', '0.1', '20000'))
    p.applyFill(fill(BTCPERP, 'BUY', '1', '100'))
    const seen: unknown[] = []
    p.events.on('portfolio.reconciled', (e) => seen.push(e.differences))
    const d = p.reconcileWith({
      balances: [
        { venue: 'fake', asset: 'USDT', free: new Decimal('7990'), locked: new Decimal('5') },
        { venue: 'fake', asset: 'BTC', free: new Decimal('0.0999'), locked: new Decimal(0) },
      ],
      positions: [
        {
          venue: 'fake',
          symbol: BTCPERP.symbol,
          qty: new Decimal(2),
          entryPrice: new Decimal(101),
          realizedPnl: new Decimal(0),
          unrealizedPnl: new Decimal(0),
        },
      ],
    })
    expect(d.map((x) => [x.kind, x.id, x.ours.toString(), x.venue.toString(), x.applied])).toEqual([
      ['cash', 'USDT', '8000', '7995', true],
      ['holding', 'BTC', '0.1', '0.0999', false],
      ['position', BTCPERP.symbol, '1', '2', true],
    ])
    expect(p.cash('USDT').toString()).toBe('7995')
    expect(p.position('fake', BTCPERP.symbol)?.entryPrice?.toString()).toBe('101')
    expect(p.checkInvariants().ok).toBe(true)
    expect(seen).toHaveLength(1)
    expect(
      p.reconcileWith({
        balances: [{ venue: 'fake', asset: 'USDT', free: new Decimal('7995'), locked: new Decimal(0) }],
      }),
    ).toEqual([])
  })
})

describe('Portfolio kept values (equity, free margin, positions)', () => {
  it('follow every change: a mark of an open position, a rate, a hold, a release, a fill', () => {
    const p = mk()
    expect(p.equity().toString()).toBe('10000')
    p.mark('fake', 'BTCUSDT', 50_000) // flat: nothing moves
    expect(p.equity().toString()).toBe('10000')
    p.applyFill(fill(BTCUSDT, 'BUY', '0.1', '50000'))
    p.mark('fake', 'BTCUSDT', 51_000)
    expect(p.equity().toString()).toBe('10100')
    expect(p.peakEquity().toString()).toBe('10100')
    expect(p.positions()[0]?.markPrice?.toString()).toBe('51000')
    p.hold('o1', 'USDT', new Decimal('1000'))
    expect(p.freeMargin().toString()).toBe('4000')
    p.release('o1')
    expect(p.freeMargin().toString()).toBe('5000')
    p.applyFill(fill(BTCUSDT, 'SELL', '0.1', '52000'))
    expect(p.positions()).toEqual([])
    expect(p.equity().toString()).toBe('10200')
  })

  it('a rate set later counts at once, and the next mark folds it into the peak', () => {
    const p = new Portfolio({ balances: { USDT: '1000', EUR: '100' }, instruments: [BTCUSDT] })
    expect(p.equity().toString()).toBe('1000') // EUR has no rate yet
    p.setRate('EUR', '1.1')
    expect(p.equity().toString()).toBe('1110')
    p.mark('fake', 'BTCUSDT', 50_000)
    expect(p.peakEquity().toString()).toBe('1110')
  })

  it('a number mark of a flat position is read back as a Decimal and kept by a fill at the same time', () => {
    const p = mk()
    p.mark('fake', 'BTCUSDT', 50_000.25)
    expect(p.position('fake', 'BTCUSDT')?.markPrice?.toString()).toBe('50000.25')
    p.mark('fake', 'BTCUSDT', 50_001.5)
    // The fill has the mark's time (0): the mark stands, and values the new position.
    p.applyFill(fill(BTCUSDT, 'BUY', '0.1', '50000'))
    expect(p.position('fake', 'BTCUSDT')?.markPrice?.toString()).toBe('50001.5')
    expect(p.equity().toString()).toBe('10000.15')
    expect(() => p.mark('fake', 'BTCUSDT', Number.NaN)).toThrow(/price/)
    p.mark('fake', 'BTCUSDT', 0) // ignored, as a Decimal 0 is
    expect(p.position('fake', 'BTCUSDT')?.markPrice?.toString()).toBe('50001.5')
  })

  it('version moves with cash, holds and positions, not with a mark', () => {
    const p = mk()
    const v0 = p.version
    p.mark('fake', 'BTCUSDT', 50_000)
    expect(p.version).toBe(v0)
    expect(p.hasOpenPositions()).toBe(false)
    p.applyFill(fill(BTCUSDT, 'BUY', '0.1', '50000'))
    expect(p.hasOpenPositions()).toBe(true)
    const v1 = p.version
    expect(v1).toBeGreaterThan(v0)
    const before = p.snapshot()
    p.mark('fake', 'BTCUSDT', 51_000)
    expect(p.version).toBe(v1)
    // Only marks moved: the positions' quantities and entries are those of the last snapshot.
    expect(p.snapshot().positions.map((x) => [x.qty, x.entryPrice])).toEqual(
      before.positions.map((x) => [x.qty, x.entryPrice]),
    )
    expect(p.equity().toString()).toBe('10100')
    p.hold('o1', 'USDT', new Decimal('10'))
    expect(p.version).toBeGreaterThan(v1)
    const v2 = p.version
    p.deposit('USDT', '1')
    expect(p.version).toBeGreaterThan(v2)
  })

  it('hands out a fresh positions array each call', () => {
    const p = mk()
    p.applyFill(fill(BTCUSDT, 'BUY', '0.1', '50000'))
    const a = p.positions()
    a.pop()
    expect(p.positions()).toHaveLength(1)
  })
})

describe('Portfolio: marks taken while flat, then a restore', () => {
  const restored = () => {
    const p = mk()
    p.mark('fake', 'BTCUSDT', 100) // flat: kept as a number
    p.restore({
      positions: [{ strategyId: 's', venue: 'fake', symbol: 'BTCUSDT', qty: '1', entryPrice: '50' }],
    })
    return p
  }

  it('restore values the restored position at the mark taken while it was flat', () => {
    const p = restored()
    expect(p.equity().toString()).toBe('10100')
    expect(p.position('fake', 'BTCUSDT')?.markPrice?.toString()).toBe('100')
    expect(p.unrealizedPnl().toString()).toBe('50')
  })

  it('a later mark of the open position wins over the one taken while flat (views, PnL and equity agree)', () => {
    const p = restored()
    p.mark('fake', 'BTCUSDT', 120)
    expect(p.equity().toString()).toBe('10120')
    expect(p.position('fake', 'BTCUSDT')?.markPrice?.toString()).toBe('120')
    expect(p.positions()[0]?.unrealizedPnl.toString()).toBe('70')
    expect(p.unrealizedPnl().toString()).toBe('70')
    expect(p.equity().toString()).toBe('10120')
  })

  it('a number mark read after the position opened drops the equity kept at the older one', () => {
    const p = mk()
    p.mark('fake', 'BTCUSDT', 100)
    p.restore({ positions: [{ venue: 'fake', symbol: 'BTCUSDT', qty: '1', entryPrice: '50' }] })
    expect(p.equity().toString()).toBe('10100')
    expect(p.positions()[0]?.markPrice?.toString()).toBe('100')
  })
})

describe('Portfolio.settleOutcome settles the strategies’ shares', () => {
  it('each share realizes (payout − entry) × qty and is flat: nothing is left unattributed', () => {
    const p = mk()
    p.attribute('a1', 'a')
    p.attribute('b1', 'b')
    p.applyFill(fill(YES, 'BUY', '10', '0.4', '0', { clientOrderId: 'a1' }))
    p.applyFill(fill(YES, 'BUY', '5', '0.6', '0', { clientOrderId: 'b1' }))
    p.settleOutcome('fake', YES.symbol, 1)
    expect(p.position('fake', YES.symbol)?.qty.toString()).toBe('0')
    expect(p.strategyPositions('a')).toEqual([])
    expect(p.strategyPositions('b')).toEqual([])
    expect(p.snapshot(undefined, { strategyId: 'a' }).unattributedPositions).toEqual([])
    // Realized on the share (kept, flat): visible again once the share reopens.
    p.attribute('a2', 'a')
    p.applyFill(fill(YES, 'BUY', '1', '0.5', '0', { clientOrderId: 'a2' }))
    expect(p.strategyPositions('a')[0]?.realizedPnl.toString()).toBe('6')
  })

  it('settles shares that net to a flat venue position too (payout 0)', () => {
    const p = mk()
    p.attribute('a1', 'a')
    p.attribute('b1', 'b')
    p.applyFill(fill(YES, 'BUY', '2', '0.3', '0', { clientOrderId: 'a1' }))
    p.applyFill(fill(YES, 'SELL', '2', '0.5', '0', { clientOrderId: 'b1' }))
    const v = p.version
    expect(p.settleOutcome('fake', YES.symbol, 0)).toBeUndefined()
    expect(p.version).toBeGreaterThan(v)
    expect(p.strategyPositions('a')).toEqual([])
    expect(p.strategyPositions('b')).toEqual([])
  })
})

describe('Portfolio: strategy shares follow the venue position', () => {
  it('a spot fee paid in the base asset weights the share’s entry by what was received', () => {
    const p = mk()
    p.attribute('a1', 'a')
    p.applyFill(fill(BTCUSDT, 'BUY', '1', '100', '0', { clientOrderId: 'a1' }))
    p.applyFill(fill(BTCUSDT, 'BUY', '1', '200', '0.5', { clientOrderId: 'a1', feeAsset: 'BTC' }))
    const venue = p.position('fake', 'BTCUSDT')
    const share = p.strategyPositions('a')[0]
    expect(venue?.qty.toString()).toBe('1.5')
    expect(share?.qty.toString()).toBe('1.5')
    expect(share?.entryPrice?.toString()).toBe(venue?.entryPrice?.toString())
    expect(share?.entryPrice?.toSignificantDigits(10).toString()).toBe('133.3333333')
  })

  it('undoing a fill that is not the latest takes its lot out of the share’s entry as out of the venue’s', () => {
    const p = mk()
    p.attribute('a1', 'a')
    const f = (price: string) => fill(YES, 'BUY', '1', price, '0', { clientOrderId: 'a1' })
    const mid = f('0.4')
    p.applyFill(f('0.2'))
    p.applyFill(mid)
    p.applyFill(f('0.6'))
    expect(p.reverseFill(mid).ok).toBe(true)
    expect(p.position('fake', YES.symbol)?.entryPrice?.toString()).toBe('0.4')
    expect(p.strategyPositions('a')[0]?.entryPrice?.toString()).toBe('0.4')
    expect(p.strategyPositions('a')[0]?.qty.toString()).toBe('2')
  })

  it('undoing a sale that is not the latest puts its lot back at the entry it was sold from', () => {
    const p = mk()
    p.attribute('a1', 'a')
    const f = (side: Side, qty: string, price: string) =>
      fill(YES, side, qty, price, '0', { clientOrderId: 'a1' })
    p.applyFill(f('BUY', '2', '0.2'))
    const sale = f('SELL', '1', '0.5')
    p.applyFill(sale)
    p.applyFill(f('BUY', '1', '0.8'))
    expect(p.reverseFill(sale).ok).toBe(true)
    const venue = p.position('fake', YES.symbol)
    const share = p.strategyPositions('a')[0]
    expect(venue?.entryPrice?.toString()).toBe('0.4')
    expect(share?.entryPrice?.toString()).toBe('0.4')
    expect(share?.realizedPnl.toString()).toBe('0')
  })
})

describe('Portfolio.reverseFill of a perpetual flip', () => {
  const mkPerp = () =>
    new Portfolio({ balances: { USDT: '100000' }, instruments: [BTCPERP], reversibleKinds: ['perpetual'] })

  it('refuses to undo a flip a later fill moved, changing nothing; undone once it is the latest again', () => {
    const p = mkPerp()
    p.applyFill(fill(BTCPERP, 'BUY', '1', '100'))
    const flip = fill(BTCPERP, 'SELL', '3', '120')
    p.applyFill(flip)
    const later = fill(BTCPERP, 'BUY', '1', '110')
    p.applyFill(later)
    const cash = p.cash('USDT').toString()
    const r = p.reverseFill(flip)
    expect(!r.ok && r.error.code).toBe('INVALID_STATE')
    expect(!r.ok && r.error.message).toMatch(/flipped/)
    expect(p.position('fake', BTCPERP.symbol)?.qty.toString()).toBe('-1')
    expect(p.position('fake', BTCPERP.symbol)?.entryPrice?.toString()).toBe('120')
    expect(p.cash('USDT').toString()).toBe(cash)
    expect(p.reverseFill(later).ok).toBe(true)
    expect(p.reverseFill(flip).ok).toBe(true)
    expect(p.position('fake', BTCPERP.symbol)?.qty.toString()).toBe('1')
    expect(p.position('fake', BTCPERP.symbol)?.entryPrice?.toString()).toBe('100')
    expect(p.cash('USDT').toString()).toBe('100000')
  })
})
