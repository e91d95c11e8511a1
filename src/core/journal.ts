import type { TradekitError } from '../errors/index.js'
import type { Listenable } from './events.js'
import {
  type Fill,
  fillKey,
  type Liquidity,
  type Order,
  type OrderStatus,
  type OrderType,
  type Side,
} from './types.js'

/**
 * One record of a {@link Journal}: an order event, a fill, a signal, a risk decision, a breaker transition or a
 * portfolio snapshot. Plain data only: money and quantities as decimal text (never floats), times in epoch ms UTC,
 * so an entry survives a spill file and a round trip through any database unchanged.
 */
export type JournalEntry =
  | JournalOrderEntry
  | JournalFillEntry
  | JournalSignalEntry
  | JournalRiskEntry
  | JournalBreakerEntry
  | JournalSnapshotEntry
  | JournalFundingEntry

/** An order after one of its lifecycle events (`order.submitted`, `order.filled`, ...). */
export interface JournalOrderEntry {
  readonly kind: 'order'
  /** The event that changed the order, e.g. `order.accepted`. */
  readonly event: string
  readonly clientOrderId: string
  /** Position of this event in the order's history (1, 2, ...); the journal numbers them when absent. */
  readonly seq?: number
  readonly strategyId?: string
  readonly venue: string
  readonly symbol: string
  readonly side: Side
  readonly orderType: OrderType
  readonly status: OrderStatus
  readonly qty: string
  readonly price?: string
  readonly filledQty: string
  readonly avgFillPrice?: string
  readonly venueOrderId?: string
  readonly reason?: string
  readonly tsEvent: number
}

/** One execution; with venue, symbol, trade id and order ({@link fillKey}) it is written once, however often replayed. */
export interface JournalFillEntry {
  readonly kind: 'fill'
  /** {@link fillKey} of the fill. */
  readonly key: string
  readonly strategyId?: string
  readonly venue: string
  readonly symbol: string
  readonly clientOrderId: string
  readonly venueOrderId?: string
  readonly tradeId: string
  readonly side: Side
  readonly price: string
  readonly qty: string
  readonly fee: string
  readonly feeAsset: string
  readonly liquidity: Liquidity
  readonly tsEvent: number
  /** The venue's realized PnL of the fill, before fees (`Fill.realizedPnl`: Binance USD-M `rp`), when it reported one. */
  readonly realizedPnl?: string
}

/** A strategy's signal, as it reached the risk check. */
export interface JournalSignalEntry {
  readonly kind: 'signal'
  /** Unique id of the entry (a replay with the same id is written once). */
  readonly id: string
  readonly strategyId: string
  readonly venue: string
  readonly symbol: string
  readonly side: string
  readonly intent: string
  readonly reason: string
  readonly tsEvent: number
}

/** What the risk check decided about a signal. */
export interface JournalRiskEntry {
  readonly kind: 'risk'
  readonly id: string
  readonly strategyId: string
  readonly venue: string
  readonly symbol: string
  readonly side: string
  readonly decision: 'APPROVED' | 'DENIED'
  /** The denial code, when denied. */
  readonly code?: string
  readonly reason: string
  /** The sized quantity, when approved. */
  readonly qty?: string
  readonly tsEvent: number
}

/** A trading-state change: a breaker trip, a kill switch, a resume. */
export interface JournalBreakerEntry {
  readonly kind: 'breaker'
  readonly id: string
  readonly from: string
  readonly to: string
  /** Machine-readable reason (e.g. `MAX_DRAWDOWN`, `KILL_SWITCH`). */
  readonly reason: string
  readonly detail?: string
  readonly tsEvent: number
}

/** Positions and balances at one moment (written at intervals). */
export interface JournalSnapshotEntry {
  readonly kind: 'snapshot'
  readonly id: string
  readonly positions: ReadonlyArray<{
    readonly strategyId?: string
    readonly venue: string
    readonly symbol: string
    readonly qty: string
    readonly entryPrice?: string
    readonly realizedPnl?: string
  }>
  readonly balances: ReadonlyArray<{ readonly venue: string; readonly asset: string; readonly total: string }>
  readonly tsEvent: number
}

/**
 * A funding payment of a perpetual position (a Portfolio's `funding.applied`): `amount` credited in `asset`,
 * negative when paid. Funding belongs to the venue position, not to a strategy.
 */
export interface JournalFundingEntry {
  readonly kind: 'funding'
  /** Unique id of the entry (a replay with the same id is written once). */
  readonly id: string
  readonly venue: string
  readonly symbol: string
  /** The asset credited or debited (the instrument's quote, e.g. `USDT`). */
  readonly asset: string
  /** Decimal text, signed: positive received, negative paid. */
  readonly amount: string
  readonly tsEvent: number
}

/** What the journal knew when it was last written: the state a restart starts from. */
export interface JournalView {
  /** The last journaled state of every order that was not final (open, partially filled, pending). */
  readonly openOrders: readonly JournalOrderEntry[]
  /**
   * Net quantity per strategy and instrument, from the journaled fills (decimal text, signed; `strategyId` `''` for
   * fills no strategy sent), with the average entry (average cost), the realised PnL before fees and the fees per
   * asset as far as the fills tell: a spot fee paid in the base asset is listed in `fees`, not taken from `qty`.
   */
  readonly positions: ReadonlyArray<JournalPosition>
  /**
   * The same per instrument, every strategy and none booked together in fill order (`strategyId` `''`): the venue's
   * net position, its entry and realised PnL as one book saw them (which the strategies' shares cannot give when
   * they hold opposite sides or different entries).
   */
  readonly instruments?: ReadonlyArray<JournalPosition>
  /** Keys ({@link fillKey}) of every journaled fill of the open orders: a replayed fill among them is a duplicate. */
  readonly fillKeys: readonly string[]
  /** The newest trade id and its time per venue and symbol. */
  readonly lastTrades: ReadonlyArray<{
    readonly venue: string
    readonly symbol: string
    readonly tradeId: string
    readonly tsEvent: number
  }>
}

/** One strategy's share of one instrument in a {@link JournalView} (all amounts decimal text). */
export interface JournalPosition {
  readonly strategyId: string
  readonly venue: string
  readonly symbol: string
  /** Signed: Σ bought − Σ sold. */
  readonly qty: string
  /** Average entry of the open quantity; absent when flat. */
  readonly entryPrice?: string
  /** Realised PnL by average cost, before fees (quote asset). */
  readonly realizedPnl?: string
  /** Fees paid, per fee asset. */
  readonly fees?: Readonly<Record<string, string>>
}

/** Events of a {@link Journal}: its health, for the risk guard. */
export interface JournalEvents {
  /** Entries could not reach the database (queue full or database down) and went to the spill file. */
  'journal.backlogged': [e: { type: 'journal.backlogged'; reason: string; tsEvent: number }]
  /** The backlog is written: the database holds everything again. */
  'journal.caughtUp': [e: { type: 'journal.caughtUp'; tsEvent: number }]
  /** Neither the database nor the spill file took entries: fills and order events may be lost from now on. */
  'journal.failed': [e: { type: 'journal.failed'; reason: string; tsEvent: number }]
  /**
   * A problem with entries: a database write failed (they went to the spill file), an entry was set aside (refused
   * by the database or invalid: see the journal's dead-letter file), or one was appended after close. A
   * TradingEngine relays these on its own `error` event.
   */
  error: [e: TradekitError]
}

/**
 * The port to an append-only trading journal (tradekit/journal implements it on SQLite and Postgres). `append` never
 * blocks nor throws on the hot path: entries are queued and written in batches; `flush` waits until everything
 * appended so far is durable.
 */
export interface Journal {
  readonly events: Listenable<JournalEvents>
  /** Queues an entry (non-blocking). */
  append(entry: JournalEntry): void
  /**
   * Optional: queues an order event like `append(journalOrderEntry(event, order, strategyId))`, keeping the (immutable)
   * order and building the entry when it is written, off the signal-to-fill path. The engine uses it when present.
   */
  appendOrder?(event: string, order: Order, strategyId?: string): void
  /** Optional: queues a fill like `append(journalFillEntry(fill, strategyId))`, the entry built when written. */
  appendFill?(fill: Fill, strategyId?: string): void
  /** Resolves once every entry appended before the call is in the database (or, when it is down, the spill file). */
  flush(): Promise<void>
  /** The state of the last run: open orders, positions per strategy, last trade ids. */
  lastView(): Promise<JournalView>
  /** Flushes and closes the store. */
  close(): Promise<void>
}

/**
 * What a restart found when it compared the journal's last view with a venue: orders that filled or were cancelled
 * while the process was down, orders the journal had open that the venue does not know, and open orders at the
 * venue the journal never saw. Venue orders are the venue's word (the executor tracks them from then on).
 */
export interface JournalReconcileReport {
  readonly venue: string
  /** Journal-open orders the venue reports FILLED, or with more filled than the journal knew. */
  readonly filledWhileDown: readonly Order[]
  /** Journal-open orders the venue reports CANCELED, EXPIRED or REJECTED. */
  readonly canceledWhileDown: readonly Order[]
  /** Journal-open orders the venue does not know (never placed, or purged by the venue). */
  readonly missingAtVenue: readonly JournalOrderEntry[]
  /** Open orders at the venue that the journal has no record of. */
  readonly unknownAtVenue: readonly Order[]
  /** Journal-open orders still open at the venue with the same filled quantity. */
  readonly unchanged: readonly string[]
  readonly tsEvent: number
}

/**
 * The journal entry for an order event (the order after the change), with the strategy that sent it when known.
 *
 * @example
 * ```ts
 * exec.events.on('order.accepted', (e) => journal.append(journalOrderEntry('order.accepted', e.order, 'ema')))
 * ```
 */
export function journalOrderEntry(event: string, order: Order, strategyId?: string): JournalOrderEntry {
  return {
    kind: 'order',
    event,
    clientOrderId: order.clientOrderId,
    ...(strategyId === undefined ? {} : { strategyId }),
    venue: order.venue,
    symbol: order.symbol,
    side: order.side,
    orderType: order.type,
    status: order.status,
    qty: order.qty.toString(),
    ...(order.price === undefined ? {} : { price: order.price.toString() }),
    filledQty: order.filledQty.toString(),
    ...(order.avgFillPrice === undefined ? {} : { avgFillPrice: order.avgFillPrice.toString() }),
    ...(order.venueOrderId === undefined ? {} : { venueOrderId: order.venueOrderId }),
    ...(order.reason === undefined ? {} : { reason: order.reason }),
    tsEvent: order.tsUpdated,
  }
}

/**
 * The journal entry for a fill, keyed by {@link fillKey} (so a replayed fill is written once).
 *
 * @example
 * ```ts
 * exec.events.on('order.filled', (e) => {
 *   for (const fill of e.fills) journal.append(journalFillEntry(fill, 'ema'))
 * })
 * ```
 */
export function journalFillEntry(fill: Fill, strategyId?: string): JournalFillEntry {
  return {
    kind: 'fill',
    key: fillKey(fill),
    ...(strategyId === undefined ? {} : { strategyId }),
    venue: fill.venue,
    symbol: fill.symbol,
    clientOrderId: fill.clientOrderId,
    ...(fill.venueOrderId === undefined ? {} : { venueOrderId: fill.venueOrderId }),
    tradeId: fill.tradeId,
    side: fill.side,
    price: fill.price.toString(),
    qty: fill.qty.toString(),
    fee: fill.fee.toString(),
    feeAsset: fill.feeAsset,
    liquidity: fill.liquidity,
    tsEvent: fill.tsEvent,
    ...(fill.realizedPnl === undefined ? {} : { realizedPnl: fill.realizedPnl.toString() }),
  }
}
