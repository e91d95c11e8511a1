import type { Clock } from '../../core/index.js'
import { ReconnectingWebSocket } from '../../transport/index.js'

/** Where a {@link wsApiSocket} connects and how it reconnects: the silence after which it does, the backoff ceilings. */
export interface WsApiSocketSettings {
  readonly url: string
  readonly staleAfterMs: number
  readonly reconnectBaseMs: number
  readonly reconnectMaxMs: number
}

/**
 * A socket to Binance's WebSocket API: the `ping` method every 30 s (ids from `nextId`), reconnected with backoff,
 * its text frames given to `onText`. What a socket error means is the caller's to say.
 *
 * @example
 * ```ts
 * let id = 1
 * const ws = wsApiSocket(cfg, clock, () => id++, (text) => onFrame(text))
 * ```
 */
export function wsApiSocket(
  settings: WsApiSocketSettings,
  clock: Clock,
  nextId: () => number,
  onText: (text: string) => void,
): ReconnectingWebSocket {
  const ws = new ReconnectingWebSocket(settings.url, {
    clock,
    staleAfterMs: settings.staleAfterMs,
    backoffBaseMs: settings.reconnectBaseMs,
    backoffMaxMs: settings.reconnectMaxMs,
    pingIntervalMs: 30_000,
    pingMessage: () => ({ id: `ping-${nextId()}`, method: 'ping' }),
    onUnhandledError: () => {},
  })
  ws.events.on('message', (m) => {
    if (typeof m.data === 'string') onText(m.data)
  })
  return ws
}
