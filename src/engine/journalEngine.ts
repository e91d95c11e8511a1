import type { Clock } from '../core/clock.js'
import type { TypedEmitter } from '../core/events.js'
import { type Journal, type JournalView, journalFillEntry, journalOrderEntry } from '../core/journal.js'
import { type ExecutionClient, ORDER_EVENTS, type OrderFilter } from '../core/ports.js'
import type { Fill, Order } from '../core/types.js'
import { isTradekitError, StateError, toTradekitError } from '../errors/index.js'
import type { Portfolio } from '../execution/index.js'
import type { RiskManager } from '../risk/index.js'
import type { OrderStrategyMap } from './OrderStrategyMap.js'
import { repeatEvery } from './repeatEvery.js'
import type { Subscriptions } from './Subscriptions.js'
import type { TradingEngineEvents } from './TradingEngineEvents.js'

/** Portfolio snapshots go to the journal this often, ms. */
export const JOURNAL_SNAPSHOT_INTERVAL_MS = 60_000

/** What {@link journalEngine} needs from the engine. */
export interface EngineJournalHost {
  readonly risk: RiskManager
  readonly portfolio: Portfolio
  readonly executors: readonly ExecutionClient[]
  readonly clock: Clock
  readonly subs: Subscriptions
  /** The engine's stream: what is journaled is heard here; `journal.reconciled` is emitted here. */
  readonly bus: TypedEmitter<TradingEngineEvents>
  /** Orders to strategies (restored open orders are recorded back). */
  readonly orders: Pick<OrderStrategyMap, 'set' | 'strategyOf'>
  cancelAll(filter: OrderFilter): Promise<unknown>
  /** Throws when the engine's start was given up on meanwhile (a stop did not wait): nothing is restored then. */
  alive?(): void
}

/** Journals an order event, by reference when the journal builds entries at write time (`appendOrder`). */
function appendOrder(journal: Journal, event: string, order: Order, strategyId: string | undefined): void {
  if (journal.appendOrder !== undefined) journal.appendOrder(event, order, strategyId)
  else journal.append(journalOrderEntry(event, order, strategyId))
}

/** Journals a fill, by reference when the journal builds entries at write time (`appendFill`). */
function appendFill(journal: Journal, fill: Fill, strategyId: string | undefined): void {
  if (journal.appendFill !== undefined) journal.appendFill(fill, strategyId)
  else journal.append(journalFillEntry(fill, strategyId))
}

/** Start of the guard's detail while the journal has a backlog. */
const BACKLOG = 'journal backlog: '

let ids = 0
/** A unique id for a signal, decision, transition or snapshot entry. */
function entryId(clock: Clock): string {
  return `${clock.now().toString(36)}-${(ids++).toString(36)}-${Math.random().toString(36).slice(2, 10)}`
}

/**
 * Starts the Portfolio from the journal's positions on the venues whose executor reconciles the journal (live ones;
 * not paper or backtest venues) and on the instruments it knows. A view the Portfolio refuses throws its
 * ValidationError; a Portfolio that already has fills or positions is left as it is (an `error` event says so).
 */
function restorePortfolio(view: JournalView, h: EngineJournalHost): void {
  const live = new Set(h.executors.flatMap((ex) => (ex.reconcileJournal === undefined ? [] : ex.venues)))
  const ours = (p: { venue: string; symbol: string }) =>
    live.has(p.venue) && h.portfolio.instrument(p.venue, p.symbol) !== undefined
  const positions = view.positions.filter(ours)
  const instruments = (view.instruments ?? []).filter(ours)
  if (positions.length + instruments.length === 0) return
  try {
    h.portfolio.restore({ positions, instruments })
  } catch (e) {
    // A portfolio that already holds positions (merged from the venue before start) keeps them; bad data throws.
    if (!isTradekitError(e, 'INVALID_STATE')) throw e
    h.bus.emit(
      'error',
      new StateError('Portfolio not restored from the journal: it already has fills or positions', {
        cause: e,
      }),
    )
  }
}

/**
 * Keeps the engine's journal: restores the last view (the Portfolio's positions on the venues of executors that
 * reconcile the journal, open orders back to their strategies, each such executor reconciles it with its venue), then
 * appends every order event, fill, funding payment, signal, risk decision, trading-state change and, every minute, a
 * portfolio snapshot. The journal's health drives the risk guard: a backlog makes it REDUCING,
 * a journal that cannot write anywhere HALTS it and cancels open orders. Returns a function that stops the snapshots.
 */
export async function journalEngine(journal: Journal, h: EngineJournalHost): Promise<() => void> {
  const { bus: events, subs, clock, risk, orders } = h
  const view = await journal.lastView()
  h.alive?.()
  // Before the executors reconcile (and book what filled while down): nothing twice, nothing lost.
  restorePortfolio(view, h)
  for (const o of view.openOrders) if (o.strategyId !== undefined) orders.set(o.clientOrderId, o.strategyId)
  for (const name of ORDER_EVENTS) {
    if (name === 'order.filled') continue
    subs.on(events, name, (e) =>
      appendOrder(journal, name, e.order, orders.strategyOf(e.order.clientOrderId)),
    )
  }
  subs.on(events, 'order.filled', (e) => {
    const sid = orders.strategyOf(e.order.clientOrderId)
    for (const fill of e.fills) appendFill(journal, fill, sid)
    appendOrder(journal, 'order.filled', e.order, sid)
  })
  subs.on(events, 'signal', (s) => {
    const { strategyId, venue, symbol, side, intent, reason, tsEvent } = s
    journal.append({
      kind: 'signal',
      id: entryId(clock),
      strategyId,
      venue,
      symbol,
      side,
      intent,
      reason,
      tsEvent,
    })
  })
  subs.on(risk.events, 'risk.approved', (e) => {
    const { strategyId, venue, symbol, side } = e.signal
    const base = { kind: 'risk', id: entryId(clock), strategyId, venue, symbol, side } as const
    journal.append({
      ...base,
      decision: 'APPROVED',
      reason: e.signal.reason,
      qty: e.intent.qty.toString(),
      tsEvent: e.tsEvent,
    })
  })
  subs.on(events, 'order.denied', (e) => {
    const { strategyId, venue, symbol, side } = e.signal
    const base = { kind: 'risk', id: entryId(clock), strategyId, venue, symbol, side } as const
    journal.append({ ...base, decision: 'DENIED', code: e.code, reason: e.reason, tsEvent: e.tsEvent })
  })
  subs.on(risk.events, 'risk.stateChanged', (e) => {
    const { from, to, reason, tsEvent } = e
    journal.append({
      kind: 'breaker',
      id: entryId(clock),
      from,
      to,
      reason,
      ...(e.detail === undefined ? {} : { detail: e.detail }),
      tsEvent,
    })
  })
  subs.on(h.portfolio.events, 'funding.applied', (e) => {
    const { venue, symbol, asset } = e
    const amount = e.amount.toString()
    journal.append({ kind: 'funding', id: entryId(clock), venue, symbol, asset, amount, tsEvent: e.tsEvent })
  })
  subs.on(journal.events, 'journal.backlogged', (e) => void risk.guard.reduce(`${BACKLOG}${e.reason}`))
  // Back to ACTIVE only when the journal's backlog is what made it REDUCING (nothing stricter or other since).
  subs.on(journal.events, 'journal.caughtUp', () => {
    const st = risk.status()
    if (st.state === 'REDUCING' && st.reason === 'MANUAL' && st.detail?.startsWith(BACKLOG) === true)
      risk.resume({ note: 'journal backlog written' })
  })
  // What the journal reports (a failed write, an entry set aside or appended after close) reaches the engine's users.
  subs.on(journal.events, 'error', (e) => events.emit('error', e))
  subs.on(journal.events, 'journal.failed', (e) => {
    risk.halt(`journal cannot write: ${e.reason}`)
    void h.cancelAll({}).catch(() => undefined)
  })
  // After the listeners: fills and order changes the venue reports for the restored orders are journaled too.
  for (const ex of h.executors) {
    const report = await ex.reconcileJournal?.(view)
    if (report !== undefined)
      events.emit('journal.reconciled', { type: 'journal.reconciled', report, tsEvent: clock.now() })
  }
  const snapshot = (): void => {
    const positions = h.portfolio.positions().map((p) => ({
      venue: p.venue,
      symbol: p.symbol,
      qty: p.qty.toString(),
      ...(p.entryPrice === undefined ? {} : { entryPrice: p.entryPrice.toString() }),
      realizedPnl: p.realizedPnl.toString(),
    }))
    const balances = h.portfolio
      .balances()
      .map((b) => ({ venue: b.venue, asset: b.asset, total: b.free.plus(b.locked).toString() }))
    journal.append({ kind: 'snapshot', id: entryId(clock), positions, balances, tsEvent: clock.now() })
  }
  // One failed snapshot (a journal that throws) is reported; the next minute's is taken all the same.
  const stopSnapshots = repeatEvery(clock, JOURNAL_SNAPSHOT_INTERVAL_MS, snapshot, (e) =>
    events.emit('error', toTradekitError(e)),
  )
  return () => {
    stopSnapshots()
    snapshot()
  }
}
