import * as z from 'zod/mini'
import { type Clock, SystemClock } from '../core/clock.js'
import { parseConfig } from '../core/config.js'
import { type Listenable, TypedEmitter } from '../core/events.js'
import { ClockSchema } from '../core/schemas.js'
import { AuthError, ConfigError, type TradekitError } from '../errors/index.js'
import { loadRedis } from './loadRedis.js'
import { SharedStateUnavailableError } from './SharedStateUnavailableError.js'

const ms = (d: number) => z._default(/* @__PURE__ */ z.int().check(z.positive()), d)

/** TLS options passed to Node's `tls.connect` (CA, client certificate, server name...). */
export interface RedisTlsOptions {
  readonly ca?: string | readonly string[]
  readonly cert?: string
  readonly key?: string
  readonly servername?: string
  readonly rejectUnauthorized?: boolean
}

/** Schema of {@link RedisConnectionConfig}; defaults are applied here. */
export const RedisConnectionConfigSchema = z.strictObject({
  /** `redis://[user:pass@]host:port[/db]` or `rediss://` (TLS). Overrides host, port and database. */
  url: z.optional(/* @__PURE__ */ z.string().check(z.regex(/^rediss?:\/\//))),
  /** Default `127.0.0.1`. */
  host: z._default(z.string(), '127.0.0.1'),
  /** Default 6379. */
  port: z._default(/* @__PURE__ */ z.int().check(z.positive()), 6379),
  /** ACL user. */
  username: z.optional(z.string()),
  /** Time source for event times and shared pause deadlines. Default: the system clock. */
  clock: z.optional(ClockSchema),
  /** ACL password (never logged nor put in errors). */
  password: z.optional(z.string()),
  /** Logical database. Default 0. */
  database: z._default(/* @__PURE__ */ z.int().check(z.nonnegative()), 0),
  /** `true` or Node TLS options to connect over TLS. Default off (or on for `rediss://`). */
  tls: z.optional(
    z.union([z.boolean(), z.custom<RedisTlsOptions>((v) => typeof v === 'object' && v !== null)]),
  ),
  /** First part of every key and channel. Default `tradekit`. */
  keyPrefix: z._default(/* @__PURE__ */ z.string().check(z.regex(/^[\w.-]+$/)), 'tradekit'),
  /** Second part: the processes that share one budget, one kill switch and one set of streams. Default `default`. */
  deployment: z._default(/* @__PURE__ */ z.string().check(z.regex(/^[\w.-]+$/)), 'default'),
  /** A command not answered within this fails with `SharedStateUnavailableError`. Default 500 ms. */
  commandTimeoutMs: ms(500),
  /** The first connection must be ready within this. Default 5 s. */
  connectTimeoutMs: ms(5_000),
  /** Longest pause between reconnection attempts. Default 1 s. */
  reconnectMaxDelayMs: ms(1_000),
})

/** What {@link RedisConnection.connect} takes (defaults documented on {@link RedisConnectionConfigSchema}). */
export type RedisConnectionConfig = z.input<typeof RedisConnectionConfigSchema>

/** Redis stopped answering (`redis.disconnected`) or answers again (`redis.reconnected`). */
export interface RedisConnectionChanged {
  readonly type: 'redis.disconnected' | 'redis.reconnected'
  readonly tsEvent: number
}

/**
 * Events of a {@link RedisConnection}. `error` reports a background failure once per kind and outage (not once per
 * reconnection attempt), after `redis.disconnected`: `SharedStateUnavailableError` (unreachable, refused, a new
 * connection that never answers; retryable, reconnection goes on) or `AuthError` (`AUTH_FAILED`: Redis refused the
 * credentials, e.g. a rotated password; reconnection goes on, but only a config change fixes it). Never the password.
 */
export interface RedisConnectionEvents {
  'redis.disconnected': [e: RedisConnectionChanged]
  'redis.reconnected': [e: RedisConnectionChanged]
  error: [e: TradekitError]
}

/** The node-redis client methods tradekit uses (stable across node-redis 5 and 6). */
interface Client {
  readonly isReady: boolean
  connect(): Promise<unknown>
  sendCommand(args: readonly string[]): Promise<unknown>
  subscribe(channel: string, listener: (message: string) => void): Promise<void>
  unsubscribe(channel: string, listener: (message: string) => void): Promise<void>
  duplicate(): Client
  on(event: string, listener: (...args: unknown[]) => void): unknown
  destroy(): void
}

/** A channel subscription asked for; `done` once Redis confirmed it (node-redis renews it after a reconnect). */
interface Subscription {
  readonly key: string
  readonly listener: (message: string) => void
  /** What node-redis calls: `listener`, until `unsubscribe` (node-redis may deliver until Redis confirms that). */
  readonly deliver: (message: string) => void
  done: boolean
  /** Set by `unsubscribe`: a SUBSCRIBE still in flight is undone once Redis confirms it. */
  ended?: boolean
}

/**
 * One connection to Redis for every `tradekit/redis` component of a process: keys under
 * `<keyPrefix>:<deployment>:`, commands bounded by `commandTimeoutMs` (never queued while Redis is down: they fail
 * at once with {@link SharedStateUnavailableError}), automatic reconnection with `redis.disconnected` /
 * `redis.reconnected` events. The password never appears in errors or events.
 *
 * @example
 * ```ts
 * const redis = await RedisConnection.connect({ url: 'rediss://redis.internal:6380', deployment: 'prod-eu' })
 * const limiter = new RateLimiter({ windows, store: new RedisRateLimitStore({ redis, scope: 'binance-ip-1' }) })
 * ```
 */
export class RedisConnection {
  readonly #bus = new TypedEmitter<RedisConnectionEvents>()
  /** Subscribe to `redis.disconnected`, `redis.reconnected` and `error`. */
  readonly events: Listenable<RedisConnectionEvents> = this.#bus
  readonly #client: Client
  readonly #base: string
  readonly #timeoutMs: number
  readonly #connectTimeoutMs: number
  readonly #retryMs: number
  readonly #shas = new Map<string, string>()
  /** Every subscription asked for, confirmed or not yet. */
  readonly #subs: Subscription[] = []
  #subscriber: Client | undefined
  #up = false
  #closed = false
  #recycling = false
  #probing = false
  #retryTimer: ReturnType<typeof setTimeout> | undefined
  /** Set once `connect` succeeded: failures before that reject `connect` instead of being emitted. */
  #started = false
  /** Failure kinds reported on `error` since Redis last answered. */
  readonly #reported = new Set<'auth' | 'unreachable'>()

  /** The time source of this connection (event times, shared pause deadlines). */
  readonly clock: Clock

  private constructor(client: Client, cfg: z.output<typeof RedisConnectionConfigSchema>) {
    this.#client = client
    this.clock = cfg.clock ?? new SystemClock()
    this.#base = `${cfg.keyPrefix}:${cfg.deployment}`
    this.#timeoutMs = cfg.commandTimeoutMs
    this.#connectTimeoutMs = cfg.connectTimeoutMs
    this.#retryMs = cfg.reconnectMaxDelayMs
    client.on('ready', () => this.#setUp(true))
    client.on('end', () => this.#setUp(false))
    client.on('reconnecting', () => this.#setUp(false))
    // node-redis emits socket errors here while it reconnects (one per attempt): reported once per kind and outage.
    client.on('error', (e) => {
      this.#setUp(false)
      this.#report(e)
    })
  }

  /**
   * Loads node-redis, connects and waits until Redis answers. Rejects with a `ConfigError` when the `redis` package
   * is missing or the config is invalid, an `AuthError` (`AUTH_FAILED`, not retryable) as soon as Redis refuses the
   * credentials (`WRONGPASS`, `NOAUTH`), a {@link SharedStateUnavailableError} when Redis is not ready in time.
   */
  static async connect(config: RedisConnectionConfig = {}): Promise<RedisConnection> {
    const cfg = parseConfig(RedisConnectionConfigSchema, config, 'RedisConnection')
    const { createClient } = await loadRedis()
    const tls = cfg.tls === undefined || cfg.tls === false ? undefined : cfg.tls === true ? {} : cfg.tls
    const raw = createClient({
      ...(cfg.url !== undefined ? { url: cfg.url } : {}),
      ...(cfg.username !== undefined ? { username: cfg.username } : {}),
      ...(cfg.password !== undefined ? { password: cfg.password } : {}),
      ...(cfg.url === undefined ? { database: cfg.database } : {}),
      disableOfflineQueue: true,
      socket: {
        ...(cfg.url === undefined ? { host: cfg.host, port: cfg.port } : {}),
        connectTimeout: cfg.connectTimeoutMs,
        reconnectStrategy: (retries: number) =>
          Math.min(50 * 2 ** Math.min(retries, 10), cfg.reconnectMaxDelayMs),
        ...(tls !== undefined ? { tls: true as const, ...(tls as object) } : {}),
      },
    })
    const wrap = (r: typeof raw): Client => ({
      get isReady() {
        return r.isReady
      },
      connect: () => r.connect(),
      sendCommand: (args) => r.sendCommand(args),
      // The listener itself (not a wrapper): node-redis keeps a Set per channel, so subscribing it again is a no-op.
      subscribe: (channel, listener) => r.subscribe(channel, listener),
      unsubscribe: (channel, listener) => r.unsubscribe(channel, listener),
      duplicate: () => wrap(r.duplicate()),
      on: (event, listener) => r.on(event, listener),
      destroy: () => r.destroy(),
    })
    const client = wrap(raw)
    const conn = new RedisConnection(client, cfg)
    // Never an unhandled 'error' event on the client; the last one (a refused certificate, a refused connection)
    // says why the first connection did not come up better than the timeout does.
    let lastError: unknown
    let refused: (e: unknown) => void = () => {}
    // node-redis retries a refused AUTH like a lost socket; a wrong password is not worth waiting for.
    const authRefused = new Promise<never>((_, reject) => {
      refused = reject
    })
    client.on('error', (e) => {
      lastError = e
      if (isAuthRefusal(e)) refused(e)
    })
    try {
      await withTimeout(Promise.race([client.connect(), authRefused]), cfg.connectTimeoutMs, 'connect')
    } catch (cause) {
      client.destroy()
      if (cause instanceof ConfigError) throw cause
      if (isAuthRefusal(cause)) throw authError(cause)
      throw new SharedStateUnavailableError('Redis is not reachable', {
        cause: redactCause(lastError ?? cause),
        details: { store: 'redis' },
      })
    }
    conn.#up = true
    conn.#started = true
    return conn
  }

  /** True while Redis answers. */
  get isUp(): boolean {
    return this.#up && this.#client.isReady
  }

  /** A key of this deployment: `<keyPrefix>:<deployment>:<parts joined by ':'>`. */
  key(...parts: readonly string[]): string {
    return [this.#base, ...parts].join(':')
  }

  /** Sends one command; rejects with {@link SharedStateUnavailableError} when Redis is down or slow. */
  async command(args: readonly string[]): Promise<unknown> {
    if (this.#closed) throw new SharedStateUnavailableError('Redis connection is closed')
    if (!this.#client.isReady)
      throw new SharedStateUnavailableError('Redis is unavailable', { details: { store: 'redis' } })
    try {
      return await withTimeout(this.#client.sendCommand(args), this.#timeoutMs, args[0] ?? '', () =>
        this.#probe(),
      )
    } catch (cause) {
      if (cause instanceof SharedStateUnavailableError) throw cause
      if (isReplyError(cause)) throw cause
      throw new SharedStateUnavailableError(`Redis command ${args[0] ?? ''} failed`, {
        cause: redactCause(cause),
        details: { store: 'redis' },
      })
    }
  }

  /**
   * Runs a Lua script by its SHA (`EVALSHA`; loaded with `SCRIPT LOAD` on first use and again after a Redis restart
   * answered `NOSCRIPT`, which means it did not run, so the one retry cannot apply it twice).
   */
  async script(lua: string, keys: readonly string[], args: readonly string[]): Promise<unknown> {
    const call = async (): Promise<unknown> => {
      let sha = this.#shas.get(lua)
      if (sha === undefined) {
        sha = String(await this.command(['SCRIPT', 'LOAD', lua]))
        this.#shas.set(lua, sha)
      }
      return this.command(['EVALSHA', sha, String(keys.length), ...keys, ...args])
    }
    try {
      return await call()
    } catch (e) {
      if (!(e instanceof Error && e.message.startsWith('NOSCRIPT'))) throw e
      this.#shas.delete(lua)
      return call()
    }
  }

  /** Publishes on a channel of this deployment (`key(channel)`). */
  publish(channel: string, message: string): Promise<unknown> {
    return this.command(['PUBLISH', this.key(channel), message])
  }

  /**
   * Subscribes to a channel of this deployment on a second connection (opened on first use; node-redis resubscribes
   * after a reconnect). A subscription Redis could not confirm (down or slow: rejects with
   * {@link SharedStateUnavailableError}) is made again as soon as it answers. Messages missed while Redis was down are
   * not replayed: pair it with polling.
   */
  async subscribe(channel: string, listener: (message: string) => void): Promise<void> {
    if (this.#closed) throw new SharedStateUnavailableError('Redis connection is closed')
    // Kept even when this call times out (Redis down): made again each time the subscriber connection is ready.
    const sub: Subscription = {
      key: this.key(channel),
      listener,
      deliver: (m) => {
        if (sub.ended !== true) listener(m)
      },
      done: false,
    }
    this.#subs.push(sub)
    try {
      await withTimeout(this.#subscribeOne(sub), this.#timeoutMs * 4, 'subscribe')
    } catch (cause) {
      if (cause instanceof SharedStateUnavailableError) throw cause
      throw new SharedStateUnavailableError('Redis SUBSCRIBE failed (made again when Redis answers)', {
        cause: redactCause(cause),
        details: { store: 'redis' },
      })
    }
  }

  /**
   * Ends a {@link RedisConnection.subscribe} of `listener` to `channel` (also one Redis has not confirmed yet): the
   * listener hears nothing more, and the subscriber connection leaves the channel when no listener is left on it.
   */
  async unsubscribe(channel: string, listener: (message: string) => void): Promise<void> {
    const key = this.key(channel)
    const i = this.#subs.findIndex((s) => s.key === key && s.listener === listener && s.ended !== true)
    if (i < 0) return
    const [sub] = this.#subs.splice(i, 1) as [Subscription]
    sub.ended = true
    if (sub.done && !this.#closed) await this.#subscriber?.unsubscribe(key, sub.deliver)
  }

  async #subscribeOne(sub: Subscription): Promise<void> {
    if (this.#subscriber === undefined) {
      const client = this.#client.duplicate()
      // Its socket errors are the same outage as the main connection's: reported once between them.
      client.on('error', (e) => this.#report(e))
      client.on('ready', () => {
        for (const s of this.#subs) if (!s.done) this.#subscribeOne(s).catch(() => {})
      })
      this.#subscriber = client
      // node-redis keeps trying (reconnectStrategy) until it connects; 'ready' then subscribes what is left.
      client.connect().catch(() => {})
    }
    await this.#subscriber.subscribe(sub.key, sub.deliver)
    sub.done = true
    if (sub.ended === true) await this.#subscriber.unsubscribe(sub.key, sub.deliver) // ended while in flight
  }

  /** Closes both connections; later commands fail. */
  close(): void {
    if (this.#closed) return
    this.#closed = true
    this.#up = false
    clearTimeout(this.#retryTimer)
    this.#subscriber?.destroy()
    this.#client.destroy()
  }

  /**
   * A command went unanswered in time: a PING sent behind it tells a slow or busy process (it is answered: the
   * connection is kept) from a connection that stopped answering (it is not either: dropped and made again).
   */
  #probe(): void {
    if (this.#closed || this.#recycling || this.#probing || !this.#client.isReady) return
    this.#probing = true
    withTimeout(this.#client.sendCommand(['PING']), this.#timeoutMs, 'PING', () => this.#recycle())
      .catch(() => {})
      .finally(() => {
        this.#probing = false
      })
  }

  /**
   * Drops a connection whose command and PING went unanswered (a stalled server, a half-open socket after the server's host
   * vanished): node-redis alone keeps it, queues every later command behind the lost one and never reconnects. The
   * commands still waiting on it reject (their answers are lost: never re-sent); a new connection is made at once.
   */
  #recycle(): void {
    if (this.#closed || this.#recycling) return
    this.#recycling = true
    this.#client.destroy()
    this.#setUp(false)
    const attempt = (): void => {
      if (this.#closed) return
      withTimeout(this.#client.connect(), this.#connectTimeoutMs, 'connect').then(
        () => {
          this.#recycling = false
          if (this.#client.isReady) this.#setUp(true)
        },
        (e: unknown) => {
          if (this.#closed) return
          this.#report(e)
          // Also a new connection that is accepted but never answers: give it up and try again.
          this.#client.destroy()
          this.#retryTimer = setTimeout(attempt, this.#retryMs)
        },
      )
    }
    attempt()
  }

  /** Emits a background failure on `error`, once per kind until Redis answers again. */
  #report(e: unknown): void {
    if (this.#closed || !this.#started) return
    const kind = isAuthRefusal(e) ? 'auth' : 'unreachable'
    if (this.#reported.has(kind)) return
    this.#reported.add(kind)
    this.#bus.emit(
      'error',
      kind === 'auth'
        ? authError(e)
        : e instanceof SharedStateUnavailableError
          ? e
          : new SharedStateUnavailableError('Redis connection failed (reconnecting)', {
              cause: redactCause(e),
              details: { store: 'redis' },
            }),
    )
  }

  #setUp(up: boolean): void {
    if (this.#closed || up === this.#up) return
    if (up) this.#reported.clear()
    this.#up = up
    const type = up ? 'redis.reconnected' : 'redis.disconnected'
    this.#bus.emit(type, { type, tsEvent: this.clock.now() })
  }
}

/** A Redis error reply (a script error, a wrong type): a bug to surface, not an outage. */
function isReplyError(e: unknown): boolean {
  // node-redis: `ErrorReply` and its subclasses (`SimpleError`, `BlobError`); older clients: `ReplyError`.
  if (!(e instanceof Error)) return false
  for (let p = Object.getPrototypeOf(e); p !== null && p !== Error.prototype; p = Object.getPrototypeOf(p))
    if (/^(ErrorReply|ReplyError)$/.test(p.constructor.name)) return true
  return false
}

/** Redis refused the credentials: `WRONGPASS` (wrong user or password), `NOAUTH` (none given), or Redis < 6's reply. */
function isAuthRefusal(e: unknown): e is Error {
  return isReplyError(e) && /^(WRONGPASS|NOAUTH)\b|^ERR invalid password/.test((e as Error).message)
}

/** A configuration problem, not an outage: not retryable; the reply's code only, never the password. */
function authError(cause: unknown): AuthError {
  const message = cause instanceof Error ? cause.message : ''
  const venueCode = /^(WRONGPASS|NOAUTH)/.exec(message)?.[0] ?? 'ERR'
  return new AuthError(
    'redis',
    `Redis refused the credentials (${venueCode}): check the username and password`,
    {
      venueCode,
      cause: redactCause(cause),
      details: { store: 'redis' },
    },
  )
}

/** The cause without anything that could hold the URL (and its password). */
function redactCause(e: unknown): Error {
  const name = e instanceof Error ? e.name : 'Error'
  const message = e instanceof Error ? e.message.replace(/\/\/[^@/\s]*@/g, '//***@') : 'unknown'
  return Object.assign(new Error(message), { name })
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string, onTimeout?: () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => {
      reject(new SharedStateUnavailableError(`Redis ${what} timed out after ${ms} ms`))
      onTimeout?.()
    }, ms)
    p.then(
      (v) => {
        clearTimeout(t)
        resolve(v)
      },
      (e: unknown) => {
        clearTimeout(t)
        reject(e)
      },
    )
  })
}
