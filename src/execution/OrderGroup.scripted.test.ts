import { describe, expect, it } from 'vitest'
import { ManualClock } from '../core/clock.js'
import type { OrderIntent } from '../core/ports.js'
import type { Fill, Order } from '../core/types.js'
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

  it('rebalance: a leg whose trade fails while another leg’s sale waits drops below the level; another round levels the rest', async () => {
    const clock = new ManualClock(0)
    const client = new ScriptedClient()
    const emit = (name: string, e: unknown) =>
      (client.events as unknown as { emit: (n: string, e: unknown) => void }).emit(name, e)
    const unsettled = (cid: string, qty: string, tradeId: string): Fill => ({
      ...client.fill(cid, new Decimal(qty)),
      tradeId,
      unsettled: true,
    })
    /** Each leg's fills (quantity, trade id), every one of a trade not on chain yet. */
    const legFills: Record<string, [string, string][]> = {
      a: [
        ['6', 'a1'],
        ['4', 'a2'],
      ],
      b: [['10', 'b1']],
      c: [['10', 'c1']],
    }
    const fills = new Map<string, Fill>()
    client.onSubmit = (i) => {
      const spec = legFills[i.clientOrderId]
      if (spec === undefined) return [{ status: 'FILLED', filledQty: i.qty.toFixed() }] // unwinds fill at once
      queueMicrotask(() => {
        const order = client.orders.get(i.clientOrderId) as Order
        const filled = {
          ...order,
          status: 'FILLED' as const,
          filledQty: new Decimal(10),
          avgFillPrice: new Decimal('0.5'),
        }
        client.orders.set(i.clientOrderId, filled)
        const made = spec.map(([qty, id]) => unsettled(i.clientOrderId, qty, id))
        for (const f of made) fills.set(f.tradeId, f)
        emit('order.filled', { type: 'order.filled', order: filled, fills: made, tsEvent: 0 })
      })
      return []
    }
    const g = new OrderGroup({ client, clock, legTimeoutMs: 1_000, unwindTimeoutMs: 1_000 })
    const out = await run(clock, g.execute([leg('a'), leg('b'), leg('c')]), 50)
    expect(out.status).toBe('COMPLETED')
    const [a1, a2, b1, c1] = ['a1', 'a2', 'b1', 'c1'].map((id) => fills.get(id))
    const reverse = (f: Fill) =>
      emit('fill.reversed', { type: 'fill.reversed', fill: f, reason: 'FAILED', tsEvent: 0 })
    const settle = (f: Fill) => emit('fill.settled', { type: 'fill.settled', fill: f, tsEvent: 0 })
    reverse(a2 as Fill) // a holds 6: b and c are sold down to 6…
    clock.setTimeout(() => reverse(b1 as Fill), 100) // …but b's trade fails while its sale waits: b holds 0
    clock.setTimeout(() => settle(c1 as Fill), 200)
    clock.setTimeout(() => settle(a1 as Fill), 300)
    const after = await run(clock, g.rebalance(out, a2 as Fill), 50)
    expect(after.status).toBe('UNWOUND')
    expect(after.legs.map((l) => [l.fate, l.heldQty?.toFixed()])).toEqual([
      ['REVERSED', '0'],
      ['REVERSED', '0'],
      ['UNWOUND', '0'],
    ])
    const sold = (cid: string) =>
      client.submitted.filter((i) => i.clientOrderId.startsWith(`${cid}-r`)).map((i) => i.qty.toFixed())
    expect([sold('a'), sold('b'), sold('c')]).toEqual([['6'], [], ['4', '6']])
    // The engine passes b's reversal too: counted already, nothing more is done.
    const again = await run(clock, g.rebalance(after, b1 as Fill), 50)
    expect(again.legs.map((l) => l.heldQty?.toFixed())).toEqual(['0', '0', '0'])
    expect(client.submitted).toHaveLength(6)
  })
})
