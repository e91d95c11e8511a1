import * as z from 'zod/mini'
import { type Clock, SystemClock, sleep, type TimerHandle } from '../core/clock.js'
import { parseConfig } from '../core/config.js'
import { type Listenable, TypedEmitter } from '../core/events.js'
import { ClockSchema, DurationMsSchema, PositiveDurationMsSchema } from '../core/schemas.js'
import {
  BannedError,
  InvariantError,
  QueueFullError,
  RateLimitError,
  StateError,
  type TradekitError,
  ValidationError,
} from '../errors/index.js'
import { formatEpochMs, MAX_EPOCH_MS } from './formatEpochMs.js'
import type { RateLimitStore } from './RateLimitStore.js'

/**
 * Priority lanes, highest first. When the budget is tight, cancels and reduce-only orders go first, then new
 * orders, then market data: a bot must always be able to cancel.
 */
export const Priority = {
  /** Cancels and reduce-only orders. */
  CANCEL: 'CANCEL',
  /** New orders and other account actions. */
  ORDER: 'ORDER',
  /** Market data and other reads. */
  MARKET_DATA: 'MARKET_DATA',
} as const
/** One of the {@link Priority} lanes. */
export type Priority = (typeof Priority)[keyof typeof Priority]

const LANES: readonly Priority[] = [Priority.CANCEL, Priority.ORDER, Priority.MARKET_DATA]

/**
 * How a window's budget comes back: `fixed` refills the whole budget at each `intervalMs` boundary of the clock
 * (Binance's per-minute, per-10-second and per-day counters work this way); `rolling` refills continuously at
 * `limit / intervalMs` (a classic token bucket, for venues that throttle on a moving window).
 */
export const WindowMode = { FIXED: 'fixed', ROLLING: 'rolling' } as const
/** One of the {@link WindowMode} values. */
export type WindowMode = (typeof WindowMode)[keyof typeof WindowMode]

/** Schema of one limit window; a `defaultCost` over the `limit` is refused (no request could ever pay it). */
export const RateLimitWindowSchema = /* @__PURE__ */ z
  .strictObject({
    /** Name used by request costs and usage headers (`REQUEST_WEIGHT`, `ORDERS_10S`). */
    id: /* @__PURE__ */ z.string().check(z.minLength(1)),
    /** Budget per interval (weight units, orders, requests...). */
    limit: /* @__PURE__ */ z.number().check(z.positive()),
    /** Interval length in ms (60_000 for "per minute"). */
    intervalMs: PositiveDurationMsSchema,
    /** Refill model, default `fixed`. */
    mode: z._default(z.enum(['fixed', 'rolling']), 'fixed'),
    /** What a request that names no cost spends here, at most `limit`. Default 1; use 0 for order-count windows. */
    defaultCost: z._default(/* @__PURE__ */ z.number().check(z.nonnegative()), 1),
  })
  .check(
    z.refine((w) => w.defaultCost <= w.limit, {
      message: 'defaultCost must not exceed limit',
      path: ['defaultCost'],
    }),
  )

/** Schema of {@link RateLimiterConfig}; defaults are applied here. */
export const RateLimiterConfigSchema = z.strictObject({
  /** The limits enforced together; a request waits until every window it uses has room. Default: none. */
  windows: z._default(z.array(RateLimitWindowSchema), []),
  /** Longest a request may wait for budget before it fails with a `RateLimitError`. Default 30 s. */
  maxWaitMs: z._default(DurationMsSchema, 30_000),
  /** Most requests that may wait at once (all lanes); more fail with a `QueueFullError`. Default 1000. */
  maxQueue: z._default(/* @__PURE__ */ z.int().check(z.positive()), 1000),
  /**
   * Share of each window kept free for higher lanes: a lane may only spend budget while `reserve[lane] · limit`
   * stays unused. Default `{ CANCEL: 0, ORDER: 0.05, MARKET_DATA: 0.2 }`.
   */
  reserve: z._default(
    z.strictObject({
      CANCEL: z._default(/* @__PURE__ */ z.number().check(z.minimum(0), z.maximum(1)), 0),
      ORDER: z._default(/* @__PURE__ */ z.number().check(z.minimum(0), z.maximum(1)), 0.05),
      MARKET_DATA: z._default(/* @__PURE__ */ z.number().check(z.minimum(0), z.maximum(1)), 0.2),
    }),
    { CANCEL: 0, ORDER: 0.05, MARKET_DATA: 0.2 },
  ),
  /** Time source; default `SystemClock`. */
  clock: z.optional(ClockSchema),
  /** Receives errors emitted while nobody listens to `error`. */
  onUnhandledError: z.optional(z.custom<(e: TradekitError) => void>((v) => typeof v === 'function')),
  /**
   * Budget shared with other processes (e.g. `RedisRateLimitStore` from `tradekit/redis`): a request the local
   * windows granted is also reserved there; usage headers, pauses and bans are forwarded. Default: none (in memory).
   */
  store: z.optional(
    z.custom<RateLimitStore>(
      (v) => typeof v === 'object' && v !== null && typeof (v as RateLimitStore).reserve === 'function',
      'must be a RateLimitStore',
    ),
  ),
})

/** What {@link RateLimiter} takes (defaults documented on {@link RateLimiterConfigSchema}). */
export type RateLimiterConfig = z.input<typeof RateLimiterConfigSchema>
/** One limit window as given in {@link RateLimiterConfig}. */
export type RateLimitWindowConfig = z.input<typeof RateLimitWindowSchema>

/**
 * Cost of one request: a number charges every window that amount; a record charges only the windows it names
 * (`{ REQUEST_WEIGHT: 1, ORDERS_10S: 1, ORDERS_1D: 1 }`). No cost charges each window its `defaultCost`.
 */
export type RequestCost = number | Readonly<Record<string, number>>

/** Parameters of {@link RateLimiter.acquire} and {@link RateLimiter.tryAcquire}. */
export interface AcquireOptions {
  /** What the request costs; default each window's `defaultCost` (1 unless configured). */
  readonly cost?: RequestCost
  /** Lane; default `MARKET_DATA`. */
  readonly priority?: Priority
  /** Aborting removes the request from the queue and rejects with the signal's reason. */
  readonly signal?: AbortSignal
  /** Overrides the limiter's `maxWaitMs` for this request. */
  readonly maxWaitMs?: number
}

/** State of one window in a {@link RateLimiterSnapshot}. */
export interface RateLimitWindowSnapshot {
  readonly id: string
  readonly limit: number
  readonly intervalMs: number
  readonly mode: WindowMode
  /** Budget left now. */
  readonly remaining: number
  /** For `fixed` windows: ms until the budget is refilled; for `rolling`: ms until it is full again. */
  readonly resetInMs: number
}

/** Observable state of a {@link RateLimiter}, for metrics. */
export interface RateLimiterSnapshot {
  readonly windows: readonly RateLimitWindowSnapshot[]
  /** Requests waiting, per lane. */
  readonly queued: Readonly<Record<Priority, number>>
  /** Epoch ms at which the current ban ends, or `undefined` when not banned. */
  readonly bannedUntilMs: number | undefined
  /** Epoch ms until which every lane is paused (a 429's Retry-After), or `undefined`. */
  readonly pausedUntilMs: number | undefined
  /** Requests granted since creation. */
  readonly granted: number
  /** Requests that had to wait before being granted. */
  readonly waited: number
  /** Total ms spent waiting by granted requests. */
  readonly waitedMs: number
  /** Requests refused (wait too long, queue full, banned, aborted). */
  readonly rejected: number
}

/** Payload of the `limiter.throttled` event: a request has to wait for budget. */
export interface ThrottledEvent {
  readonly type: 'limiter.throttled'
  readonly priority: Priority
  /** Estimated wait in ms when the request was queued. */
  readonly waitMs: number
  readonly tsEvent: number
}

/** Payload of the `limiter.banned` event: nothing may be sent before `untilMs`. */
export interface BannedEvent {
  readonly type: 'limiter.banned'
  readonly untilMs: number
  readonly tsEvent: number
}

/** Payload of the `limiter.paused` event: every lane waits until `untilMs` (a 429 with Retry-After). */
export interface PausedEvent {
  readonly type: 'limiter.paused'
  readonly untilMs: number
  readonly tsEvent: number
}

/** Events of a {@link RateLimiter}. */
export interface RateLimiterEvents {
  'limiter.throttled': [e: ThrottledEvent]
  'limiter.banned': [e: BannedEvent]
  'limiter.paused': [e: PausedEvent]
  error: [error: TradekitError]
}

const EPS = 1e-9

class Window {
  readonly id: string
  limit: number
  intervalMs: number
  readonly mode: WindowMode
  readonly defaultCost: number
  /** fixed: used in the current window. */
  used = 0
  start = Number.NEGATIVE_INFINITY
  /** rolling: tokens left at `last`. */
  tokens: number
  last: number

  constructor(cfg: z.output<typeof RateLimitWindowSchema>, now: number) {
    this.id = cfg.id
    this.limit = cfg.limit
    this.intervalMs = cfg.intervalMs
    this.mode = cfg.mode
    this.defaultCost = cfg.defaultCost
    this.tokens = cfg.limit
    this.last = now
  }

  sync(now: number): void {
    if (this.mode === 'fixed') {
      const start = Math.floor(now / this.intervalMs) * this.intervalMs
      if (start !== this.start) {
        this.start = start
        this.used = 0
      }
    } else if (now > this.last) {
      this.tokens = Math.min(this.limit, this.tokens + ((now - this.last) * this.limit) / this.intervalMs)
      this.last = now
    }
  }

  remaining(now: number): number {
    this.sync(now)
    return this.mode === 'fixed' ? this.limit - this.used : this.tokens
  }

  /** 0 when `cost` fits now while keeping `reserve` free; otherwise ms until it will. */
  waitMs(now: number, cost: number, reserve: number): number {
    this.sync(now)
    if (this.mode === 'fixed') {
      const cap = Math.max(this.limit - reserve, cost)
      if (this.used + cost <= cap + EPS) return 0
      return Math.max(1, this.start + this.intervalMs - now)
    }
    const floor = Math.min(reserve, this.limit - cost)
    const missing = cost + floor - this.tokens
    if (missing <= EPS) return 0
    return Math.max(1, Math.ceil((missing * this.intervalMs) / this.limit))
  }

  /** New limit and length at `now`, keeping what was used: the count (fixed) or the spent tokens (rolling). */
  resize(now: number, limit: number, intervalMs: number): void {
    this.sync(now)
    const used = this.mode === 'fixed' ? this.used : Math.max(0, this.limit - this.tokens)
    this.limit = limit
    this.intervalMs = intervalMs
    if (this.mode === 'fixed') this.start = Math.floor(now / intervalMs) * intervalMs
    else this.tokens = limit - used
  }

  take(cost: number): void {
    if (this.mode === 'fixed') this.used += cost
    else this.tokens -= cost
  }

  observe(now: number, used: number): void {
    this.sync(now)
    if (this.mode === 'fixed') this.used = Math.max(this.used, used)
    else this.tokens = Math.min(this.tokens, this.limit - used)
  }

  resetInMs(now: number): number {
    this.sync(now)
    if (this.mode === 'fixed') return this.start + this.intervalMs - now
    return Math.ceil(((this.limit - this.tokens) * this.intervalMs) / this.limit)
  }
}

/** A cost no state of `w` could ever admit (it is over the whole limit): refused, never queued. */
function tooCostly(w: Window, cost: number): ValidationError {
  return new ValidationError(`Cost ${cost} exceeds the "${w.id}" limit ${w.limit}`, { field: 'cost' })
}

interface Waiter {
  readonly charges: ReadonlyArray<readonly [Window, number]>
  readonly priority: Priority
  readonly enqueuedAt: number
  readonly resolve: () => void
  readonly reject: (e: unknown) => void
  deadline: TimerHandle | undefined
  cleanup: () => void
}

/**
 * A weighted token-bucket rate limiter over several windows at once (weight per minute, orders per 10 s, orders
 * per day), with priority lanes, a bounded wait queue, server-usage feedback, 429 pauses and bans. One instance
 * can be shared by every client that spends the same budget (one Binance IP, many bots).
 *
 * @example
 * ```ts
 * const limiter = new RateLimiter({
 *   windows: [
 *     { id: 'REQUEST_WEIGHT', limit: 6000, intervalMs: 60_000 },
 *     { id: 'ORDERS_10S', limit: 100, intervalMs: 10_000 },
 *   ],
 * })
 * await limiter.acquire({ cost: { REQUEST_WEIGHT: 1, ORDERS_10S: 1 }, priority: 'CANCEL' })
 * limiter.observeUsage('REQUEST_WEIGHT', 1234) // from X-MBX-USED-WEIGHT-1M
 * ```
 */
export class RateLimiter {
  readonly #bus: TypedEmitter<RateLimiterEvents>
  /** Subscribe to `limiter.throttled`, `limiter.banned`, `limiter.paused` and `error`. */
  readonly events: Listenable<RateLimiterEvents>
  readonly #clock: Clock
  readonly #windows = new Map<string, Window>()
  readonly #all: Window[] = []
  readonly #maxWaitMs: number
  readonly #maxQueue: number
  readonly #reserve: Readonly<Record<Priority, number>>
  readonly #store: RateLimitStore | undefined
  readonly #lanes: Record<Priority, Waiter[]> = { CANCEL: [], ORDER: [], MARKET_DATA: [] }
  #queued = 0
  #timer: TimerHandle | undefined
  #timerAt = Number.POSITIVE_INFINITY
  #bannedUntil = 0
  #pausedUntil = 0
  #closed = false
  #granted = 0
  #waited = 0
  #waitedMs = 0
  #rejected = 0

  constructor(config: RateLimiterConfig = {}) {
    const cfg = parseConfig(RateLimiterConfigSchema, config, 'RateLimiter')
    this.#clock = cfg.clock ?? new SystemClock()
    this.#bus = new TypedEmitter<RateLimiterEvents>(
      cfg.onUnhandledError ? { onUnhandledError: cfg.onUnhandledError } : {},
    )
    this.events = this.#bus
    this.#maxWaitMs = cfg.maxWaitMs
    this.#maxQueue = cfg.maxQueue
    this.#reserve = cfg.reserve
    this.#store = cfg.store
    const now = this.#clock.now()
    for (const w of cfg.windows) {
      if (this.#windows.has(w.id)) throw new ValidationError(`Duplicate rate limit window "${w.id}"`)
      const win = new Window(w, now)
      this.#windows.set(w.id, win)
      this.#all.push(win)
    }
  }

  /** Ids of the configured windows. */
  get windowIds(): readonly string[] {
    return this.#all.map((w) => w.id)
  }

  /** Epoch ms at which the current ban ends, or `undefined`. */
  get bannedUntilMs(): number | undefined {
    return this.#bannedUntil > this.#clock.now() ? this.#bannedUntil : undefined
  }

  /**
   * Waits (bounded by `maxWaitMs`) until every window the request uses has room, then charges it.
   * Rejects with `BannedError` during a ban, `RateLimitError` when the wait would be too long, `QueueFullError`
   * when too many requests wait, `ValidationError` for a cost no window could ever hold. With a `store`, the request
   * is then reserved in the shared budget too (waiting there within the same `maxWaitMs`); the store's own errors
   * (e.g. shared state unavailable) reject as they are.
   */
  acquire(params: AcquireOptions = {}): Promise<void> {
    try {
      const local = this.#acquireLocal(params)
      const store = this.#store
      if (store === undefined) return local
      const startedAt = this.#clock.now()
      return local.then(() => this.#reserveShared(store, params, startedAt))
    } catch (e) {
      // Never a synchronous throw: a caller awaiting the promise sees every failure there.
      return Promise.reject(e)
    }
  }

  /** After the local grant: reserves the same charges in the shared store, waiting (bounded) while it says so. */
  async #reserveShared(store: RateLimitStore, params: AcquireOptions, startedAt: number): Promise<void> {
    const priority = params.priority ?? Priority.MARKET_DATA
    const ratio = this.#reserve[priority]
    const charges = this.#charges(params.cost).map(([w, cost]) => ({
      id: w.id,
      limit: w.limit,
      intervalMs: w.intervalMs,
      mode: w.mode,
      cost,
      floor: ratio * w.limit,
    }))
    if (charges.length === 0) return
    const maxWaitMs = params.maxWaitMs ?? this.#maxWaitMs
    for (;;) {
      if (this.#closed) throw new StateError('RateLimiter is closed')
      if (params.signal?.aborted) throw params.signal.reason
      let waitMs: number
      try {
        waitMs = await store.reserve({ charges, priority, nowMs: this.#clock.now() })
      } catch (e) {
        this.#rejected++
        if (e instanceof BannedError) this.#banLocal(e.untilMs)
        throw e
      }
      if (typeof waitMs !== 'number' || !Number.isFinite(waitMs) || waitMs < 0) {
        // Fail closed: a store that cannot say how long to wait has not said the request may go.
        this.#rejected++
        throw new InvariantError(`Rate limit store answered "${String(waitMs)}", not a wait in ms >= 0`, {
          details: { priority, shared: true },
        })
      }
      if (waitMs === 0) return
      const waited = this.#clock.now() - startedAt
      if (waited + waitMs > maxWaitMs) {
        this.#rejected++
        throw new RateLimitError(`Shared rate limit budget exhausted for ${waitMs} ms`, waitMs, {
          details: { priority, shared: true },
        })
      }
      this.#waitedMs += waitMs
      await sleep(this.#clock, Math.max(1, waitMs), params.signal) // rejects with the signal's reason
    }
  }

  #acquireLocal(params: AcquireOptions): Promise<void> {
    if (this.#closed) return Promise.reject(new StateError('RateLimiter is closed'))
    if (params.signal?.aborted) {
      this.#rejected++
      return Promise.reject(params.signal.reason)
    }
    let charges: Array<readonly [Window, number]>
    try {
      charges = this.#charges(params.cost)
    } catch (e) {
      return Promise.reject(e)
    }
    const priority = params.priority ?? Priority.MARKET_DATA
    const now = this.#clock.now()
    const banned = this.#banError(now)
    if (banned) {
      this.#rejected++
      return Promise.reject(banned)
    }
    if (this.#queued === 0 && this.#wait(now, charges, priority) === 0) {
      this.#grant(charges)
      return Promise.resolve()
    }
    const estimate = this.#wait(now, charges, priority)
    const maxWaitMs = params.maxWaitMs ?? this.#maxWaitMs
    if (estimate > maxWaitMs) {
      this.#rejected++
      return Promise.reject(
        new RateLimitError(
          `Rate limit budget exhausted for ${estimate} ms (max wait ${maxWaitMs} ms)`,
          estimate,
          {
            details: { priority },
          },
        ),
      )
    }
    if (this.#queued >= this.#maxQueue) {
      this.#rejected++
      return Promise.reject(new QueueFullError('Rate limiter queue is full', this.#maxQueue))
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        charges,
        priority,
        enqueuedAt: now,
        resolve,
        reject,
        deadline: undefined,
        cleanup: () => {},
      }
      const signal = params.signal
      if (signal) {
        const onAbort = (): void => this.#drop(waiter, signal.reason)
        signal.addEventListener('abort', onAbort, { once: true })
        waiter.cleanup = () => signal.removeEventListener('abort', onAbort)
      }
      waiter.deadline = this.#clock.setTimeout(() => {
        waiter.deadline = undefined
        // Budget freed at this very instant goes to the waiter rather than to the deadline.
        this.#pump()
        this.#drop(
          waiter,
          new RateLimitError(`Waited ${maxWaitMs} ms for rate limit budget`, this.#estimate(waiter), {
            details: { priority },
          }),
        )
      }, maxWaitMs)
      this.#lanes[priority].push(waiter)
      this.#queued++
      this.#pump()
      if (this.#lanes[priority].includes(waiter))
        this.#bus.emit('limiter.throttled', {
          type: 'limiter.throttled',
          priority,
          waitMs: estimate,
          tsEvent: now,
        })
    })
  }

  /**
   * Charges the request and returns `true` when it fits right now (and nobody is queued ahead of it); otherwise
   * changes nothing and returns `false`. Never waits. Throws `BannedError` during a ban.
   */
  tryAcquire(params: Omit<AcquireOptions, 'signal' | 'maxWaitMs'> = {}): boolean {
    if (this.#closed) throw new StateError('RateLimiter is closed')
    if (this.#store !== undefined)
      throw new StateError('tryAcquire cannot reserve a shared budget synchronously: use acquire')
    const charges = this.#charges(params.cost)
    const now = this.#clock.now()
    const banned = this.#banError(now)
    if (banned) throw banned
    if (this.#queued > 0 || this.#wait(now, charges, params.priority ?? Priority.MARKET_DATA) !== 0)
      return false
    this.#grant(charges)
    return true
  }

  /**
   * Feeds the server's own count for a window (e.g. `X-MBX-USED-WEIGHT-1M`). The limiter never believes it has
   * more budget than the server says, so requests sent by other processes on the same IP are accounted for.
   * Pass `sentAtMs` (when the request was sent) so a count that straddles a fixed window's boundary is ignored.
   */
  observeUsage(windowId: string, used: number, sentAtMs?: number): void {
    const w = this.#windows.get(windowId)
    if (w === undefined || !Number.isFinite(used) || used < 0) return
    const now = this.#clock.now()
    // A count from a request sent in an earlier fixed window describes that window, not this one.
    if (
      sentAtMs !== undefined &&
      w.mode === 'fixed' &&
      Math.floor(sentAtMs / w.intervalMs) !== Math.floor(now / w.intervalMs)
    )
      return
    w.observe(now, used)
    this.#store?.observeUsage(
      { id: w.id, limit: w.limit, intervalMs: w.intervalMs, mode: w.mode },
      used,
      sentAtMs ?? now,
      now,
    )
  }

  /**
   * Changes a window's limit and length (e.g. to the venue's published limits); what was used so far is kept (a
   * fixed window's current count carries into the window of the new length that holds now), and queued requests
   * are granted at once when a raised limit lets them. A queued request costing more than a lowered limit can never
   * go: it is rejected with a `ValidationError`, as a new one is (also one that names no cost, over a `defaultCost`
   * the limit no longer holds). Unknown ids are ignored; a limit or interval that is not positive throws a
   * `ValidationError`.
   */
  resizeWindow(windowId: string, limit: number, intervalMs: number): void {
    if (!(limit > 0) || !(intervalMs > 0) || !Number.isFinite(limit) || !Number.isFinite(intervalMs))
      throw new ValidationError(`Window "${windowId}" needs a positive limit and interval`, {
        field: 'limit',
      })
    const w = this.#windows.get(windowId)
    if (w === undefined) return
    w.resize(this.#clock.now(), limit, intervalMs)
    for (const lane of LANES) {
      for (const waiter of [...this.#lanes[lane]]) {
        const cost = waiter.charges.find(([x]) => x === w)?.[1]
        if (cost !== undefined && cost > limit) this.#drop(waiter, tooCostly(w, cost))
      }
    }
    this.#pump()
  }

  /** Current time on the limiter's clock (what `sentAtMs` of {@link RateLimiter.observeUsage} is measured on). */
  now(): number {
    return this.#clock.now()
  }

  /** Holds every lane until `untilMs` (after a 429 with Retry-After); queued requests wait, none fail. */
  pause(untilMs: number): void {
    if (Number.isNaN(untilMs)) return
    untilMs = Math.min(untilMs, MAX_EPOCH_MS)
    if (untilMs <= this.#pausedUntil) return
    this.#pausedUntil = untilMs
    this.#store?.pause(untilMs)
    this.#bus.emit('limiter.paused', { type: 'limiter.paused', untilMs, tsEvent: this.#clock.now() })
    this.#pump()
  }

  /**
   * Bans every request until `untilMs` (after a 418): queued and new requests fail fast with `BannedError`. A time
   * past the last one a `Date` holds (year 275760) bans until then; NaN is ignored. Never throws.
   */
  ban(untilMs: number): void {
    if (Number.isNaN(untilMs)) return
    untilMs = Math.min(untilMs, MAX_EPOCH_MS)
    if (untilMs <= this.#bannedUntil) return
    this.#store?.ban(untilMs)
    this.#banLocal(untilMs)
  }

  /** Latches a ban in this process only (one the shared store reported, or one seen here). */
  #banLocal(untilMs: number): void {
    if (Number.isNaN(untilMs)) return
    untilMs = Math.min(untilMs, MAX_EPOCH_MS)
    if (untilMs <= this.#bannedUntil) return
    this.#bannedUntil = untilMs
    const now = this.#clock.now()
    this.#bus.emit('limiter.banned', { type: 'limiter.banned', untilMs, tsEvent: now })
    const error = this.#banError(now)
    if (error) this.#rejectAll(error)
  }

  /** Current state of every window, queue and ban, for metrics. */
  snapshot(): RateLimiterSnapshot {
    const now = this.#clock.now()
    return {
      windows: this.#all.map((w) => ({
        id: w.id,
        limit: w.limit,
        intervalMs: w.intervalMs,
        mode: w.mode,
        remaining: w.remaining(now),
        resetInMs: w.resetInMs(now),
      })),
      queued: {
        CANCEL: this.#lanes.CANCEL.length,
        ORDER: this.#lanes.ORDER.length,
        MARKET_DATA: this.#lanes.MARKET_DATA.length,
      },
      bannedUntilMs: this.#bannedUntil > now ? this.#bannedUntil : undefined,
      pausedUntilMs: this.#pausedUntil > now ? this.#pausedUntil : undefined,
      granted: this.#granted,
      waited: this.#waited,
      waitedMs: this.#waitedMs,
      rejected: this.#rejected,
    }
  }

  /** Rejects every queued request with a `StateError` and refuses new ones. */
  close(): void {
    if (this.#closed) return
    this.#closed = true
    this.#rejectAll(new StateError('RateLimiter is closed'))
  }

  #banError(now: number): BannedError | undefined {
    if (this.#bannedUntil <= now) return undefined
    return new BannedError(`Banned by the venue until ${formatEpochMs(this.#bannedUntil)}`, this.#bannedUntil)
  }

  #charges(cost: RequestCost | undefined): Array<readonly [Window, number]> {
    const out: Array<readonly [Window, number]> = []
    if (cost === undefined) {
      for (const w of this.#all) {
        if (w.defaultCost > w.limit) throw tooCostly(w, w.defaultCost)
        if (w.defaultCost > 0) out.push([w, w.defaultCost])
      }
      return out
    }
    if (typeof cost === 'number') {
      const c = cost
      if (!(c >= 0) || !Number.isFinite(c)) throw new ValidationError(`Invalid request cost "${c}"`)
      if (c === 0) return out
      for (const w of this.#all) {
        if (c > w.limit) throw tooCostly(w, c)
        out.push([w, c])
      }
      return out
    }
    for (const id in cost) {
      const c = cost[id] as number
      const w = this.#windows.get(id)
      if (w === undefined) throw new ValidationError(`Unknown rate limit window "${id}"`)
      if (!(c >= 0) || !Number.isFinite(c))
        throw new ValidationError(`Invalid cost "${c}" for window "${id}"`)
      if (c > w.limit) throw tooCostly(w, c)
      if (c > 0) out.push([w, c])
    }
    return out
  }

  #wait(now: number, charges: ReadonlyArray<readonly [Window, number]>, priority: Priority): number {
    let wait = this.#pausedUntil > now ? this.#pausedUntil - now : 0
    const ratio = this.#reserve[priority]
    for (let i = 0; i < charges.length; i++) {
      const [w, c] = charges[i] as readonly [Window, number]
      const ms = w.waitMs(now, c, ratio * w.limit)
      if (ms > wait) wait = ms
    }
    return wait
  }

  #estimate(w: Waiter): number {
    return Math.max(1, this.#wait(this.#clock.now(), w.charges, w.priority))
  }

  #grant(charges: ReadonlyArray<readonly [Window, number]>): void {
    for (let i = 0; i < charges.length; i++) {
      const [w, c] = charges[i] as readonly [Window, number]
      w.take(c)
    }
    this.#granted++
  }

  /**
   * Grants what fits, in lane order then FIFO. A waiter that cannot go claims the windows that block it, so nothing
   * behind it (in its lane or a lower one) may spend them first; requests on other windows still flow.
   */
  #pump(): void {
    if (this.#closed) return
    const now = this.#clock.now()
    const claimed = new Set<Window>()
    let next = Number.POSITIVE_INFINITY
    for (const lane of LANES) {
      const queue = this.#lanes[lane]
      for (let i = 0; i < queue.length; ) {
        const waiter = queue[i] as Waiter
        if (waiter.charges.some(([w]) => claimed.has(w))) {
          i++
          continue
        }
        const wait = this.#wait(now, waiter.charges, lane)
        if (wait === 0) {
          queue.splice(i, 1)
          this.#queued--
          this.#clock.clearTimeout(waiter.deadline)
          waiter.cleanup()
          this.#grant(waiter.charges)
          this.#waited++
          this.#waitedMs += now - waiter.enqueuedAt
          waiter.resolve()
          continue
        }
        // Claim only the windows that block it: budget elsewhere keeps flowing (the reserve protects higher lanes).
        const reserve = this.#reserve[lane]
        for (const [w, c] of waiter.charges) if (w.waitMs(now, c, reserve * w.limit) > 0) claimed.add(w)
        next = Math.min(next, wait)
        i++
      }
    }
    this.#arm(next === Number.POSITIVE_INFINITY ? undefined : now + next)
  }

  #arm(at: number | undefined): void {
    if (at === undefined) {
      if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer)
      this.#timer = undefined
      this.#timerAt = Number.POSITIVE_INFINITY
      return
    }
    if (this.#timer !== undefined && this.#timerAt === at) return
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer)
    this.#timerAt = at
    this.#timer = this.#clock.setTimeout(
      () => {
        this.#timer = undefined
        this.#timerAt = Number.POSITIVE_INFINITY
        this.#pump()
      },
      Math.max(1, at - this.#clock.now()),
    )
  }

  #drop(waiter: Waiter, reason: unknown): void {
    const queue = this.#lanes[waiter.priority]
    const i = queue.indexOf(waiter)
    if (i < 0) return
    queue.splice(i, 1)
    this.#queued--
    this.#rejected++
    this.#clock.clearTimeout(waiter.deadline)
    waiter.cleanup()
    waiter.reject(reason)
    // Windows it claimed are free for the others now.
    this.#pump()
  }

  #rejectAll(error: TradekitError): void {
    for (const lane of LANES) {
      const queue = this.#lanes[lane]
      this.#lanes[lane] = []
      for (const waiter of queue) {
        this.#clock.clearTimeout(waiter.deadline)
        waiter.cleanup()
        this.#rejected++
        waiter.reject(error)
      }
    }
    this.#queued = 0
    this.#arm(undefined)
  }
}
