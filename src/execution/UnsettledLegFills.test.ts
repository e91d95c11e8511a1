import { describe, expect, it } from 'vitest'
import type { Fill } from '../core/types.js'
import { Decimal } from '../decimal/index.js'
import { ScriptedClient } from './testing/ScriptedClient.js'
import { UnsettledLegFills } from './UnsettledLegFills.js'

const fill = (cid: string, tradeId: string, unsettled: boolean): Fill => ({
  venue: 'fake',
  symbol: 'YES',
  clientOrderId: cid,
  tradeId,
  side: 'BUY',
  price: new Decimal('0.5'),
  qty: new Decimal(10),
  fee: new Decimal(0),
  feeAsset: 'USDC',
  liquidity: 'TAKER',
  tsEvent: 0,
  ...(unsettled ? { unsettled: true as const } : {}),
})

describe('UnsettledLegFills', () => {
  const rig = () => {
    const client = new ScriptedClient()
    const emit = (
      name: 'order.filled' | 'fill.settled' | 'fill.reversed' | 'fill.covered',
      f: Fill,
      extra: object = {},
    ) => {
      const bus = client.events as unknown as { emit: (n: string, e: unknown) => void }
      bus.emit(name, name === 'order.filled' ? { fills: [f] } : { fill: f, ...extra })
    }
    const listening = () => client.events.listenerCount('order.filled') > 0
    return { client, emit, listening, unsettled: new UnsettledLegFills(client) }
  }

  it('keeps following after the release while a followed order has an unsettled fill, then stops', () => {
    const { emit, listening, unsettled } = rig()
    const release = unsettled.hold()
    unsettled.follow('a')
    emit('order.filled', fill('a', 't1', true))
    emit('order.filled', fill('a', 't2', true))
    emit('order.filled', fill('b', 't3', true)) // not followed
    emit('order.filled', fill('a', 't4', false)) // settled already
    release()
    expect(unsettled.has('a')).toBe(true)
    expect(unsettled.has('b')).toBe(false)
    expect(listening()).toBe(true)
    const settled: string[] = []
    unsettled.onSettled((cid) => settled.push(cid))
    emit('fill.settled', fill('a', 't1', false))
    expect([unsettled.has('a'), settled]).toEqual([true, []])
    emit('fill.reversed', fill('a', 't2', true)) // a reversal ends it too
    expect([unsettled.has('a'), settled]).toEqual([false, ['a']])
    expect(listening()).toBe(false)
  })

  it('follows an unsettled real fill booked in a synthesized one until it settles, or its reversal names it', () => {
    const { emit, listening, unsettled } = rig()
    const release = unsettled.hold()
    unsettled.follow('a')
    emit('order.filled', fill('a', 'reconcile:a:20', false)) // synthesized: the stream missed the trades
    emit('fill.covered', fill('a', 't1', true))
    emit('fill.covered', fill('a', 't2', true))
    release()
    expect(unsettled.has('a')).toBe(true)
    emit('fill.settled', fill('a', 't1', false))
    expect(unsettled.has('a')).toBe(true)
    // The executor reverses the synthesized fill that booked t2 and names t2 as the fill the venue reversed.
    emit('fill.reversed', fill('a', 'reconcile:a:20', false), { covered: fill('a', 't2', true) })
    expect(unsettled.has('a')).toBe(false)
    expect(listening()).toBe(false)
  })

  it('stops following at the release when nothing is unsettled, and holds nest', () => {
    const { listening, unsettled } = rig()
    const first = unsettled.hold()
    const second = unsettled.hold()
    first()
    first() // a second call changes nothing
    expect(listening()).toBe(true)
    second()
    expect(listening()).toBe(false)
  })
})
