import { describe, expect, it } from 'vitest'
import { ManualClock } from '../core/clock.js'
import type { OrderIntent } from '../core/ports.js'
import type { Fill, Order } from '../core/types.js'
import { Decimal } from '../decimal/index.js'
import { OrderGroup } from './OrderGroup.js'
import { ScriptedClient, type ScriptedUpdate } from './testing/ScriptedClient.js'

// Reversals (a venue undoing a trade: a Polymarket settlement that FAILED) of sell legs, of buy-backs, and next to an
// unwind whose cancel was never confirmed: what `rebalance` sends, and what it says each leg holds.

const leg = (cid: string, side: 'BUY' | 'SELL' = 'BUY'): OrderIntent => ({
  clientOrderId: cid,
  venue: 'fake',
  symbol: cid,
  side,
  type: 'LIMIT',
  price: new Decimal('0.5'),
  qty: new Decimal(10),
  strategyId: 'arb',
})

/** Lets microtasks and the ManualClock run until `p` settles. */
async function run<T>(clock: ManualClock, p: Promise<T>): Promise<T> {
  let done = false
  void p.finally(() => {
    done = true
  })
  for (let i = 0; i < 2_000 && !done; i++) await clock.advanceAsync(50)
  return p
}

/**
 * A scripted venue: each leg in `legFills` fills at once in those trades (quantity, trade id), each reported
 * unsettled; every other order gets `other`'s updates.
 */
function venue(
  legFills: Record<string, [string, string][]>,
  other: (i: OrderIntent) => readonly ScriptedUpdate[],
) {
  const clock = new ManualClock(0)
  const client = new ScriptedClient()
  const emit = (name: string, e: unknown) =>
    (client.events as unknown as { emit: (n: string, e: unknown) => void }).emit(name, e)
  const fills = new Map<string, Fill>()
  client.onSubmit = (i) => {
    const spec = legFills[i.clientOrderId]
    if (spec === undefined) return other(i)
    queueMicrotask(() => {
      const order = client.orders.get(i.clientOrderId) as Order
      const filledQty = spec.reduce((sum, [q]) => sum.plus(q), new Decimal(0))
      const filled = { ...order, status: 'FILLED' as const, filledQty, avgFillPrice: new Decimal('0.5') }
      client.orders.set(i.clientOrderId, filled)
      const made = spec.map(
        ([qty, tradeId]): Fill => ({
          ...client.fill(i.clientOrderId, new Decimal(qty)),
          tradeId,
          unsettled: true,
        }),
      )
      for (const f of made) fills.set(f.tradeId, f)
      emit('order.filled', { type: 'order.filled', order: filled, fills: made, tsEvent: 0 })
    })
    return []
  }
  const fill = (tradeId: string) => fills.get(tradeId) as Fill
  const reverse = (f: Fill) =>
    emit('fill.reversed', { type: 'fill.reversed', fill: f, reason: 'FAILED', tsEvent: 0 })
  const settle = (f: Fill) => emit('fill.settled', { type: 'fill.settled', fill: f, tsEvent: 0 })
  const sent = () => client.submitted.map((i) => `${i.clientOrderId} ${i.side} ${i.qty.toFixed()}`)
  return { clock, client, fill, reverse, settle, sent }
}

/** `b` is refused; unwinds fill at once. */
const bRejected = (i: OrderIntent): readonly ScriptedUpdate[] =>
  i.clientOrderId === 'b' ? [{ status: 'REJECTED' }] : [{ status: 'FILLED', filledQty: i.qty.toFixed() }]
const held = (o: { legs: readonly { heldQty?: Decimal }[] }) => o.legs.map((l) => l.heldQty?.toFixed())

/** An OrderGroup that hedges a failed leg's exposure with a perpetual sale (`h1`, `h2`…), `hedges` times at most. */
function hedging(v: { client: ScriptedClient; clock: ManualClock }, hedges: number): OrderGroup {
  let n = 0
  return new OrderGroup({
    client: v.client,
    clock: v.clock,
    legTimeoutMs: 1_000,
    unwindTimeoutMs: 1_000,
    onFailure: 'HEDGE',
    hedge: (x) => (++n <= hedges ? { ...leg(`h${n}`, 'SELL'), qty: x.filledQty, symbol: 'perp' } : undefined),
  })
}

describe('OrderGroup.rebalance: reversals', () => {
  it('of a sell leg: the shares came back, and are sold again (a reversal while a sale waits is not taken off it)', async () => {
    const v = venue(
      {
        a: [
          ['6', 'a1'],
          ['4', 'a2'],
        ],
      },
      bRejected,
    )
    const g = new OrderGroup({
      client: v.client,
      clock: v.clock,
      legTimeoutMs: 1_000,
      unwindTimeoutMs: 1_000,
    })
    const out = await run(v.clock, g.execute([leg('a', 'SELL'), leg('b')]))
    expect(v.sent()).toEqual(['a SELL 10', 'b BUY 10', 'a-u BUY 10']) // a's sale bought back
    // Both of a's sales fail: the shares sold came back, on top of the 10 the unwind bought.
    v.reverse(v.fill('a1'))
    v.clock.setTimeout(() => v.reverse(v.fill('a2')), 100)
    const r1 = await run(v.clock, g.rebalance(out, v.fill('a1')))
    const r2 = await run(v.clock, g.rebalance(r1, v.fill('a2')))
    expect(v.sent().slice(3)).toEqual(['a-r2 SELL 6', 'a-r3 SELL 4'])
    expect([r2.status, ...held(r2)]).toEqual(['UNWOUND', '0', '0'])
  })

  it('of a buy-back: the leg is short again, and is bought back again', async () => {
    const v = venue({ a: [['10', 'a1']] }, bRejected)
    const g = new OrderGroup({
      client: v.client,
      clock: v.clock,
      legTimeoutMs: 1_000,
      unwindTimeoutMs: 1_000,
    })
    const out = await run(v.clock, g.execute([leg('a'), leg('b')]))
    v.reverse(v.fill('a1')) // after its unwind sold 10: a is short 10
    const r1 = await run(v.clock, g.rebalance(out, v.fill('a1')))
    expect(v.sent().slice(3)).toEqual(['a-r2 BUY 10'])
    const buyBack: Fill = { ...v.client.fill('a-r2', new Decimal(10)), tradeId: 'bb1' }
    v.reverse(buyBack)
    const r2 = await run(v.clock, g.rebalance(r1, buyBack))
    expect(v.sent().slice(4)).toEqual(['a-r3 BUY 10'])
    expect([r2.status, ...held(r2)]).toEqual(['UNWOUND', '0', '0'])
  })

  it('no second round beside an unwind that may still fill: the group is FAILED with its openQty', async () => {
    let bSales = 0
    const v = venue(
      {
        a: [
          ['6', 'a1'],
          ['4', 'a2'],
        ],
        b: [['10', 'b1']],
        c: [
          ['6', 'c1'],
          ['4', 'c2'],
        ],
      },
      (i) =>
        i.clientOrderId.startsWith('b-') && bSales++ === 0
          ? []
          : [{ status: 'FILLED', filledQty: i.qty.toFixed() }],
    )
    const g = new OrderGroup({
      client: v.client,
      clock: v.clock,
      legTimeoutMs: 1_000,
      unwindTimeoutMs: 1_000,
    })
    const out = await run(v.clock, g.execute([leg('a'), leg('b'), leg('c')]))
    v.client.cancelMode = 'throw' // b's first sale never answers, nor its cancel
    v.settle(v.fill('b1'))
    v.reverse(v.fill('a2'))
    v.clock.setTimeout(() => v.reverse(v.fill('c2')), 2_500) // c falls to 6 while its sale waits
    v.clock.setTimeout(() => v.settle(v.fill('c1')), 2_600)
    const r1 = await run(v.clock, g.rebalance(out, v.fill('a2')))
    expect(v.sent().slice(3)).toEqual(['b-r2 SELL 4'])
    expect(r1.status).toBe('FAILED')
    expect(r1.legs.map((l) => [l.heldQty?.toFixed(), l.openQty?.toFixed()])).toEqual([
      ['6', undefined],
      ['10', '4'],
      ['6', undefined],
    ])
  })

  it('with HEDGE: a hedged leg a reversal left short is bought back (not hedged once more the same way)', async () => {
    const v = venue({ a: [['10', 'a1']] }, bRejected)
    const g = hedging(v, Number.POSITIVE_INFINITY)
    const out = await run(v.clock, g.execute([leg('a'), leg('b')]))
    expect([out.status, v.sent()]).toEqual(['HEDGED', ['a BUY 10', 'b BUY 10', 'h1 SELL 10']])
    v.reverse(v.fill('a1'))
    const r1 = await run(v.clock, g.rebalance(out, v.fill('a1')))
    expect(v.sent().slice(3)).toEqual(['a-r2 BUY 10']) // back to 10 a against the 10 short hedge
    expect([r1.status, ...held(r1)]).toEqual(['UNWOUND', '0', '0'])
  })

  it('with HEDGE: a rebalance whose hedge is not filled is FAILED, even beside a leg hedged before', async () => {
    const v = venue({ a: [['10', 'a1']], c: [['10', 'c1']] }, bRejected)
    const g = hedging(v, 2)
    const out = await run(v.clock, g.execute([leg('a'), leg('b'), leg('c')]))
    expect(out.legs.map((l) => l.fate)).toEqual(['HEDGED', 'REJECTED', 'HEDGED'])
    // c's hedge sale undone: c is exposed again, and no hedge is given this time.
    const r1 = await run(
      v.clock,
      g.rebalance(out, { ...v.client.fill('h2', new Decimal(10)), tradeId: 'h2t' }),
    )
    expect(r1.status).toBe('FAILED')
    expect(held(r1)).toEqual(['0', '0', '10'])
  })
})
