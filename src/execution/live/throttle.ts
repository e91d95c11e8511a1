import type { Clock, TimerHandle } from '../../core/clock.js'
import { QueueFullError, StateError, TimeoutError } from '../../errors/index.js'

/**
 * A token bucket on the clock: `limit` acquisitions per `intervalMs`, waiters served in order, at most `maxQueued`
 * waiting (more is refused with a QueueFullError).
 */
export class SubmitThrottle {
  readonly #clock: Clock
  readonly #limit: number
  readonly #intervalMs: number
  readonly #maxQueued: number
  #tokens: number
  #last: number
  #queue: { resolve: () => void; reject: (e: Error) => void }[] = []
  #timer: TimerHandle | undefined

  constructor(clock: Clock, limit: number, intervalMs: number, maxQueued: number) {
    this.#clock = clock
    this.#limit = limit
    this.#intervalMs = intervalMs
    this.#maxQueued = maxQueued
    this.#tokens = limit
    this.#last = clock.now()
  }

  /** Waiting acquisitions. */
  get queued(): number {
    return this.#queue.length
  }

  /** Resolves when a submission may go out. */
  acquire(): Promise<void> {
    this.#refill()
    if (this.#queue.length === 0 && this.#tokens >= 1) {
      this.#tokens -= 1
      return Promise.resolve()
    }
    if (this.#queue.length >= this.#maxQueued) {
      return Promise.reject(
        new QueueFullError('Too many order submissions waiting for the rate limit', this.#maxQueued),
      )
    }
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ resolve, reject })
      this.#schedule()
    })
  }

  /** Rejects every waiter (shutdown). */
  close(): void {
    this.#clock.clearTimeout(this.#timer)
    this.#timer = undefined
    const q = this.#queue
    this.#queue = []
    for (const w of q) w.reject(new StateError('Executor shut down before the order could be sent'))
  }

  #refill(): void {
    const now = this.#clock.now()
    const elapsed = now - this.#last
    if (elapsed <= 0) return
    this.#tokens = Math.min(this.#limit, this.#tokens + (elapsed * this.#limit) / this.#intervalMs)
    this.#last = now
  }

  #schedule(): void {
    if (this.#timer !== undefined) return
    const wait = Math.max(1, Math.ceil(((1 - this.#tokens) * this.#intervalMs) / this.#limit))
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined
      this.#refill()
      while (this.#queue.length > 0 && this.#tokens >= 1) {
        this.#tokens -= 1
        this.#queue.shift()?.resolve()
      }
      if (this.#queue.length > 0) this.#schedule()
    }, wait)
  }
}

/** Races `p` against a clock timer; the late settlement of `p` is swallowed (never unhandled). */
export function withTimeout<T>(clock: Clock, p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const h = clock.setTimeout(() => reject(new TimeoutError(`${what} timed out after ${ms} ms`, ms)), ms)
    p.then(
      (v) => {
        clock.clearTimeout(h)
        resolve(v)
      },
      (e: unknown) => {
        clock.clearTimeout(h)
        reject(e)
      },
    )
  })
}

/** The requests and background work an executor has in flight, so a shutdown can wait for them (bounded). */
export class InFlight {
  readonly #pending = new Set<Promise<unknown>>()

  /** Tracks `p` until it settles; returns it. */
  track<T>(p: Promise<T>): Promise<T> {
    this.#pending.add(p)
    const done = () => this.#pending.delete(p)
    p.then(done, done)
    return p
  }

  /** Waits until everything tracked has settled, at most `timeoutMs`. */
  async drain(clock: Clock, timeoutMs: number): Promise<void> {
    if (this.#pending.size === 0) return
    let h: ReturnType<Clock['setTimeout']> | undefined
    const bound = new Promise<void>((resolve) => {
      h = clock.setTimeout(resolve, timeoutMs)
    })
    await Promise.race([Promise.allSettled([...this.#pending]), bound])
    clock.clearTimeout(h)
  }
}
