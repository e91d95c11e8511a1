import * as z from 'zod/mini'
import type { Logger } from '../../core/logger.js'
import { ClockSchema, PositiveDurationMsSchema } from '../../core/schemas.js'
import { CircuitBreakerOptionSchema } from '../../transport/CircuitBreaker.js'
import type { RateLimitStore } from '../../transport/index.js'
import { POLYGON_CHAIN_ID, POLYMARKET_CLOB_HOST } from './constants.js'
import type { TypedDataSigner } from './types.js'

const isFn = (v: unknown): boolean => typeof v === 'function'

const RATE_LIMIT_DEFAULTS = {
  general10s: 9000,
  marketData10s: 1500,
  postOrder10s: 3500,
  postOrder10m: 36_000,
  cancel10s: 3000,
  cancel10m: 30_000,
  postOrders10s: 1000,
  cancelOrders10s: 1000,
}

/** Schema of {@link PolymarketRestConfig}; defaults are applied here. */
export const PolymarketRestConfigSchema = z.strictObject({
  /** REST base URL. Default `https://clob.polymarket.com`. */
  restUrl: z._default(z.url(), POLYMARKET_CLOB_HOST),
  /** The signing wallet (an ethers v6 `Wallet` or `Signer`): signs orders and L1 headers. */
  signer: z.optional(
    z.custom<TypedDataSigner>(
      (v) => typeof v === 'object' && v !== null && isFn((v as TypedDataSigner).signTypedData),
      'must have signTypedData and getAddress',
    ),
  ),
  /** L2 credentials; create or derive them with `createOrDeriveApiKey()` when absent. */
  credentials: z.optional(
    z.strictObject({ address: z.string(), apiKey: z.string(), secret: z.string(), passphrase: z.string() }),
  ),
  /** 0 EOA (default), 1 POLY_PROXY, 2 POLY_GNOSIS_SAFE, 3 POLY_1271 (deposit wallet; `signer` is its owner). */
  signatureType: z._default(z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]), 0),
  /** The funding proxy/Safe/deposit wallet (signature types 1, 2 and 3). */
  funder: z.optional(z.string()),
  /** Exchange versions pinned per token id or condition id (2 or 3); others follow the market, then `GET /version`. */
  versions: z._default(z.record(z.string(), z.union([z.literal(2), z.literal(3)])), {}),
  /** Chain id. Default 137. */
  chainId: z._default(/* @__PURE__ */ z.int().check(z.positive()), POLYGON_CHAIN_ID),
  /** Per-request timeout, ms. Default 10 s. */
  timeoutMs: z._default(PositiveDurationMsSchema, 10_000),
  /**
   * Safety cap on the pages one listing (`getOpenOrders`, `getTrades`, `getTradeEvents`) follows: past it the call
   * rejects with an `ExchangeDataError` (`PAGE_LIMIT`), never a partial list. Default 10 000 pages.
   */
  maxPages: z._default(/* @__PURE__ */ z.int().check(z.positive()), 10_000),
  /**
   * The REST circuit breaker, e.g. `new CircuitBreaker({ cooldownMs: 5_000 })`, or `false` to disable it; default a
   * `CircuitBreaker` with its defaults (opens after 5 consecutive failures, tries again after 30 s).
   */
  circuitBreaker: z.optional(CircuitBreakerOptionSchema),
  /**
   * Rate limits, Polymarket's published CLOB limits: general 9000 / 10 s, market data (`/book`, `/price`,
   * `/midpoint`) 1500 / 10 s, POST /order 3500 / 10 s and 36 000 / 10 min, DELETE /order 3000 / 10 s and 30 000 /
   * 10 min, POST /orders 1000 / 10 s. `Poly-RateLimit-*` response headers are fed back to the limiter.
   */
  rateLimits: z._default(
    z.strictObject({
      general10s: z._default(/* @__PURE__ */ z.number().check(z.positive()), RATE_LIMIT_DEFAULTS.general10s),
      marketData10s: z._default(
        /* @__PURE__ */ z.number().check(z.positive()),
        RATE_LIMIT_DEFAULTS.marketData10s,
      ),
      postOrder10s: z._default(
        /* @__PURE__ */ z.number().check(z.positive()),
        RATE_LIMIT_DEFAULTS.postOrder10s,
      ),
      postOrder10m: z._default(
        /* @__PURE__ */ z.number().check(z.positive()),
        RATE_LIMIT_DEFAULTS.postOrder10m,
      ),
      cancel10s: z._default(/* @__PURE__ */ z.number().check(z.positive()), RATE_LIMIT_DEFAULTS.cancel10s),
      cancel10m: z._default(/* @__PURE__ */ z.number().check(z.positive()), RATE_LIMIT_DEFAULTS.cancel10m),
      postOrders10s: z._default(
        /* @__PURE__ */ z.number().check(z.positive()),
        RATE_LIMIT_DEFAULTS.postOrders10s,
      ),
      cancelOrders10s: z._default(
        /* @__PURE__ */ z.number().check(z.positive()),
        RATE_LIMIT_DEFAULTS.cancelOrders10s,
      ),
    }),
    RATE_LIMIT_DEFAULTS,
  ),
  /** Time source. Default `SystemClock`. */
  clock: z.optional(ClockSchema),
  /** Logger (wrapped so secrets never reach it). */
  logger: z.optional(z.custom<Logger>((v) => typeof v === 'object' && v !== null)),
  /** `fetch` implementation (default the global one). */
  fetch: z.optional(z.custom<typeof fetch>(isFn)),
  /**
   * Rate budget shared with the other processes trading this API key (e.g. `RedisRateLimitStore` from
   * `tradekit/redis`); default none: this client's limiter is in memory.
   */
  rateLimitStore: z.optional(
    z.custom<RateLimitStore>(
      (v) => typeof v === 'object' && v !== null && isFn((v as RateLimitStore).reserve),
      'must be a RateLimitStore',
    ),
  ),
})

/** What {@link PolymarketRest} takes (defaults documented on {@link PolymarketRestConfigSchema}). */
export type PolymarketRestConfig = z.input<typeof PolymarketRestConfigSchema>
