import * as z from 'zod/mini'
import { ClockSchema, DurationMsSchema, PositiveDurationMsSchema } from '../../core/schemas.js'
import type { TradekitError } from '../../errors/index.js'
import type { SimMarketSpec } from './markets.js'
import type { SimTradeStatus } from './SimExchange.js'

/** Schema of {@link PolymarketSimConfig}: every option with its default. Unknown keys are rejected. */
export const PolymarketSimConfigSchema = z.strictObject({
  /** Seed of every random choice (markets, ids, books). Default 1. */
  seed: z._default(z.int(), 1),
  /** Number of seeded markets, or one spec per market. Default 4 (tick sizes 0.01, 0.001, 0.1, 0.0001; every second one neg-risk). */
  markets: z._default(
    z.union([
      /* @__PURE__ */ z.int().check(z.nonnegative()),
      z.readonly(
        z.array(z.custom<SimMarketSpec>((v) => typeof v === 'object' && v !== null, 'must be a market spec')),
      ),
    ]),
    4,
  ),
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port: z._default(/* @__PURE__ */ z.int().check(z.minimum(0), z.maximum(65_535)), 0),
  /** Clock for timestamps, heartbeats and settlement. Default: the system clock. */
  clock: z.optional(ClockSchema),
  /** Chain id the signatures must be made for. Default 137. */
  chainId: z._default(/* @__PURE__ */ z.int().check(z.positive()), 137),
  /** Without a heartbeat for this long, every order of the API key is cancelled. Default 10 000. */
  heartbeatTimeoutMs: z._default(PositiveDurationMsSchema, 10_000),
  /** Delay of each settlement step (MATCHED → MINED → CONFIRMED). Default 25. */
  settlementDelayMs: z._default(DurationMsSchema, 25),
  /** Page size of GET /markets, /data/orders and /data/trades. Default 100. */
  pageSize: z._default(/* @__PURE__ */ z.int().check(z.positive()), 100),
  /** pUSD credited to an address when its first API key is created. Default "10000". */
  startingBalance: z._default(z.string(), '10000'),
  /**
   * The exchange version `GET /version` answers and orders on markets without a version of their own must be signed
   * for (2: V2 exchanges, 3: ExchangeV3); {@link PolymarketSim.setVersion} switches it mid-run. Default 2.
   */
  version: z._default(z.union([z.literal(2), z.literal(3)]), 2),
  /**
   * Signature types whose makers are refused with 400 "maker address not allowed, please use the deposit wallet
   * flow", as Polymarket answers new API users signing as an EOA or a Safe (`[0, 2]`). Default `[]` (none).
   */
  refusedMakerSignatureTypes: z._default(
    z.readonly(z.array(z.union([z.literal(0), z.literal(1), z.literal(2)]))),
    [],
  ),
  /** Accepted distance between POLY_TIMESTAMP and the sim's clock, in seconds. Default 300. */
  authWindowSec: z._default(/* @__PURE__ */ z.int().check(z.positive()), 300),
})

/** Options of {@link PolymarketSim.start}; every field is optional (defaults on {@link PolymarketSimConfigSchema}). */
export type PolymarketSimConfig = z.input<typeof PolymarketSimConfigSchema>

/** API credentials the simulator issued. */
export interface SimApiCredentials {
  readonly address: string
  readonly apiKey: string
  readonly secret: string
  readonly passphrase: string
}

/** Settlement behaviour of new trades. */
export type SimSettlementMode = 'confirm' | 'fail' | 'hold'

/** A balance sheet in the ledger: pUSD and shares per token, as decimal strings. */
export interface SimLedgerBalance {
  readonly pusd: string
  readonly tokens: Readonly<Record<string, string>>
}

/** One maker order's part of a trade (a trade that matched several maker orders is one entry each, same `id`). */
export interface SimLedgerTrade {
  readonly id: string
  readonly takerOrderId: string
  readonly makerOrderId: string
  readonly tokenId: string
  readonly side: 'BUY' | 'SELL'
  readonly price: string
  readonly size: string
  readonly status: SimTradeStatus
  readonly takerOwner: string
  readonly makerOwner: string
}

/** The simulator's books of record, to compare a client's view against. */
export interface SimLedger {
  readonly balances: Readonly<Record<string, SimLedgerBalance>>
  readonly trades: readonly SimLedgerTrade[]
  readonly openOrders: ReadonlyArray<{
    readonly id: string
    readonly owner: string
    readonly tokenId: string
    readonly side: 'BUY' | 'SELL'
    readonly price: string
    readonly size: string
    readonly sizeMatched: string
  }>
}

/** Events of the simulator, for tests and soaks. */
export interface PolymarketSimEvents {
  /** An order was accepted (and possibly matched). */
  'order.accepted': [e: { type: 'order.accepted'; orderId: string; owner: string; status: string }]
  /** An order was refused, with Polymarket's error text. */
  'order.rejected': [e: { type: 'order.rejected'; owner: string; error: string; status: number }]
  /** A trade changed settlement status. */
  'trade.statusChanged': [e: { type: 'trade.statusChanged'; tradeId: string; status: SimTradeStatus }]
  /** A heartbeat session lapsed: every order of the key was cancelled. */
  'heartbeat.expired': [e: { type: 'heartbeat.expired'; apiKey: string; canceled: readonly string[] }]
  error: [e: TradekitError]
}
