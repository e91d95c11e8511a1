import * as z from 'zod/mini'
import { ClockSchema, DurationMsSchema, PositiveDurationMsSchema } from '../../core/schemas.js'
import type { SimAlgoOrder, SimMarket, SimOrder } from './engine.js'
import type { SimSymbolInput } from './specs.js'

/** An API key the simulator accepts: HMAC (`secret`) and/or Ed25519 (`ed25519PublicKey`, PEM). */
export interface BinanceSimApiKey {
  readonly apiKey: string
  readonly secret?: string
  readonly ed25519PublicKey?: string
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null

/** The key every simulator accepts unless `apiKeys` says otherwise. */
const DEFAULT_KEY: BinanceSimApiKey = { apiKey: 'sim-api-key', secret: 'sim-api-secret' }

/** Schema of {@link BinanceSimConfig}: every option with its default. Unknown keys are rejected. */
export const BinanceSimConfigSchema = z.strictObject({
  /**
   * Seed of the price paths, books and background trades (default 1). With the timer running, the market takes one
   * step per `stepMs` of the `clock`'s time on a grid that starts at the last whole 10 s of the clock at start, so the
   * same seed and a clock that starts at the same time (`new ScaledClock({ speed, startMs })`) give the same candles
   * and books at the same simulated times, whatever the speed or timer jitter (see docs/getting-started.md,
   * "Reproducible runs").
   */
  seed: z._default(z.int(), 1),
  /** Symbols on both markets (default `['BTCUSDT', 'ETHUSDT']`). */
  symbols: z._default(
    z.readonly(
      z.array(
        z.custom<SimSymbolInput>(
          (v) => (typeof v === 'string' && v.length > 0) || (isObject(v) && typeof v.symbol === 'string'),
          'must be a symbol or a symbol spec',
        ),
      ),
    ),
    ['BTCUSDT', 'ETHUSDT'],
  ),
  /**
   * How often the market timer runs, in wall-clock ms (default 100; a real timer, not the `clock`). Each run takes
   * the market steps the `clock` has moved past (`stepMs` each), then publishes books and klines. `0` disables the
   * timer: drive the market with {@link BinanceSim.step}.
   */
  tickMs: z._default(DurationMsSchema, 100),
  /**
   * Simulated time of one timer-driven market step, in the `clock`'s ms. Default `tickMs` × the clock's speed (a
   * `ScaledClock`'s `speed`, else 1), at most 1 000 when sped up: one step per timer run under the system clock, a
   * few per run under a fast clock. Each symbol's volatility is given per `tickMs` of simulated time and scaled by
   * √(stepMs / tickMs), so candles move as much per simulated minute at any speed.
   */
  stepMs: z.optional(PositiveDurationMsSchema),
  /** Accepted keys (default one HMAC key: `sim-api-key` / `sim-api-secret`). */
  apiKeys: z._default(
    z.readonly(
      z.array(
        z.strictObject({
          apiKey: /* @__PURE__ */ z.string().check(z.minLength(1)),
          secret: z.optional(z.string()),
          ed25519PublicKey: z.optional(z.string()),
        }),
      ),
    ),
    [DEFAULT_KEY],
  ),
  /** Starting spot balances of every account (default 100 000 USDT, 10 BTC, 100 ETH). */
  spotBalances: z._default(z.readonly(z.record(z.string(), z.string())), {
    USDT: '100000',
    BTC: '10',
    ETH: '100',
  }),
  /** Starting USD-M wallet balance in USDT (default 100 000). */
  futuresBalance: z._default(z.string(), '100000'),
  /** Request weight allowed per minute before 429 (default 6000). */
  weightLimitPerMinute: z._default(/* @__PURE__ */ z.int().check(z.positive()), 6000),
  /** Market-stream connections are closed after this age (default 24 h, as Binance does). */
  maxConnectionAgeMs: z._default(PositiveDurationMsSchema, 24 * 3600_000),
  /** Clock for server time (default the system clock). */
  clock: z.optional(ClockSchema),
  /** USD-M position mode answered by `GET /fapi/v1/positionSide/dual`: `true` is hedge mode (default one-way). */
  hedgeMode: z._default(z.boolean(), false),
})

/** Options of {@link BinanceSim.start} (defaults documented on {@link BinanceSimConfigSchema}). Every field has a default. */
export type BinanceSimConfig = z.input<typeof BinanceSimConfigSchema>

/** Kinds of hostile payload {@link BinanceSimFaults.malformed} can send. */
export type BinanceSimHostileKind = 'nan' | 'zero' | 'negative' | 'huge' | 'garbage' | 'truncated' | 'empty'

/**
 * Fault injection controls of a running {@link BinanceSim}. Every REST fault applies to the next `count`
 * requests (default 1), optionally only to paths containing `path`.
 */
export interface BinanceSimFaults {
  /** Answer 429 (`-1003`) with `Retry-After`. */
  rateLimit(opts?: { count?: number; retryAfterSec?: number; path?: string }): void
  /**
   * Answer 418 (IP banned) with `Retry-After` to the next matching request, and ban the IP: every request of that
   * market (spot or USD-M, REST and WebSocket API) is answered 418 until `retryAfterSec` has passed, as Binance does.
   */
  ban(opts?: { count?: number; retryAfterSec?: number; path?: string }): void
  /** Answer a 5xx. With `afterExecute`, an order is executed first and the 5xx hides its outcome. */
  serverError(opts?: { count?: number; status?: number; path?: string; afterExecute?: boolean }): void
  /** Delay responses by `delayMs`. */
  slow(opts: { delayMs: number; count?: number; path?: string }): void
  /** Server time runs `ms` ahead (positive) or behind: signed requests see -1021 until the client re-syncs. */
  clockSkew(ms: number): void
  /** Close every stream connection (market, ws-api, private), cleanly (1000) or abruptly (TCP reset). */
  closeStreams(opts?: { mode?: 'clean' | 'abrupt'; code?: number }): void
  /** Stop delivering stream data for `durationMs` (connections stay open). */
  stall(durationMs: number): void
  /**
   * Lose the next `count` depth diffs of every symbol (or of `symbol` / `market` only): update ids are consumed,
   * the messages never sent, so clients see a sequence gap.
   */
  depthGap(opts?: { count?: number; symbol?: string; market?: SimMarket }): void
  /** Replace the next `count` market-stream messages with hostile payloads. */
  malformed(opts?: { count?: number; kind?: BinanceSimHostileKind }): void
  /** Send `serverShutdown` on every market-stream connection. */
  serverShutdown(): void
  /** Expire every USD-M listen key (`listenKeyExpired` event, key invalid afterwards). */
  expireListenKeys(): void
  /** Lose the next `count` user-data events (spot and USD-M), as if the socket had dropped them. */
  dropUserEvents(count?: number): void
  /** Terminate every spot user-data subscription (`eventStreamTerminated`). */
  terminateUserStreams(): void
  /**
   * Spoil the answer to the next `count` WebSocket API order requests (`order.place`, `order.cancel`…; only
   * `method` when given, which may also name another method, e.g. `userDataStream.subscribe.signature`): `drop`
   * tears the socket down, `silent` never answers (the socket stays open),
   * `malformed` answers a result no decoder accepts. With
   * `afterExecute` (default true) the request is executed first, so its outcome is hidden. (`rateLimit` and `ban`
   * apply to WebSocket API order requests too, answered as 429 / 418 with `error.data.retryAfter`.)
   */
  wsApiAnswer(opts: {
    kind: 'drop' | 'malformed' | 'silent'
    afterExecute?: boolean
    method?: string
    count?: number
  }): void
  /** Clears every pending fault, and lifts IP bans. */
  reset(): void
}

/** A snapshot of what the simulator holds: the ledger tests compare against. */
export interface BinanceSimLedger {
  /** Every order ever accepted, with its final or current state. */
  readonly orders: readonly SimOrder[]
  /** Every conditional (algo) order. */
  readonly algoOrders: readonly SimAlgoOrder[]
  /** Spot balance of an account. */
  spotBalance(asset: string, apiKey?: string): { free: string; locked: string }
  /** USD-M wallet balance (USDT) of an account. */
  futuresWallet(apiKey?: string): string
  /** USD-M position of an account (signed quantity). */
  position(symbol: string, apiKey?: string): { qty: string; entryPrice: string; realizedPnl: string }
  /** Orders that are still open. */
  openOrders(market: SimMarket, apiKey?: string): readonly SimOrder[]
}

/** Base URLs of a running simulator, shaped like the adapter's URL options. */
export interface BinanceSimUrls {
  readonly spot: { readonly restUrl: string; readonly streamUrl: string; readonly wsApiUrl: string }
  readonly usdm: { readonly restUrl: string; readonly streamUrl: string; readonly wsApiUrl: string }
}
