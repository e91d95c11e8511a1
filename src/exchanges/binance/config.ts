import * as z from 'zod/mini'
import type { Logger } from '../../core/index.js'
import { ClockSchema, DurationMsSchema, PositiveDurationMsSchema } from '../../core/schemas.js'
import { CircuitBreakerOptionSchema } from '../../transport/CircuitBreaker.js'
import type { RateLimitStore } from '../../transport/index.js'
import type { BinanceMarket } from './types.js'

/** Official base URLs per market and environment. */
export const BINANCE_ENDPOINTS = Object.freeze({
  spot: {
    production: {
      restUrl: 'https://api.binance.com',
      streamUrl: 'wss://stream.binance.com:9443',
      wsApiUrl: 'wss://ws-api.binance.com:443/ws-api/v3',
    },
    testnet: {
      restUrl: 'https://testnet.binance.vision',
      streamUrl: 'wss://stream.testnet.binance.vision',
      wsApiUrl: 'wss://ws-api.testnet.binance.vision/ws-api/v3',
    },
  },
  usdm: {
    production: {
      restUrl: 'https://fapi.binance.com',
      streamUrl: 'wss://fstream.binance.com',
      wsApiUrl: 'wss://ws-fapi.binance.com/ws-fapi/v1',
    },
    testnet: {
      restUrl: 'https://demo-fapi.binance.com',
      streamUrl: 'wss://demo-fstream.binance.com',
      wsApiUrl: 'wss://testnet.binancefuture.com/ws-fapi/v1',
    },
  },
} as const)

const isLogger = (v: unknown): v is Logger =>
  typeof v === 'object' && v !== null && typeof (v as Logger).warn === 'function'

/** Schema of {@link BinanceConfig}: every option with its default. */
export const BinanceConfigSchema = z.strictObject({
  /** Use the testnet (default true). `false` targets production. */
  testnet: z._default(z.boolean(), true),
  /**
   * Allow placing orders when `testnet` is false. Default false: production order placement needs this explicit
   * opt-in (cancels and reads are always allowed).
   */
  allowLiveTrading: z._default(z.boolean(), false),
  /** API key (sent as `X-MBX-APIKEY`). */
  apiKey: z.optional(/* @__PURE__ */ z.string().check(z.minLength(1))),
  /** HMAC secret (HMAC keys). */
  apiSecret: z.optional(/* @__PURE__ */ z.string().check(z.minLength(1))),
  /** Ed25519 private key, PKCS#8 PEM (Ed25519 keys; takes precedence over `apiSecret`). */
  privateKey: z.optional(/* @__PURE__ */ z.string().check(z.minLength(1))),
  /** REST base URL override (tests, the simulator, a proxy). */
  restUrl: z.optional(z.url()),
  /** Market stream base URL override (`wss://stream.binance.com:9443`, `wss://fstream.binance.com`). */
  streamUrl: z.optional(/* @__PURE__ */ z.string().check(z.regex(/^wss?:\/\//))),
  /** WebSocket API URL override (spot: user data and `ws-api` order entry; USD-M: `ws-api` order entry). */
  wsApiUrl: z.optional(/* @__PURE__ */ z.string().check(z.regex(/^wss?:\/\//))),
  /**
   * How orders are placed, cancelled, queried and amended: `rest` (default) or `ws-api`, Binance's WebSocket API
   * (spot `/ws-api/v3`, USD-M `/ws-fapi/v1`) on one long-lived socket. Reads other than order status stay on REST,
   * and so do USD-M conditional (algo) orders.
   */
  orderEntry: z._default(z.enum(['rest', 'ws-api']), 'rest'),
  /** `recvWindow` sent with signed requests, ms (default 5000, max 60000). */
  recvWindow: z._default(/* @__PURE__ */ z.int().check(z.positive(), z.maximum(60_000)), 5000),
  /** Per-attempt HTTP timeout, ms (default 10 s). */
  timeoutMs: z._default(PositiveDurationMsSchema, 10_000),
  /** Re-sync the server time offset this often, ms (default 10 min); also re-synced on -1021. */
  timeSyncIntervalMs: z._default(PositiveDurationMsSchema, 600_000),
  /** How long exchangeInfo is cached, ms (default 1 h). */
  instrumentTtlMs: z._default(PositiveDurationMsSchema, 3_600_000),
  /** USD-M listen key keep-alive interval, ms (default 30 min; keys expire after 60). */
  listenKeyKeepAliveMs: z._default(PositiveDurationMsSchema, 30 * 60_000),
  /** Reconnect market streams before Binance's 24 h cut, ms (default 23 h 30 min). */
  maxConnectionLifetimeMs: z._default(PositiveDurationMsSchema, 23.5 * 3600_000),
  /** A stream silent this long is reconnected, ms (default 60 s; 0 disables). */
  staleAfterMs: z._default(DurationMsSchema, 60_000),
  /** First reconnect delay ceiling, ms (default 500). */
  reconnectBaseMs: z._default(DurationMsSchema, 500),
  /** Largest reconnect delay ceiling, ms (default 30 s). */
  reconnectMaxMs: z._default(DurationMsSchema, 30_000),
  /** Time source (default the system clock). */
  clock: z.optional(ClockSchema),
  /** pino-compatible logger (default silent). */
  logger: z.optional(z.custom<Logger>(isLogger, 'must be a Logger')),
  /** `fetch` implementation for REST (default the global one); e.g. a Recorder's `recordingFetch()`. */
  fetch: z.optional(z.custom<typeof fetch>((v) => typeof v === 'function', 'must be a function')),
  /**
   * Rate budget shared with other processes on the same IP (e.g. `RedisRateLimitStore` from `tradekit/redis`);
   * default none: this client's limiter is in memory, fed by Binance's usage headers.
   */
  rateLimitStore: z.optional(
    z.custom<RateLimitStore>(
      (v) => typeof v === 'object' && v !== null && typeof (v as RateLimitStore).reserve === 'function',
      'must be a RateLimitStore',
    ),
  ),
  /**
   * The REST circuit breaker, e.g. `new CircuitBreaker({ cooldownMs: 5_000 })`, or `false` to disable it; default a
   * `CircuitBreaker` with its defaults (opens after 5 consecutive failures, tries again after 30 s).
   */
  circuitBreaker: z.optional(CircuitBreakerOptionSchema),
})

/** What `BinanceSpot` and `BinanceUsdm` take (see {@link BinanceConfigSchema} for defaults). */
export type BinanceConfig = z.input<typeof BinanceConfigSchema>
/** The parsed config with defaults applied. */
export type BinanceResolvedConfig = z.output<typeof BinanceConfigSchema>

/** Resolved URLs for a market and config. */
export interface BinanceUrls {
  readonly restUrl: string
  readonly streamUrl: string
  readonly wsApiUrl: string
}

/**
 * Picks the base URLs: explicit overrides, else testnet or production.
 *
 * @example
 * ```ts
 * const urls = resolveUrls('spot', BinanceConfigSchema.parse({ testnet: true }))
 * urls.restUrl // 'https://testnet.binance.vision'
 * ```
 */
export function resolveUrls(market: BinanceMarket, cfg: BinanceResolvedConfig): BinanceUrls {
  const base = BINANCE_ENDPOINTS[market][cfg.testnet ? 'testnet' : 'production']
  return {
    restUrl: (cfg.restUrl ?? base.restUrl).replace(/\/+$/, ''),
    streamUrl: (cfg.streamUrl ?? base.streamUrl).replace(/\/+$/, ''),
    wsApiUrl: cfg.wsApiUrl ?? base.wsApiUrl,
  }
}
