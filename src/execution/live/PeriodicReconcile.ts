import type { Clock, TimerHandle } from '../../core/clock.js'
import { isTradekitError, type TradekitError, toTradekitError } from '../../errors/index.js'

/** What a {@link PeriodicReconcile} needs from the executor that owns it. */
export interface PeriodicReconcileHost {
  readonly clock: Clock
  /** From the end of one pass to the start of the next, ms; 0 or Infinity: never. */
  readonly intervalMs: number
  /** One reconciliation pass (the executor's `reconcile()`); a rejection is reported, never thrown. */
  run(): Promise<unknown>
  /** Whether another pass (after a reconnect) runs now: the periodic one then waits one more interval. */
  isBusy(): boolean
  isClosed(): boolean
  /** Tracks a running pass, so a shutdown waits for it. */
  track(p: Promise<void>): void
  emitError(e: TradekitError): void
}

/**
 * Reconciles the live OrderExecutor with the venue every `intervalMs`, on the executor's clock: fills and order updates
 * the user stream lost without a reconnect (a dropped message) are found within one interval. Passes never overlap
 * (the next is timed from the end of the last); a failed pass is reported on `error` and the next waits at least what
 * a rate limit or ban asks; `close()` stops it.
 *
 * @example
 * ```ts
 * const periodic = new PeriodicReconcile({ clock, intervalMs: 30_000, run: () => reconciler.reconcile(), ...rest })
 * periodic.start() // after the first reconciliation
 * periodic.close() // at shutdown
 * ```
 */
export class PeriodicReconcile {
  readonly #host: PeriodicReconcileHost
  #timer: TimerHandle | undefined
  #running = false
  #closed = false

  constructor(host: PeriodicReconcileHost) {
    this.#host = host
  }

  /** Whether passes run at all (an interval that is neither 0 nor Infinity). */
  get isEnabled(): boolean {
    const ms = this.#host.intervalMs
    return ms > 0 && Number.isFinite(ms)
  }

  /** Arms the first pass one interval from now; a no-op when disabled, closed or already armed. */
  start(): void {
    if (!this.isEnabled || this.#closed || this.#running || this.#timer !== undefined) return
    this.#arm(this.#host.intervalMs)
  }

  /** Another pass just started (after a reconnect): the next periodic one is due a full interval from now. */
  postpone(): void {
    if (this.#timer === undefined || this.#closed) return
    this.#arm(this.#host.intervalMs)
  }

  /** Stops the passes; one running finishes (the executor waits for it) and arms nothing more. */
  close(): void {
    this.#closed = true
    this.#host.clock.clearTimeout(this.#timer)
    this.#timer = undefined
  }

  #arm(ms: number): void {
    const clock = this.#host.clock
    clock.clearTimeout(this.#timer)
    this.#timer = clock.setTimeout(() => this.#due(), ms)
  }

  #due(): void {
    this.#timer = undefined
    const h = this.#host
    if (this.#closed || h.isClosed()) return
    if (h.isBusy()) this.#arm(h.intervalMs)
    else {
      this.#running = true
      h.track(this.#pass())
    }
  }

  async #pass(): Promise<void> {
    const h = this.#host
    let delay = h.intervalMs
    try {
      await h.run()
    } catch (e) {
      const error = toTradekitError(e)
      h.emitError(error)
      // Asking before the venue lets us in again only spends more of the budget we are out of.
      if (isTradekitError(error, 'RATE_LIMITED')) delay = Math.max(delay, error.retryAfterMs)
      if (isTradekitError(error, 'BANNED')) delay = Math.max(delay, error.untilMs - h.clock.now())
    } finally {
      this.#running = false
      if (!this.#closed && !h.isClosed()) this.#arm(delay)
    }
  }
}
