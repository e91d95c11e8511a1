import * as z from 'zod/mini'
import { ClockSchema, DurationMsSchema, PositiveDurationMsSchema } from '../../core/schemas.js'
import { BinanceRest } from './BinanceRest.js'

/** Schema of {@link BinanceUserStreamConfig}, shared by the spot and USD-M user streams. */
export const BinanceUserStreamConfigSchema = z.strictObject({
  /** The REST client: credentials, signing, server time, listen-key calls. */
  rest: z.custom<BinanceRest>((v) => v instanceof BinanceRest, 'must be a BinanceRest'),
  /** Socket base URL: the spot WebSocket API URL, or the USD-M stream base URL. */
  url: /* @__PURE__ */ z.string().check(z.regex(/^wss?:\/\//)),
  /** Time source (default the system clock). */
  clock: z.optional(ClockSchema),
  /** Wait for a WebSocket API answer, ms; the first subscription may take 3x this (default 10 s). */
  timeoutMs: z._default(PositiveDurationMsSchema, 10_000),
  /** A silent socket is reconnected after this, ms (default 60 s; 0 disables). */
  staleAfterMs: z._default(DurationMsSchema, 60_000),
  /** First reconnect delay ceiling, ms (default 500). */
  reconnectBaseMs: z._default(DurationMsSchema, 500),
  /** Largest reconnect delay ceiling, ms (default 30 s). */
  reconnectMaxMs: z._default(DurationMsSchema, 30_000),
  /** Proactive reconnect age, ms (default 23 h 30 min). */
  maxConnectionLifetimeMs: z._default(PositiveDurationMsSchema, 23.5 * 3600_000),
  /** USD-M listen key keep-alive interval, ms (default 30 min; keys expire after 60). */
  listenKeyKeepAliveMs: z._default(PositiveDurationMsSchema, 30 * 60_000),
})

/** Constructor options of `BinanceSpotUserStream` and `BinanceUsdmUserStream`. */
export type BinanceUserStreamConfig = z.input<typeof BinanceUserStreamConfigSchema>
