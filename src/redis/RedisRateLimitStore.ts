import * as z from 'zod/mini'
import { parseConfig } from '../core/config.js'
import { type Listenable, TypedEmitter } from '../core/events.js'
import { BannedError, type TradekitError } from '../errors/index.js'
import { formatEpochMs } from '../transport/formatEpochMs.js'
import {
  type RateLimitCharge,
  RateLimiter,
  type RateLimitReservation,
  type RateLimitStore,
} from '../transport/index.js'
import { RedisConnection } from './RedisConnection.js'
import { OBSERVE_LUA, RESERVE_LUA, UNTIL_LUA } from './rateLimitScripts.js'
import { SharedBudgetUnavailableError } from './SharedBudgetUnavailableError.js'
import { SharedStateUnavailableError } from './SharedStateUnavailableError.js'

/** Schema of {@link RedisRateLimitStoreConfig}; defaults are applied here. */
export const RedisRateLimitStoreConfigSchema = z.strictObject({
  /** The process's connection. */
  redis: z.custom<RedisConnection>((v) => v instanceof RedisConnection, 'must be a RedisConnection'),
  /**
   * What the budget belongs to: one per venue limit holder (`binance-spot-ip-203.0.113.7`, `binance-acct-main`).
   * Processes with the same scope (and deployment) share one budget.
   */
  scope: /* @__PURE__ */ z.string().check(z.regex(/^[\w.:-]+$/)),
  /**
   * While Redis is unreachable, cancels, reduce-only exits (the `CANCEL` lane) and market data go out on this share
   * of each window's limit, held by a limiter in this process alone; new orders (the `ORDER` lane) fail closed.
   * Keep `processes × share ≤ 1`. Default 0.1.
   */
  fallbackShare: z._default(/* @__PURE__ */ z.number().check(z.positive(), z.maximum(1)), 0.1),
  /** How long a fallback request waits before asking Redis again, ms. Default 100. */
  fallbackRetryMs: z._default(/* @__PURE__ */ z.int().check(z.positive()), 100),
})

/** What {@link RedisRateLimitStore} takes (defaults documented on {@link RedisRateLimitStoreConfigSchema}). */
export type RedisRateLimitStoreConfig = z.input<typeof RedisRateLimitStoreConfigSchema>

/** Counters of a {@link RedisRateLimitStore}, for metrics. */
export interface RedisRateLimitStoreStats {
  /** Requests Redis reserved. */
  readonly reserved: number
  /** Requests granted on the local fallback budget while Redis was down. */
  readonly fallbackGranted: number
  /** Requests refused because Redis was down and their lane fails closed. */
  readonly failedClosed: number
  /** True while Redis does not answer and the local fallback budget is in use. */
  readonly onFallback: boolean
}

/** Payload of `budget.fallbackStarted` / `budget.fallbackEnded`: the store left or rejoined the shared budget. */
export interface RateBudgetFallbackChanged {
  readonly type: 'budget.fallbackStarted' | 'budget.fallbackEnded'
  readonly scope: string
  readonly tsEvent: number
}

/** Payload of `budget.failedClosed`: a new entry was refused (not sent) because Redis did not answer. */
export interface RateBudgetFailedClosed {
  readonly type: 'budget.failedClosed'
  readonly scope: string
  readonly priority: RateLimitReservation['priority']
  readonly error: SharedBudgetUnavailableError
  readonly tsEvent: number
}

/** Events of a {@link RedisRateLimitStore}. */
export interface RedisRateLimitStoreEvents {
  'budget.fallbackStarted': [e: RateBudgetFallbackChanged]
  'budget.fallbackEnded': [e: RateBudgetFallbackChanged]
  'budget.failedClosed': [e: RateBudgetFailedClosed]
  error: [e: TradekitError]
}

/**
 * The {@link RateLimitStore} of many processes: each window's count lives in Redis and is charged by one Lua script
 * (atomic across processes, with the lanes' reserves so cancels go first), usage headers from every process raise
 * it to the venue's own count, and a 429 pause or 418 ban seen by one process holds all of them. When Redis is down or
 * slow, new orders (the `ORDER` lane) fail closed with {@link SharedBudgetUnavailableError} (not sent, so never an
 * unknown outcome) and `budget.failedClosed`; cancels, reduce-only exits (the `CANCEL` lane, see `orderPriority`)
 * and market data go on under a conservative local budget (`fallbackShare`) between `budget.fallbackStarted` and
 * `budget.fallbackEnded`, which comes with the first answer from Redis. Nothing waits on Redis beyond
 * `commandTimeoutMs`, and nothing is ever sent twice because of a Redis retry (a reservation is made before a
 * request is sent, never after; a reservation whose answer was lost counts as not granted).
 *
 * @example
 * ```ts
 * const redis = await RedisConnection.connect({ deployment: 'prod' })
 * const store = new RedisRateLimitStore({ redis, scope: 'binance-spot-ip-1' })
 * const limiter = new RateLimiter({ windows: [{ id: 'REQUEST_WEIGHT', limit: 6000, intervalMs: 60_000 }], store })
 * ```
 */
export class RedisRateLimitStore implements RateLimitStore {
  readonly #bus = new TypedEmitter<RedisRateLimitStoreEvents>()
  /** Subscribe to `budget.fallbackStarted`, `budget.fallbackEnded` and `budget.failedClosed`. */
  readonly events: Listenable<RedisRateLimitStoreEvents> = this.#bus
  readonly #redis: RedisConnection
  readonly #scope: string
  readonly #share: number
  readonly #retryMs: number
  readonly #fallback = new Map<string, RateLimiter>()
  #reserved = 0
  #fallbackGranted = 0
  #failedClosed = 0
  #onFallback = false

  constructor(config: RedisRateLimitStoreConfig) {
    const cfg = parseConfig(RedisRateLimitStoreConfigSchema, config, 'RedisRateLimitStore')
    this.#redis = cfg.redis
    this.#scope = cfg.scope
    this.#share = cfg.fallbackShare
    this.#retryMs = cfg.fallbackRetryMs
  }

  /** Counters since construction. */
  get stats(): RedisRateLimitStoreStats {
    return {
      reserved: this.#reserved,
      fallbackGranted: this.#fallbackGranted,
      failedClosed: this.#failedClosed,
      onFallback: this.#onFallback,
    }
  }

  async reserve(r: RateLimitReservation): Promise<number> {
    const keys = [this.#key('pause'), this.#key('ban')]
    const args = [String(r.nowMs)]
    for (const c of r.charges) {
      keys.push(this.#windowKey(c, r.nowMs))
      args.push(c.mode, String(c.limit), String(c.intervalMs), String(c.cost), String(c.floor))
    }
    let reply: unknown
    try {
      reply = await this.#redis.script(RESERVE_LUA, keys, args)
    } catch (e) {
      if (!(e instanceof SharedStateUnavailableError)) throw e
      return this.#onUnavailable(r, e)
    }
    const [head, until] = Array.isArray(reply) ? reply.map(Number) : [Number.NaN]
    this.#setFallback(false)
    if (head === -1 && until !== undefined)
      throw new BannedError(`Banned by the venue until ${formatEpochMs(until)} (shared)`, until)
    if (head === undefined || !Number.isFinite(head) || head < 0)
      throw new SharedStateUnavailableError('Unexpected reply from the rate budget script')
    if (head === 0) this.#reserved++
    return head
  }

  observeUsage(
    w: Omit<RateLimitCharge, 'cost' | 'floor'>,
    used: number,
    sentAtMs: number,
    nowMs: number = sentAtMs,
  ): void {
    // The count describes the fixed window the request was sent in; a rolling window is spent as of the answer.
    const args = [
      w.mode,
      String(w.limit),
      String(w.intervalMs),
      String(used),
      String(Math.max(nowMs, sentAtMs)),
    ]
    const key = this.#windowKey(w, sentAtMs)
    this.#redis.script(OBSERVE_LUA, [key], args).catch(() => {})
  }

  pause(untilMs: number): void {
    this.#raise('pause', untilMs)
  }

  ban(untilMs: number): void {
    this.#raise('ban', untilMs)
  }

  #raise(kind: 'pause' | 'ban', untilMs: number): void {
    const args = [String(Math.ceil(untilMs)), String(this.#redis.clock.now())]
    this.#redis.script(UNTIL_LUA, [this.#key(kind)], args).catch(() => {})
  }

  #key(part: string): string {
    return this.#redis.key('rl', this.#scope, part)
  }

  #windowKey(w: Pick<RateLimitCharge, 'id' | 'mode' | 'intervalMs'>, nowMs: number): string {
    if (w.mode === 'rolling') return this.#key(`w:${w.id}`)
    return this.#key(`w:${w.id}:${Math.floor(nowMs / w.intervalMs)}`)
  }

  /** Redis is down: cancels, exits and reads on the local fallback budget; new entries fail closed. */
  #onUnavailable(r: RateLimitReservation, cause: SharedStateUnavailableError): number {
    this.#setFallback(true)
    if (r.priority === 'ORDER') {
      this.#failedClosed++
      const error = new SharedBudgetUnavailableError(
        'Shared rate budget unavailable: new orders fail closed (not sent)',
        this.#retryMs,
        { cause, details: { store: 'redis', scope: this.#scope, priority: r.priority } },
      )
      this.#bus.emit('budget.failedClosed', {
        type: 'budget.failedClosed',
        scope: this.#scope,
        priority: r.priority,
        error,
        tsEvent: this.#redis.clock.now(),
      })
      throw error
    }
    try {
      // Each window on its own local limiter (one count per window, whatever else a request uses), charged only
      // when every window has room: a request that waits never spends what it did not get.
      const local = r.charges.map((c) => [this.#fallbackFor(c), c.cost] as const)
      const fits = local.every(([l, cost]) => (l.snapshot().windows[0]?.remaining ?? 0) >= cost - 1e-9)
      if (!fits) return this.#retryMs
      for (const [l, cost] of local) l.tryAcquire({ cost })
    } catch (e) {
      throw new SharedStateUnavailableError('Shared rate budget unavailable', { cause: e })
    }
    this.#fallbackGranted++
    return 0
  }

  #setFallback(on: boolean): void {
    if (on === this.#onFallback) return
    // The local limiters keep their counts from one outage to the next: a flapping Redis never refills them early.
    this.#onFallback = on
    const type = on ? 'budget.fallbackStarted' : 'budget.fallbackEnded'
    this.#bus.emit(type, { type, scope: this.#scope, tsEvent: this.#redis.clock.now() })
  }

  #fallbackFor(c: RateLimitCharge): RateLimiter {
    let limiter = this.#fallback.get(c.id)
    if (limiter === undefined) {
      const limit = Math.max(c.cost, Math.floor(c.limit * this.#share))
      limiter = new RateLimiter({
        windows: [{ id: c.id, limit, intervalMs: c.intervalMs, mode: c.mode }],
        clock: this.#redis.clock,
        reserve: { CANCEL: 0, ORDER: 0, MARKET_DATA: 0 },
      })
      this.#fallback.set(c.id, limiter)
    }
    return limiter
  }
}
