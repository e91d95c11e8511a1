import { afterEach, describe, expect, it } from 'vitest'
import { ManualClock } from '../core/clock.js'
import { silentLogger } from '../core/logger.js'
import type { MarketSnapshot, OrderIntent } from '../core/ports.js'
import type { Fill } from '../core/types.js'
import { Decimal } from '../decimal/index.js'
import { ok } from '../errors/result.js'
import { OrderExecutor } from '../execution/index.js'
import { FakeExchangeAdapter } from '../execution/testing/FakeExchangeAdapter.js'
import { NO, YES } from '../execution/testing/fixtures.js'
import { signal } from './__fixtures__/market.js'
import {
  type GroupCompletedEvent,
  type GroupEscalatedEvent,
  type GroupRebalancedEvent,
  GroupRouter,
} from './GroupRouter.js'

const execs: OrderExecutor[] = []
afterEach(async () => {
  for (const e of execs.splice(0)) await e.shutdown({ cancelOpenOrders: false, timeoutMs: 1 })
})

/** A router on a live OrderExecutor over a fake venue: YES trades at 0.45, NO is refused by the venue. */
async function setup() {
  const clock = new ManualClock(0)
  const adapter = new FakeExchangeAdapter('fake', [YES, NO], () => clock.now())
  adapter.setPrice(YES.symbol, '0.45')
  adapter.rejectSymbol(NO.symbol, 'market not accepting orders')
  const exec = new OrderExecutor({ adapter, clock })
  execs.push(exec)
  await exec.start()
  const completed: GroupCompletedEvent[] = []
  const escalated: GroupEscalatedEvent[] = []
  const rebalanced: GroupRebalancedEvent[] = []
  const restricted: string[] = []
  const inflight: Promise<unknown>[] = []
  const instruments = [YES, NO]
  const r = new GroupRouter({
    clock,
    logger: silentLogger,
    groups: { maxUnwindSlippageBps: 100, unwindRetryStepBps: 300, unwindSlippageCapBps: 1_000 },
    executorFor: () => exec,
    instrument: (_v, s) => instruments.find((i) => i.symbol === s),
    gate: (s) => {
      const instrument = instruments.find((i) => i.symbol === s.symbol)
      return instrument && ({ instrument, price: new Decimal('0.45'), priceTs: 0 } satisfies MarketSnapshot)
    },
    evaluateGroup: (legs) =>
      ok(
        legs.map(
          (l, i): OrderIntent => ({
            clientOrderId: `leg${i}`,
            venue: l.signal.venue,
            symbol: l.signal.symbol,
            side: 'BUY',
            type: 'LIMIT',
            timeInForce: 'IOC',
            price: new Decimal(i === 0 ? '0.45' : '0.53'),
            qty: new Decimal(10),
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
  exec.events.on('fill.reversed', (e) => r.onFillReversed(e.fill))
  const send = async () => {
    r.add(signal({ venue: 'fake', symbol: YES.symbol, groupId: 'g' }), 'g')
    r.add(signal({ venue: 'fake', symbol: NO.symbol, groupId: 'g' }), 'g')
    await new Promise<void>((resolve) => queueMicrotask(resolve))
    while (inflight.length > 0) await Promise.all(inflight.splice(0))
  }
  const settle = async () => {
    while (inflight.length > 0) await Promise.all(inflight.splice(0))
  }
  return { adapter, exec, r, send, settle, completed, escalated, rebalanced, restricted }
}

describe('GroupRouter: groups end flat or escalate', () => {
  it('a group whose unwind cannot get out even at the widest bound raises engine.groupEscalated and restricts the instrument', async () => {
    const t = await setup()
    // The YES leg fills at 0.45, then the market drops to 0.30: no bound up to 10 % reaches it.
    t.adapter.events.on('fill', (e) => {
      if (e.fill.clientOrderId === 'leg0') t.adapter.setPrice(YES.symbol, '0.30')
    })
    await t.send()
    const out = t.completed[0]?.outcome
    expect(out?.status).toBe('FAILED')
    // One IOC per bound: 1 %, 4 %, 7 %, 10 % (the cap).
    expect(out?.legs[0]?.unwindOrders?.map((o) => o.price?.toFixed())).toEqual([
      '0.45',
      '0.44',
      '0.42',
      '0.41',
    ])
    expect(t.escalated).toHaveLength(1)
    expect(t.escalated[0]?.exposures.map((x) => `${x.symbol} ${x.qty.toFixed()}`)).toEqual([
      `${YES.symbol} 10`,
    ])
    expect(t.restricted).toEqual([`fake:${YES.symbol}`])
  })

  it('a group that ends flat raises no alert', async () => {
    const t = await setup()
    await t.send()
    expect(t.completed[0]?.outcome.status).toBe('UNWOUND')
    expect(t.escalated).toEqual([])
    expect(t.restricted).toEqual([])
  })

  it('a reversal of a failed group’s leg is re-balanced back to flat (the short its unwind left is bought back)', async () => {
    const t = await setup()
    const fills: Fill[] = []
    t.adapter.events.on('fill', (e) => fills.push(e.fill))
    await t.send()
    expect(t.completed[0]?.outcome.status).toBe('UNWOUND')
    // The venue reverses the YES buy after the group's unwind sold it (a failed settlement).
    const again = fills.find((f) => f.clientOrderId === 'leg0')
    if (again === undefined) throw new Error('no fill of leg0')
    expect(again.qty.toFixed()).toBe('10')
    t.adapter.reverseFill(again)
    await t.settle()
    expect(t.rebalanced).toHaveLength(1)
    const out = t.rebalanced[0]?.outcome
    expect(out?.status).toBe('UNWOUND')
    expect(out?.legs[0]?.fate).toBe('REVERSED')
    expect(out?.legs[0]?.unwindOrder?.side).toBe('BUY')
    expect(out?.legs[0]?.unwindOrder?.filledQty.toFixed()).toBe('10')
    expect(out?.legs.map((l) => l.heldQty?.toFixed())).toEqual(['0', '0'])
    expect(t.escalated).toEqual([])
  })
})
