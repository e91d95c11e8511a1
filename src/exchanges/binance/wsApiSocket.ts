import type { Clock } from '../../core/index.js'
import { ReconnectingWebSocket } from '../../transport/index.js'

/** How a {@link wsApiSocket} reconnects: the clock, the silence after which it reconnects, the backoff ceilings. */
export interface WsApiSocketSettings {
  readonly clock: Clock
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
 * const ws = wsApiSocket(url, settings, () => id++, (text) => onFrame(text))
 * ```
 */
export function wsApiSocket(
  url: string,
  settings: WsApiSocketSettings,
  nextId: () => number,
  onText: (text: string) => void,
): ReconnectingWebSocket {
  const ws = new ReconnectingWebSocket(url, {
    clock: settings.clock,
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
