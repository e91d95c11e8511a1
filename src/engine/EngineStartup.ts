import type { Clock } from '../core/clock.js'
import { StateError, TimeoutError, type TradekitError } from '../errors/index.js'
import { settleWithin } from './settleWithin.js'

/**
 * One `start()` of the engine. Its steps call `alive()` after each wait; a start that fails, or that a stop gave up
 * waiting for, is undone (`undo`: every listener it added dropped), so a failed start leaves nothing wired and the
 * engine may be started again.
 */
export class EngineStartup {
  /** Resolves once the engine runs; rejects when a step failed or a stop gave up waiting (a `StateError`). */
  readonly done: Promise<void>
  #abandoned = false
  #failed = false
  #abandon: (e: TradekitError) => void = () => {}

  /** Runs `steps` now; `undo` runs when they fail (also late, after a stop gave up on them). */
  constructor(steps: (alive: () => void) => Promise<void>, undo: () => void) {
    const cut = new Promise<never>((_, reject) => {
      this.#abandon = reject
    })
    const alive = (): void => {
      if (this.#abandoned) throw new StateError('TradingEngine was stopped before start() finished')
    }
    const run = steps(alive).catch((e: unknown) => {
      this.#failed = true
      undo()
      throw e
    })
    this.done = Promise.race([run, cut])
  }

  /** Whether the steps failed (they were undone): a new start may begin. */
  get failed(): boolean {
    return this.#failed
  }

  /**
   * Waits for the start to end, at most `timeoutMs` on `clock` (a stop must not hang on a store that never answers).
   * Past it the start is abandoned: `done` rejects now, `onError` gets a `TimeoutError`, and whatever the steps still
   * wire when they end is undone then.
   */
  async settle(clock: Clock, timeoutMs: number, onError: (e: TradekitError) => void): Promise<void> {
    if (await settleWithin(clock, [this.done], timeoutMs)) return
    this.#abandoned = true
    const message = `start() did not finish within shutdown.timeoutMs (${timeoutMs} ms): stopping without it`
    onError(new TimeoutError(message, timeoutMs))
    this.#abandon(new StateError('TradingEngine was stopped before start() finished'))
  }
}
