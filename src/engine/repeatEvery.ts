import type { Clock, TimerHandle } from '../core/clock.js'

/**
 * Runs `fn` every `everyMs` on `clock` until the returned stop is called (nothing when `everyMs` is not positive).
 * An exception in `fn` goes to `onError` and the next run is armed all the same: the timer callback never throws
 * (under a SystemClock that would be an uncaught exception) and one failed run never ends the schedule.
 */
export function repeatEvery(
  clock: Clock,
  everyMs: number,
  fn: () => void,
  onError: (e: unknown) => void,
): () => void {
  if (!(everyMs > 0)) return () => {}
  let timer: TimerHandle | undefined
  let stopped = false
  const arm = (): void => {
    timer = clock.setTimeout(() => {
      try {
        fn()
      } catch (e) {
        onError(e)
      } finally {
        if (!stopped) arm()
      }
    }, everyMs)
  }
  arm()
  return () => {
    stopped = true
    clock.clearTimeout(timer)
  }
}
