import type { RouteEntry } from '../../shared/RouteTable.js'
import type { SimAccount, SimEngine, SimMarket } from '../engine.js'
import type { SimSymbolMarket } from '../market.js'

/** What Binance route handlers may use of the running simulator. */
export interface BinanceVenue {
  readonly engine: SimEngine
  /** Accepted listen keys (USD-M user data), by key. */
  readonly listenKeys: Map<string, { apiKey: string; expiresAt: number }>
  readonly weightLimitPerMinute: number
  /** USD-M position mode: `true` is hedge mode (`dualSidePosition`). */
  readonly hedgeMode: boolean
  /** Server time (epoch ms), including injected skew. */
  now(): number
  /** The clock's time, without skew. */
  clockNow(): number
  /** Publishes a symbol's pending book changes (depth diffs, book ticker) at server time. */
  publishBook(market: SimMarket, m: SimSymbolMarket): void
  /** Counts a placed order in the order-rate windows. */
  countOrder(): void
}

/** One REST request as a Binance route handler sees it. */
export interface BinanceRequest {
  /** Method and path without the `/api/v3` or `/fapi/v1..3` prefix, e.g. `GET /depth`. */
  readonly key: string
  readonly market: SimMarket
  /** Query and form-body parameters. */
  readonly params: URLSearchParams
  /** Checks the signature, timestamp and API key; returns the account. */
  auth(): SimAccount
  /** Checks only the API key header; returns the account. */
  apiKeyOnly(): SimAccount
  /** The `symbol` parameter's market (`-1102` when missing, `-1121` when unknown). */
  symbol(): SimSymbolMarket
}

/** One line of a Binance route table: method, unprefixed path and handler (its result is the JSON body). */
export interface BinanceRoute extends RouteEntry {
  readonly handler: (venue: BinanceVenue, r: BinanceRequest) => unknown
}
