import type { Clock, ExecutionClient, Instrument, Order, OrderIntent, Position, Side } from '../core/index.js'
import { StateError, TimeoutError, type TradekitError, toTradekitError } from '../errors/index.js'
import { closeQty } from './closeQty.js'

/** Options of `RiskManager.emergencyStop`. */
export interface EmergencyStopOptions {
  /** Also close every position with reduce-only market orders. Default: the config's `killSwitch.flatten`. */
  readonly flatten?: boolean
  /** Positions to flatten. Default: those of the last account snapshot the manager saw. */
  readonly positions?: readonly Position[]
}

/** An order the kill switch could not confirm as cancelled. */
export interface UncanceledOrder {
  /** The order, or `null` when the executor could not even list its orders. */
  readonly clientOrderId: string | null
  readonly venue: string | null
  readonly symbol: string | null
  /** The executor's venues. */
  readonly executorVenues: readonly string[]
  readonly error: TradekitError
}

/** A flattening order the kill switch sent. */
export interface FlattenOrder {
  readonly venue: string
  readonly symbol: string
  readonly side: Side
  readonly qty: string
  readonly clientOrderId: string
}

/** A position the kill switch could not flatten (no executor, dust below the step, submit failed or timed out). */
export interface UnflattenedPosition {
  readonly venue: string
  readonly symbol: string
  /** Signed position quantity. */
  readonly qty: string
  readonly error: TradekitError
}

/** What `emergencyStop` did and, above all, what it could not do. */
export interface EmergencyStopReport {
  readonly reason: string
  readonly tsStarted: number
  readonly tsFinished: number
  /** Client order ids whose cancellation the executor confirmed. */
  readonly canceled: readonly string[]
  readonly notCanceled: readonly UncanceledOrder[]
  readonly flattened: readonly FlattenOrder[]
  readonly notFlattened: readonly UnflattenedPosition[]
  /**
   * True when every order was confirmed cancelled (an order still listed after cancel-all, even PENDING_CANCEL, is in
   * `notCanceled`) and every requested flatten was sent.
   */
  readonly complete: boolean
}

/**
 * Runs `run()` with a deadline on `clock`: rejects with a {@link TimeoutError} after `ms`. A late result or rejection
 * of the original promise is swallowed (never an unhandled rejection); a synchronous throw becomes a rejection.
 */
export function withTimeout<T>(run: () => Promise<T>, ms: number, clock: Clock, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false
    const timer = clock.setTimeout(() => {
      if (settled) return
      settled = true
      reject(new TimeoutError(`${what} did not finish within ${ms} ms`, ms))
    }, ms)
    const done = (f: () => void): void => {
      if (settled) return
      settled = true
      clock.clearTimeout(timer)
      f()
    }
    let p: Promise<T>
    try {
      p = Promise.resolve(run())
    } catch (e) {
      done(() => reject(toTradekitError(e)))
      return
    }
    p.then(
      (v) => done(() => resolve(v)),
      (e: unknown) => done(() => reject(toTradekitError(e))),
    )
  })
}

/** Everything the kill switch needs from its owner. */
export interface KillSwitchContext {
  readonly clock: Clock
  readonly executors: readonly ExecutionClient[]
  readonly cancelTimeoutMs: number
  readonly submitTimeoutMs: number
  readonly flatten: boolean
  readonly positions: readonly Position[]
  readonly instrument: (venue: string, symbol: string) => Instrument | undefined
  readonly nextClientOrderId: () => string
}

function safeOpenOrders(ex: ExecutionClient): readonly Order[] | TradekitError {
  try {
    return ex.openOrders()
  } catch (e) {
    return toTradekitError(e)
  }
}

function safeVenues(ex: ExecutionClient): string[] {
  try {
    return Array.isArray(ex.venues) ? [...ex.venues] : []
  } catch {
    return []
  }
}

/** Cancels everything on every executor, then optionally flattens; never hangs longer than its timeouts. */
export async function runKillSwitch(reason: string, ctx: KillSwitchContext): Promise<EmergencyStopReport> {
  const tsStarted = ctx.clock.now()
  const canceled: string[] = []
  const notCanceled: UncanceledOrder[] = []
  await Promise.all(ctx.executors.map((ex) => cancelAllOn(ex, ctx, canceled, notCanceled)))
  const flattened: FlattenOrder[] = []
  const notFlattened: UnflattenedPosition[] = []
  if (ctx.flatten) {
    await Promise.all(ctx.positions.map((pos) => flattenPosition(pos, ctx, flattened, notFlattened)))
  }
  return {
    reason,
    tsStarted,
    tsFinished: ctx.clock.now(),
    canceled,
    notCanceled,
    flattened,
    notFlattened,
    complete: notCanceled.length === 0 && notFlattened.length === 0,
  }
}

/** Cancels every open order of one executor; records what was confirmed and what was not. */
async function cancelAllOn(
  ex: ExecutionClient,
  ctx: KillSwitchContext,
  canceled: string[],
  notCanceled: UncanceledOrder[],
): Promise<void> {
  const venues = safeVenues(ex)
  const before = safeOpenOrders(ex)
  try {
    const result = await withTimeout(
      () => ex.cancelAll(),
      ctx.cancelTimeoutMs,
      ctx.clock,
      `cancelAll on ${venues.join(',') || 'executor'}`,
    )
    const done = new Set<string>()
    for (const id of result.canceled) {
      canceled.push(id)
      done.add(id)
    }
    for (const f of result.failed) {
      done.add(f.clientOrderId)
      const o = Array.isArray(before) ? before.find((x) => x.clientOrderId === f.clientOrderId) : undefined
      notCanceled.push({
        clientOrderId: f.clientOrderId,
        venue: o?.venue ?? null,
        symbol: o?.symbol ?? null,
        executorVenues: venues,
        error: toTradekitError(f.error),
      })
    }
    const after = safeOpenOrders(ex)
    if (Array.isArray(after)) {
      for (const o of after) {
        if (done.has(o.clientOrderId)) continue
        // PENDING_CANCEL too: a cancel sent but not confirmed, the order may still fill.
        const still = o.status === 'PENDING_CANCEL' ? 'still PENDING_CANCEL (not confirmed)' : 'still open'
        notCanceled.push({
          clientOrderId: o.clientOrderId,
          venue: o.venue,
          symbol: o.symbol,
          executorVenues: venues,
          error: new StateError(`Order "${o.clientOrderId}" is ${still} after cancel-all`),
        })
      }
    }
  } catch (e) {
    const error = toTradekitError(e)
    if (Array.isArray(before) && before.length > 0) {
      for (const o of before) {
        notCanceled.push({
          clientOrderId: o.clientOrderId,
          venue: o.venue,
          symbol: o.symbol,
          executorVenues: venues,
          error,
        })
      }
    } else {
      notCanceled.push({ clientOrderId: null, venue: null, symbol: null, executorVenues: venues, error })
    }
  }
}

/** Closes one position with a reduce-only market order on the executor that trades its venue. */
async function flattenPosition(
  pos: Position,
  ctx: KillSwitchContext,
  flattened: FlattenOrder[],
  notFlattened: UnflattenedPosition[],
): Promise<void> {
  if (pos.qty.isZero()) return
  const fail = (error: TradekitError): void => {
    notFlattened.push({ venue: pos.venue, symbol: pos.symbol, qty: pos.qty.toFixed(), error })
  }
  const ex = ctx.executors.find((x) => safeVenues(x).includes(pos.venue))
  if (ex === undefined) {
    fail(new StateError(`No registered executor trades on "${pos.venue}"`))
    return
  }
  const inst = ctx.instrument(pos.venue, pos.symbol)
  // Shares bought in trades the venue has not settled yet cannot be sold (it would refuse the whole order): the rest is.
  const pending = pos.qty.isPositive() && pos.unsettledQty?.gt(0) ? pos.unsettledQty : undefined
  const held = pending === undefined ? pos.qty : pos.qty.minus(pending)
  if (pending !== undefined) {
    const why = `"${pending.toFixed()}" of "${pos.venue}:${pos.symbol}" was bought in trades the venue has not settled yet`
    const error = new StateError(why)
    notFlattened.push({ venue: pos.venue, symbol: pos.symbol, qty: pending.toFixed(), error })
    if (!held.gt(0)) return
  }
  // Rounded like entries (the step from minQty). An instrument the manager does not know is sent as held: a position
  // built from fills is on the venue's grid already, and a kill switch must try.
  const qty = inst === undefined ? held.abs() : closeQty(held, inst)
  if (qty.lte(0)) {
    fail(
      new StateError(
        `Position "${pos.qty.toFixed()}" is below the step "${inst?.stepSize.toFixed()}" or minQty`,
      ),
    )
    return
  }
  const side: Side = pos.qty.isNegative() ? 'BUY' : 'SELL'
  const intent: OrderIntent = {
    clientOrderId: ctx.nextClientOrderId(),
    venue: pos.venue,
    symbol: pos.symbol,
    side,
    type: 'MARKET',
    qty,
    reduceOnly: true,
    strategyId: 'risk.killSwitch',
  }
  try {
    await withTimeout(
      () => ex.submit(intent),
      ctx.submitTimeoutMs,
      ctx.clock,
      `flatten ${pos.venue}:${pos.symbol}`,
    )
    flattened.push({
      venue: pos.venue,
      symbol: pos.symbol,
      side,
      qty: qty.toFixed(),
      clientOrderId: intent.clientOrderId,
    })
  } catch (e) {
    fail(toTradekitError(e))
  }
}
