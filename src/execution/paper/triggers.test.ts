import { describe, expect, it } from 'vitest'
import type { Order } from '../../core/types.js'
import { Decimal } from '../../decimal/index.js'
import { candlePath, firesAt, triggersAlong } from './triggers.js'

let n = 0
const order = (type: Order['type'], side: Order['side'], trigger?: number): Order => ({
  clientOrderId: `t${++n}`,
  venue: 'fake',
  symbol: 'BTCUSDT',
  side,
  type,
  qty: new Decimal(1),
  status: 'OPEN',
  filledQty: new Decimal(0),
  tsCreated: 0,
  tsUpdated: 0,
  ...(trigger !== undefined ? { triggerPrice: new Decimal(trigger) } : {}),
})
const hits = (orders: Order[], path: number[]) =>
  triggersAlong(orders, path).map((h) => [h.order.clientOrderId, h.at.toString()])

describe('firesAt', () => {
  it.each([
    ['STOP_MARKET', 'SELL', 94, true],
    ['STOP_MARKET', 'SELL', 95, true],
    ['STOP_MARKET', 'SELL', 96, false],
    ['STOP_LIMIT', 'BUY', 96, true],
    ['STOP_LIMIT', 'BUY', 94, false],
    ['TAKE_PROFIT_MARKET', 'SELL', 96, true],
    ['TAKE_PROFIT_MARKET', 'SELL', 94, false],
    ['TAKE_PROFIT_LIMIT', 'BUY', 94, true],
    ['TAKE_PROFIT_LIMIT', 'BUY', 96, false],
  ] as const)('a %s %s triggered at 95 with the market at %d: %s', (type, side, price, fires) => {
    expect(firesAt(order(type, side, 95), new Decimal(price))).toBe(fires)
  })

  it('an order without a trigger price never fires', () => {
    expect(firesAt(order('LIMIT', 'BUY'), new Decimal(1))).toBe(false)
  })
})

describe('candlePath', () => {
  const c = { open: 100, high: 104, low: 97, close: 103 }
  it('a candle that closed up went to its low first; one that closed down to its high first', () => {
    expect(candlePath(c)).toEqual([100, 97, 104, 103])
    expect(candlePath({ ...c, close: 98 })).toEqual([100, 104, 97, 98])
  })

  it('leaves out prices a candle lacks, never its close', () => {
    expect(candlePath({ open: Number.NaN, high: 0, low: -1, close: 99 })).toEqual([99])
    expect(candlePath({ ...c, high: Number.POSITIVE_INFINITY })).toEqual([100, 97, 103])
  })
})

describe('triggersAlong', () => {
  it('fires each order at its trigger on the move that reaches it, the nearest first', () => {
    const far = order('STOP_MARKET', 'SELL', 95)
    const near = order('STOP_MARKET', 'SELL', 98)
    const up = order('TAKE_PROFIT_MARKET', 'SELL', 103)
    const never = order('STOP_MARKET', 'BUY', 110)
    expect(hits([far, never, up, near], [100, 94, 104, 103])).toEqual([
      [near.clientOrderId, '98'],
      [far.clientOrderId, '95'],
      [up.clientOrderId, '103'],
    ])
  })

  it('a stop and a take-profit on one candle fire in the order its path reaches them', () => {
    const stop = order('STOP_MARKET', 'SELL', 95)
    const tp = order('TAKE_PROFIT_MARKET', 'SELL', 105)
    expect(hits([stop, tp], candlePath({ open: 100, high: 106, low: 94, close: 96 }))[0]?.[0]).toBe(
      tp.clientOrderId,
    )
    expect(hits([stop, tp], candlePath({ open: 100, high: 106, low: 94, close: 104 }))[0]?.[0]).toBe(
      stop.clientOrderId,
    )
  })

  it('what the open is already past fires at the open (a gap), in time priority; equal triggers keep time priority', () => {
    const a = order('STOP_MARKET', 'SELL', 95)
    const b = order('STOP_MARKET', 'SELL', 97)
    const c = order('STOP_MARKET', 'SELL', 90)
    const d = order('STOP_MARKET', 'SELL', 90)
    expect(hits([a, b, c, d], [93, 96, 89, 92])).toEqual([
      [a.clientOrderId, '93'],
      [b.clientOrderId, '93'],
      [c.clientOrderId, '90'],
      [d.clientOrderId, '90'],
    ])
  })

  it('nothing fires on a path that never reaches a trigger', () => {
    expect(hits([order('STOP_MARKET', 'SELL', 95), order('LIMIT', 'BUY')], [100, 96, 101, 99])).toEqual([])
  })
})
