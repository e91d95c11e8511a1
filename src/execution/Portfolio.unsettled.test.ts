import { describe, expect, it } from 'vitest'
import { ManualClock } from '../core/clock.js'
import { TypedEmitter } from '../core/events.js'
import type { ExecutionEvents } from '../core/ports.js'
import type { Fill, Instrument, Side } from '../core/types.js'
import { Decimal } from '../decimal/index.js'
import { Portfolio } from './Portfolio.js'
import { BTCUSDT, testFill, YES } from './testing/fixtures.js'

let tid = 0
const fill = (inst: Instrument, side: Side, qty: string, unsettled: boolean): Fill =>
  testFill(inst, side, qty, '0.4', {
    clientOrderId: `c${tid}`,
    tradeId: `t${++tid}`,
    ...(unsettled ? { unsettled: true as const } : {}),
  })

const mk = (dedupeWindow = 100_000) =>
  new Portfolio({
    balances: { USDT: '100000', pUSD: '100000' },
    instruments: [BTCUSDT, YES],
    clock: new ManualClock(5),
    dedupeWindow,
  })

const unsettledOf = (p: Portfolio, inst: Instrument) =>
  p.position(inst.venue, inst.symbol)?.unsettledQty?.toFixed()

describe('Portfolio: what fills the venue has not settled yet bought is held back from sale', () => {
  it('shows an unsettled buy on its position and snapshot until the venue settles or reverses it', () => {
    const p = mk()
    const settledEvents: unknown[] = []
    p.events.on('fill.settled', (e) =>
      settledEvents.push([e.fill.tradeId, e.position?.unsettledQty?.toFixed()]),
    )
    const a = fill(YES, 'BUY', '5', true)
    const b = fill(YES, 'BUY', '3', true)
    for (const f of [a, b, fill(YES, 'BUY', '2', false)]) expect(p.applyFill(f).ok).toBe(true)
    expect(p.position(YES.venue, YES.symbol)?.qty.toFixed()).toBe('10')
    expect(unsettledOf(p, YES)).toBe('8')
    expect(
      p
        .snapshot()
        .positions.find((x) => x.symbol === YES.symbol)
        ?.unsettledQty?.toFixed(),
    ).toBe('8')
    expect(p.settleFill(a)).toBe(true)
    expect(p.settleFill(a)).toBe(false) // once
    expect(unsettledOf(p, YES)).toBe('3')
    expect(
      p
        .snapshot()
        .positions.find((x) => x.symbol === YES.symbol)
        ?.unsettledQty?.toFixed(),
    ).toBe('3')
    expect(settledEvents).toEqual([[a.tradeId, '3']])
    // A reversal (its settlement FAILED) takes the lot and its hold back out.
    expect(p.reverseFill(b).ok).toBe(true)
    expect(p.position(YES.venue, YES.symbol)?.qty.toFixed()).toBe('7')
    expect(unsettledOf(p, YES)).toBeUndefined()
  })

  it('a reversal it cannot undo (no undo record kept) still ends the hold: the trade is settled one way', () => {
    const p = mk()
    const f = fill(BTCUSDT, 'BUY', '2', true) // spot fills keep no undo record by default (reversibleKinds)
    p.applyFill(f)
    expect(unsettledOf(p, BTCUSDT)).toBe('2')
    expect(p.reverseFill(f).ok).toBe(false)
    expect(unsettledOf(p, BTCUSDT)).toBeUndefined()
  })

  it('holds back only buys, never more than the position, and a spot buy too', () => {
    const p = mk()
    p.applyFill(fill(BTCUSDT, 'BUY', '2', true))
    expect(p.applyFill(fill(BTCUSDT, 'SELL', '0.5', true)).ok).toBe(true) // a sale brings nothing to hold back
    expect(unsettledOf(p, BTCUSDT)).toBe('1.5')
    p.applyFill(fill(BTCUSDT, 'BUY', '1', false))
    expect(unsettledOf(p, BTCUSDT)).toBe('2')
  })

  it('forgets the oldest unsettled fill past its memory (dedupeWindow): it no longer holds its shares back', () => {
    const p = mk(16)
    const fills = Array.from({ length: 17 }, () => fill(YES, 'BUY', '1', true))
    for (const f of fills) p.applyFill(f)
    expect(unsettledOf(p, YES)).toBe('16')
    expect(p.settleFill(fills[0] as Fill)).toBe(false)
    expect(p.settleFill(fills[16] as Fill)).toBe(true)
    expect(unsettledOf(p, YES)).toBe('15')
  })

  it('follows an attached client’s fill.settled', () => {
    const p = mk()
    const bus = new TypedEmitter<ExecutionEvents>()
    p.attach({ events: bus })
    const f = fill(YES, 'BUY', '4', true)
    const order = {
      clientOrderId: f.clientOrderId,
      venue: YES.venue,
      symbol: YES.symbol,
      side: 'BUY' as const,
      type: 'LIMIT' as const,
      qty: new Decimal(4),
      price: new Decimal('0.4'),
      status: 'FILLED' as const,
      filledQty: new Decimal(4),
      tsCreated: 0,
      tsUpdated: 0,
    }
    bus.emit('order.filled', { type: 'order.filled', order, fills: [f], tsEvent: 1 })
    expect(unsettledOf(p, YES)).toBe('4')
    bus.emit('fill.settled', { type: 'fill.settled', fill: f, tsEvent: 2 })
    expect(unsettledOf(p, YES)).toBeUndefined()
  })
})
