import { z } from 'zod'
import type { Logger } from '../../core/index.js'
import { ClockSchema, DurationMsSchema, PositiveDurationMsSchema } from '../../core/schemas.js'
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
    production: { restUrl: 'https://fapi.binance.com', streamUrl: 'wss://fstream.binance.com', wsApiUrl: '' },
    testnet: {
      restUrl: 'https://demo-fapi.binance.com',
      streamUrl: 'wss://demo-fstream.binance.com',
      wsApiUrl: '',
    },
  },
} as const)

const isLogger = (v: unknown): v is Logger =>
  typeof v === 'object' && v !== null && typeof (v as Logger).warn === 'function'

/** Schema of {@link BinanceConfig}: every option with its default. */
export const BinanceConfigSchema = z
  .object({
    /** Use the testnet (default true). `false` targets production. */
    testnet: z.boolean().default(true),
    /**
     * Allow placing orders when `testnet` is false. Default false: production order placement needs this explicit
     * opt-in (cancels and reads are always allowed).
     */
    allowLiveTrading: z.boolean().default(false),
    /** API key (sent as `X-MBX-APIKEY`). */
    apiKey: z.string().min(1).optional(),
    /** HMAC secret (HMAC keys). */
    apiSecret: z.string().min(1).optional(),
    /** Ed25519 private key, PKCS#8 PEM (Ed25519 keys; takes precedence over `apiSecret`). */
    privateKey: z.string().min(1).optional(),
    /** REST base URL override (tests, the simulator, a proxy). */
    restUrl: z.url().optional(),
    /** Market stream base URL override (`wss://stream.binance.com:9443`, `wss://fstream.binance.com`). */
    streamUrl: z
      .string()
      .regex(/^wss?:\/\//)
      .optional(),
    /** Spot WebSocket API URL override (user data subscription). */
    wsApiUrl: z
      .string()
      .regex(/^wss?:\/\//)
      .optional(),
    /** `recvWindow` sent with signed requests, ms (default 5000, max 60000). */
    recvWindow: z.number().int().positive().max(60_000).default(5000),
    /** Per-attempt HTTP timeout, ms (default 10 s). */
    timeoutMs: PositiveDurationMsSchema.default(10_000),
    /** Re-sync the server time offset this often, ms (default 10 min); also re-synced on -1021. */
    timeSyncIntervalMs: PositiveDurationMsSchema.default(600_000),
    /** How long exchangeInfo is cached, ms (default 1 h). */
    instrumentTtlMs: PositiveDurationMsSchema.default(3_600_000),
    /** USD-M listen key keep-alive interval, ms (default 30 min; keys expire after 60). */
    listenKeyKeepAliveMs: PositiveDurationMsSchema.default(30 * 60_000),
    /** Reconnect market streams before Binance's 24 h cut, ms (default 23 h 30 min). */
    maxConnectionLifetimeMs: PositiveDurationMsSchema.default(23.5 * 3600_000),
    /** A stream silent this long is reconnected, ms (default 60 s; 0 disables). */
    staleAfterMs: DurationMsSchema.default(60_000),
    /** First reconnect delay ceiling, ms (default 500). */
    reconnectBaseMs: DurationMsSchema.default(500),
    /** Largest reconnect delay ceiling, ms (default 30 s). */
    reconnectMaxMs: DurationMsSchema.default(30_000),
    /** Time source (default the system clock). */
    clock: ClockSchema.optional(),
    /** pino-compatible logger (default silent). */
    logger: z.custom<Logger>(isLogger, 'must be a Logger').optional(),
    /** `fetch` implementation for REST (default the global one); e.g. a Recorder's `recordingFetch()`. */
    fetch: z.custom<typeof fetch>((v) => typeof v === 'function', 'must be a function').optional(),
  })
  .strict()

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
