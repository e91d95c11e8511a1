import type { TradekitError } from '../errors/index.js'
import type { Result } from '../errors/result.js'
import type { BookSnapshot, Candle, Trade } from './types.js'

/** One line of a recording: a raw inbound message and when it was received (`tradekit/backtest`'s `Recorder`). */
export interface RecordedMessage {
  /** Receive time, epoch ms. */
  readonly t: number
  /** `ws` for a WebSocket frame, `rest` for a REST response body. */
  readonly src: 'ws' | 'rest'
  /** Which socket or request: a feed name, or `GET /api/v3/depth?symbol=BTCUSDT`. */
  readonly ch: string
  /** The raw text exactly as received. */
  readonly data: string
}

/** A unified market event a replay decoder produces. */
export type ReplayEvent =
  | { readonly kind: 'candle'; readonly value: Candle }
  | { readonly kind: 'trade'; readonly value: Trade }
  | { readonly kind: 'book'; readonly value: BookSnapshot }

/**
 * Turns one recorded message into market events with the venue's real decoder. Return an empty array for messages
 * that carry no market data (acks, pongs), an error for a malformed one.
 */
export type ReplayDecoder = (msg: RecordedMessage) => Result<readonly ReplayEvent[], TradekitError>
