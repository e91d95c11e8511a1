import { describe, expect, it } from 'vitest'
import { ManualClock } from '../core/clock.js'
import { silentLogger } from '../core/logger.js'
import type { MarketSnapshot, OrderIntent } from '../core/ports.js'
import { Decimal } from '../decimal/index.js'
import { ok } from '../errors/result.js'
import { NO, YES } from '../execution/testing/fixtures.js'
import { ScriptedClient } from '../execution/testing/ScriptedClient.js'
import { signal } from './__fixtures__/market.js'
import {
  type GroupCompletedEvent,
  type GroupEscalatedEvent,
  type GroupRebalancedEvent,
  GroupRouter,
} from './GroupRouter.js'

/** A router over a scripted venue: the legs are `c0` (YES) and `c1` (NO), each for `qty`. */
function setup(qty: string) {
  const clock = new ManualClock(0)
  const client = new ScriptedClient()
  const completed: GroupCompletedEvent[] = []
  const escalated: GroupEscalatedEvent[] = []
  const rebalanced: GroupRebalancedEvent[] = []
  const restricted: string[] = []
  const inflight: Promise<unknown>[] = []
  const instruments = [YES, NO]
  const r = new GroupRouter({
    clock,
    logger: silentLogger,
    groups: { legTimeoutMs: 1_000, unwindRetryStepBps: 0 },
    executorFor: () => client,
    instrument: () => undefined,
    gate: (s) => {
      const instrument = instruments.find((i) => i.symbol === s.symbol)
      return instrument && ({ instrument, price: new Decimal('0.45'), priceTs: 0 } satisfies MarketSnapshot)
    },
    evaluateGroup: (legs) =>
      ok(
        legs.map(
          (l, i): OrderIntent => ({
            clientOrderId: `c${i}`,
            venue: 'fake',
            symbol: l.signal.symbol,
            side: 'BUY',
            type: 'LIMIT',
            price: new Decimal('0.5'),
            qty: new Decimal(qty),
            strategyId: l.signal.strategyId,
          }),
        ),
      ),
    deny: () => undefined,
    sending: () => undefined,
    track: (p) => inflight.push(p),
    onCompleted: (e) => completed.push(e),
    onRebalanced: (e) => rebalanced.push(e),
    onEscalated: (e) => escalated.push(e),
    restrict: (venue, symbol) => restricted.push(`${venue}:${symbol}`),
    onError: (e) => {
      throw e
    },
  })
  const send = () => {
    r.add(signal({ venue: 'fake', symbol: YES.symbol, groupId: 'g' }), 'g')
    r.add(signal({ venue: 'fake', symbol: NO.symbol, groupId: 'g' }), 'g')
  }
  // Runs the clock until every tracked promise (execute, re-balances) has settled.
  const settle = async () => {
    await clock.advanceAsync(0) // the group is sent on a microtask
    for (let i = 0; i < 200; i++) {
      const batch = inflight.splice(0)
      if (batch.length === 0) return
      let done = false
      void Promise.all(batch).finally(() => {
        done = true
      })
      while (!done) await clock.advanceAsync(1_000)
      await Promise.all(batch)
    }
  }
  return { clock, client, r, send, settle, completed, escalated, rebalanced, restricted }
}

describe('GroupRouter over a scripted venue', () => {
  it('escalates a group whose partly filled leg could not be cancelled, reporting its open rest', async () => {
    const t = setup('10')
    t.client.cancelMode = 'throw'
    t.client.onSubmit = (i) =>
      i.clientOrderId === 'c0'
        ? [{ status: 'FILLED', filledQty: '10' }]
        : i.clientOrderId === 'c1'
          ? [{ status: 'PARTIALLY_FILLED', filledQty: '4' }]
          : [{ status: 'FILLED', filledQty: i.qty.toFixed() }]
    t.send()
    await t.settle()
    expect(t.completed[0]?.outcome.status).toBe('FAILED')
    expect(t.escalated).toHaveLength(1)
    expect(
      t.escalated[0]?.exposures.map((x) => `${x.clientOrderId} ${x.qty.toFixed()} ${x.openQty?.toFixed()}`),
    ).toEqual(['c1 0 6'])
    expect(t.restricted).toEqual([`fake:${NO.symbol}`])
  })

  it('a reversal of an unwind fill that arrives while execute still runs is re-balanced after it', async () => {
    const t = setup('2')
    t.client.onSubmit = (i) =>
      i.clientOrderId === 'c0'
        ? [{ status: 'FILLED', filledQty: '2' }]
        : i.clientOrderId === 'c1'
          ? [
              { status: 'PARTIALLY_FILLED', filledQty: '1' },
              { status: 'CANCELED', filledQty: '1' },
            ]
          : i.clientOrderId === 'c1-u'
            ? [] // hangs until the test fills it
            : [{ status: 'FILLED', filledQty: i.qty.toFixed() }]
    t.send()
    for (let i = 0; i < 20 && !t.client.orders.has('c1-u'); i++) await t.clock.advanceAsync(0)
    expect(t.client.orders.get('c0-u')?.status).toBe('FILLED')
    // The venue undoes the sale of c0's unwind before the group's outcome is known.
    t.r.onFillReversed(t.client.fill('c0-u', new Decimal(2)))
    t.client.update('c1-u', { status: 'FILLED', filledQty: '1' })
    await t.settle()
    expect(t.completed[0]?.outcome.status).toBe('UNWOUND')
    expect(t.rebalanced).toHaveLength(1)
    const out = t.rebalanced[0]?.outcome
    // c0 holds its 2 again: sold once more.
    expect(out?.legs[0]?.unwindOrder?.side).toBe('SELL')
    expect(out?.legs[0]?.unwindOrder?.filledQty.toFixed()).toBe('2')
    expect(out?.legs.map((l) => l.heldQty?.toFixed())).toEqual(['0', '0'])
    expect(out?.status).toBe('UNWOUND')
  })
})
