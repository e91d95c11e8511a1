import { describe, expect, it } from 'vitest'
import { TypedEmitter } from '../core/events.js'
import type { ExecutionClient, ExecutionEvents } from '../core/ports.js'
import type { Fill, Order } from '../core/types.js'
import { relayExecutorEvents } from './relayExecutorEvents.js'
import { Subscriptions } from './Subscriptions.js'

describe('relayExecutorEvents', () => {
  it('reports and relays order events, fills, reversals and covered fills in order, until the subscriptions are cleared', () => {
    const source = new TypedEmitter<ExecutionEvents>()
    const client = { events: source } as Pick<ExecutionClient, 'events'> as ExecutionClient
    const out = new TypedEmitter<ExecutionEvents>()
    const log: string[] = []
    for (const n of [
      'order.accepted',
      'order.filled',
      'fill.reversed',
      'fill.covered',
      'order.denied',
    ] as const) {
      out.on(n, () => log.push(`relayed ${n}`))
    }
    const subs = new Subscriptions()
    relayExecutorEvents(client, subs, {
      bus: out,
      order: (o, outcome) => log.push(`order ${o.clientOrderId} ${outcome}`),
      filled: (e) => log.push(`filled ${e.fills.map((f) => f.tradeId).join(',')}`),
      fillReversed: (e) => log.push(`reversed ${e.fill.tradeId}`),
    })
    const order = { clientOrderId: 'a' } as Order
    const fill = { tradeId: 't1' } as Fill
    source.emit('order.accepted', { type: 'order.accepted', order, tsEvent: 0 })
    source.emit('order.filled', { type: 'order.filled', order, fills: [fill], tsEvent: 0 })
    source.emit('fill.reversed', { type: 'fill.reversed', fill, reason: 'x', order, tsEvent: 0 })
    source.emit('fill.covered', { type: 'fill.covered', fill, tsEvent: 0 }) // relayed as it is: no order in it
    expect(log).toEqual([
      'order a accepted',
      'relayed order.accepted',
      'filled t1',
      'relayed order.filled',
      'order a fill_reversed',
      'relayed fill.reversed',
      'reversed t1',
      'relayed fill.covered',
    ])
    subs.clear()
    source.emit('order.accepted', { type: 'order.accepted', order, tsEvent: 0 })
    expect(log).toHaveLength(8)
  })
})
