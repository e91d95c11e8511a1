import { describe, expect, it } from 'vitest'
import { ManualClock, type Signal } from '../core/index.js'
import type { Order } from '../core/types.js'
import { Decimal } from '../decimal/index.js'
import { account, market, openOrder, position, signal } from './__fixtures__/builders.js'
import type { RiskManagerConfig } from './config.js'
import { RiskManager } from './RiskManager.js'

const T0 = Date.UTC(2026, 0, 15, 12)

function make(config: RiskManagerConfig = {}) {
  const clock = new ManualClock(T0)
  const risk = new RiskManager({ clock, maxPositionsPerInstrument: 3, ...config })
  const mkt = market({ priceTs: T0 })
  return { risk, mkt }
}

const exit = (over: Partial<Signal> = {}) => signal({ side: 'SELL', intent: 'EXIT', ...over })

describe('RiskManager: positions and limits per strategy', () => {
  it('an EXIT closes the strategy’s own share when the snapshot tells strategies apart', () => {
    const { risk, mkt } = make()
    const shared = { positions: [position('BTCUSDT', 3)] }
    // Without strategyPositions: the whole netted position, as before.
    const all = risk.evaluate(exit(), account(shared), mkt)
    expect(all.ok && all.value.qty.toFixed()).toBe('3')
    // s1 holds 1 of the 3: it closes 1.
    const own = risk.evaluate(
      exit(),
      account({ ...shared, strategyPositions: [position('BTCUSDT', 1)] }),
      mkt,
    )
    expect(own.ok && own.value.qty.toFixed()).toBe('1')
    expect(own.ok && own.value.reduceOnly).toBe(true)
    // A strategy holding nothing there has nothing to close.
    const none = risk.evaluate(exit(), account({ ...shared, strategyPositions: [] }), mkt)
    expect(none.ok ? 'APPROVED' : none.error.code).toBe('NO_POSITION_TO_REDUCE')
    // What no strategy owns (restored from the venue after a restart) any strategy's EXIT may close too.
    const orphan = risk.evaluate(
      exit(),
      account({
        ...shared,
        strategyPositions: [position('BTCUSDT', 1)],
        unattributedPositions: [position('BTCUSDT', 1.5)],
      }),
      mkt,
    )
    expect(orphan.ok && orphan.value.qty.toFixed()).toBe('2.5')
    // Its share is never more than the venue holds (the other strategies' shorts net it down).
    const capped = risk.evaluate(
      exit(),
      account({ positions: [position('BTCUSDT', 2)], strategyPositions: [position('BTCUSDT', 5)] }),
      mkt,
    )
    expect(capped.ok && capped.value.qty.toFixed()).toBe('2')
    // Nothing netted on its side (none, flat, or the other way): nothing to reduce, whatever its share says.
    for (const positions of [[], [position('BTCUSDT', 0)], [position('BTCUSDT', -1)]]) {
      const against = risk.evaluate(
        exit(),
        account({ positions, strategyPositions: [position('BTCUSDT', 1)] }),
        mkt,
      )
      expect(against.ok ? 'APPROVED' : against.error.code).toBe('NO_POSITION_TO_REDUCE')
    }
  })

  it('per-strategy maxOpenPositions counts only that strategy’s positions; the global limit still applies', () => {
    const { risk, mkt } = make({ strategyLimits: { s1: { maxOpenPositions: 1 } }, requireStop: false })
    const others = [position('ETHUSDT', 1), position('BNBUSDT', 1)]
    // Other strategies hold two positions: s1 (holding none) may open one.
    const ok1 = risk.evaluate(signal(), account({ positions: others, strategyPositions: [] }), mkt)
    expect(ok1.ok).toBe(true)
    // s1 already holds one elsewhere: denied, with its id.
    const r = risk.evaluate(
      signal(),
      account({ positions: others, strategyPositions: [position('ETHUSDT', 1)] }),
      mkt,
    )
    expect(r.ok ? 'APPROVED' : r.error.code).toBe('MAX_OPEN_POSITIONS')
    expect(r.ok ? undefined : r.error.values.strategyId).toBe('s1')
    // Another strategy has no limit of its own.
    const s2 = risk.evaluate(signal({ strategyId: 's2' }), account({ positions: others }), mkt)
    expect(s2.ok).toBe(true)
    // A limited strategy without its positions in the snapshot is denied, not waved through.
    const blind = risk.evaluate(signal(), account({ positions: others }), mkt)
    expect(blind.ok ? 'APPROVED' : blind.error.code).toBe('INVALID_INPUT')
  })

  it('per-strategy maxNotional bounds the strategy’s own share, on top of the global maxNotional', () => {
    const config: RiskManagerConfig = {
      sizing: { method: 'fixedNotional', notional: '1000' },
      requireStop: false,
      maxNotional: '800',
      strategyLimits: { s1: { maxNotional: '300' } },
    }
    const { risk, mkt } = make(config)
    // s1 holds 1 (100 at 100): room 200 → 2; s2 is bound by the global 800 only, minus the netted 1 × 100 and the 2 × 100
    // just approved to s1 (not in the snapshot yet).
    const a = account({ positions: [position('BTCUSDT', 1)], strategyPositions: [position('BTCUSDT', 1)] })
    const r1 = risk.evaluate(signal(), a, mkt)
    expect(r1.ok && r1.value.qty.toFixed()).toBe('2')
    const r2 = risk.evaluate(
      signal({ strategyId: 's2' }),
      account({ positions: [position('BTCUSDT', 1)], strategyPositions: [] }),
      mkt,
    )
    expect(r2.ok && r2.value.qty.toFixed()).toBe('5')
    // An unreadable share is refused, never counted as 0 (which would give the strategy its whole room back).
    const nan = { ...position('BTCUSDT', 1), qty: new Decimal(Number.NaN) }
    const r3 = make(config).risk.evaluate(
      signal(),
      account({ positions: [position('BTCUSDT', 1)], strategyPositions: [nan] }),
      mkt,
    )
    expect(r3.ok ? 'APPROVED' : r3.error.code).toBe('INVALID_INPUT')
  })
})

describe('RiskManager: a spot EXIT sells what open sells do not already offer', () => {
  const resting = (qty: number, over: Partial<Order> = {}) =>
    openOrder(`x${qty}`, { side: 'SELL', qty: new Decimal(qty), reduceOnly: true, ...over })

  it('an exit while an earlier one rests sells only the rest, or nothing (the venue holds the base for it)', () => {
    const { risk, mkt } = make()
    const held = { positions: [position('BTCUSDT', 3)] }
    const part = risk.evaluate(exit(), account({ ...held, openOrders: [resting(2)] }), mkt)
    expect(part.ok && part.value.qty.toFixed()).toBe('1')
    const none = risk.evaluate(exit(), account({ ...held, openOrders: [resting(2), resting(1)] }), mkt)
    expect(none.ok || [none.error.code, none.error.values]).toEqual([
      'NO_POSITION_TO_REDUCE',
      { positionQty: '3', openSellQty: '3' },
    ])
    // What a partly filled sell may still sell; a finished one and a buy offer nothing.
    const left = risk.evaluate(
      exit(),
      account({
        ...held,
        openOrders: [
          resting(2, { filledQty: new Decimal(1.5) }),
          resting(1, { status: 'CANCELED' }),
          resting(0.5, { status: 'PENDING_CANCEL' }), // cancelled before the exit reaches the venue
          openOrder('b', { side: 'BUY', qty: new Decimal(5) }),
        ],
      }),
      mkt,
    )
    expect(left.ok && left.value.qty.toFixed()).toBe('2.5')
    // A BUY exit of a long is no sale: refused as having no short to reduce, whatever sells rest.
    const buy = risk.evaluate(exit({ side: 'BUY' }), account({ ...held, openOrders: [resting(3)] }), mkt)
    expect(buy.ok || buy.error.values).toEqual({ positionQty: '3', side: 'BUY' })
  })

  it('two strategies exiting what no strategy owns: the second gets its own share, not the part the first sells', () => {
    const { risk, mkt } = make()
    // s1 and s2 hold 1 each and 1.5 belongs to nobody; s1’s exit of its 1 and the 1.5 rests.
    const acct = account({
      positions: [position('BTCUSDT', 3.5)],
      strategyPositions: [position('BTCUSDT', 1)],
      unattributedPositions: [position('BTCUSDT', 1.5)],
      openOrders: [resting(2.5)],
    })
    const r = risk.evaluate(exit({ strategyId: 's2' }), acct, mkt)
    expect(r.ok && r.value.qty.toFixed()).toBe('1')
  })

  it('an exit sells nothing bought in trades the venue has not settled yet (Position.unsettledQty)', () => {
    const { risk, mkt } = make()
    const pending = (qty: number, unsettled: number | string) => ({
      ...position('BTCUSDT', qty),
      unsettledQty: new Decimal(unsettled),
    })
    const part = risk.evaluate(
      exit(),
      account({ positions: [pending(3, 1)], openOrders: [resting(0.5)] }),
      mkt,
    )
    expect(part.ok && part.value.qty.toFixed()).toBe('1.5')
    const none = risk.evaluate(exit(), account({ positions: [pending(3, 3)] }), mkt)
    expect(none.ok || [none.error.code, none.error.values]).toEqual([
      'NO_POSITION_TO_REDUCE',
      { positionQty: '3', openSellQty: '0', unsettledQty: '3' },
    ])
    if (!none.ok) expect(none.error.message).toMatch(/not settled yet/)
    const bad = risk.evaluate(exit(), account({ positions: [pending(3, Number.NaN)] }), mkt)
    expect(bad.ok || bad.error.code).toBe('INVALID_INPUT')
  })

  it('a perpetual exit is not bounded by open sells (reduce-only: the venue closes no more than the position)', () => {
    const { risk } = make()
    const perp = market({ priceTs: T0, instrument: { ...market().instrument, kind: 'perpetual' } })
    const r = risk.evaluate(
      exit(),
      account({ positions: [position('BTCUSDT', 3)], openOrders: [resting(3)] }),
      perp,
    )
    expect(r.ok && r.value.qty.toFixed()).toBe('3')
  })
})
