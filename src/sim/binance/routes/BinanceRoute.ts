import type { RouteEntry } from '../../shared/RouteTable.js'
import type { CancelCountdowns } from '../CancelCountdowns.js'
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
  /**
   * Counts an order request in the order-rate windows: `tenSeconds` in the 10-second window, `minute` in USD-M's
   * 1-minute window (1 and 1 for one order; see `RequestLimits.countOrder`).
   */
  countOrder(tenSeconds?: number, minute?: number): void
  /** USD-M auto-cancel countdowns (`countdownCancelAll`). */
  readonly countdowns: CancelCountdowns
}

/** The path prefixes the sim serves: spot REST, USD-M REST by version, and the spot wallet (`/sapi`). */
export type BinancePrefix = '/api/v3' | '/fapi/v1' | '/fapi/v2' | '/fapi/v3' | '/sapi/v1'

/** One REST request as a Binance route handler sees it. */
export interface BinanceRequest {
  /** Method and path without its prefix, e.g. `GET /depth`. */
  readonly key: string
  /** The prefix it came in on (a versioned path answers in its own version's layout). */
  readonly prefix: BinancePrefix
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

/** A Binance route handler: its result is the JSON body. */
export type BinanceHandler = (venue: BinanceVenue, r: BinanceRequest) => unknown

/**
 * One line of a route family: method, path without its prefix, the prefixes it is served under (spot
 * `/api/v3`, USD-M `/fapi/vN`, wallet `/sapi/v1`) and its handler.
 */
export interface BinanceRouteSpec {
  readonly method: RouteEntry['method']
  readonly path: string
  readonly at: readonly BinancePrefix[]
  readonly handler: BinanceHandler
}

/** One line of the sim's route table: the full served path (prefix included) and its handler. */
export interface BinanceRoute extends RouteEntry {
  readonly prefix: BinancePrefix
  /** The path without its prefix. */
  readonly endpoint: string
  readonly handler: BinanceHandler
}
