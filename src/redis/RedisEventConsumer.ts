import * as z from 'zod/mini'
import { parseConfig } from '../core/config.js'
import { type Listenable, TypedEmitter } from '../core/events.js'
import type { TradekitError } from '../errors/index.js'
import { decodeEvent } from './eventCodec.js'
import { RedisConnection } from './RedisConnection.js'
import { eventStreamKey } from './RedisEventPublisher.js'

/** Schema of {@link RedisEventConsumerConfig}; defaults are applied here. */
export const RedisEventConsumerConfigSchema = z.strictObject({
  /** The consumer process's connection. */
  redis: z.custom<RedisConnection>((v) => v instanceof RedisConnection, 'must be a RedisConnection'),
  /** Consumer group: every group gets every event once; consumers of one group share them. */
  group: /* @__PURE__ */ z.string().check(z.regex(/^[\w.:-]+$/)),
  /** This consumer's name within the group. */
  consumer: /* @__PURE__ */ z.string().check(z.regex(/^[\w.:-]+$/)),
  /** Event kinds (streams) to read. */
  kinds: z.array(/* @__PURE__ */ z.string().check(z.minLength(1))),
  /** A new group starts at the oldest kept entry (`start`, a replay) or at new entries only (`new`). Default `start`. */
  from: z._default(z.enum(['start', 'new']), 'start'),
  /** Entries read per call. Default 100. */
  count: z._default(/* @__PURE__ */ z.int().check(z.positive()), 100),
  /** Pause between reads when nothing is new (or Redis is down), ms. Default 100. */
  pollMs: z._default(/* @__PURE__ */ z.int().check(z.positive()), 100),
})

/** What {@link RedisEventConsumer} takes (defaults documented on {@link RedisEventConsumerConfigSchema}). */
export type RedisEventConsumerConfig = z.input<typeof RedisEventConsumerConfigSchema>

/** Where a replayed event came from. */
export interface RedisEventMeta {
  /** The publisher's `source`. */
  readonly source: string
  /** The stream entry id. */
  readonly id: string
}

/** The events of a consumer of map `M`: each event as the publisher saw it, plus where it came from. */
export type ReplayedEvents<M> = {
  [K in Exclude<keyof M, 'error'>]: M[K] extends [infer E, ...unknown[]]
    ? [e: E, meta: RedisEventMeta]
    : never
} & { error: [e: TradekitError] }

/** What the consumer emits before the types of `M` are put on it. */
interface AnyReplayedEvents {
  [kind: string]: unknown[]
  error: [e: TradekitError]
}

/**
 * Reads the streams a {@link RedisEventPublisher} writes, in a consumer group, and emits every event under its own
 * name with its own type (`M` is the publisher's event map, e.g. `ExecutionEvents & RiskManagerEvents`), Decimals
 * restored; acknowledges each entry after its listeners ran. At least once: an entry read whose answer was lost, or
 * left unacknowledged by an earlier run of this consumer, is read again from the group's pending list. Duplicates
 * left by a publish retry or such a re-read (same source and sequence) are dropped within a run. Never throws:
 * unreadable entries and Redis outages are reported on `error`.
 *
 * @example
 * ```ts
 * const feed = new RedisEventConsumer<ExecutionEvents>({ redis, group: 'dashboard', consumer: 'd1', kinds: ['order.filled'] })
 * feed.events.on('order.filled', (e, meta) => console.log(meta.source, e.order.clientOrderId))
 * await feed.start()
 * ```
 */
export class RedisEventConsumer<M extends object> {
  readonly #bus = new TypedEmitter<AnyReplayedEvents>()
  /** The replayed events, typed as published, and `error`. */
  readonly events: Listenable<ReplayedEvents<M>> = this.#bus as Listenable<ReplayedEvents<M>>
  readonly #redis: RedisConnection
  readonly #cfg: z.output<typeof RedisEventConsumerConfigSchema>
  readonly #lastSeq = new Map<string, number>()
  #timer: ReturnType<typeof setTimeout> | undefined
  #running = false
  #groupsReady = false
  /** Read this consumer's pending entries (`0`) before new ones (`>`): at start and after a failed round. */
  #recover = true
  #received = 0

  constructor(config: RedisEventConsumerConfig) {
    this.#cfg = parseConfig(RedisEventConsumerConfigSchema, config, 'RedisEventConsumer')
    this.#redis = this.#cfg.redis
  }

  /** Events emitted so far. */
  get received(): number {
    return this.#received
  }

  /**
   * Creates the group on each stream (if missing) and starts reading: first the entries this consumer read before
   * without acknowledging them (an earlier run, a read whose answer was lost), then new ones.
   */
  async start(): Promise<void> {
    if (this.#running) return
    await this.#ensureGroups()
    this.#running = true
    this.#recover = true
    this.#schedule(0)
  }

  /** Stops reading (unacknowledged entries stay pending for the group). */
  stop(): void {
    this.#running = false
    clearTimeout(this.#timer)
  }

  async #ensureGroups(): Promise<void> {
    if (this.#groupsReady) return
    const start = this.#cfg.from === 'start' ? '0' : '$'
    for (const kind of this.#cfg.kinds) {
      const key = eventStreamKey(this.#redis, kind)
      try {
        await this.#redis.command(['XGROUP', 'CREATE', key, this.#cfg.group, start, 'MKSTREAM'])
      } catch (e) {
        if (!(e instanceof Error && e.message.includes('BUSYGROUP'))) throw e
      }
    }
    this.#groupsReady = true
  }

  #schedule(ms: number): void {
    if (!this.#running) return
    this.#timer = setTimeout(() => {
      this.#poll().then(
        (n) => this.#schedule(n > 0 ? 0 : this.#cfg.pollMs),
        (e: unknown) => {
          // A restarted Redis lost the groups: create them again on the next round.
          if (e instanceof Error && e.message.includes('NOGROUP')) this.#groupsReady = false
          // A read whose answer was lost still moved its entries to this consumer's pending list: read them next.
          this.#recover = true
          this.#bus.emit('error', e as TradekitError)
          this.#schedule(this.#cfg.pollMs)
        },
      )
    }, ms)
  }

  async #poll(): Promise<number> {
    if (!this.#redis.isUp) return 0
    await this.#ensureGroups()
    const keys = this.#cfg.kinds.map((k) => eventStreamKey(this.#redis, k))
    const recover = this.#recover
    const reply = await this.#redis.command([
      'XREADGROUP',
      'GROUP',
      this.#cfg.group,
      this.#cfg.consumer,
      'COUNT',
      String(this.#cfg.count),
      'STREAMS',
      ...keys,
      ...keys.map(() => (recover ? '0' : '>')),
    ])
    let n = 0
    for (const [key, entries] of streamEntries(reply)) {
      for (const [id, fields] of entries) {
        n++
        // A pending entry trimmed away since (MAXLEN) comes back without fields: nothing left to deliver.
        if (fields.length > 0) this.#deliver(id, fields)
        await this.#redis.command(['XACK', key, this.#cfg.group, id])
      }
    }
    // The pending list is drained: new entries next, at once.
    if (recover && n === 0) this.#recover = false
    return recover ? 1 : n
  }

  #deliver(id: string, fields: readonly string[]): void {
    const i = fields.indexOf('e')
    const json = i >= 0 ? fields[i + 1] : undefined
    try {
      const env = decodeEvent(json ?? '')
      const run = `${env.source}/${env.run}`
      if (env.seq <= (this.#lastSeq.get(run) ?? 0)) return // a publish retry left a duplicate
      if (this.#lastSeq.size >= 10_000 && !this.#lastSeq.has(run)) this.#lastSeq.clear()
      this.#lastSeq.set(run, env.seq)
      this.#received++
      this.#bus.emit(env.kind, env.payload, { source: env.source, id })
    } catch (e) {
      this.#bus.emit('error', e as TradekitError)
    }
  }
}

/** XREADGROUP's reply (RESP2 arrays or RESP3 maps) as `[stream, [[id, fields]]]`. */
function streamEntries(reply: unknown): Array<[string, Array<[string, string[]]>]> {
  if (reply === null || reply === undefined) return []
  const pairs: Array<[unknown, unknown]> = Array.isArray(reply)
    ? reply.map((r) => [(r as unknown[])[0], (r as unknown[])[1]])
    : reply instanceof Map
      ? [...reply.entries()]
      : Object.entries(reply as Record<string, unknown>)
  return pairs.map(([key, entries]) => [
    String(key),
    ((entries as unknown[]) ?? []).map((e) => {
      const [id, fields] = e as [unknown, unknown]
      const list = Array.isArray(fields)
        ? fields.map(String)
        : fields === null || fields === undefined
          ? []
          : Object.entries(fields as Record<string, unknown>).flatMap(([k, v]) => [k, String(v)])
      return [String(id), list] as [string, string[]]
    }),
  ])
}
