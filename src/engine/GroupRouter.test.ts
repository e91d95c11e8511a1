import { describe, expect, it } from 'vitest'
import { ManualClock } from '../core/clock.js'
import { TypedEmitter } from '../core/events.js'
import { silentLogger } from '../core/logger.js'
import type { ExecutionClient, ExecutionEvents, MarketSnapshot, OrderIntent, Signal } from '../core/ports.js'
import type { Order } from '../core/types.js'
import { Decimal } from '../decimal/index.js'
import { err, ok } from '../errors/result.js'
import { btc, signal } from './__fixtures__/market.js'
import { atLegTime, GroupRouter, type GroupRouterConfig } from './GroupRouter.js'

const market: MarketSnapshot = { instrument: btc, price: new Decimal(100), priceTs: 0 }

function stubClient(venues: string[]): ExecutionClient & { sent: OrderIntent[] } {
  const sent: OrderIntent[] = []
  return {
    sent,
    venues,
    events: new TypedEmitter<ExecutionEvents>(),
    submit: (i) => {
      sent.push(i)
      return new Promise<Order>(() => undefined) // never acknowledged: the group waits
    },
    cancel: () => new Promise<Order>(() => undefined),
    cancelAll: async () => ({ canceled: [], failed: [] }),
    openOrders: () => [],
    shutdown: async () => undefined,
  }
}

function router(over: Partial<GroupRouterConfig> = {}) {
  const denied: string[] = []
  const sending: string[] = []
  let evaluated = 0
  const client = stubClient(['binance'])
  const cfg: GroupRouterConfig = {
    clock: new ManualClock(0),
    logger: silentLogger,
    executorFor: (venue) => (client.venues.includes(venue) ? client : undefined),
    instrument: () => btc,
    gate: () => market,
    evaluateGroup: (legs) => {
      evaluated++
      return ok(
        legs.map((l, i) => ({
          clientOrderId: `c${i}`,
          venue: l.signal.venue,
          symbol: l.signal.symbol,
          side: l.signal.side,
          type: 'MARKET' as const,
          qty: new Decimal(i + 1),
          strategyId: l.signal.strategyId,
        })),
      )
    },
    deny: (s, code) => denied.push(`${s.symbol} ${code}`),
    sending: (i) => sending.push(`${i.clientOrderId} ${i.qty.toFixed()}`),
    track: () => undefined,
    onCompleted: () => undefined,
    onRebalanced: () => undefined,
    onEscalated: () => undefined,
    restrict: () => undefined,
    onError: () => undefined,
    ...over,
  }
  return { r: new GroupRouter(cfg), client, denied, sending, evaluated: () => evaluated }
}

const leg = (over: Partial<Signal> = {}): Signal => signal({ groupId: 'g', ...over })
const tick = () => new Promise<void>((resolve) => queueMicrotask(resolve))

describe('GroupRouter', () => {
  it('once closed (the engine stopping) sends no buffered group: every leg denied ENGINE_STOPPING', async () => {
    const { r, client, sending, denied, evaluated } = router()
    r.add(leg(), 'g')
    r.add(leg({ side: 'SELL' }), 'g')
    r.close() // the stop began within the event that emitted the legs
    await tick()
    expect(denied).toEqual(['BTCUSDT ENGINE_STOPPING', 'BTCUSDT ENGINE_STOPPING'])
    expect([client.sent, sending, evaluated()]).toEqual([[], [], 0])
  })

  it('sends the legs of one event as one group, every leg at the smallest approved quantity', async () => {
    const { r, client, sending, denied } = router()
    r.add(leg(), 'g')
    r.add(leg({ symbol: 'BTCUSDT', side: 'SELL' }), 'g')
    expect(client.sent).toEqual([]) // buffered until the event is over
    await tick()
    expect(denied).toEqual([])
    expect(sending).toEqual(['c0 1', 'c1 1'])
    expect(client.sent.map((i) => i.qty.toFixed())).toEqual(['1', '1'])
  })

  it('denies a group spanning several venues (GROUP_UNROUTABLE) or with no executor (NO_EXECUTOR)', async () => {
    const a = router()
    a.r.add(leg(), 'g')
    a.r.add(leg({ venue: 'polymarket', symbol: 'YES' }), 'g')
    const b = router()
    b.r.add(leg({ venue: 'kraken' }), 'g')
    await tick()
    expect(a.denied).toEqual(['BTCUSDT GROUP_UNROUTABLE', 'YES GROUP_UNROUTABLE'])
    expect(b.denied).toEqual(['BTCUSDT NO_EXECUTOR'])
    expect(a.evaluated() + b.evaluated()).toBe(0)
  })

  it('all or none: a leg refused by the gate denies the others (GROUP_DENIED) before any risk decision', async () => {
    const { r, denied, evaluated, client } = router({
      gate: (s) => (s.symbol === 'ETHUSDT' ? undefined : market),
    })
    r.add(leg(), 'g')
    r.add(leg({ symbol: 'ETHUSDT' }), 'g')
    await tick()
    expect(denied).toEqual(['BTCUSDT GROUP_DENIED'])
    expect(evaluated()).toBe(0)
    expect(client.sent).toEqual([])
  })

  it('passes the RiskManager denial of each leg on', async () => {
    const { r, denied, client } = router({
      evaluateGroup: () =>
        err([
          { code: 'GROUP_DENIED', message: 'x' },
          { code: 'STALE_MARKET_DATA', message: 'y' },
        ]),
    })
    r.add(leg(), 'g')
    r.add(leg({ side: 'SELL' }), 'g')
    await tick()
    expect(denied).toEqual(['BTCUSDT GROUP_DENIED', 'BTCUSDT STALE_MARKET_DATA'])
    expect(client.sent).toEqual([])
  })

  it('ignores a reversal of a fill that belongs to no group', () => {
    const { r } = router()
    expect(() => r.onFillReversed({ clientOrderId: 'zzz' } as never)).not.toThrow()
  })
})

describe('atLegTime', () => {
  const at = (tsEvent: number, priceTs: number, now = 60_000) =>
    atLegTime(signal({ tsEvent }), { ...market, priceTs }, now).priceTs
  it('judges a leg decided on data older than its cached price at the data’s time', () => {
    expect(at(0, 58_000)).toBe(0) // a fresh trade does not vouch for the book of 60 s ago
    expect(at(59_000, 58_000)).toBe(58_000) // the cache is the older: kept
    expect(at(60_000, 60_000)).toBe(60_000)
  })

  it('keeps a cached price stamped further ahead than the leg is old (the clock-skew check must see it)', () => {
    expect(at(59_500, 62_000)).toBe(62_000)
    expect(at(0, 60_500)).toBe(0) // 60 s old beats 0.5 s ahead
  })

  it('never takes a time that is not a number from the signal', () => {
    expect(at(Number.NaN, 58_000)).toBe(58_000)
  })
})
