import { describe, expect, it } from 'vitest'
import { type AccountSnapshot, ManualClock, type Order } from '../core/index.js'
import { Decimal } from '../decimal/index.js'
import { account, D, market, openOrder, position, signal } from './__fixtures__/builders.js'
import type { RiskManagerConfig } from './config.js'
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
    const { evaluate } = make({ maxNotional: '1000' })
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
