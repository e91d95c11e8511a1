import type { Clock, TimerHandle } from '../core/clock.js'

/**
 * Waits until every promise settled (fulfilled or rejected), at most `timeoutMs` on `clock`. Resolves `true` when they
 * all did in time, `false` when the bound passed first; never rejects.
 */
export async function settleWithin(
  clock: Clock,
  ps: readonly Promise<unknown>[],
  timeoutMs: number,
): Promise<boolean> {
  if (ps.length === 0) return true
  let timer: TimerHandle | undefined
  const late = new Promise<false>((resolve) => {
    timer = clock.setTimeout(() => resolve(false), timeoutMs)
  })
  const settled = await Promise.race([Promise.allSettled(ps).then(() => true), late])
  clock.clearTimeout(timer)
  return settled
}
