import * as z from 'zod/mini'
import { parseConfig } from '../core/config.js'
import { type EventMap, type Listenable, subscribeNamed, TypedEmitter } from '../core/events.js'
import { StateError, type TradekitError } from '../errors/index.js'
import { encodeEvent } from './eventCodec.js'
import { RedisConnection } from './RedisConnection.js'
import { SharedStateUnavailableError } from './SharedStateUnavailableError.js'

/** Schema of {@link RedisEventPublisherConfig}; defaults are applied here. */
export const RedisEventPublisherConfigSchema = z.strictObject({
  /** The process's connection. */
  redis: z.custom<RedisConnection>((v) => v instanceof RedisConnection, 'must be a RedisConnection'),
  /** Who publishes (a bot or host name); consumers see it on every event. */
  source: /* @__PURE__ */ z.string().check(z.regex(/^[\w.:-]+$/)),
  /** Approximate bound of each stream (`XADD ... MAXLEN ~`). Default 100 000. */
  maxLen: z._default(/* @__PURE__ */ z.int().check(z.positive()), 100_000),
  /** Events kept in memory while Redis is down, sent in order when it returns; older ones drop. Default 10 000. */
  bufferSize: z._default(/* @__PURE__ */ z.int().check(z.positive()), 10_000),
})

/** What {@link RedisEventPublisher} takes (defaults documented on {@link RedisEventPublisherConfigSchema}). */
export type RedisEventPublisherConfig = z.input<typeof RedisEventPublisherConfigSchema>

/**
 * Events of a {@link RedisEventPublisher}: publish failures (never thrown). Redis unreachable or slow:
 * `SharedStateUnavailableError` (retryable; the event stays buffered). An `XADD` Redis answered with an error reply
 * (`OOM`, `WRONGTYPE`...): a `StateError` (not retryable; that event is set aside, counted in `stats.rejected`).
 */
export interface RedisEventPublisherEvents {
  error: [e: TradekitError]
}

/**
 * The stream key of one event kind: `<keyPrefix>:<deployment>:events:<kind>` (for tools that read it directly).
 *
 * @example
 * ```ts
 * eventStreamKey(redis, 'order.filled') // 'tradekit:prod:events:order.filled'
 * ```
 */
export function eventStreamKey(redis: RedisConnection, kind: string): string {
  return redis.key('events', kind)
}

/**
 * Publishes a process's events to Redis Streams, one stream per event kind (`order.filled`, `signal`,
 * `risk.denied`, `risk.stateChanged`, ...), as versioned JSON with Decimals as exact strings, so a dashboard,
 * journal or alerting service can follow every bot without touching it. Never blocks nor throws: while Redis is
 * down events wait in a bounded buffer and go out in order when it returns (the oldest drop when it is full). An
 * event Redis refuses with an error reply (`OOM`, `WRONGTYPE`) is reported once on `error` and set aside, so it never
 * holds back the events behind it.
 *
 * @example
 * ```ts
 * const pub = new RedisEventPublisher({ redis, source: 'bot-eu-1' })
 * pub.attach(executor.events, ['order.submitted', 'order.filled', 'order.canceled', 'order.rejected'])
 * pub.attach(risk.events, ['risk.approved', 'risk.denied', 'risk.stateChanged', 'risk.breakerTripped'])
 * ```
 */
export class RedisEventPublisher {
  readonly #bus = new TypedEmitter<RedisEventPublisherEvents>()
  /** Subscribe to `error`: Redis unreachable (the event stays buffered) or an event Redis refused (set aside). */
  readonly events: Listenable<RedisEventPublisherEvents> = this.#bus
  readonly #redis: RedisConnection
  readonly #source: string
  readonly #maxLen: string
  readonly #bufferSize: number
  readonly #buffer: Array<{ key: string; json: string }> = []
  readonly #run: string
  #seq = 0
  #flushing = false
  #published = 0
  #dropped = 0
  #rejected = 0

  constructor(config: RedisEventPublisherConfig) {
    const cfg = parseConfig(RedisEventPublisherConfigSchema, config, 'RedisEventPublisher')
    this.#redis = cfg.redis
    this.#run = `${cfg.redis.clock.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`
    this.#source = cfg.source
    this.#maxLen = String(cfg.maxLen)
    this.#bufferSize = cfg.bufferSize
    cfg.redis.events.on('redis.reconnected', () => this.#flush())
  }

  /** Events written to Redis, dropped because the buffer was full, refused by Redis (an error reply), still buffered. */
  get stats(): { published: number; dropped: number; rejected: number; buffered: number } {
    return {
      published: this.#published,
      dropped: this.#dropped,
      rejected: this.#rejected,
      buffered: this.#buffer.length,
    }
  }

  /** Queues one event for its kind's stream. Never throws. */
  publish(kind: string, event: unknown): void {
    let json: string
    try {
      json = encodeEvent(kind, event, { source: this.#source, run: this.#run, seq: ++this.#seq })
    } catch (e) {
      this.#bus.emit('error', e as TradekitError)
      return
    }
    if (this.#buffer.length >= this.#bufferSize) {
      this.#buffer.shift()
      this.#dropped++
    }
    this.#buffer.push({ key: eventStreamKey(this.#redis, kind), json })
    this.#flush()
  }

  /** Publishes the named events of an emitter as they happen; returns a function that stops. */
  attach<M extends EventMap<M>, K extends keyof M & string>(
    emitter: Listenable<M>,
    kinds: readonly K[],
  ): () => void {
    return subscribeNamed(emitter, kinds, (kind, ...args) => this.publish(kind, args[0]))
  }

  /**
   * Sends the buffer in order, one entry at a time. Stops at a connection failure (retried on reconnect or the next
   * publish); an entry Redis answered with an error reply will never be accepted: it is reported, set aside, and the
   * rest goes on.
   */
  #flush(): void {
    if (this.#flushing || this.#buffer.length === 0) return
    this.#flushing = true
    const next = (): void => {
      const item = this.#buffer[0]
      if (item === undefined || !this.#redis.isUp) {
        this.#flushing = false
        return
      }
      const args = ['XADD', item.key, 'MAXLEN', '~', this.#maxLen, '*', 'e', item.json]
      this.#redis.command(args).then(
        () => {
          if (this.#buffer[0] === item) this.#buffer.shift()
          this.#published++
          next()
        },
        (e: unknown) => {
          if (e instanceof SharedStateUnavailableError) {
            this.#flushing = false
            this.#bus.emit('error', e)
            return
          }
          // An error reply (RedisConnection.command rethrows those as they are): Redis is up and said no.
          if (this.#buffer[0] === item) this.#buffer.shift()
          this.#rejected++
          this.#bus.emit('error', rejectedError(item.key, e))
          next()
        },
      )
    }
    next()
  }
}

/** The error reported for an event Redis refused: its stream and the reply's code (`WRONGTYPE`, `OOM`), no payload. */
function rejectedError(key: string, reply: unknown): StateError {
  const message = reply instanceof Error ? reply.message : String(reply)
  const replyCode = /^[A-Z][A-Z_-]*/.exec(message)?.[0] ?? 'ERR'
  return new StateError(`Redis refused XADD to "${key}" (${replyCode}); the event was set aside`, {
    cause: reply,
    details: { store: 'redis', stream: key, replyCode },
  })
}
