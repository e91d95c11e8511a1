import * as z from 'zod/mini'
import type { Clock } from '../../core/clock.js'
import { ClockSchema, DurationMsSchema, PositiveDurationMsSchema } from '../../core/schemas.js'
import type { WebSocketConstructor } from '../../transport/index.js'
import { POLYMARKET_WS_HOST } from './constants.js'

const isFn = (v: unknown): boolean => typeof v === 'function'

/** The socket settings both Polymarket channels share (market and user), with their defaults. */
export const PolymarketSocketConfigShape = {
  /** WebSocket base URL (channels at `/ws/market`, `/ws/user`). Default Polymarket's. */
  wsUrl: z._default(z.string(), POLYMARKET_WS_HOST),
  /** Text `PING` interval, ms. Default 10 s. */
  pingIntervalMs: z._default(PositiveDurationMsSchema, 10_000),
  /** Socket with no frame at all (not even PONG) for this long is dropped and reconnected, ms. Default 30 s. */
  staleAfterMs: z._default(PositiveDurationMsSchema, 30_000),
  /** Reconnect backoff base, ms. Default 500. */
  reconnectBaseMs: z._default(DurationMsSchema, 500),
  /** Time source. Default `SystemClock`. */
  clock: z.optional(ClockSchema),
  /** WebSocket implementation (default isows). */
  WebSocket: z.optional(z.custom<WebSocketConstructor>(isFn)),
}

/** The resolved socket settings. */
export interface PolymarketSocketSettings {
  readonly pingIntervalMs: number
  readonly staleAfterMs: number
  readonly reconnectBaseMs: number
  readonly WebSocket?: WebSocketConstructor | undefined
}

/**
 * The ReconnectingWebSocket config of a Polymarket channel (text `PING`, stale detection, backoff).
 *
 * @example
 * ```ts
 * new ReconnectingWebSocket(`${wsUrl}/ws/market`, socketConfig(cfg, clock))
 * ```
 */
export function socketConfig(cfg: PolymarketSocketSettings, clock: Clock) {
  return {
    pingIntervalMs: cfg.pingIntervalMs,
    pingMessage: 'PING',
    staleAfterMs: cfg.staleAfterMs,
    backoffBaseMs: cfg.reconnectBaseMs,
    clock,
    ...(cfg.WebSocket !== undefined ? { WebSocket: cfg.WebSocket } : {}),
  }
}
