import { describe, expect, it } from 'vitest'
import { ManualClock } from '../core/clock.js'
import { TypedEmitter } from '../core/events.js'
import { silentLogger } from '../core/logger.js'
import type { AccountSnapshot, ExecutionClient, ExecutionEvents, OrderIntent } from '../core/ports.js'
import type { Order } from '../core/types.js'
import { Decimal } from '../decimal/index.js'
import { StateError } from '../errors/index.js'
import { err, ok } from '../errors/result.js'
import { RiskManager } from '../risk/index.js'
import { btc, signal } from './__fixtures__/market.js'
import { MarketCache } from './MarketCache.js'
import { OrderStrategyMap } from './OrderStrategyMap.js'
import { SignalRouter } from './SignalRouter.js'
import type { TradingEngineEvents } from './TradingEngineEvents.js'

const account: AccountSnapshot = {
  equity: new Decimal(1000),
  freeMargin: new Decimal(1000),
  peakEquity: new Decimal(1000),
  positions: [],
  openOrders: [],
  tsEvent: 0,
}

function env(opts: { fail?: boolean; deny?: boolean } = {}) {
  const sent: OrderIntent[] = []
  const client: ExecutionClient = {
    venues: ['binance'],
    events: new TypedEmitter<ExecutionEvents>(),
    submit: async (i) => {
      sent.push(i)
      if (opts.fail) throw new StateError('venue down')
      return { clientOrderId: i.clientOrderId } as Order
    },
    cancel: () => new Promise<Order>(() => undefined),
    cancelAll: async () => ({ canceled: [], failed: [] }),
    openOrders: () => [],
    shutdown: async () => undefined,
  }
  const market = new MarketCache({ instruments: [btc], atr: { period: 14 }, onDataError: () => undefined })
  // A real RiskManager holds the per-instrument state and makes its denial; the stub below decides the rest.
  const restrictions = new RiskManager({ clock: new ManualClock(0) })
  const orders = new OrderStrategyMap()
  const bus = new TypedEmitter<TradingEngineEvents>()
  const denied: string[] = []
  const errors: string[] = []
  const counted: string[] = []
  const inflight: Promise<unknown>[] = []
  bus.on('order.denied', (e) => denied.push(`${e.code} ${e.reason}`))
  bus.on('error', (e) => errors.push(e.message))
  const router = new SignalRouter({
    clock: new ManualClock(0),
    logger: silentLogger,
    executors: [client],
    risk: {
      evaluate: (s, a, m) => {
        const restricted = restrictions.evaluate(s, a, m)
        if (!restricted.ok && restricted.error.code === 'FEED_UNHEALTHY') return restricted
        return opts.deny
          ? err({ code: 'TRADING_HALTED', message: 'halted', values: {} })
          : ok({
              clientOrderId: 'c1',
              venue: s.venue,
              symbol: s.symbol,
              side: s.side,
              type: 'MARKET',
              qty: new Decimal(1),
              strategyId: s.strategyId,
            })
      },
      evaluateGroup: () => ok([]),
      setInstrumentState: () => undefined,
    },
    account: () => account,
    market,
    orders,
    denied: (venue) => counted.push(venue),
    track: (p) => inflight.push(p),
    bus,
  })
  return { router, market, restrictions, orders, sent, denied, errors, counted, inflight }
}

describe('SignalRouter', () => {
  it('submits an approved signal to the executor of its venue and remembers its strategy', async () => {
    const e = env()
    e.market.onTrade({
      venue: 'binance',
      symbol: 'BTCUSDT',
      tradeId: '1',
      price: 100,
      qty: 1,
      side: 'BUY',
      tsEvent: 0,
    })
    e.router.route(signal())
    await Promise.all(e.inflight)
    expect(e.sent.map((i) => i.clientOrderId)).toEqual(['c1'])
    expect(e.orders.strategyOf('c1')).toBe('s1')
    expect(e.denied).toEqual([])
  })

  it('denies NO_EXECUTOR, NO_MARKET_DATA, FEED_UNHEALTHY and risk refusals, counting each', () => {
    const e = env({ deny: true })
    e.router.route(signal({ venue: 'kraken' }))
    e.router.route(signal())
    e.market.onTrade({
      venue: 'binance',
      symbol: 'BTCUSDT',
      tradeId: '1',
      price: 100,
      qty: 1,
      side: 'BUY',
      tsEvent: 0,
    })
    e.restrictions.setInstrumentState('binance', 'BTCUSDT', 'REDUCING', {
      code: 'FEED_UNHEALTHY',
      reason: 'stale',
    })
    e.router.route(signal())
    e.restrictions.setInstrumentState('binance', 'BTCUSDT', 'ACTIVE', {
      code: 'FEED_UNHEALTHY',
      reason: 'ok',
    })
    e.router.route(signal())
    expect(e.denied).toEqual([
      'NO_EXECUTOR No executor trades on venue "kraken"',
      'NO_MARKET_DATA No instrument or price for "binance:BTCUSDT"',
      'FEED_UNHEALTHY stale',
      'TRADING_HALTED halted',
    ])
    expect(e.counted).toHaveLength(4)
    expect(e.errors).toEqual(['No executor trades on venue "kraken"'])
    expect(e.sent).toEqual([])
  })

  it('forgets the order and reports an error when the submit fails', async () => {
    const e = env({ fail: true })
    e.market.onTrade({
      venue: 'binance',
      symbol: 'BTCUSDT',
      tradeId: '1',
      price: 100,
      qty: 1,
      side: 'BUY',
      tsEvent: 0,
    })
    e.router.route(signal())
    await Promise.all(e.inflight)
    expect(e.orders.strategyOf('c1')).toBeUndefined()
    expect(e.errors).toEqual(['venue down'])
  })
})
