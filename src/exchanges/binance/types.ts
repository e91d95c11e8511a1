import type { BookLevel, Candle, Trade } from '../../core/index.js'
import type { Decimal } from '../../decimal/index.js'

/** Which Binance market a client, stream or book belongs to. */
export type BinanceMarket = 'spot' | 'usdm'

/** Venue id tradekit uses for each market (`Instrument.venue`, events, orders). */
export const BINANCE_VENUE: Readonly<Record<BinanceMarket, string>> = Object.freeze({
  spot: 'binance',
  usdm: 'binance-usdm',
})

/** A kline stream update: a core {@link Candle} plus `type` and event time. */
export interface BinanceCandleEvent extends Candle {
  readonly type: 'candle'
  /** Event time, epoch ms. */
  readonly tsEvent: number
}

/** A `trade` or `aggTrade` stream update: a core {@link Trade} plus `type`. */
export interface BinanceTradeEvent extends Trade {
  readonly type: 'trade'
  /** True for `aggTrade` (the id is the aggregate trade id). */
  readonly isAggregate: boolean
}

/** A `bookTicker` update: best bid and ask. */
export interface BinanceBookTickerEvent {
  readonly type: 'bookTicker'
  readonly venue: string
  readonly symbol: string
  /** Order book update id (`u`). */
  readonly updateId: number
  readonly bidPrice: number
  readonly bidQty: number
  readonly askPrice: number
  readonly askQty: number
  /** Event time (`E`, futures) or receive time (spot has none; `receivedAt` option, else 0). */
  readonly tsEvent: number
}

/** A diff-depth update (`depthUpdate`); a level with quantity 0 removes that price. */
export interface BinanceDepthDiffEvent {
  readonly type: 'depthDiff'
  readonly venue: string
  readonly market: BinanceMarket
  readonly symbol: string
  /** First update id in the event (`U`). */
  readonly firstUpdateId: number
  /** Final update id in the event (`u`). */
  readonly finalUpdateId: number
  /** Final update id of the previous event (`pu`, futures only). */
  readonly prevFinalUpdateId?: number
  readonly bids: readonly BookLevel[]
  readonly asks: readonly BookLevel[]
  /** Event time, epoch ms. */
  readonly tsEvent: number
}

/** A partial book depth update (`<symbol>@depth<levels>`): the top levels, replacing the previous ones. */
export interface BinanceBookDepthEvent {
  readonly type: 'bookDepth'
  readonly venue: string
  readonly symbol: string
  /** `lastUpdateId` (spot) or `u` (futures). */
  readonly lastUpdateId: number
  readonly bids: readonly BookLevel[]
  readonly asks: readonly BookLevel[]
  readonly tsEvent: number
}

/** A USD-M `markPriceUpdate`. `fundingRate` may be negative. */
export interface BinanceMarkPriceEvent {
  readonly type: 'markPrice'
  readonly venue: string
  readonly symbol: string
  readonly markPrice: number
  readonly indexPrice: number
  readonly fundingRate: number
  /** Next funding time, epoch ms. */
  readonly nextFundingTime: number
  readonly tsEvent: number
}

/** The server announced it will close this connection soon; reconnect early. */
export interface BinanceServerShutdownEvent {
  readonly type: 'serverShutdown'
  readonly tsEvent: number
}

/** A reply to a SUBSCRIBE/UNSUBSCRIBE/LIST_SUBSCRIPTIONS request on a stream connection. */
export interface BinanceStreamResponseEvent {
  readonly type: 'response'
  readonly id: number | string | null
  /** `null` for SUBSCRIBE / UNSUBSCRIBE, the stream names for LIST_SUBSCRIPTIONS. */
  readonly result: readonly string[] | null
  /** Set when the server refused the request. */
  readonly error?: { readonly code: number; readonly msg: string }
}

/** Every unified event {@link decodeMarketEvent} can return. */
export type BinanceMarketEvent =
  | BinanceCandleEvent
  | BinanceTradeEvent
  | BinanceBookTickerEvent
  | BinanceDepthDiffEvent
  | BinanceBookDepthEvent
  | BinanceMarkPriceEvent
  | BinanceServerShutdownEvent
  | BinanceStreamResponseEvent

/** One leverage bracket of a USD-M symbol. */
export interface BinanceLeverageBracket {
  readonly bracket: number
  readonly initialLeverage: number
  readonly notionalCap: number
  readonly notionalFloor: number
  readonly maintMarginRatio: number
}

/** Mark price and funding of a USD-M symbol. */
export interface BinanceMarkPrice {
  readonly symbol: string
  readonly markPrice: Decimal
  readonly indexPrice: Decimal
  /** Last funding rate (may be negative). */
  readonly fundingRate: Decimal
  readonly nextFundingTime: number
  readonly tsEvent: number
}
