import { describe, expect, it } from 'vitest'
import type { Fill, Instrument } from '../../core/types.js'
import { Decimal } from '../../decimal/index.js'
import { BTCPERP, BTCUSDT, flatPosition, testFill } from '../testing/fixtures.js'
import { feeInQuote, planFill } from './planFill.js'

const D = (v: string | number) => new Decimal(v)

const fill = (
  inst: Instrument,
  side: 'BUY' | 'SELL',
  qty: string,
  price: string,
  fee = '0',
  feeAsset = 'USDT',
): Fill => testFill(inst, side, qty, price, { clientOrderId: 'c', tradeId: 't', fee: D(fee), feeAsset })

const cash = (m: Record<string, string>) => (a: string) => D(m[a] ?? '0')

describe('planFill', () => {
  it('spot buy: pays the notional and the quote fee, entry at the fill price, fee realized', () => {
    const cur = flatPosition(BTCUSDT)
    const r = planFill(BTCUSDT, fill(BTCUSDT, 'BUY', '1', '100', '0.1'), cur, cash({ USDT: '1000' }), 1)
    if (!r.ok) throw r.error
    expect(r.value.cash.get('USDT')?.toString()).toBe('899.9')
    expect(r.value.pos.qty.toString()).toBe('1')
    expect(r.value.pos.entry?.toString()).toBe('100')
    expect(r.value.realized.toString()).toBe('-0.1')
    expect(cur.qty.toString()).toBe('0') // the position passed in is not changed
  })

  it('spot buy with the fee in the base asset receives fewer tokens and moves no fee cash', () => {
    const r = planFill(
      BTCUSDT,
      fill(BTCUSDT, 'BUY', '1', '100', '0.01', 'BTC'),
      flatPosition(BTCUSDT),
      cash({ USDT: '1000' }),
      1,
    )
    if (!r.ok) throw r.error
    expect(r.value.pos.qty.toString()).toBe('0.99')
    expect(r.value.cash.get('USDT')?.toString()).toBe('900')
    expect(r.value.cash.has('BTC')).toBe(false)
  })

  it('spot sell of more than held is refused', () => {
    const r = planFill(BTCUSDT, fill(BTCUSDT, 'SELL', '1', '100'), flatPosition(BTCUSDT), cash({}), 1)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error.code).toBe('INSUFFICIENT_FUNDS')
  })

  it('spot sell realizes against the entry and flattens', () => {
    const cur = { ...flatPosition(BTCUSDT), qty: D(1), entry: D(100) }
    const r = planFill(BTCUSDT, fill(BTCUSDT, 'SELL', '1', '110', '0.11'), cur, cash({ USDT: '0' }), 1)
    if (!r.ok) throw r.error
    expect(r.value.realized.toString()).toBe('9.89')
    expect(r.value.pos.qty.isZero()).toBe(true)
    expect(r.value.pos.entry).toBeUndefined()
    expect(r.value.cash.get('USDT')?.toString()).toBe('109.89')
  })

  it('perpetual: a flip realizes the closed part and re-enters the rest at the fill price, with the given leverage', () => {
    const cur = { ...flatPosition(BTCPERP), qty: D(1), entry: D(100) }
    const r = planFill(BTCPERP, fill(BTCPERP, 'SELL', '3', '90', '0.27'), cur, cash({ USDT: '1000' }), 5)
    if (!r.ok) throw r.error
    expect(r.value.pos.qty.toString()).toBe('-2')
    expect(r.value.pos.entry?.toString()).toBe('90')
    expect(r.value.realized.toString()).toBe('-10.27')
    expect(r.value.cash.get('USDT')?.toString()).toBe('989.73')
    expect(r.value.pos.leverage).toBe(5)
  })

  it("perpetual: the venue's realized PnL (Binance `rp`) is booked instead of the average-cost figure", () => {
    // Two entries (100 and 130) the venue saw in that order; here the close arrives between them, so the
    // average-cost figure would be (110 − 100) × 1 = 10, while the venue booked (110 − 115) × 1 = −5.
    const cur = { ...flatPosition(BTCPERP), qty: D(1), entry: D(100) }
    const r = planFill(
      BTCPERP,
      { ...fill(BTCPERP, 'SELL', '1', '110', '0.11'), realizedPnl: D('-5') },
      cur,
      cash({ USDT: '1000' }),
      1,
    )
    if (!r.ok) throw r.error
    expect(r.value.realized.toString()).toBe('-5.11')
    expect(r.value.cash.get('USDT')?.toString()).toBe('994.89')
    expect(r.value.pos.qty.toString()).toBe('0')
    const own = planFill(
      BTCPERP,
      fill(BTCPERP, 'SELL', '1', '110', '0.11'),
      { ...cur, qty: D(1) },
      cash({}),
      1,
    )
    if (!own.ok) throw own.error
    expect(own.value.realized.toString()).toBe('9.89')
  })

  it("perpetual: the venue's figures sum to its wallet whatever order the fills arrive in", () => {
    // At the venue: buy 1 at 100 (rp 0), then sell 1 at 110 (rp 10). Here the sell arrives first: it opens a short.
    const sell = { ...fill(BTCPERP, 'SELL', '1', '110'), realizedPnl: D('10') }
    const buy = { ...fill(BTCPERP, 'BUY', '1', '100'), realizedPnl: D('0') }
    let pos = flatPosition(BTCPERP)
    let usdt = D(1000)
    for (const f of [sell, buy]) {
      const r = planFill(BTCPERP, f, pos, () => usdt, 1)
      if (!r.ok) throw r.error
      pos = r.value.pos
      usdt = r.value.cash.get('USDT') as Decimal
    }
    expect(pos.qty.toString()).toBe('0')
    expect(usdt.toString()).toBe('1010')
    expect(pos.realized.toString()).toBe('10')
  })

  it('feeInQuote values quote fees and spot base fees, not others', () => {
    expect(feeInQuote(BTCUSDT, fill(BTCUSDT, 'BUY', '1', '100', '0.1'))?.toString()).toBe('0.1')
    expect(feeInQuote(BTCUSDT, fill(BTCUSDT, 'BUY', '1', '100', '0.001', 'BTC'))?.toString()).toBe('0.1')
    expect(feeInQuote(BTCUSDT, fill(BTCUSDT, 'BUY', '1', '100', '1', 'BNB'))).toBeUndefined()
  })
})
