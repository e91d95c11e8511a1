import { WebSocket as IsoWebSocket } from 'isows'
import * as z from 'zod/mini'
import type { Clock } from '../core/clock.js'
import { SystemClock } from '../core/clock.js'
import { parseConfig } from '../core/config.js'
import { type Listenable, subscribe } from '../core/events.js'
import type { RecordedMessage } from '../core/replay.js'
import { ClockSchema } from '../core/schemas.js'
import { QueueFullError, type TradekitError } from '../errors/index.js'
import type { WebSocketConstructor } from '../transport/index.js'

export type { RecordedMessage } from '../core/replay.js'

/** Schema of {@link RecorderOptions}: every option with its default. Unknown keys are rejected. */
export const RecorderOptionsSchema = z.strictObject({
  /** Time source of the receive times. Default: the system clock. */
  clock: z.optional(ClockSchema),
  /** Messages buffered while the disk is slow; beyond this they are dropped and counted. Default 100 000. */
  maxBuffered: z._default(/* @__PURE__ */ z.int().check(z.positive()), 100_000),
  /** Called when a message is dropped or a write fails (never throws into the caller's stream). Default: ignore. */
  onError: z.optional(
    z.custom<(e: TradekitError | Error) => void>((v) => typeof v === 'function', 'must be a function'),
  ),
})

/** Options of {@link Recorder.open} (defaults documented on {@link RecorderOptionsSchema}). */
export type RecorderOptions = z.input<typeof RecorderOptionsSchema>

/** Query parameters that must never be written to disk. */
const SECRET_PARAMS = /^(signature|apikey|api_key|timestamp|recvwindow|listenkey)$/i

/**
 * Records every raw inbound message of a running bot (WebSocket frames and REST response bodies) with its receive
 * time to a JSONL file, for exact replay later. Writes are buffered and bounded: a slow disk drops (and counts)
 * messages instead of growing memory. Signatures, API keys and listen keys are stripped from recorded URLs. Node only.
 *
 * @example
 * ```ts
 * const rec = await Recorder.open('session.jsonl')
 * const stream = new BinanceMarketStream({ market: 'spot', streamUrl, WebSocket: rec.recordingWebSocket('binance-spot') })
 * const spot = new BinanceSpot({ fetch: rec.recordingFetch(fetch) }) // REST response bodies too
 * // … later
 * await rec.close()
 * ```
 */
export class Recorder {
  readonly #clock: Clock
  readonly #write: (chunk: string) => Promise<void>
  readonly #end: () => Promise<void>
  readonly #max: number
  readonly #onError: (e: TradekitError | Error) => void
  #buffer: string[] = []
  #flushing: Promise<void> | undefined
  #closed = false
  #records = 0
  #dropped = 0
  #bytes = 0

  private constructor(
    write: (chunk: string) => Promise<void>,
    end: () => Promise<void>,
    options: z.output<typeof RecorderOptionsSchema>,
  ) {
    this.#write = write
    this.#end = end
    this.#clock = options.clock ?? new SystemClock()
    this.#max = options.maxBuffered
    this.#onError = options.onError ?? (() => {})
  }

  /** Opens (truncates) `path` for recording. */
  static async open(path: string, config: RecorderOptions = {}): Promise<Recorder> {
    const options = parseConfig(RecorderOptionsSchema, config, 'Recorder') // before the file is created
    const fs = await import('node:fs/promises')
    const handle = await fs.open(path, 'w')
    return new Recorder(
      async (chunk) => {
        await handle.write(chunk)
      },
      () => handle.close(),
      options,
    )
  }

  /** Messages written (or queued), dropped, and bytes of payload recorded. */
  stats(): { records: number; dropped: number; bytes: number } {
    return { records: this.#records, dropped: this.#dropped, bytes: this.#bytes }
  }

  /** Records one raw message now. Never throws. */
  record(src: 'ws' | 'rest', ch: string, data: string): void {
    if (this.#closed) return
    if (this.#buffer.length >= this.#max) {
      this.#dropped++
      this.#onError(new QueueFullError('Recorder buffer full; message dropped', this.#max))
      return
    }
    const line: RecordedMessage = { t: this.#clock.now(), src, ch, data }
    this.#buffer.push(`${JSON.stringify(line)}\n`)
    this.#records++
    this.#bytes += data.length
    this.#flushing ??= this.#flush()
  }

  /** Records every frame a socket receives. Accepts a `ReconnectingWebSocket` or anything with the same event. */
  attachWebSocket(
    channel: string,
    socket: {
      readonly events: Pick<
        Listenable<{ message: [e: { data: string | ArrayBuffer }]; error: [e: TradekitError] }>,
        'on' | 'off'
      >
    },
  ): () => void {
    const onMessage = (e: { data: string | ArrayBuffer }): void => {
      this.record('ws', channel, typeof e.data === 'string' ? e.data : new TextDecoder().decode(e.data))
    }
    return subscribe(socket.events, { message: onMessage })
  }

  /**
   * A WebSocket constructor that records every frame it receives, for adapters that accept a `WebSocket` option
   * (e.g. `new BinanceMarketStream({ ..., WebSocket: rec.recordingWebSocket('binance-spot') })`). Frames reach the
   * adapter unchanged.
   */
  recordingWebSocket(channel: string, Base: WebSocketConstructor = IsoWebSocket): WebSocketConstructor {
    const record = (data: unknown): void => {
      if (typeof data === 'string') this.record('ws', channel, data)
      else if (data instanceof ArrayBuffer) this.record('ws', channel, new TextDecoder().decode(data))
      else if (ArrayBuffer.isView(data)) this.record('ws', channel, new TextDecoder().decode(data))
    }
    return class RecordingWebSocket extends Base {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols)
        this.addEventListener('message', (e: MessageEvent) => record(e.data))
      }
    }
  }

  /** Wraps a `fetch` so every response body is recorded (the response returned to the caller is unaffected). */
  recordingFetch(inner: typeof fetch = globalThis.fetch): typeof fetch {
    return async (input, init) => {
      const res = await inner(input, init)
      const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url)
      for (const k of [...url.searchParams.keys()]) if (SECRET_PARAMS.test(k)) url.searchParams.delete(k)
      const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase()
      res
        .clone()
        .text()
        .then(
          (body) => this.record('rest', `${method} ${url.pathname}${url.search}`, body),
          (e: unknown) => this.#onError(e instanceof Error ? e : new Error(String(e))),
        )
      return res
    }
  }

  /** Flushes what is buffered and closes the file. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#flushing
    if (this.#buffer.length > 0) await this.#flush()
    await this.#end()
  }

  async #flush(): Promise<void> {
    try {
      while (this.#buffer.length > 0) {
        const chunk = this.#buffer.join('')
        this.#buffer = []
        await this.#write(chunk)
      }
    } catch (e) {
      this.#onError(e instanceof Error ? e : new Error(String(e)))
    } finally {
      this.#flushing = undefined
    }
  }
}
