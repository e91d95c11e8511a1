import { describe, expect, it } from 'vitest'
import type { Candle, Order } from '../../core/types.js'
import { Decimal } from '../../decimal/index.js'
import { candleFraction, candlePath, firesAt, pathAfter, tradedThrough, triggersAlong } from './triggers.js'

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

  it('without its open, goes first to the extreme farther from its close, however the open is missing', () => {
    for (const open of [0, Number.NaN, Number.POSITIVE_INFINITY])
      expect(candlePath({ open, high: 110, low: 90, close: 95 })).toEqual([110, 90, 95])
    expect(candlePath({ open: Number.NaN, high: 110, low: 90, close: 105 })).toEqual([90, 110, 105])
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

describe('triggersAlong for orders placed during the candle', () => {
  it('an order meets the path after it was placed; all fire in the order the market reached them', () => {
    const early = order('STOP_MARKET', 'SELL', 95)
    const late = order('STOP_MARKET', 'SELL', 96) // placed half-way: after the low of 94
    const soon = order('STOP_MARKET', 'SELL', 97) // placed a tenth in: the move down to 94 is still ahead
    const missed = new Map([
      [late, 0.5],
      [soon, 0.1],
    ])
    const path = [100, 94, 101, 99.5] // the low a third in, the high two thirds in
    const got = triggersAlong([early, late, soon], path, (o) => missed.get(o) ?? 0)
    expect(got.map((h) => [h.order.clientOrderId, h.at.toString()])).toEqual([
      [soon.clientOrderId, '97'],
      [early.clientOrderId, '95'],
    ])
  })

  it('an order placed where the market already is past its trigger fires there (the price on the move)', () => {
    const stop = order('STOP_MARKET', 'SELL', 99)
    const got = triggersAlong([stop], [100, 94, 101, 99.5], () => 0.25)
    expect(got.map((h) => h.at.toNumber())).toEqual([95.5]) // three quarters of the way from 100 down to 94
  })
})

describe('triggersAlong: floating point', () => {
  it('equal triggers keep time priority when the later order came in exactly where the market was at the trigger', () => {
    const path = [100, 90, 110, 105]
    const candle = { openTime: 0, closeTime: 59_999 }
    const inverted: string[] = []
    for (let cents = 9001; cents < 10_000; cents++) {
      const trigger = cents / 100
      const at = Math.round(((100 - trigger) / 10) * 20_000) // the ms the path is at the trigger, a third in at 90
      const early = order('STOP_MARKET', 'SELL', trigger)
      const late = order('STOP_MARKET', 'SELL', trigger)
      const got = triggersAlong([early, late], path, (o) => (o === late ? candleFraction(candle, at) : 0))
      if (got[0]?.order !== early) inverted.push(String(trigger))
    }
    expect(inverted).toEqual([])
  })

  it('an order that came in past its trigger on a move leaving it fires as it came in, before what fires later', () => {
    const path = [100, 90, 110, 105] // down to 90 a third in, up to 110 two thirds in
    const came = order('STOP_MARKET', 'SELL', 95) // came in 1.1/3 in, at 92 on the way up: past 95 already
    const later = order('STOP_MARKET', 'BUY', 93.5) // armed 1.02/3 in (90.2): fires on the way up, at 93.5
    const got = triggersAlong([later, came], path, (o) => (o === came ? 1.1 / 3 : 1.02 / 3))
    expect(got.map((h) => [h.order === came ? 'came' : 'later', h.at.toNumber()])).toEqual([
      ['came', 92],
      ['later', 93.5],
    ])
    const atLow = order('STOP_MARKET', 'SELL', 95) // came in exactly at the low (a path point), past 95
    const up = order('STOP_MARKET', 'BUY', 93) // armed 1.02/3 in: fires at 93 on the way up
    const onPoint = triggersAlong([up, atLow], path, (o) => (o === atLow ? 1 / 3 : 1.02 / 3))
    expect(onPoint.map((h) => h.order)).toEqual([atLow, up])
  })

  it('equal triggers fire in time priority whenever each order came in on the move', () => {
    const early = order('STOP_MARKET', 'SELL', 95)
    const late = order('STOP_MARKET', 'SELL', 95)
    for (const missed of [1 / 60_000, 2 / 60_000, 7 / 60_000, 0.1]) {
      const got = triggersAlong([early, late], [100, 90, 102, 101], (o) => (o === late ? missed : 0))
      expect(got.map((h) => h.order.clientOrderId)).toEqual([early.clientOrderId, late.clientOrderId])
    }
  })
})

describe('pathAfter and candleFraction', () => {
  const c = { openTime: 60_000, closeTime: 119_999 }

  it('times a candle from its open to its end (closeTime is inclusive)', () => {
    expect(candleFraction(c, 0)).toBe(0)
    expect(candleFraction(c, 60_000)).toBe(0)
    expect(candleFraction(c, 90_000)).toBe(0.5)
    expect(candleFraction(c, 120_000)).toBe(1)
    expect(candleFraction(c, 500_000)).toBe(1)
    expect(candleFraction({ openTime: 10, closeTime: 0 }, 11)).toBe(1) // unreadable times: over
  })

  it('the part of the path after a fraction of the candle, from where the market was then', () => {
    const path = [100, 94, 101, 99.5]
    expect(pathAfter(path, 0).map((p) => p.price)).toEqual(path)
    expect(pathAfter(path, 0.5)).toEqual([
      { price: 97.5, at: 0.5 },
      { price: 101, at: 2 / 3 },
      { price: 99.5, at: 1 },
    ])
    expect(pathAfter(path, 1)).toEqual([{ price: 99.5, at: 1 }])
    expect(pathAfter([99.5], 0.5)).toEqual([{ price: 99.5, at: 1 }]) // a close alone
  })
})

describe('tradedThrough', () => {
  const candle: Candle = {
    venue: 'fake',
    symbol: 'BTCUSDT',
    interval: '1m',
    openTime: 60_000,
    closeTime: 119_999,
    open: 100,
    high: 102,
    low: 90,
    close: 101,
    volume: 1,
    isClosed: true,
  }
  const limit = (side: Order['side'], price: number): Order => ({
    ...order('LIMIT', side),
    price: new Decimal(price),
  })

  it('a price the order came in at is touched, not traded through (no float noise)', () => {
    // 80.3 s in: the assumed path is at exactly 90.18 (from 90 a third in, up to 102 two thirds in), then rises.
    expect(tradedThrough(limit('BUY', 90.18), candle, 80_300)).toBe(false)
  })

  it('a low or high the candle lacks is no price it traded at', () => {
    expect(tradedThrough(limit('BUY', 95), { ...candle, low: 0 }, 0)).toBe(false) // open, high, close: 100 at least
    expect(tradedThrough(limit('BUY', 100.5), { ...candle, low: Number.NaN }, 0)).toBe(true) // the open was 100
  })

  it('an order resting before the candle opened: its whole range, strictly through the price', () => {
    expect(tradedThrough(limit('BUY', 95), candle, 0)).toBe(true)
    expect(tradedThrough(limit('BUY', 90), candle, 0)).toBe(false) // touched, not through
    expect(tradedThrough(limit('SELL', 101.5), candle, 0)).toBe(true)
  })

  it('an order placed during the candle: only what the market did after it (the low came a third in)', () => {
    expect(tradedThrough(limit('BUY', 95), candle, 66_000)).toBe(true) // a tenth in: the low is still ahead
    expect(tradedThrough(limit('BUY', 95), candle, 90_000)).toBe(false) // half-way: the low is past (96 then)
    expect(tradedThrough(limit('SELL', 101.5), candle, 90_000)).toBe(true) // the high is still ahead
    expect(tradedThrough(limit('SELL', 101.5), candle, 110_000)).toBe(false)
  })
})
