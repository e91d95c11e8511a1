import type { ManualClock } from '../core/clock.js'
import type { Listenable } from '../core/events.js'
import { TypedEmitter } from '../core/events.js'
import type { MarketDataEvents, MarketDataSource } from '../core/ports.js'
import type { RecordedMessage, ReplayDecoder, ReplayEvent } from '../core/replay.js'
import { ExchangeDataError, isTradekitError, type TradekitError } from '../errors/index.js'
import type { Result } from '../errors/result.js'

export type { ReplayDecoder, ReplayEvent } from '../core/replay.js'

/** Options of {@link ReplayFeed}. */
export interface ReplayFeedConfig {
  readonly decode: ReplayDecoder
  /** Advanced to each message's receive time before it is decoded, so timers fire as they did live. */
  readonly clock?: ManualClock
  /** Only replay messages of these channels. */
  readonly channels?: readonly string[]
}

/** Totals of one replay. */
export interface ReplayStats {
  readonly messages: number
  readonly events: number
  readonly dataErrors: number
}

/**
 * Plays a recording back as a {@link MarketDataSource}: each message goes through the venue's real decoder (the
 * same one the live stream uses) and comes out as the same `candle` / `trade` / `book` events, in the recorded order
 * and at the recorded times on a manual clock. Malformed lines and payloads are counted and emitted as `dataError`.
 *
 * @example
 * ```ts
 * const decode: ReplayDecoder = (m) => {
 *   if (m.src !== 'ws') return ok([])
 *   const r = decodeMarketEvent(m.data, 'spot') // Binance's live decoder
 *   if (!r.ok) return r
 *   return ok(r.value.type === 'candle' ? [{ kind: 'candle', value: r.value }] : [])
 * }
 * const clock = new ManualClock(Date.UTC(2026, 0, 1))
 * const replay = new ReplayFeed({ decode, clock })
 * const engine = new TradingEngine({ clock, feeds: [{ name: 'replay', venue: 'binance', source: replay }], ...rest })
 * await engine.start()
 * const stats = await replay.play(readRecording('session.jsonl')) // { messages, events, dataErrors }
 * await engine.stop()
 * ```
 */
export class ReplayFeed implements MarketDataSource {
  readonly #bus = new TypedEmitter<MarketDataEvents>()
  /** Market data, `dataError` and `error` events. */
  readonly events: Listenable<MarketDataEvents> = this.#bus
  readonly #cfg: ReplayFeedConfig

  constructor(config: ReplayFeedConfig) {
    this.#cfg = config
  }

  /** Replays every message, awaiting the engine's reactions between them. */
  async play(
    messages: Iterable<RecordedMessage> | AsyncIterable<RecordedMessage | Error>,
  ): Promise<ReplayStats> {
    let count = 0
    let events = 0
    let dataErrors = 0
    for await (const m of messages as AsyncIterable<RecordedMessage | Error>) {
      count++
      if (m instanceof Error) {
        dataErrors++
        this.#bus.emit('dataError', new ExchangeDataError('replay', m.message, [m.message], '', { cause: m }))
        continue
      }
      if (this.#cfg.channels !== undefined && !this.#cfg.channels.includes(m.ch)) continue
      if (this.#cfg.clock !== undefined && m.t > this.#cfg.clock.now()) this.#cfg.clock.advanceTo(m.t)
      let r: Result<readonly ReplayEvent[], TradekitError>
      try {
        r = this.#cfg.decode(m)
      } catch (e) {
        r = { ok: false, error: asDataError(e, m) }
      }
      if (!r.ok) {
        dataErrors++
        this.#bus.emit('dataError', r.error)
        continue
      }
      for (const ev of r.value) {
        events++
        if (ev.kind === 'candle') this.#bus.emit('candle', ev.value)
        else if (ev.kind === 'trade') this.#bus.emit('trade', ev.value)
        else this.#bus.emit('book', ev.value)
      }
      for (let i = 0; i < 6; i++) await undefined
    }
    return { messages: count, events, dataErrors }
  }
}

/** A decoder that threw: its error as it is when it is a tradekit error, else a data error naming the message. */
function asDataError(e: unknown, m: RecordedMessage): TradekitError {
  if (isTradekitError(e)) return e
  const message = e instanceof Error ? e.message : String(e)
  return new ExchangeDataError(
    'replay',
    `Decoder threw on a "${m.ch}" message: ${message}`,
    [message],
    m.data,
    {
      cause: e,
    },
  )
}
