import type { Decimal } from '../../decimal/index.js'
import type { TickSize } from './constants.js'
import type { PolymarketOrderType } from './types.js'

/** A market as GET /markets returns it (the fields tradekit uses). */
export interface PolymarketMarket {
  readonly conditionId: string
  readonly question: string
  readonly tokens: ReadonlyArray<{ readonly tokenId: string; readonly outcome: string }>
  readonly tickSize: TickSize
  readonly minOrderSize: string
  readonly negRisk: boolean
  readonly active: boolean
  readonly closed: boolean
  /** Protocol V2 markets: the position (ERC-1155) ids, where the venue gives them. */
  readonly positionIds?: readonly string[]
  /** 3 for a Protocol V2 market (its orders go to ExchangeV3); absent for older markets. */
  readonly exchangeVersion?: 3
}

/** One page of a cursor-paginated listing. */
export interface PolymarketPage<T> {
  readonly data: readonly T[]
  /** Pass back to get the next page; `END_CURSOR` after the last. */
  readonly nextCursor: string
}

/** The venue's answer to a posted order. */
export interface PostOrderResult {
  /** The order id (its EIP-712 hash). */
  readonly orderId: string
  /** `live` (resting), `matched`, `delayed` or `unmatched`. */
  readonly status: string
  readonly makingAmount: string
  readonly takingAmount: string
  readonly tradeIds: readonly string[]
}

/** Result of any cancel call. */
export interface CancelResult {
  readonly canceled: readonly string[]
  readonly notCanceled: Readonly<Record<string, string>>
}

/** An order as GET /data/orders and GET /data/order/{id} report it. */
export interface PolymarketOpenOrder {
  readonly id: string
  readonly status: string
  readonly market: string
  readonly tokenId: string
  readonly side: 'BUY' | 'SELL'
  readonly price: Decimal
  readonly originalSize: Decimal
  readonly sizeMatched: Decimal
  readonly orderType: string
  readonly createdAt: number
}

/** A trade as GET /data/trades reports it. */
export interface PolymarketTradeRecord {
  readonly id: string
  readonly takerOrderId: string
  readonly market: string
  readonly tokenId: string
  readonly side: 'BUY' | 'SELL'
  readonly price: Decimal
  readonly size: Decimal
  readonly status: string
  readonly traderSide: string
}

/** Options of {@link PolymarketRest.postOrder}. */
export interface PostOrderOptions {
  readonly orderType?: PolymarketOrderType
  readonly postOnly?: boolean
  readonly deferExec?: boolean
  /** An exit (the core request's `reduceOnly`): Polymarket has no such flag; it only picks the cancels' rate lane. */
  readonly reduceOnly?: boolean
}

/** A filter of order, trade and cancel listings: one market (condition id) and/or one token. */
export interface PolymarketMarketFilter {
  readonly market?: string
  readonly tokenId?: string
}

/** Options of {@link PolymarketRest.getBalanceAllowance}. */
export interface BalanceAllowanceOptions {
  /**
   * `COLLATERAL` (pUSD), `CONDITIONAL` (shares of a token) or `CONDITIONAL-V2` (shares of a Protocol V2 market's
   * token). `CONDITIONAL` on a token known to trade on ExchangeV3 is sent as `CONDITIONAL-V2`.
   */
  readonly assetType: 'COLLATERAL' | 'CONDITIONAL' | 'CONDITIONAL-V2'
  readonly tokenId?: string
}

/** A pUSD or share balance (in pUSD / shares, not base units) and the exchange allowances. */
export interface BalanceAllowance {
  readonly balance: Decimal
  readonly allowances: Readonly<Record<string, string>>
}
