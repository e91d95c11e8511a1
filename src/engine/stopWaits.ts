import type { Clock } from '../core/clock.js'
import type { ExecutionClient } from '../core/ports.js'
import { StateError, TimeoutError, type TradekitError } from '../errors/index.js'
import type { FeedRegistration } from './FeedHealthMonitor.js'
import { settleWithin } from './settleWithin.js'

/** One thing a stop waits for: what it is (for the report) and how to start it. */
export type StopWait = readonly [label: string, start: () => unknown]

/**
 * One bounded wait of a stop. Starts each wait, waits for all at most `timeoutMs` on `clock`, reports each one that
 * failed (threw or rejected, also late: a `StateError` with the cause) and, past the bound, one `TimeoutError` naming
 * those still running. Resolves `true` when all ended in time; never rejects, never throws.
 */
export async function settleReported(
  clock: Clock,
  step: string,
  waits: readonly StopWait[],
  timeoutMs: number,
  onError: (e: TradekitError) => void,
): Promise<boolean> {
  const ended = waits.map(() => false)
  const ps = waits.map(([label, start], i) => {
    let p: Promise<unknown>
    try {
      p = Promise.resolve(start())
    } catch (e) {
      p = Promise.reject(e)
    }
    return p.then(
      () => {
        ended[i] = true
      },
      (e: unknown) => {
        ended[i] = true
        const why = e instanceof Error ? e.message : String(e)
        onError(new StateError(`${step} (${label}) failed: ${why}`, { cause: e, details: { step, label } }))
      },
    )
  })
  if (await settleWithin(clock, ps, timeoutMs)) return true
  const pending = waits.filter((_, i) => ended[i] !== true).map(([label]) => label)
  const message = `${step} (${pending.join(', ')}) did not finish within shutdown.timeoutMs (${timeoutMs} ms): stopping without it`
  onError(new TimeoutError(message, timeoutMs, { details: { step, pending } }))
  return false
}

/** What {@link stopWaits} waits for, in order. */
export interface StopWaitsOptions {
  readonly clock: Clock
  readonly timeoutMs: number
  readonly cancelOpenOrders: boolean
  /** Pulls every quote and stops the QuoteManagers. */
  readonly stopQuotes: () => Promise<void>
  /** Submissions, cancels and group executions in flight. */
  readonly inflight: ReadonlySet<Promise<unknown>>
  readonly executors: readonly ExecutionClient[]
  readonly feeds: readonly FeedRegistration[]
  readonly onError: (e: TradekitError) => void
}

/**
 * The waits of an engine stop, each bounded by `timeoutMs` and reported when it fails or outlasts its bound (see
 * {@link settleReported}): the quotes pulled, requests in flight, every executor's `shutdown`, every feed's `close`.
 */
export async function stopWaits(p: StopWaitsOptions): Promise<void> {
  const { clock, timeoutMs, onError } = p
  await settleReported(clock, 'Quote pull', [['quotes', p.stopQuotes]], timeoutMs, onError)
  const inflight = [...p.inflight]
  const requests: StopWait[] = [[`${inflight.length} in flight`, () => Promise.allSettled(inflight)]]
  await settleReported(clock, 'Requests', inflight.length === 0 ? [] : requests, timeoutMs, onError)
  const shutdown = { cancelOpenOrders: p.cancelOpenOrders, timeoutMs }
  const executors = p.executors.map(
    (ex): StopWait => [`"${ex.venues.join('", "')}"`, () => ex.shutdown(shutdown)],
  )
  await settleReported(clock, 'Executor shutdown', executors, timeoutMs, onError)
  const feeds = p.feeds.map((f): StopWait => [`"${f.name}"`, () => f.close?.()])
  await settleReported(clock, 'Feed close', feeds, timeoutMs, onError)
}
