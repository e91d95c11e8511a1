import type { Clock, TimerHandle } from '../core/index.js'
import { type TradekitError, toTradekitError } from '../errors/index.js'
import { isStateSaveRefusedError } from './StateSaveRefusedError.js'
import type { PersistedRiskState, StateStore } from './StateStore.js'

/** First retry delay after a failed save, ms (doubling after each failure in a row, jittered). */
export const SAVE_RETRY_BASE_MS = 1_000
/** Longest retry delay, ms. */
export const SAVE_RETRY_MAX_MS = 60_000
/**
 * Retries scheduled after failures in a row; past them, the next change or `flush()` tries again. A save the store
 * refused on purpose (a {@link StateSaveRefusedError}) is never retried: the next change is saved.
 */
export const SAVE_MAX_RETRIES = 10

/** What a {@link StateSaver} writes with and reports to. */
export interface StateSaverDeps {
  readonly store: StateStore
  /** The guard's clock: retries wait on it (a `ManualClock` in tests and backtests). */
  readonly clock: Clock
  /** The state to save, read at each attempt (the latest, not the one that asked). */
  readonly snapshot: () => PersistedRiskState
  /** Called with every failed attempt and every refusal (the guard emits it on `error`). */
  readonly onError: (e: TradekitError) => void
  /** Uniform in [0, 1), for the retry jitter. Default `Math.random`. */
  readonly random?: () => number
}

/**
 * Saves a {@link TradingGuard}'s latched state: one write in flight at a time, later requests coalesced into one more.
 * The state stays unsaved ("dirty") until a write succeeds: a failed one is reported and retried after a jittered
 * backoff on the guard's clock (doubling from 1 s to 60 s, at most {@link SAVE_MAX_RETRIES} in a row; past them the
 * next change or {@link StateSaver.flush} tries again), so a HALT whose save failed is not lost at the next restart.
 * A save the store refused on purpose (a {@link StateSaveRefusedError}: a shared store holding a HALTED this state may
 * not replace, a stale halt) would be refused again: it is reported once and not retried; the next change is saved.
 *
 * @example
 * ```ts
 * const saver = new StateSaver({ store, clock, snapshot: () => guard.toPersisted(), onError: (e) => log.error(e) })
 * saver.request() // after every change
 * await saver.flush()
 * ```
 */
export class StateSaver {
  readonly #deps: StateSaverDeps
  #saving: Promise<void> | undefined
  #dirty = false
  /** Failed attempts in a row. */
  #failures = 0
  #retry: TimerHandle | undefined

  constructor(deps: StateSaverDeps) {
    this.#deps = deps
  }

  /**
   * Whether the latest state is not saved yet (a change not written, or a write that failed; not a state the store
   * refused on purpose, which waits for the next change).
   */
  get isDirty(): boolean {
    return this.#dirty
  }

  /** Asks for the latest state to be saved: now, or by the write in flight's successor, or by the scheduled retry. */
  request(): void {
    this.#dirty = true
    if (this.#saving === undefined && this.#retry === undefined) this.#run()
  }

  /**
   * Waits for the write in flight; then, when the latest state is still unsaved (a write failed), tries once more now
   * instead of at the scheduled retry. Resolves either way: a failure is reported on `onError`, never thrown.
   */
  async flush(): Promise<void> {
    while (this.#saving !== undefined) await this.#saving
    if (!this.#dirty) return
    this.#deps.clock.clearTimeout(this.#retry)
    this.#retry = undefined
    this.#run()
    while (this.#saving !== undefined) await this.#saving
  }

  #run(): void {
    const { store, snapshot, onError } = this.#deps
    this.#saving = (async () => {
      try {
        while (this.#dirty) {
          this.#dirty = false
          try {
            await store.save(snapshot())
            this.#failures = 0
          } catch (e) {
            if (isStateSaveRefusedError(e)) {
              // The store's answer, not a failure to reach it: the same state would be refused again. Reported once;
              // the next change (a halt copied from the store, say) is saved.
              this.#failures = 0
              onError(e)
              continue
            }
            this.#dirty = true // unsaved until a write succeeds
            this.#failures++
            onError(toTradekitError(e))
            this.#scheduleRetry()
            return
          }
        }
      } finally {
        this.#saving = undefined
      }
    })()
  }

  #scheduleRetry(): void {
    if (this.#failures > SAVE_MAX_RETRIES) return
    const { clock, random = Math.random } = this.#deps
    const ceiling = Math.min(SAVE_RETRY_BASE_MS * 2 ** (this.#failures - 1), SAVE_RETRY_MAX_MS)
    // Half fixed, half random: retries of several guards on one failing disk spread out, none waits past the ceiling.
    const delay = ceiling / 2 + (ceiling / 2) * random()
    this.#retry = clock.setTimeout(() => {
      this.#retry = undefined
      if (this.#dirty && this.#saving === undefined) this.#run()
    }, delay)
  }
}
