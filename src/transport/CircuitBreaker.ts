import * as z from 'zod/mini'
import { type Clock, SystemClock } from '../core/clock.js'
import { parseConfig } from '../core/config.js'
import { type Listenable, TypedEmitter } from '../core/events.js'
import { ClockSchema, DurationMsSchema } from '../core/schemas.js'
import { CircuitOpenError, type TradekitError } from '../errors/index.js'

/** States of a {@link CircuitBreaker}. */
export const CircuitState = {
  /** Calls flow; consecutive failures are counted. */
  CLOSED: 'CLOSED',
  /** Calls fail fast with `CircuitOpenError` until the cooldown ends. */
  OPEN: 'OPEN',
  /** The cooldown ended: a limited number of trial calls decide between CLOSED and OPEN. */
  HALF_OPEN: 'HALF_OPEN',
} as const
/** One of the {@link CircuitState} values. */
export type CircuitState = (typeof CircuitState)[keyof typeof CircuitState]

/** Schema of {@link CircuitBreakerConfig}; defaults are applied here. */
export const CircuitBreakerConfigSchema = z.strictObject({
  /** Consecutive failures that open the circuit. Default 5. */
  failureThreshold: z._default(/* @__PURE__ */ z.int().check(z.positive()), 5),
  /** How long the circuit stays open before a trial call, in ms. Default 30 s. */
  cooldownMs: z._default(DurationMsSchema, 30_000),
  /** Trial calls allowed at once while half-open. Default 1. */
  halfOpenMaxCalls: z._default(/* @__PURE__ */ z.int().check(z.positive()), 1),
  /** Time source; default `SystemClock`. */
  clock: z.optional(ClockSchema),
  /** Receives errors emitted while nobody listens to `error`. */
  onUnhandledError: z.optional(z.custom<(e: TradekitError) => void>((v) => typeof v === 'function')),
})

/**
 * The `circuitBreaker` option of an HTTP client or venue adapter: a {@link CircuitBreaker} (duck-typed, so one from
 * another copy of the package is accepted) or `false` to disable it.
 */
export const CircuitBreakerOptionSchema = /* @__PURE__ */ z.union([
  z.custom<CircuitBreaker>(
    (v: unknown) =>
      typeof v === 'object' &&
      v !== null &&
      ['acquire', 'onSuccess', 'onFailure', 'release'].every(
        (n) => typeof (v as Record<string, unknown>)[n] === 'function',
      ),
    'must be a CircuitBreaker',
  ),
  z.literal(false),
])

/** What {@link CircuitBreaker} takes (defaults documented on {@link CircuitBreakerConfigSchema}). */
export type CircuitBreakerConfig = z.input<typeof CircuitBreakerConfigSchema>

/** Payload of `state.changed`. */
export interface CircuitStateChangedEvent {
  readonly type: 'state.changed'
  readonly from: CircuitState
  readonly to: CircuitState
  /** Consecutive failures counted when the change happened. */
  readonly failures: number
  readonly tsEvent: number
}

/** Events of a {@link CircuitBreaker}. */
export interface CircuitBreakerEvents {
  'state.changed': [e: CircuitStateChangedEvent]
  error: [error: TradekitError]
}

/**
 * A circuit breaker (closed / open / half-open) on consecutive failures. Used by {@link HttpClient} around every
 * request, and usable around anything else with {@link CircuitBreaker.run}.
 *
 * @example
 * ```ts
 * const breaker = new CircuitBreaker({ failureThreshold: 5, cooldownMs: 30_000 })
 * breaker.events.on('state.changed', (e) => console.log(e.from, '->', e.to))
 * const data = await breaker.run(() => fetchSomething())
 * ```
 */
export class CircuitBreaker {
  readonly #bus: TypedEmitter<CircuitBreakerEvents>
  /** Subscribe to `state.changed` and `error`. */
  readonly events: Listenable<CircuitBreakerEvents>
  readonly #clock: Clock
  readonly #threshold: number
  readonly #cooldownMs: number
  readonly #halfOpenMax: number
  #state: CircuitState = CircuitState.CLOSED
  #failures = 0
  #openedAt = 0
  #trials = 0

  constructor(config: CircuitBreakerConfig = {}) {
    const cfg = parseConfig(CircuitBreakerConfigSchema, config, 'CircuitBreaker')
    this.#clock = cfg.clock ?? new SystemClock()
    this.#bus = new TypedEmitter<CircuitBreakerEvents>(
      cfg.onUnhandledError ? { onUnhandledError: cfg.onUnhandledError } : {},
    )
    this.events = this.#bus
    this.#threshold = cfg.failureThreshold
    this.#cooldownMs = cfg.cooldownMs
    this.#halfOpenMax = cfg.halfOpenMaxCalls
  }

  /** Current state; an open circuit whose cooldown has ended reads as `HALF_OPEN`. */
  get state(): CircuitState {
    this.#tick()
    return this.#state
  }

  /** Consecutive failures counted so far. */
  get failures(): number {
    return this.#failures
  }

  /** Epoch ms at which an open circuit allows a trial call, or `undefined` when not open. */
  get retryAtMs(): number | undefined {
    this.#tick()
    return this.#state === CircuitState.OPEN ? this.#openedAt + this.#cooldownMs : undefined
  }

  /**
   * Asks to make one call. Throws `CircuitOpenError` when the circuit is open (or half-open with its trial calls
   * in flight). Every successful `acquire` must be followed by exactly one `onSuccess` or `onFailure`.
   */
  acquire(): void {
    this.#tick()
    if (this.#state === CircuitState.CLOSED) return
    if (this.#state === CircuitState.HALF_OPEN && this.#trials < this.#halfOpenMax) {
      this.#trials++
      return
    }
    const retryAt = this.#state === CircuitState.OPEN ? this.#openedAt + this.#cooldownMs : this.#clock.now()
    throw new CircuitOpenError('Circuit open: calls are failing fast', retryAt, {
      details: { state: this.#state, failures: this.#failures },
    })
  }

  /** Reports a successful call: closes a half-open circuit and resets the failure count. */
  onSuccess(): void {
    this.#failures = 0
    if (this.#state !== CircuitState.CLOSED) {
      this.#trials = 0
      this.#set(CircuitState.CLOSED)
    }
  }

  /** Reports a failed call: opens the circuit at the threshold, or again after a failed trial. */
  onFailure(): void {
    this.#failures++
    if (this.#state === CircuitState.HALF_OPEN) {
      this.#open()
      return
    }
    if (this.#state === CircuitState.CLOSED && this.#failures >= this.#threshold) this.#open()
  }

  /** Reports a call whose outcome says nothing about the service (the caller aborted it): frees its trial slot. */
  release(): void {
    if (this.#state === CircuitState.HALF_OPEN && this.#trials > 0) this.#trials--
  }

  /**
   * Runs `fn` through the breaker. `isFailure` decides which errors count (default: all); the error is rethrown
   * either way.
   */
  async run<T>(fn: () => Promise<T>, isFailure: (e: unknown) => boolean = () => true): Promise<T> {
    this.acquire()
    let result: T
    try {
      result = await fn()
    } catch (e) {
      if (isFailure(e)) this.onFailure()
      else this.onSuccess()
      throw e
    }
    this.onSuccess()
    return result
  }

  /** Forces the circuit closed and clears the failure count. */
  reset(): void {
    this.#failures = 0
    this.#trials = 0
    if (this.#state !== CircuitState.CLOSED) this.#set(CircuitState.CLOSED)
  }

  #open(): void {
    this.#openedAt = this.#clock.now()
    this.#trials = 0
    this.#set(CircuitState.OPEN)
  }

  #tick(): void {
    if (this.#state === CircuitState.OPEN && this.#clock.now() >= this.#openedAt + this.#cooldownMs) {
      this.#trials = 0
      this.#set(CircuitState.HALF_OPEN)
    }
  }

  #set(to: CircuitState): void {
    const from = this.#state
    if (from === to) return
    this.#state = to
    this.#bus.emit('state.changed', {
      type: 'state.changed',
      from,
      to,
      failures: this.#failures,
      tsEvent: this.#clock.now(),
    })
  }
}
