import type { IncomingMessage } from 'node:http'
import type { Clock } from '../../../core/clock.js'
import type { RouteEntry } from '../../shared/RouteTable.js'
import type { SimMarket } from '../markets.js'
import type { PolymarketAuth, SimKey } from '../PolymarketAuth.js'
import type { SimExchange } from '../SimExchange.js'
import type { PolymarketSimEvents, SimApiCredentials } from '../types.js'

type Ethers = typeof import('ethers')

/** What Polymarket route handlers may use of the running simulator. */
export interface PolymarketVenue {
  readonly ex: SimExchange
  readonly ethers: Ethers
  readonly clock: Clock
  readonly auth: PolymarketAuth
  readonly keys: ReadonlyMap<string, SimKey>
  /** The funder (proxy or Safe) of a signer, lower-case, for balance queries. */
  readonly funderOf: Map<string, string>
  /** The owner EOA of each deposit wallet (both lower-case). */
  readonly depositWallets: Map<string, string>
  /** The exchange version a market's orders must be signed for: its own, else the server's (`GET /version`). */
  versionOf(market: SimMarket): 2 | 3
  /** The server-wide version `GET /version` answers. */
  serverVersion(): 2 | 3
  /** Heartbeat session of each API key. */
  readonly heartbeats: Map<string, { id: string; timer: unknown }>
  readonly chainId: number
  /** Signature types whose makers are refused ("maker address not allowed, please use the deposit wallet flow"). */
  readonly refusedMakerSignatureTypes: readonly number[]
  readonly pageSize: number
  readonly heartbeatTimeoutMs: number
  /** Issues (or returns) the API key of `address` for `nonce`. */
  createApiKey(address: string, nonce: number): SimApiCredentials
  /** A fresh hash (ids). */
  nextHash(): string
  /** When a token's book last changed (epoch ms): its `timestamp`, so its content hash is stable. */
  bookTime(tokenId: string): number
  /** The matching delay of marketable orders, ms (0: none), set by `faults.delayMatching`. */
  matchDelayMs(): number
  /** How far `GET /data/trades` lags behind matching, ms (0: none), set by `faults.lagTradeHistory`. */
  tradeHistoryLagMs(): number
  /** Runs `fn` after `ms` on the clock; the timer is cleared when the sim closes. */
  schedule(fn: () => void, ms: number): void
  /** Emits a simulator event. */
  emit<K extends keyof PolymarketSimEvents>(event: K, ...args: PolymarketSimEvents[K]): void
}

/** One REST request as a Polymarket route handler sees it. */
export interface PolymarketRequest {
  readonly method: string
  readonly path: string
  readonly query: URLSearchParams
  readonly body: string
  readonly req: IncomingMessage
  /** What the route's trailing `*` matched (e.g. the id in `/markets/<id>`). */
  readonly rest: string
}

/** A route anyone may call (market data, and the L1-signed key endpoints). */
export interface PublicRoute extends RouteEntry {
  readonly auth: 'public'
  readonly handler: (v: PolymarketVenue, r: PolymarketRequest) => unknown
}

/** A route that needs L2 auth: the handler gets the verified API key. */
export interface L2Route extends RouteEntry {
  readonly auth: 'l2'
  readonly handler: (v: PolymarketVenue, r: PolymarketRequest, k: SimKey) => unknown
}

/** One line of a Polymarket route table. */
export type PolymarketRoute = PublicRoute | L2Route
