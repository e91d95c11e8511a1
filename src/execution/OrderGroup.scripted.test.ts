import { describe, expect, it } from 'vitest'
import { ManualClock } from '../core/clock.js'
import type { OrderIntent } from '../core/ports.js'
import { Decimal } from '../decimal/index.js'
import { OrderGroup } from './OrderGroup.js'
import { ScriptedClient } from './testing/ScriptedClient.js'

const leg = (cid: string, qty = '10'): OrderIntent => ({
  clientOrderId: cid,
  venue: 'fake',
  symbol: cid,
  side: 'BUY',
  type: 'LIMIT',
  price: new Decimal('0.5'),
  qty: new Decimal(qty),
  strategyId: 'arb',
})

/** Lets microtasks and the ManualClock run until `p` settles. */
async function run<T>(clock: ManualClock, p: Promise<T>, stepMs = 1_000, steps = 200): Promise<T> {
  let done = false
  void p.finally(() => {
    done = true
  })
  for (let i = 0; i < steps && !done; i++) await clock.advanceAsync(stepMs)
  return p
}

describe('OrderGroup over a scripted venue', () => {
  it('a partly filled leg whose cancel is never confirmed makes the group FAILED, its unfilled rest open', async () => {
    const clock = new ManualClock(0)
    const client = new ScriptedClient()
    client.cancelMode = 'throw'
    client.onSubmit = (i) =>
      i.clientOrderId === 'a'
        ? [{ status: 'FILLED', filledQty: '10' }]
        : i.clientOrderId === 'b'
          ? [{ status: 'PARTIALLY_FILLED', filledQty: '4' }]
          : [{ status: 'FILLED', filledQty: i.qty.toFixed() }] // unwinds fill
    const g = new OrderGroup({ client, clock, legTimeoutMs: 1_000, unwindTimeoutMs: 1_000 })
    const out = await run(clock, g.execute([leg('a'), leg('b')]))
    expect(out.status).toBe('FAILED')
    const b = out.legs[1]
    expect(b?.order?.status).toBe('PARTIALLY_FILLED')
    expect(b?.filledQty.toFixed()).toBe('4')
    expect(b?.residualQty.toFixed()).toBe('0') // its 4 were unwound…
    expect(b?.openQty?.toFixed()).toBe('6') // …but the other 6 may still fill
    expect(out.legs[0]?.openQty).toBeUndefined()
  })

  it('a leg cancelled after a partial fill (confirmed) still ends UNWOUND', async () => {
    const clock = new ManualClock(0)
    const client = new ScriptedClient()
    client.onSubmit = (i) =>
      i.clientOrderId === 'a'
        ? [{ status: 'FILLED', filledQty: '10' }]
        : i.clientOrderId === 'b'
          ? [{ status: 'PARTIALLY_FILLED', filledQty: '4' }]
          : [{ status: 'FILLED', filledQty: i.qty.toFixed() }]
    const g = new OrderGroup({ client, clock, legTimeoutMs: 1_000, unwindTimeoutMs: 1_000 })
    const out = await run(clock, g.execute([leg('a'), leg('b')]))
    expect(out.status).toBe('UNWOUND')
    expect(out.legs.map((l) => l.openQty)).toEqual([undefined, undefined])
  })

  it('an unwind whose result is late is cancelled and awaited before the next, smaller one is sent', async () => {
    const clock = new ManualClock(0)
    const client = new ScriptedClient()
    client.onSubmit = (i) =>
      i.clientOrderId === 'a'
        ? [{ status: 'FILLED', filledQty: '10' }]
        : i.clientOrderId === 'b'
          ? [{ status: 'REJECTED' }]
          : i.clientOrderId === 'a-u'
            ? [] // stays PENDING_NEW past unwindTimeoutMs
            : [{ status: 'FILLED', filledQty: i.qty.toFixed() }]
    // The late unwind turns out to have filled 3 before its cancel took.
    const cancel = client.cancel.bind(client)
    client.cancel = async (cid) => {
      if (cid === 'a-u') client.update(cid, { status: 'PARTIALLY_FILLED', filledQty: '3' })
      return cancel(cid)
    }
    const g = new OrderGroup({ client, clock, unwindTimeoutMs: 1_000 })
    const out = await run(clock, g.execute([leg('a'), leg('b')]))
    expect(client.cancels).toContain('a-u')
    expect(client.submitted.map((i) => `${i.clientOrderId} ${i.qty.toFixed()}`)).toEqual([
      'a 10',
      'b 10',
      'a-u 10',
      'a-u2 7', // the rest only, once the first is final
    ])
    expect(out.status).toBe('UNWOUND')
    expect(out.legs[0]?.unwindOrders?.map((o) => o.status)).toEqual(['CANCELED', 'FILLED'])
  })

  it('an unwind that cannot be made final stops the retries and reports FAILED', async () => {
    const clock = new ManualClock(0)
    const client = new ScriptedClient()
    client.cancelMode = 'throw'
    client.onSubmit = (i) =>
      i.clientOrderId === 'a'
        ? [{ status: 'FILLED', filledQty: '10' }]
        : i.clientOrderId === 'b'
          ? [{ status: 'REJECTED' }]
          : [{ status: 'OPEN' }] // the unwind never answers
    const g = new OrderGroup({ client, clock, unwindTimeoutMs: 1_000 })
    const out = await run(clock, g.execute([leg('a'), leg('b')]))
    // One unwind only: no second sale beside one that may still fill.
    expect(client.submitted.map((i) => i.clientOrderId)).toEqual(['a', 'b', 'a-u'])
    expect(out.status).toBe('FAILED')
    expect(out.legs[0]?.fate).toBe('PARTIALLY_UNWOUND')
    expect(out.legs[0]?.residualQty.toFixed()).toBe('10')
    expect(out.legs[0]?.openQty?.toFixed()).toBe('10')
    expect(out.legs[0]?.unwindOrders?.map((o) => o.clientOrderId)).toEqual(['a-u'])
  })

  it('calls onSend with every unwind before it is sent', async () => {
    const clock = new ManualClock(0)
    const client = new ScriptedClient()
    const seen: string[] = []
    client.onSubmit = (i) =>
      i.clientOrderId === 'b' ? [{ status: 'REJECTED' }] : [{ status: 'FILLED', filledQty: i.qty.toFixed() }]
    const g = new OrderGroup({
      client,
      clock,
      onSend: (i) => seen.push(`${i.clientOrderId} ${client.orders.has(i.clientOrderId)}`),
    })
    const out = await run(clock, g.execute([leg('a'), leg('b')]))
    expect(out.status).toBe('UNWOUND')
    expect(seen).toEqual(['a-u false'])
  })
})
