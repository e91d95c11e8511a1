import * as z from 'zod/mini'
import { ValidationError } from '../errors/index.js'
import { parseConfig } from './config.js'

/** Handle returned by {@link Clock.setTimeout}. */
export type TimerHandle = { readonly __timer: unique symbol } | number | object

/**
 * Source of time and timers. Every tradekit component takes one, so tests and backtests run on a
 * {@link ManualClock} and nothing reads `Date.now()` directly.
 */
export interface Clock {
  /** Current time, epoch milliseconds. */
  now(): number
  /** Calls `fn` once after `ms`. */
  setTimeout(fn: () => void, ms: number): TimerHandle
  /** Cancels a timer from {@link Clock.setTimeout}; unknown handles are ignored. */
  clearTimeout(handle: TimerHandle | undefined): void
}

/**
 * The real clock: `Date.now()` and the platform's timers. Timers are `unref`ed where the platform allows,
 * so a forgotten timer never keeps a Node process alive.
 *
 * @example
 * ```ts
 * const clock = new SystemClock()
 * clock.setTimeout(() => console.log(clock.now()), 1000)
 * ```
 */
export class SystemClock implements Clock {
  now(): number {
    return Date.now()
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    const delay = timerDelay(ms)
    if (delay <= MAX_TIMER_MS) return platformTimer(fn, delay)
    // Longer than a platform timer waits (Node fires those after 1 ms): re-armed in steps until it is due.
    const long = new LongTimer()
    if (delay === Number.POSITIVE_INFINITY) return long // never due
    const due = Date.now() + delay
    const step = (): void => {
      const left = due - Date.now()
      long.current =
        left > MAX_TIMER_MS ? platformTimer(step, MAX_TIMER_MS) : platformTimer(fn, Math.max(0, left))
    }
    step()
    return long
  }
  clearTimeout(handle: TimerHandle | undefined): void {
    const t = handle instanceof LongTimer ? handle.current : handle
    if (t !== undefined) globalThis.clearTimeout(t as Parameters<typeof globalThis.clearTimeout>[0])
  }
}

/** The longest delay a platform timer waits (2^31 − 1 ms, about 24.8 days): Node and browsers fire longer ones at once. */
const MAX_TIMER_MS = 2 ** 31 - 1

/** A timer's delay as every clock reads it: NaN and negative delays are 0 (as the platform's), Infinity is never. */
function timerDelay(ms: number): number {
  return Number.isNaN(ms) ? 0 : Math.max(0, ms)
}

/** A platform timer that does not keep Node running. */
function platformTimer(fn: () => void, ms: number): TimerHandle {
  const t: unknown = globalThis.setTimeout(fn, ms)
  if (hasUnref(t)) t.unref()
  return t as TimerHandle
}

/** The handle of a {@link SystemClock} timer longer than a platform timer: the step armed now. */
class LongTimer {
  current: TimerHandle | undefined
}

/** Refuses a time a {@link ManualClock} cannot move to (it would be stuck there). */
function finiteTime(ms: number, what: string): number {
  if (!Number.isFinite(ms))
    throw new ValidationError(`ManualClock ${what} must be finite, got ${ms}`, { field: what })
  return ms
}

/** Node's timers have `unref`; browsers' are numbers. */
function hasUnref(t: unknown): t is { unref: () => void } {
  return typeof t === 'object' && t !== null && typeof (t as { unref?: unknown }).unref === 'function'
}

interface ManualTimer {
  readonly id: number
  readonly at: number
  readonly fn: () => void
}

/**
 * A clock that only moves when told to. `advance(ms)` runs every due timer in time order, setting `now()` to
 * each timer's due time as it fires. Used by tests and the backtester.
 *
 * @example
 * ```ts
 * const clock = new ManualClock(0)
 * clock.setTimeout(() => console.log('fired at', clock.now()), 500)
 * clock.advance(1000) // logs "fired at 500"; clock.now() === 1000
 * ```
 */
export class ManualClock implements Clock {
  #now: number
  #nextId = 1
  #timers = new Map<number, ManualTimer>()

  constructor(startMs = 0) {
    this.#now = startMs
  }
  now(): number {
    return this.#now
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.#nextId++
    this.#timers.set(id, { id, at: this.#now + timerDelay(ms), fn })
    return id
  }
  clearTimeout(handle: TimerHandle | undefined): void {
    if (typeof handle === 'number') this.#timers.delete(handle)
  }
  /** Number of timers waiting to fire. */
  get pendingTimers(): number {
    return this.#timers.size
  }
  /** Moves time forward by `ms`, firing due timers in order (timers they schedule fire too if due). */
  advance(ms: number): void {
    this.advanceTo(this.#now + finiteTime(ms, 'advance'))
  }
  /** Moves time forward to `ms` (never backward), firing due timers in order. */
  advanceTo(ms: number): void {
    const target = Math.max(finiteTime(ms, 'advanceTo'), this.#now)
    if (this.#timers.size === 0) {
      this.#now = target // nothing to fire (a backtest's candles: no timer walk per candle)
      return
    }
    for (;;) {
      const next = this.#nextDue(target)
      if (next === undefined) break
      this.#timers.delete(next.id)
      this.#now = next.at
      next.fn()
    }
    this.#now = target
  }
  /** Advances to each due timer in turn and awaits pending promise callbacks between them. */
  async advanceAsync(ms: number): Promise<void> {
    const target = this.#now + Math.max(0, finiteTime(ms, 'advanceAsync'))
    for (;;) {
      await flushMicrotasks()
      const next = this.#nextDue(target)
      if (next === undefined) break
      this.#timers.delete(next.id)
      this.#now = next.at
      next.fn()
    }
    this.#now = target
    await flushMicrotasks()
  }
  #nextDue(target: number): ManualTimer | undefined {
    let best: ManualTimer | undefined
    for (const t of this.#timers.values()) {
      if (t.at <= target && (best === undefined || t.at < best.at || (t.at === best.at && t.id < best.id)))
        best = t
    }
    return best
  }
}

async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve()
}

/**
 * Resolves after `ms` on `clock`; rejects with the signal's reason if `signal` aborts first. Unlike a bare
 * SystemClock timer, the wait keeps a Node process running: an awaited backoff is never abandoned by an exiting process.
 *
 * @example
 * ```ts
 * const clock = new ManualClock(0)
 * const done = sleep(clock, 1_000)
 * clock.advance(1_000) // `done` resolves
 * ```
 */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason)
      return
    }
    const onAbort = (): void => {
      clock.clearTimeout(handle)
      reject(signal?.reason)
    }
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    // Awaited, not forgotten: a SystemClock timer is unref'ed, and a process with nothing else to do would exit
    // (code 13, the await never settled) in the middle of a retry's backoff or a rate-limit wait.
    keepAlive(handle)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/** Makes a platform timer keep Node running until it fires or is cleared (Node's timers have `ref`). */
function keepAlive(handle: TimerHandle): void {
  const t: unknown = handle instanceof LongTimer ? handle.current : handle
  if (hasRef(t)) t.ref()
}

/** Node's timers have `ref` (as they have `unref`). */
function hasRef(t: unknown): t is { ref: () => void } {
  return typeof t === 'object' && t !== null && typeof (t as { ref?: unknown }).ref === 'function'
}

/** Schema of {@link ScaledClockConfig}. Unknown keys are rejected. */
export const ScaledClockConfigSchema = z.strictObject({
  /** How many times faster than real time: a positive number (required). */
  speed: /* @__PURE__ */ z.number().check(z.positive()),
  /** Clock time at construction, epoch ms. Default: the wall-clock time at construction. */
  startMs: z.optional(z.number()),
})

/** Options of {@link ScaledClock} (see {@link ScaledClockConfigSchema}). */
export type ScaledClockConfig = z.input<typeof ScaledClockConfigSchema>

/**
 * Real time, sped up: `now()` advances `speed` times faster than the wall clock from `startMs`, and timers fire
 * `speed` times sooner. For demos and soak runs on a simulator (a 1-minute candle every second at speed 60).
 *
 * @example
 * ```ts
 * const clock = new ScaledClock({ speed: 60 })
 * const sim = await BinanceSim.start({ clock })
 * ```
 */
export class ScaledClock implements Clock {
  readonly #speed: number
  readonly #startMs: number
  readonly #realStart: number
  readonly #real = new SystemClock()

  constructor(config: ScaledClockConfig) {
    const options = parseConfig(ScaledClockConfigSchema, config, 'ScaledClock')
    this.#speed = options.speed
    this.#realStart = Date.now()
    this.#startMs = options.startMs ?? this.#realStart
  }
  /** How many times faster than real time. */
  get speed(): number {
    return this.#speed
  }
  now(): number {
    return this.#startMs + Math.floor((Date.now() - this.#realStart) * this.#speed)
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    return this.#real.setTimeout(fn, Math.max(0, ms) / this.#speed)
  }
  clearTimeout(handle: TimerHandle | undefined): void {
    this.#real.clearTimeout(handle)
  }
}
