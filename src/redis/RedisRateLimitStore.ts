import * as z from 'zod/mini'
import { parseConfig } from '../core/config.js'
import { BannedError } from '../errors/index.js'
import {
  type RateLimitCharge,
  RateLimiter,
  type RateLimitReservation,
  type RateLimitStore,
} from '../transport/index.js'
import { RedisConnection } from './RedisConnection.js'
import { OBSERVE_LUA, RESERVE_LUA, UNTIL_LUA } from './rateLimitScripts.js'
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
   * While Redis is unreachable, cancels and market data go out on this share of each window's limit, counted in
   * this process alone; new orders fail closed. Keep `processes × share ≤ 1`. Default 0.1.
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
}

/**
 * The {@link RateLimitStore} of many processes: each window's count lives in Redis and is charged by one Lua script
 * (atomic across processes, with the lanes' reserves so cancels go first), usage headers from every process raise
 * it to the venue's own count, and a 429 pause or 418 ban seen by one process holds all of them. When Redis is down,
 * new orders fail closed with {@link SharedStateUnavailableError}; cancels and market data go on under a
 * conservative local budget (`fallbackShare`); nothing is ever sent twice because of a Redis retry (a reservation
 * is made before a request is sent, never after).
 *
 * @example
 * ```ts
 * const redis = await RedisConnection.connect({ deployment: 'prod' })
 * const store = new RedisRateLimitStore({ redis, scope: 'binance-spot-ip-1' })
 * const limiter = new RateLimiter({ windows: [{ id: 'REQUEST_WEIGHT', limit: 6000, intervalMs: 60_000 }], store })
 * ```
 */
export class RedisRateLimitStore implements RateLimitStore {
  readonly #redis: RedisConnection
  readonly #scope: string
  readonly #share: number
  readonly #retryMs: number
  readonly #fallback = new Map<string, RateLimiter>()
  #reserved = 0
  #fallbackGranted = 0
  #failedClosed = 0

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
    if (head === -1 && until !== undefined)
      throw new BannedError(`Banned by the venue until ${new Date(until).toISOString()} (shared)`, until)
    if (head === undefined || !Number.isFinite(head) || head < 0)
      throw new SharedStateUnavailableError('Unexpected reply from the rate budget script')
    if (head === 0) this.#reserved++
    return head
  }

  observeUsage(w: Omit<RateLimitCharge, 'cost' | 'floor'>, used: number, sentAtMs: number): void {
    const args = [w.mode, String(w.limit), String(w.intervalMs), String(used), String(sentAtMs)]
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

  /** Redis is down: cancels and reads on the local fallback budget, everything else fails closed. */
  #onUnavailable(r: RateLimitReservation, cause: SharedStateUnavailableError): number {
    if (r.priority === 'ORDER') {
      this.#failedClosed++
      throw new SharedStateUnavailableError('Shared rate budget unavailable: new orders fail closed', {
        cause,
        details: { store: 'redis', scope: this.#scope, priority: r.priority },
      })
    }
    let granted = true
    try {
      // Each window on its own local limiter; a partial charge only makes the fallback more conservative.
      for (const c of r.charges) granted = this.#fallbackFor(c).tryAcquire({ cost: c.cost }) && granted
    } catch (e) {
      throw new SharedStateUnavailableError('Shared rate budget unavailable', { cause: e })
    }
    if (!granted) return this.#retryMs
    this.#fallbackGranted++
    return 0
  }

  #fallbackFor(c: RateLimitCharge): RateLimiter {
    let limiter = this.#fallback.get(c.id)
    if (limiter === undefined) {
      const limit = Math.max(c.cost, Math.floor(c.limit * this.#share))
      limiter = new RateLimiter({
        windows: [{ id: c.id, limit, intervalMs: c.intervalMs, mode: c.mode }],
        reserve: { CANCEL: 0, ORDER: 0, MARKET_DATA: 0 },
      })
      this.#fallback.set(c.id, limiter)
    }
    return limiter
  }
}
