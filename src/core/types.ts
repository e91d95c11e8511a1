import type { Decimal } from '../decimal/index.js'

/** Order side. */
export const Side = { BUY: 'BUY', SELL: 'SELL' } as const
/** Union of {@link Side} values. */
export type Side = (typeof Side)[keyof typeof Side]

/**
 * The opposite side: BUY ↔ SELL.
 *
 * @example
 * ```ts
 * oppositeSide('BUY') // 'SELL'
 * ```
 */
export function oppositeSide(side: Side): Side {
  return side === 'BUY' ? 'SELL' : 'BUY'
}

/** Order types tradekit can express; each adapter maps them to its venue's names. */
export const OrderType = {
  MARKET: 'MARKET',
  LIMIT: 'LIMIT',
  STOP_MARKET: 'STOP_MARKET',
  STOP_LIMIT: 'STOP_LIMIT',
  TAKE_PROFIT_MARKET: 'TAKE_PROFIT_MARKET',
  TAKE_PROFIT_LIMIT: 'TAKE_PROFIT_LIMIT',
  TRAILING_STOP_MARKET: 'TRAILING_STOP_MARKET',
} as const
/** Union of {@link OrderType} values. */
export type OrderType = (typeof OrderType)[keyof typeof OrderType]

/**
 * True for order types that carry a limit price.
 *
 * @example
 * ```ts
 * hasLimitPrice('STOP_LIMIT')  // true
 * hasLimitPrice('STOP_MARKET') // false
 * ```
 */
export function hasLimitPrice(type: OrderType): boolean {
  return type === 'LIMIT' || type === 'STOP_LIMIT' || type === 'TAKE_PROFIT_LIMIT'
}

/**
 * True for order types that wait for a trigger (stop) price.
 *
 * @example
 * ```ts
 * hasTriggerPrice('STOP_MARKET') // true
 * hasTriggerPrice('LIMIT')       // false
 * ```
 */
export function hasTriggerPrice(type: OrderType): boolean {
  return type !== 'MARKET' && type !== 'LIMIT' && type !== 'TRAILING_STOP_MARKET'
}

/**
 * Time in force. `POST_ONLY` rests as GTC but is rejected instead of taking liquidity (Binance LIMIT_MAKER/GTX,
 * Polymarket postOnly). `GTD` needs `expireAt`.
 */
export const TimeInForce = { GTC: 'GTC', IOC: 'IOC', FOK: 'FOK', GTD: 'GTD', POST_ONLY: 'POST_ONLY' } as const
/** Union of {@link TimeInForce} values. */
export type TimeInForce = (typeof TimeInForce)[keyof typeof TimeInForce]

/** What kind of instrument: spot pair, perpetual future, or a prediction-market outcome token. */
export const InstrumentKind = { SPOT: 'spot', PERPETUAL: 'perpetual', OUTCOME: 'outcome' } as const
/** Union of {@link InstrumentKind} values. */
export type InstrumentKind = (typeof InstrumentKind)[keyof typeof InstrumentKind]

/** Outcome-token details of a prediction-market instrument. */
export interface OutcomeTokenInfo {
  /** The CLOB token id (a uint256 as a decimal string). */
  readonly tokenId: string
  /** The market's condition id (0x-prefixed bytes32). */
  readonly conditionId: string
  /** Outcome label, e.g. `"Yes"`. */
  readonly outcome: string
  /** Whether the market settles through the neg-risk exchange. */
  readonly negRisk: boolean
}

/** Everything needed to validate, size and round an order for one tradable instrument. */
export interface Instrument {
  /** Venue id (`binance`, `binance-usdm`, `polymarket`). */
  readonly venue: string
  /** Venue symbol (`BTCUSDT`) or, for outcome tokens, the token id. */
  readonly symbol: string
  /** Base asset (`BTC`; for an outcome token, its outcome label). */
  readonly base: string
  /** Quote asset (`USDT`, `pUSD`). */
  readonly quote: string
  /** Spot, perpetual or outcome token. */
  readonly kind: InstrumentKind
  /** Price increment. */
  readonly tickSize: Decimal
  /** Quantity increment. */
  readonly stepSize: Decimal
  /** Lowest allowed price (also the origin of the tick grid on Binance futures). */
  readonly minPrice?: Decimal
  /** Highest allowed price. */
  readonly maxPrice?: Decimal
  /** Smallest order quantity. */
  readonly minQty: Decimal
  /** Largest order quantity. */
  readonly maxQty?: Decimal
  /** Smallest order value (price × quantity) in quote currency. */
  readonly minNotional?: Decimal
  /** Largest leverage allowed (perpetuals). */
  readonly maxLeverage?: number
  /** Outcome-token details (prediction markets only). */
  readonly outcome?: OutcomeTokenInfo
}

/** An OHLCV candle; prices are validated finite and positive numbers (hot market data). */
export interface Candle {
  readonly venue: string
  readonly symbol: string
  /** Interval label (`1m`, `1h`). */
  readonly interval: string
  /** Open time, epoch ms (inclusive). */
  readonly openTime: number
  /** Close time, epoch ms (inclusive, as Binance reports it). */
  readonly closeTime: number
  readonly open: number
  readonly high: number
  readonly low: number
  readonly close: number
  /** Base-asset volume. */
  readonly volume: number
  /**
   * Whether the interval is over and these are its final values. A live stream sends the forming candle many times
   * (`isClosed: false`, its high, low, close and volume still moving), then once more with `isClosed: true` when the
   * interval ends (Binance's kline `x`). Built-in strategies, the engine's ATR and the backtester act on closed
   * candles only; candles read from files (`readCandlesCsv`, `candlesFromJson`) are always closed.
   */
  readonly isClosed: boolean
}

/** A public trade. */
export interface Trade {
  readonly venue: string
  readonly symbol: string
  /** Venue trade id. */
  readonly tradeId: string
  readonly price: number
  readonly qty: number
  /** The aggressor's side. */
  readonly side: Side
  /** Trade time, epoch ms. */
  readonly tsEvent: number
}

/** One price level of an order book: `[price, quantity]`. */
export type BookLevel = readonly [price: number, qty: number]

/** A full or partial view of an order book, best levels first. */
export interface BookSnapshot {
  readonly venue: string
  readonly symbol: string
  /** Bids, best (highest) first. */
  readonly bids: readonly BookLevel[]
  /** Asks, best (lowest) first. */
  readonly asks: readonly BookLevel[]
  /** Venue sequence (Binance `lastUpdateId`), when known. */
  readonly sequence?: number
  /** Time of the snapshot, epoch ms. */
  readonly tsEvent: number
}

/** What a caller asks a venue to do. Quantities and prices are Decimal. */
export interface OrderRequest {
  /** Unique per order; sent to the venue so a retry can never double the order. */
  readonly clientOrderId: string
  readonly venue: string
  readonly symbol: string
  readonly side: Side
  readonly type: OrderType
  /** Base quantity (shares for outcome tokens). */
  readonly qty: Decimal
  /** Limit price (limit types). */
  readonly price?: Decimal
  /** Trigger price (stop / take-profit types). */
  readonly triggerPrice?: Decimal
  /** Callback rate in percent (trailing stops). */
  readonly trailingPercent?: Decimal
  readonly timeInForce?: TimeInForce
  /** Only reduce an existing position. */
  readonly reduceOnly?: boolean
  /** Expiry for GTD, epoch ms. */
  readonly expireAt?: number
}

/** Order status. `PENDING_NEW` means sent and not yet acknowledged: its outcome is unknown until reconciled. */
export const OrderStatus = {
  PENDING_NEW: 'PENDING_NEW',
  OPEN: 'OPEN',
  PARTIALLY_FILLED: 'PARTIALLY_FILLED',
  PENDING_CANCEL: 'PENDING_CANCEL',
  FILLED: 'FILLED',
  CANCELED: 'CANCELED',
  REJECTED: 'REJECTED',
  EXPIRED: 'EXPIRED',
} as const
/** Union of {@link OrderStatus} values. */
export type OrderStatus = (typeof OrderStatus)[keyof typeof OrderStatus]

/** An order as tracked by tradekit. Immutable: every change produces a new object. */
export interface Order extends OrderRequest {
  /** The venue's order id, once known. */
  readonly venueOrderId?: string
  readonly status: OrderStatus
  /** Quantity filled so far. */
  readonly filledQty: Decimal
  /** Volume-weighted average fill price, once anything filled. */
  readonly avgFillPrice?: Decimal
  /** Creation time, epoch ms. */
  readonly tsCreated: number
  /** Last change, epoch ms. */
  readonly tsUpdated: number
  /** Why the venue rejected, cancelled or expired it, when it said. */
  readonly reason?: string
}

/** Liquidity role of a fill. */
export const Liquidity = { MAKER: 'MAKER', TAKER: 'TAKER' } as const
/** Union of {@link Liquidity} values. */
export type Liquidity = (typeof Liquidity)[keyof typeof Liquidity]

/** An execution of (part of) an order. */
export interface Fill {
  readonly venue: string
  readonly symbol: string
  readonly clientOrderId: string
  readonly venueOrderId?: string
  /** Venue trade id; with the venue, unique per fill (used to de-duplicate). */
  readonly tradeId: string
  readonly side: Side
  readonly price: Decimal
  readonly qty: Decimal
  /** Fee paid (negative for a rebate). */
  readonly fee: Decimal
  readonly feeAsset: string
  readonly liquidity: Liquidity
  /** Execution time, epoch ms. */
  readonly tsEvent: number
  /**
   * The realized PnL of this fill as the venue booked it, before fees (Binance USD-M `rp`, `realizedPnl`), when the
   * venue reports one. A `Portfolio` books it instead of its own average-cost figure, so its cash follows the
   * venue's wallet whatever order fills arrive in (average-cost PnL depends on it).
   */
  readonly realizedPnl?: Decimal
  /**
   * Set when the venue itself traded the account (not one of our orders): a liquidation, an auto-deleverage or a
   * delivery/delisting settlement. The OrderExecutor books such fills although it never placed their order.
   */
  readonly origin?: 'liquidation' | 'adl' | 'settlement'
  /**
   * Set when the venue reported the trade before settling it (Polymarket: `MATCHED`, not yet `MINED` on chain). What
   * such a buy brings is held but cannot be sold until the venue settles it (`fill.settled`), and a failed settlement
   * reverses it (`fill.reversed`).
   */
  readonly unsettled?: true
}

/**
 * A funding fee the venue booked on a perpetual position: `amount` is the venue's exact balance change in `asset`
 * (positive received, negative paid). Venue, time, asset and symbol identify it (a replay is booked once).
 */
export interface FundingPayment {
  readonly venue: string
  /** The perpetual charged, when the venue names it (Binance USD-M names it for isolated positions only). */
  readonly symbol?: string
  readonly asset: string
  readonly amount: Decimal
  /** Venue time of the charge, ms UTC. */
  readonly tsEvent: number
}

/** An open position; `qty` is signed (positive long, negative short). */
export interface Position {
  readonly venue: string
  readonly symbol: string
  readonly qty: Decimal
  /** Average entry price; zero-free: undefined when flat. */
  readonly entryPrice?: Decimal
  readonly realizedPnl: Decimal
  readonly unrealizedPnl: Decimal
  readonly leverage?: number
  /**
   * The part of `qty` bought in trades the venue has not settled yet ({@link Fill.unsettled}): held, but not sellable
   * until they settle. Absent when none.
   */
  readonly unsettledQty?: Decimal
}

/** An asset balance at one venue. */
export interface Balance {
  readonly venue: string
  readonly asset: string
  /** Available. */
  readonly free: Decimal
  /** Held by open orders. */
  readonly locked: Decimal
}

/**
 * The identity of a fill, for de-duplication: venue, symbol, trade id and the order it belongs to. The order is
 * part of it because one trade can fill two of our orders (a self-match on Polymarket gives the taker and the maker
 * side the same trade id), and Binance numbers trades per symbol.
 *
 * @example
 * ```ts
 * const seen = new Set<string>()
 * if (!seen.has(fillKey(fill))) seen.add(fillKey(fill))
 * ```
 */
export function fillKey(fill: Pick<Fill, 'venue' | 'symbol' | 'tradeId' | 'clientOrderId'>): string {
  return `${fill.venue}\u0000${fill.symbol}\u0000${fill.tradeId}\u0000${fill.clientOrderId}`
}
