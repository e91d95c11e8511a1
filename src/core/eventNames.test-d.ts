import { describe, expectTypeOf, it } from 'vitest'
import type { TradingEngineEvents } from '../engine/index.js'
import type { BinanceDepthSyncEvents, BinanceMarketStreamEvents } from '../exchanges/binance/index.js'
import type {
  PolymarketHeartbeatEvents,
  PolymarketMarketStreamEvents,
  PolymarketUserStreamEvents,
} from '../exchanges/polymarket/index.js'
import type { OrderExecutorEvents, PaperTraderEvents, PortfolioEvents } from '../execution/index.js'
import type { CandleAggregatorEvents } from '../indicators/index.js'
import type { RiskManagerEvents, TradingGuardEvents } from '../risk/index.js'
import type { PolymarketSimEvents } from '../sim/polymarket/types.js'
import type { StrategyEvents } from '../strategies/index.js'
import type {
  CircuitBreakerEvents,
  HttpClientEvents,
  RateLimiterEvents,
  ReconnectingWebSocketEvents,
} from '../transport/index.js'
import type { DataEventName, EventName } from './events.js'
import type { ExecutionEvents, MarketDataEvents, OrderBookEvents, UserDataEvents } from './index.js'

/** The names of `M` that break the event-name rule: `never` when every name is a fact or a data noun. */
type BadNames<M> = Exclude<keyof M, EventName>

describe('event names', () => {
  it('every public events map names facts `<subject>.<pastTense>` and data events with nouns', () => {
    expectTypeOf<BadNames<ExecutionEvents>>().toEqualTypeOf<never>()
    expectTypeOf<BadNames<UserDataEvents>>().toEqualTypeOf<never>()
    expectTypeOf<BadNames<MarketDataEvents>>().toEqualTypeOf<never>()
    expectTypeOf<BadNames<OrderBookEvents>>().toEqualTypeOf<never>()
    expectTypeOf<BadNames<TradingEngineEvents>>().toEqualTypeOf<never>()
    expectTypeOf<BadNames<TradingGuardEvents>>().toEqualTypeOf<never>()
    expectTypeOf<BadNames<RiskManagerEvents>>().toEqualTypeOf<never>()
    expectTypeOf<BadNames<PortfolioEvents>>().toEqualTypeOf<never>()
    expectTypeOf<BadNames<PaperTraderEvents>>().toEqualTypeOf<never>()
    expectTypeOf<BadNames<OrderExecutorEvents>>().toEqualTypeOf<never>()
    expectTypeOf<BadNames<StrategyEvents>>().toEqualTypeOf<never>()
    expectTypeOf<BadNames<CandleAggregatorEvents>>().toEqualTypeOf<never>()
    expectTypeOf<BadNames<HttpClientEvents>>().toEqualTypeOf<never>()
    expectTypeOf<BadNames<CircuitBreakerEvents>>().toEqualTypeOf<never>()
    expectTypeOf<BadNames<RateLimiterEvents>>().toEqualTypeOf<never>()
    expectTypeOf<BadNames<ReconnectingWebSocketEvents>>().toEqualTypeOf<never>()
    expectTypeOf<BadNames<BinanceMarketStreamEvents>>().toEqualTypeOf<never>()
    expectTypeOf<BadNames<BinanceDepthSyncEvents>>().toEqualTypeOf<never>()
    expectTypeOf<BadNames<PolymarketMarketStreamEvents>>().toEqualTypeOf<never>()
    expectTypeOf<BadNames<PolymarketUserStreamEvents>>().toEqualTypeOf<never>()
    expectTypeOf<BadNames<PolymarketHeartbeatEvents>>().toEqualTypeOf<never>()
    expectTypeOf<BadNames<PolymarketSimEvents>>().toEqualTypeOf<never>()
  })

  it('accepts facts and data nouns, and rejects present tense, bare facts and capitalised parts', () => {
    expectTypeOf<'order.filled'>().toMatchTypeOf<EventName>()
    expectTypeOf<'risk.stateChanged'>().toMatchTypeOf<EventName>()
    expectTypeOf<'fill.reversed'>().toMatchTypeOf<EventName>()
    expectTypeOf<'candle'>().toMatchTypeOf<EventName>()
    expectTypeOf<'order.update'>().not.toMatchTypeOf<EventName>()
    expectTypeOf<'request.retrying'>().not.toMatchTypeOf<EventName>()
    expectTypeOf<'reconnecting'>().not.toMatchTypeOf<EventName>()
    expectTypeOf<'heartbeat.health'>().not.toMatchTypeOf<EventName>()
    expectTypeOf<'Order.filled'>().not.toMatchTypeOf<EventName>()
    expectTypeOf<'order.Filled'>().not.toMatchTypeOf<EventName>()
  })

  it('the payload of a fact has a `type` equal to the event name (data events and `type: string` payloads are not checked)', () => {
    type Typed<M> = {
      [K in keyof M]: K extends DataEventName
        ? never
        : M[K] extends [infer P, ...unknown[]]
          ? P extends { type: infer T }
            ? string extends T
              ? never
              : Exclude<T, K>
            : never
          : never
    }[keyof M]
    expectTypeOf<Typed<UserDataEvents>>().toEqualTypeOf<never>()
    expectTypeOf<Typed<OrderExecutorEvents>>().toEqualTypeOf<never>()
    expectTypeOf<Typed<PortfolioEvents>>().toEqualTypeOf<never>()
    expectTypeOf<Typed<ReconnectingWebSocketEvents>>().toEqualTypeOf<never>()
    expectTypeOf<Typed<RateLimiterEvents>>().toEqualTypeOf<never>()
    expectTypeOf<Typed<BinanceDepthSyncEvents>>().toEqualTypeOf<never>()
    expectTypeOf<Typed<PolymarketHeartbeatEvents>>().toEqualTypeOf<never>()
    expectTypeOf<Typed<PolymarketSimEvents>>().toEqualTypeOf<never>()
    expectTypeOf<Typed<HttpClientEvents>>().toEqualTypeOf<never>()
    expectTypeOf<Typed<RiskManagerEvents>>().toEqualTypeOf<never>()
    expectTypeOf<Typed<TradingEngineEvents>>().toEqualTypeOf<never>()
    expectTypeOf<Typed<PaperTraderEvents>>().toEqualTypeOf<never>()
    expectTypeOf<Typed<BinanceMarketStreamEvents>>().toEqualTypeOf<never>()
    expectTypeOf<Typed<PolymarketMarketStreamEvents>>().toEqualTypeOf<never>()
    expectTypeOf<Typed<PolymarketUserStreamEvents>>().toEqualTypeOf<never>()
    expectTypeOf<Typed<CircuitBreakerEvents>>().toEqualTypeOf<never>()
  })
})
