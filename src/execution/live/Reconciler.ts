import { sleep, type TimerHandle } from '../../core/clock.js'
import { isTerminalStatus } from '../../core/orderState.js'
import { RecentIds } from '../../core/RecentIds.js'
import type { Balance, Order, Position } from '../../core/types.js'
import {
  isTradekitError,
  OrderOutcomeUnknownError,
  StateError,
  type TradekitError,
  toTradekitError,
} from '../../errors/index.js'
import type { FillsRecovery, FillsRecoveryHost } from './FillsRecovery.js'
import { PeriodicReconcile } from './PeriodicReconcile.js'
import { withTimeout } from './throttle.js'

/** What a reconciliation found. */
export interface ReconcileReport {
  /** Open orders the venue reported. */
  readonly openOrders: readonly Order[]
  readonly balances: readonly Balance[]
  readonly positions: readonly Position[]
  /** Open orders the executor did not know and now tracks. */
  readonly adopted: readonly string[]
  /** Tracked orders whose state changed. */
  readonly updated: readonly string[]
  readonly tsEvent: number
}

/** What the {@link Reconciler} needs from the executor that owns the orders. */
export interface ReconcilerHost extends FillsRecoveryHost {
  /** What to do when every look-up of an unknown outcome says the venue does not know the order. */
  readonly onNotFound: 'REJECT' | 'RESEND'
  /** After a reconnect, the second reconciliation runs this long after the first (0: none). */
  readonly reconnectRecheckDelayMs: number
  /** Adapter requests a reconciliation runs at once. */
  readonly reconcileConcurrency: number
  /** Between periodic reconciliations (from the end of one to the start of the next), ms; 0 or Infinity: none. */
  readonly reconcileIntervalMs: number
  /** After a reconnect, the fills of orders that ended with fills this recently are read again (0: never). */
  readonly recheckFilledWithinMs: number
  /** Moves a PENDING_NEW order to REJECTED: the reason is the message of `why`, its event names the code. */
  reject(order: Order, why: TradekitError): void
  /** Sends an order once more with the same client order id (no further resend). */
  resend(order: Order): Promise<void>
  emitError(e: TradekitError): void
  /** Publishes what a reconciliation found (`account.updated` and `orders.reconciled`). */
  emitReport(report: ReconcileReport): void
}

/** Terminal orders with fills whose fills are read again after a reconnect, at most (the most recent first). */
const MAX_FILLED_RECHECKS = 50
/** Orders rejected unseen (no look-up found them) that a reconnect looks up again, at most (the most recent). */
const MAX_REJECTED_RECHECKS = 50
/** Failed automatic reconcile passes retried in a row before waiting for the next reconnect. */
const MAX_PASS_RETRIES = 5

/**
 * The one place that decides what the live OrderExecutor re-queries: after a user-stream reconnect (at once and
 * again after `reconnectRecheckDelayMs`, since a venue's REST record can lag the reconnect), after a submit of
 * unknown outcome (look-ups by client order id, then REJECTED or one resend) and on demand. Adapters keep no
 * reconciliation logic; they only announce `user.reconnected`.
 *
 * @example
 * ```ts
 * const reconciler = new Reconciler(host, fillsRecovery)
 * adapter.events.on('user.reconnected', () => reconciler.onReconnected())
 * const report = await reconciler.reconcile()
 * ```
 */
export class Reconciler {
  readonly #host: ReconcilerHost
  readonly #fills: FillsRecovery
  /**
   * Orders of unknown outcome whose look-ups all failed: whether they may be re-sent, the look-up rounds retried so
   * far and the timer of the next. Looked up again with backoff, then by every reconcile() until resolved.
   */
  readonly #unresolved = new Map<string, Unresolved>()
  /** Refused fills already looked up again (see recheckLater); bounded like the executor's own memories. */
  readonly #rechecked = new RecentIds<string>(10_000)
  /** Rejected orders the venue reported open, while their cancel is in flight. */
  readonly #revenants = new Set<string>()
  /** Orders rejected because no look-up found them: a venue without an arrival window may place one later. */
  readonly #rejectedUnseen = new RecentIds<string>(MAX_REJECTED_RECHECKS)
  #timer: TimerHandle | undefined
  #retryTimer: TimerHandle | undefined
  /** Aborted by close(): ends the pauses of look-ups at once. */
  readonly #stop = new AbortController()
  /** Automatic passes that failed in a row. */
  #failures = 0
  #running = false
  #again = false
  /** Passes every `reconcileIntervalMs`: they find what the stream lost without a reconnect (a dropped message). */
  readonly #periodic: PeriodicReconcile

  constructor(host: ReconcilerHost, fills: FillsRecovery) {
    this.#host = host
    this.#fills = fills
    this.#periodic = new PeriodicReconcile({
      clock: host.clock,
      intervalMs: host.reconcileIntervalMs,
      run: () => this.reconcile(),
      isBusy: () => this.#running,
      isClosed: () => host.isClosed(),
      track: (p) => host.background(p),
      emitError: (e) => host.emitError(e),
    })
  }

  /** Starts the periodic passes (`reconcileIntervalMs`; none when 0 or Infinity), the first one interval from now. */
  startPeriodic(): void {
    this.#periodic.start()
  }

  /** Forgets an order that reached a terminal status or was evicted. */
  forget(clientOrderId: string): void {
    this.#host.clock.clearTimeout(this.#unresolved.get(clientOrderId)?.timer)
    this.#unresolved.delete(clientOrderId)
  }

  /** Stops the delayed re-checks and ends the pauses between look-ups (nothing is looked up or re-sent after). */
  close(): void {
    this.#periodic.close()
    this.#host.clock.clearTimeout(this.#timer)
    this.#timer = undefined
    this.#host.clock.clearTimeout(this.#retryTimer)
    this.#retryTimer = undefined
    for (const u of this.#unresolved.values()) this.#host.clock.clearTimeout(u.timer)
    this.#stop.abort()
  }

  /** Waits `ms` (cleared by close()); false once the executor is shut down. */
  async #pause(ms: number): Promise<boolean> {
    const h = this.#host
    if (ms > 0 && !h.isClosed()) await sleep(h.clock, ms, this.#stop.signal).catch(() => undefined)
    return !h.isClosed()
  }

  /**
   * The private stream reconnected: whatever it carried meanwhile is lost. Reconciles at once and once more after
   * `reconnectRecheckDelayMs` (reconnects in between restart that delay); passes never overlap (a pass asked for
   * while one runs runs once after it).
   */
  onReconnected(): void {
    const h = this.#host
    if (h.isClosed()) return
    this.#pass(true)
    this.#periodic.postpone() // this pass does its work: the next periodic one is due an interval from now
    if (h.reconnectRecheckDelayMs <= 0) return
    h.clock.clearTimeout(this.#timer)
    this.#timer = h.clock.setTimeout(() => {
      this.#timer = undefined
      if (!h.isClosed()) this.#pass(false)
    }, h.reconnectRecheckDelayMs)
  }

  /**
   * A pass that failed (a read timed out or the venue answered 5xx during the reconnect) is tried again after a
   * backoff of 1 s, 2 s, 4 s … capped at 30 s, at most {@link MAX_PASS_RETRIES} times in a row.
   */
  #retryLater(recheckFilled: boolean, cause: unknown): void {
    const h = this.#host
    if (h.isClosed() || this.#failures >= MAX_PASS_RETRIES) return
    // A pass refused by a rate limit or a ban waits until the venue lets us in again: asking earlier only spends
    // more of the budget it is already out of.
    let delay = Math.min(30_000, 1000 * 2 ** this.#failures)
    if (isTradekitError(cause, 'RATE_LIMITED')) delay = Math.max(delay, cause.retryAfterMs)
    if (isTradekitError(cause, 'BANNED')) delay = Math.max(delay, cause.untilMs - h.clock.now())
    this.#failures++
    h.clock.clearTimeout(this.#retryTimer)
    this.#retryTimer = h.clock.setTimeout(() => {
      this.#retryTimer = undefined
      if (!h.isClosed()) this.#pass(recheckFilled)
    }, delay)
  }

  #pass(recheckFilled: boolean): void {
    if (this.#running) {
      this.#again = true
      return
    }
    this.#running = true
    this.#host.background(
      (async () => {
        try {
          await this.reconcile()
          this.#failures = 0
          if (recheckFilled) await this.#recheckFilled()
        } catch (e) {
          this.#host.emitError(toTradekitError(e))
          this.#retryLater(recheckFilled, e)
        } finally {
          this.#running = false
          if (this.#again && !this.#host.isClosed()) {
            this.#again = false
            this.#pass(false)
          }
        }
      })(),
    )
  }

  /**
   * Fetches open orders, balances and positions over REST and merges them: unknown open orders are adopted,
   * tracked orders missing from the open list are looked up by client id (at most `reconcileConcurrency` requests at
   * once), fills the stream missed are recovered (see FillsRecovery), unknown outcomes whose look-ups failed
   * are resolved, and the trades of fills reported unsettled are read again (`ExchangeAdapter.recheckSettlement`).
   */
  async reconcile(): Promise<ReconcileReport> {
    const h = this.#host
    const t = h.requestTimeoutMs
    // Each read stands alone: a failed one is reported and the rest of the pass still runs (without the open list,
    // every tracked order is looked up by client id); the pass then rejects so the automatic pass is retried.
    const [openRead, balancesRead, positionsRead] = await Promise.allSettled([
      withTimeout(h.clock, h.adapter.openOrders(), t, 'openOrders'),
      withTimeout(h.clock, h.adapter.balances(), t, 'balances'),
      withTimeout(h.clock, h.adapter.positions(), t, 'positions'),
    ])
    const failed = [openRead, balancesRead, positionsRead].filter((r) => r.status === 'rejected')
    const open = openRead.status === 'fulfilled' ? openRead.value : []
    const adopted: string[] = []
    const updated: string[] = []
    const openIds = new Set(open.map((o) => o.clientOrderId))
    for (const o of open) {
      if (!h.orders.has(o.clientOrderId)) adopted.push(o.clientOrderId)
    }
    const merged = await mapBounded(open, h.reconcileConcurrency, async (o) => {
      const before = h.orders.get(o.clientOrderId)
      await this.#fills.recover(o)
      return before !== undefined && h.orders.get(o.clientOrderId) !== before
    })
    for (const [i, o] of open.entries()) if (merged[i] === true) updated.push(o.clientOrderId)
    // Tracked orders the open list lacks, and recent ones rejected unseen (placed later and filled while the stream
    // was down, they are in no open list: their fills are booked once the look-up finds them).
    const since = h.clock.now() - h.recheckFilledWithinMs
    const missing = [...h.orders.all()].filter(
      (o) =>
        !openIds.has(o.clientOrderId) &&
        (!isTerminalStatus(o.status) ||
          (o.status === 'REJECTED' && o.tsUpdated >= since && this.#rejectedUnseen.has(o.clientOrderId))),
    )
    const queried = await mapBounded(missing, h.reconcileConcurrency, (o) => this.#requery(o))
    for (const [i, o] of missing.entries()) if (queried[i] === true) updated.push(o.clientOrderId)
    const awaited = this.#fills.pending()
    const revisited = await mapBounded(awaited, h.reconcileConcurrency, async (v) => {
      try {
        const before = h.orders.get(v.clientOrderId)
        await this.#fills.recover(v)
        return h.orders.get(v.clientOrderId) !== before
      } catch (e) {
        h.emitError(toTradekitError(e))
        return false
      }
    })
    for (const [i, v] of awaited.entries()) if (revisited[i] === true) updated.push(v.clientOrderId)
    await this.#recheckSettlement()
    if (failed.length > 0) throw toTradekitError(failed[0]?.reason)
    const balances = balancesRead.status === 'fulfilled' ? balancesRead.value : []
    const positions = positionsRead.status === 'fulfilled' ? positionsRead.value : []
    const report: ReconcileReport = {
      openOrders: open,
      balances,
      positions,
      adopted,
      updated,
      tsEvent: h.clock.now(),
    }
    h.emitReport(report)
    return report
  }

  /** Has the adapter read again the trades of fills it reported unsettled (a settlement the stream missed). */
  async #recheckSettlement(): Promise<void> {
    const h = this.#host
    if (h.adapter.recheckSettlement === undefined) return
    try {
      await withTimeout(h.clock, h.adapter.recheckSettlement(), h.requestTimeoutMs, 'recheckSettlement')
    } catch (e) {
      h.emitError(toTradekitError(e))
    }
  }

  /** Looks a tracked order missing from the open list up by client id; `true` when its state changed. */
  async #requery(o: Order): Promise<boolean> {
    const h = this.#host
    try {
      const found = await withTimeout(
        h.clock,
        h.adapter.queryOrder(o.symbol, o.clientOrderId),
        h.requestTimeoutMs,
        'queryOrder',
      )
      // A rejected order is taken back only for the fills the venue made of it (a revenant; see afterLateFill).
      if (found !== undefined && (o.status !== 'REJECTED' || found.filledQty.gt(0))) {
        this.forget(o.clientOrderId)
        await this.#fills.recover(found)
        return h.orders.get(o.clientOrderId) !== o
      }
      const u = this.#unresolved.get(o.clientOrderId)
      if (o.status === 'PENDING_NEW' && u !== undefined && u.running !== true) {
        // An unknown outcome whose look-ups failed earlier: resolve it now as a fresh unknown outcome would be
        // (look-ups, then REJECTED or one resend with the same client id), instead of leaving it PENDING_NEW.
        this.forget(o.clientOrderId)
        h.background(this.resolveUnknown(o.clientOrderId, u.mayResend))
      }
    } catch (e) {
      h.emitError(toTradekitError(e))
    }
    return false
  }

  /**
   * After a reconnect: reads again the fills of orders that ended with fills within `recheckFilledWithinMs` (the
   * most recent first, at most 50), so a fill the venue reversed while the stream was down (Polymarket: failed
   * settlement) is reported; fills already applied are dropped by trade id.
   */
  async #recheckFilled(): Promise<void> {
    const h = this.#host
    const orderFills = h.adapter.orderFills
    if (orderFills === undefined || h.recheckFilledWithinMs <= 0) return
    const since = h.clock.now() - h.recheckFilledWithinMs
    const recent = [...h.orders.all()]
      .filter((o) => isTerminalStatus(o.status) && o.filledQty.gt(0) && o.tsUpdated >= since)
      .sort((a, b) => b.tsUpdated - a.tsUpdated)
      .slice(0, MAX_FILLED_RECHECKS)
    await mapBounded(recent, h.reconcileConcurrency, async (o) => {
      try {
        const fills = await withTimeout(
          h.clock,
          orderFills.call(h.adapter, o.symbol, o.clientOrderId),
          h.requestTimeoutMs,
          'orderFills',
        )
        h.onFills(fills.filter((f) => f.clientOrderId === o.clientOrderId))
      } catch (e) {
        h.log.warn({ clientOrderId: o.clientOrderId, code: toTradekitError(e).code }, 'fills re-check failed')
      }
    })
  }

  /**
   * Reads an order from the venue again after `queryIntervalMs` and recovers the fills it reports that we lack: a
   * fill refused because it arrived before the answer that made room for it (a USD-M modify to a larger quantity).
   * Once per fill (`fillKey`): a fill refused again, by that very recovery, is not looked up once more.
   */
  recheckLater(order: Order, fillKey: string): void {
    const h = this.#host
    if (this.#rechecked.has(fillKey)) return
    this.#rechecked.add(fillKey)
    h.background(
      (async () => {
        if (!(await this.#pause(h.queryIntervalMs))) return
        const found = await withTimeout(
          h.clock,
          h.adapter.queryOrder(order.symbol, order.clientOrderId),
          h.requestTimeoutMs,
          'queryOrder',
        )
        if (found !== undefined) await this.#fills.recover(found)
      })(),
    )
  }

  /**
   * An order this executor holds as REJECTED that the venue reports open: a placement that reached the venue after
   * all (after every look-up said "not known", on a venue whose requests carry no arrival window). Nobody waits for
   * it any more, so it is cancelled at once (one cancel at a time per order), and the `error` event says so. Its fills,
   * if it had any, are booked (see `afterLateFill`).
   */
  cancelRevenant(order: Order, seen: Order): void {
    const h = this.#host
    const cid = order.clientOrderId
    if (this.#revenants.has(cid)) return
    this.#revenants.add(cid)
    h.log.warn(
      { clientOrderId: cid, venueStatus: seen.status },
      'venue has an order we rejected: cancelling it',
    )
    h.emitError(
      new StateError(
        `Order "${cid}" is ${order.status} (${order.reason ?? 'no reason'}) but the venue has it ${seen.status}: cancelling it`,
      ),
    )
    h.background(
      withTimeout(
        h.clock,
        h.adapter.cancelOrder(seen.symbol, cid),
        h.requestTimeoutMs,
        'cancelOrder',
      ).finally(() => this.#revenants.delete(cid)),
    )
  }

  /**
   * A submit of unknown outcome: looks the order up by client id `queryAttempts` times, `queryIntervalMs` apart, and
   * on until the adapter's `orderArrivalWindowMs` since the send has passed (a request still in flight may be accepted
   * until then). Found → merged; not known after every look-up → REJECTED, or (`onNotFound: 'RESEND'`, `mayResend`) sent
   * once more with the same client id; the look-ups themselves failed → looked up again after 1 s, 2 s, 4 s … (capped
   * at 30 s), at most {@link MAX_PASS_RETRIES} times, then left for the next reconciliation. Once the
   * executor is shut down nothing more is looked up or re-sent: the outcome stays unknown and is reported on `error`.
   */
  async resolveUnknown(cid: string, mayResend: boolean): Promise<void> {
    const h = this.#host
    const sent = h.orders.get(cid)
    if (sent === undefined) return
    // Until the venue's arrival window has passed, a request still in flight may be accepted: when every look-up
    // said "not known" before then, wait for the window to close and look once more.
    const window = h.adapter.orderArrivalWindowMs
    const deadline = window === undefined ? Number.NEGATIVE_INFINITY : sent.tsCreated + window
    let lookups = 0
    let notFound = 0
    const lookUp = async (): Promise<'found' | 'notFound' | 'failed' | 'done' | 'closed'> => {
      const cur = h.orders.get(cid)
      if (cur === undefined || cur.status !== 'PENDING_NEW') {
        this.forget(cid)
        return 'done'
      }
      if (h.isClosed()) return 'closed'
      lookups++
      try {
        const found = await withTimeout(
          h.clock,
          h.adapter.queryOrder(cur.symbol, cid),
          h.requestTimeoutMs,
          'queryOrder',
        )
        if (found === undefined) {
          notFound++
          return 'notFound'
        }
        this.forget(cid)
        await this.#fills.recover(found)
        return 'found'
      } catch (e) {
        h.log.warn({ clientOrderId: cid, code: toTradekitError(e).code }, 'order lookup failed')
        return 'failed'
      }
    }
    for (let attempt = 0; attempt < h.queryAttempts; attempt++) {
      if (attempt > 0 && !(await this.#pause(h.queryIntervalMs))) break
      const r = await lookUp()
      if (r === 'found' || r === 'done') return
      if (r === 'closed') break
    }
    if (notFound === lookups && h.clock.now() < deadline && (await this.#pause(deadline - h.clock.now()))) {
      const r = await lookUp()
      if (r === 'found' || r === 'done') return
    }
    const cur = h.orders.get(cid)
    if (cur === undefined || cur.status !== 'PENDING_NEW') return
    if (h.isClosed()) {
      h.emitError(
        new OrderOutcomeUnknownError(
          cid,
          `Outcome of order "${cid}" unknown at shutdown: no more look-ups, no resend`,
        ),
      )
      return
    }
    if (notFound === lookups) {
      this.forget(cid)
      if (h.onNotFound === 'RESEND' && mayResend) {
        h.log.warn(
          { clientOrderId: cid },
          'venue does not know the order: re-sending with the same client id',
        )
        await h.resend(cur)
        return
      }
      h.reject(cur, new OrderOutcomeUnknownError(cid, `Not known to the venue after ${notFound} look-ups`))
      this.#rejectedUnseen.add(cid)
      return
    }
    this.#lookUpLater(cid, mayResend)
  }

  /**
   * The look-ups of an unknown outcome themselves failed: they run again after a backoff (1 s, 2 s, 4 s … capped at
   * 30 s, at most {@link MAX_PASS_RETRIES} rounds); after that, every reconciliation looks again (and applies
   * `onNotFound` if need be). Either way the order stays PENDING_NEW until the venue's word, and `error` says so.
   */
  #lookUpLater(cid: string, mayResend: boolean): void {
    const h = this.#host
    const retries = this.#unresolved.get(cid)?.retries ?? 0
    if (retries >= MAX_PASS_RETRIES) {
      this.#unresolved.set(cid, { mayResend, retries })
      h.emitError(
        new OrderOutcomeUnknownError(cid, `Outcome of order "${cid}" still unknown; it will be reconciled`),
      )
      return
    }
    const delay = Math.min(30_000, 1000 * 2 ** retries)
    const timer = h.clock.setTimeout(() => {
      if (this.#unresolved.get(cid)?.timer !== timer || h.isClosed()) return
      this.#unresolved.set(cid, { mayResend, retries: retries + 1, running: true })
      h.background(this.resolveUnknown(cid, mayResend))
    }, delay)
    this.#unresolved.set(cid, { mayResend, retries, timer })
    h.emitError(
      new OrderOutcomeUnknownError(
        cid,
        `Outcome of order "${cid}" still unknown; looked up again in ${delay} ms`,
      ),
    )
  }
}

/** An unknown outcome whose look-ups failed (see `Reconciler.#lookUpLater`). */
interface Unresolved {
  readonly mayResend: boolean
  /** Rounds of look-ups retried so far. */
  readonly retries: number
  /** The next round, when one is scheduled. */
  readonly timer?: TimerHandle
  /** A retried round is running (a reconciliation leaves the order to it). */
  readonly running?: boolean
}

/** Runs `fn` over `items` with at most `limit` calls in flight; results in input order. */
async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i] as T)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return out
}
