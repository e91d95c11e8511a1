import type { Clock } from '../../core/index.js'
import { ReconnectingWebSocket } from '../../transport/index.js'
import type { BinanceMarket } from './types.js'

/** Where a {@link wsApiSocket} connects and how it reconnects: the silence after which it does, the backoff ceilings. */
export interface WsApiSocketSettings {
  readonly url: string
  readonly staleAfterMs: number
  readonly reconnectBaseMs: number
  readonly reconnectMaxMs: number
}

/**
 * The request a {@link wsApiSocket} sends every 30 s to keep traffic on the connection, per market: Spot's
 * documented `ping` (Test connectivity, weight 1); USD-M documents no `ping` method, so `session.status` (Query session
 * status, weight 2, no parameters, answered whether or not the connection is logged on).
 */
export function wsApiKeepaliveMethod(market: BinanceMarket): 'ping' | 'session.status' {
  return market === 'spot' ? 'ping' : 'session.status'
}

/**
 * A socket to Binance's WebSocket API: the market's keepalive request ({@link wsApiKeepaliveMethod}) every 30 s (ids
 * from `nextId`), reconnected with backoff, its text frames given to `onText`. Binance's own ping frames are answered
 * by the WebSocket implementation. What a socket error means is the caller's to say.
 *
 * @example
 * ```ts
 * let id = 1
 * const ws = wsApiSocket(cfg, 'usdm', clock, () => id++, (text) => onFrame(text))
 * ```
 */
export function wsApiSocket(
  settings: WsApiSocketSettings,
  market: BinanceMarket,
  clock: Clock,
  nextId: () => number,
  onText: (text: string) => void,
): ReconnectingWebSocket {
  const method = wsApiKeepaliveMethod(market)
  const ws = new ReconnectingWebSocket(settings.url, {
    clock,
    staleAfterMs: settings.staleAfterMs,
    backoffBaseMs: settings.reconnectBaseMs,
    backoffMaxMs: settings.reconnectMaxMs,
    pingIntervalMs: 30_000,
    pingMessage: () => ({ id: `keepalive-${nextId()}`, method }),
    onUnhandledError: () => {},
  })
  ws.events.on('message', (m) => {
    if (typeof m.data === 'string') onText(m.data)
  })
  return ws
}
