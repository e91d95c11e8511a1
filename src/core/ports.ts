import type { Decimal } from '../decimal/index.js'
import type { TradekitError, TradekitErrorCode } from '../errors/index.js'
import type { Result } from '../errors/result.js'
import type { Listenable } from './events.js'
import type { Journal, JournalReconcileReport, JournalView } from './journal.js'
import type {
  Balance,
  BookSnapshot,
  Candle,
  Fill,
  FundingPayment,
  Instrument,
  Order,
  OrderRequest,
  Position,
  Side,
  Trade,
} from './types.js'

/**
 * What a strategy wants: a direction on an instrument, with optional protective levels. It carries no quantity:
 * the RiskManager sizes it. Strategies emit signals; they never place orders.
 */
export interface Signal {
  /** Id of the strategy that emitted it. */
  readonly strategyId: string
  readonly venue: string
  readonly symbol: string
  readonly side: Side
  /** `ENTRY` opens or adds exposure; `EXIT` only reduces it (sent reduce-only). */
  readonly intent: 'ENTRY' | 'EXIT'
  /** MARKET (default) or LIMIT at `limitPrice`. */
  readonly orderType?: 'MARKET' | 'LIMIT'
  readonly limitPrice?: Decimal
  /** Protective stop; the RiskManager derives one from ATR when absent. */
  readonly stopPrice?: Decimal
  readonly takeProfitPrice?: Decimal
  /**
   * Upper bound on the quantity the strategy can use (e.g. the depth available at its limit price); the RiskManager
   * never sizes above it.
   */
  readonly maxQty?: Decimal
  /** 0..1; sizing methods may scale by it. */
  readonly confidence?: number
  /** Human-readable reason, kept in the audit trail. */
  readonly reason: string
  /** Multi-leg group id (legs approved together, executed through an OrderGroup). */
  readonly groupId?: string
  /** Signal time, epoch ms. */
  readonly tsEvent: number
}

/** An order the RiskManager approved and sized: ready for an {@link ExecutionClient}. */
export interface OrderIntent extends OrderRequest {
  readonly strategyId: string
  /** Protective stop the position was sized against. */
  readonly stopPrice?: Decimal
  readonly takeProfitPrice?: Decimal
  /** The signal this intent came from. */
  readonly signal?: Signal
  readonly groupId?: string
}

/** Filter for {@link ExecutionClient.cancelAll}. */
export interface OrderFilter {
  readonly venue?: string
  readonly symbol?: string
  readonly strategyId?: string
}

/** Outcome of a cancel-all: which orders were cancelled, which could not be (and why). */
export interface CancelAllResult {
  readonly canceled: readonly string[]
  readonly failed: ReadonlyArray<{ readonly clientOrderId: string; readonly error: TradekitError }>
}

/** Payload of every order event: the order after the change. */
export interface OrderEvent {
  readonly type: string
  readonly order: Order
  /**
   * On an `order.rejected` that a refusal raised (an OrderExecutor's placement answered with a {@link TradekitError},
   * or a lost request the venue does not know: `ORDER_OUTCOME_UNKNOWN`): that error's code, so a listener can tell a
   * verdict on the order (`EXCHANGE_REJECTED`, `INSUFFICIENT_FUNDS`, …) from a request that was throttled or never
   * sent (`RATE_LIMITED`, `BANNED`, …). Absent on other events and when the venue's own order update said REJECTED.
   */
  readonly code?: TradekitErrorCode
  readonly tsEvent: number
}

/**
 * Payload of `order.filled`: one event per order update, with every fill of that update (a market order that
 * walks five book levels, or a venue ack that reports five trades, is one event with five fills, in execution order)
 * and the order after the last of them.
 */
export interface OrderFilledEvent extends OrderEvent {
  readonly type: 'order.filled'
  /** The fills of this update, oldest first; never empty. */
  readonly fills: readonly Fill[]
}

/**
 * Payload of `fill.reversed`: the venue undid a fill it had reported (Polymarket: the trade's on-chain
 * settlement FAILED). The order keeps the quantity the venue matched; the Portfolio gives the position and cash back.
 */
export interface FillReversedEvent {
  readonly type: 'fill.reversed'
  /** The fill as it was reported (same trade id). */
  readonly fill: Fill
  /** Why the venue reversed it. */
  readonly reason: string
  /** The order, when it is still tracked. */
  readonly order?: Order
  /**
   * Set when `fill` is a fill the OrderExecutor synthesized (`reconcile:` trade id) and this is the real fill, booked
   * in it, that the venue reversed (see {@link FillCoveredEvent}).
   */
  readonly covered?: Fill
  readonly tsEvent: number
}

/**
 * Payload of `fill.settled`: the venue settled a trade it had reported unsettled ({@link Fill.unsettled}; Polymarket:
 * the trade was `MINED`). What the fill bought can be sold from now on.
 */
export interface FillSettledEvent {
  readonly type: 'fill.settled'
  /** The fill as it was reported (same trade id). */
  readonly fill: Fill
  readonly tsEvent: number
}

/**
 * Payload of `fill.covered`: a real fill arrived that a fill the OrderExecutor synthesized had booked already (its
 * trade came after the venue's record of the order); it is not booked again. An unsettled one ({@link Fill.unsettled})
 * still holds its shares back until `fill.settled` or `fill.reversed` names it.
 */
export interface FillCoveredEvent {
  readonly type: 'fill.covered'
  /** The real fill, as the venue reported it. */
  readonly fill: Fill
  readonly tsEvent: number
}

/** Payload of `order.denied` (a check of ours said no) — nothing reached a venue. */
export interface OrderDeniedEvent {
  readonly type: 'order.denied'
  /** The signal that was denied. */
  readonly signal: Signal
  /** The sized intent, when the denial came after sizing. */
  readonly intent?: OrderIntent
  /** Machine-readable code: a RiskReason, or the engine's `FEED_UNHEALTHY`, `GROUP_ESCALATED`, `NO_MARKET_DATA`, `NO_EXECUTOR`, `GROUP_UNROUTABLE`, `ENGINE_STOPPING`, `SIGNAL_QUEUE_FULL`. */
  readonly code: string
  /** Human-readable explanation. */
  readonly reason: string
  readonly tsEvent: number
}

/** A funding fee the venue booked ({@link UserDataEvents} and {@link ExecutionEvents} `funding.settled`). */
export interface FundingSettledEvent {
  readonly type: 'funding.settled'
  readonly funding: FundingPayment
  readonly tsEvent: number
}

/**
 * Funds moved into or out of the account from outside trading: a deposit, a withdrawal, a transfer between wallets
 * ({@link UserDataEvents} and {@link ExecutionEvents} `account.transferred`). `TradingEngine` books it in its Portfolio
 * and tells its RiskManager (`recordTransfer`), so the loss breakers do not read it as a gain or a loss.
 */
export interface AccountTransferEvent {
  readonly type: 'account.transferred'
  readonly venue: string
  readonly asset: string
  /** Exact, in `asset`: positive into the account, negative out of it. */
  readonly amount: Decimal
  /** What the venue says it was (Binance spot `balanceUpdate`; USD-M `ACCOUNT_UPDATE` reasons `DEPOSIT`, ...). */
  readonly reason: string
  readonly tsEvent: number
}

/**
 * Events every {@link ExecutionClient} emits, paper and live alike, so strategy and risk code runs unchanged.
 * `rejected` means the venue said no; `denied` means a check of ours did.
 */
export interface ExecutionEvents {
  'order.submitted': [e: OrderEvent]
  'order.accepted': [e: OrderEvent]
  'order.filled': [e: OrderFilledEvent]
  /** A fill reported earlier was undone by the venue (live only; see {@link FillReversedEvent}). */
  'fill.reversed': [e: FillReversedEvent]
  /** A fill reported unsettled was settled by the venue (live only; see {@link FillSettledEvent}). */
  'fill.settled': [e: FillSettledEvent]
  /** A real fill that a synthesized fill booked already (live only; see {@link FillCoveredEvent}). */
  'fill.covered': [e: FillCoveredEvent]
  'order.canceled': [e: OrderEvent]
  'order.rejected': [e: OrderEvent]
  'order.expired': [e: OrderEvent]
  'order.denied': [e: OrderDeniedEvent]
  /** The venue booked a funding fee (live executors relay their adapter's; a Portfolio attached books it). */
  'funding.settled': [e: FundingSettledEvent]
  /** Funds moved in or out of the account from outside trading (live executors relay their adapter's). */
  'account.transferred': [e: AccountTransferEvent]
  /** An update that the order state machine refused; reported, not applied. */
  'order.transitionRefused': [
    e: { type: 'order.transitionRefused'; order: Order; attempted: string; tsEvent: number },
  ]
  error: [e: TradekitError]
}

/**
 * The order lifecycle events every {@link ExecutionClient} emits with the order after the change, in lifecycle order:
 * subscribe to all of them to follow an order from submission to its final state.
 *
 * @example
 * ```ts
 * for (const name of ORDER_EVENTS) client.events.on(name, (e) => track(e.order))
 * ```
 */
export const ORDER_EVENTS = [
  'order.submitted',
  'order.accepted',
  'order.filled',
  'order.canceled',
  'order.rejected',
  'order.expired',
] as const satisfies ReadonlyArray<keyof ExecutionEvents>

/** Per-call options of {@link MarketDataConsumer}'s methods. */
export interface MarketEventOptions {
  /**
   * Whether the consumer marks the account it books fills into from this event. Default `true`. A host that marks
   * that same account itself passes `false`, so the account is marked once per event (see {@link MarketDataConsumer}).
   */
  readonly mark?: boolean
}

/**
 * An executor that needs public market data to work: a simulated venue (PaperTrader) fills resting orders, walks
 * books and triggers stops from it. Live executors do not need it (the venue fills).
 *
 * Marking: a consumer marks the account it books fills into (its Portfolio) before it fills from the event, unless
 * called with `{ mark: false }`. Exactly one party marks an account per market event: standalone (hand-wired), the
 * consumer does; under `TradingEngine`, the engine marks its Portfolio once per event and passes `{ mark: false }`
 * to a consumer that {@link ExecutionClient.booksFillsInto | books into} that same Portfolio.
 */
export interface MarketDataConsumer {
  /** Feeds a candle (its close is the last price). */
  onCandle(candle: Candle, options?: MarketEventOptions): void
  /** Feeds a public trade. */
  onTrade(trade: Trade, options?: MarketEventOptions): void
  /** Feeds an order-book snapshot. */
  onBook(book: BookSnapshot, options?: MarketEventOptions): void
}

/** The contract shared by PaperTrader and the live OrderExecutor. */
export interface ExecutionClient {
  /**
   * Present on executors that fill from market data (PaperTrader): a host forwards every market event to it (see
   * {@link MarketDataConsumer} for who marks the account). Absent on live executors.
   */
  readonly marketData?: MarketDataConsumer
  /**
   * Whether this client books its own fills into `account` (PaperTrader into its `portfolio`). A host must then not
   * also attach the client to that account (`portfolio.attach(client)`): each fill would count twice. Absent (false)
   * on live executors, whose fills the host books.
   */
  booksFillsInto?(account: object): boolean
  /**
   * True when this client simulates the venue itself (PaperTrader): its orders never leave the process, so the
   * venue's books, and every feed or recording of them, never show them. Absent or false: the orders rest at the
   * venue and its books show them (a market maker then takes them out of its reference price).
   */
  readonly isSimulated?: boolean
  /** Venue ids this client trades on. */
  readonly venues: readonly string[]
  readonly events: Listenable<ExecutionEvents>
  /** Sends an approved intent. Resolves with the order as tracked (usually PENDING_NEW or later). */
  submit(intent: OrderIntent): Promise<Order>
  /** Cancels one order by client order id. */
  cancel(clientOrderId: string): Promise<Order>
  /** Cancels every open order matching `filter`, reporting what could not be cancelled. */
  cancelAll(filter?: OrderFilter): Promise<CancelAllResult>
  /** Orders not yet in a terminal status. */
  openOrders(filter?: OrderFilter): readonly Order[]
  /** Stops accepting orders, optionally cancels open ones, waits (bounded) for in-flight requests. */
  shutdown(options?: { cancelOpenOrders?: boolean; timeoutMs?: number }): Promise<void>
  /**
   * Optional (live executors): compares a {@link Journal}'s last view with the venue after a restart and reports
   * what changed while the process was down.
   */
  reconcileJournal?(view: JournalView): Promise<JournalReconcileReport>
  /**
   * Optional: what one venue call can carry on `venue` ({@link OrderBatching}). A client without it, or answering
   * `undefined`, sends one order per call; {@link ExecutionClient.submitMany} and friends then are absent or loop.
   */
  batching?(venue: string): OrderBatching | undefined
  /**
   * Optional: sends several approved intents, in as few venue calls as the venue allows. One result per intent, in
   * order: one refused order never loses the others' state (each is tracked as by {@link ExecutionClient.submit}).
   */
  submitMany?(intents: readonly OrderIntent[]): Promise<ReadonlyArray<Result<Order>>>
  /** Optional: cancels several orders by client order id in as few venue calls as the venue allows; one result each. */
  cancelMany?(clientOrderIds: readonly string[]): Promise<ReadonlyArray<Result<Order>>>
  /**
   * Optional: replaces an open order with `intent` in one venue call (`batching(venue).replace` says how). With
   * `cancelReplace` the old order is cancelled and `intent` placed (nothing is placed when the cancel fails); with
   * `amend` the order is changed in place and keeps its client order id (`intent.clientOrderId` must equal it).
   * Resolves with the new (or amended) order as tracked; rejects when the replacement was not placed.
   */
  replace?(clientOrderId: string, intent: OrderIntent): Promise<Order>
}

/** What one venue call can carry, per {@link ExecutionClient.batching}. */
export interface OrderBatching {
  /** Most orders one `submitMany` venue call places (Polymarket `POST /orders`: 15); 1 means no batch placement. */
  readonly maxPlace: number
  /** Most orders one `cancelMany` venue call cancels (Polymarket `DELETE /orders`: 3000); 1 means none. */
  readonly maxCancel: number
  /**
   * How `replace` works on the venue: `cancelReplace` (Binance spot `POST /api/v3/order/cancelReplace`: a new order,
   * a new id), `amend` (Binance USD-M `PUT /fapi/v1/order`: same ids, re-queued), absent: no one-call replace.
   */
  readonly replace?: 'cancelReplace' | 'amend'
}

/** The new price and quantity of an order amended in place ({@link ExchangeAdapter.amendOrder}). */
export interface OrderAmendment {
  readonly side: Side
  readonly qty: Decimal
  readonly price: Decimal
}

/** One order's amendment in a batch ({@link ExchangeAdapter.amendOrders}): which order, and its new values. */
export interface OrderAmendmentOf {
  readonly symbol: string
  readonly clientOrderId: string
  readonly changes: OrderAmendment
}

/**
 * What a one-call cancel-replace did, leg by leg ({@link ExchangeAdapter.replaceOrder}): the cancel of the old order
 * and the placement of the new one (`undefined` when it was not attempted because the cancel failed).
 */
export interface ReplaceOutcome {
  readonly canceled: Result<Order>
  readonly placed: Result<OrderAck> | undefined
}

/** The venue's acknowledgement of a new order. */
export interface OrderAck {
  readonly clientOrderId: string
  readonly venueOrderId: string
  /** The order as the venue reports it right after placement (may already be filled). */
  readonly order: Order
  /** Fills reported in the placement response (Binance `fills`, FOK/IOC). */
  readonly fills: readonly Fill[]
}

/** Unified user-data events from a venue's private stream. */
export interface UserDataEvents {
  /** An order changed at the venue (status, filled quantity). */
  'order.updated': [e: { type: 'order.updated'; order: Order; tsEvent: number }]
  /** A fill of one of our orders. */
  fill: [e: { type: 'fill'; fill: Fill; tsEvent: number }]
  /** The venue undid a fill it reported earlier (same trade id), e.g. a failed on-chain settlement. */
  'fill.reversed': [e: { type: 'fill.reversed'; fill: Fill; reason: string; tsEvent: number }]
  /** The venue settled a fill it reported unsettled ({@link Fill.unsettled}), e.g. a trade mined on chain. */
  'fill.settled': [e: FillSettledEvent]
  'balance.updated': [e: { type: 'balance.updated'; balances: readonly Balance[]; tsEvent: number }]
  'position.updated': [e: { type: 'position.updated'; positions: readonly Position[]; tsEvent: number }]
  /** The venue charged or paid funding on a perpetual position (Binance USD-M `ACCOUNT_UPDATE` `FUNDING_FEE`). */
  'funding.settled': [e: FundingSettledEvent]
  /** A deposit, withdrawal or wallet transfer (Binance spot `balanceUpdate`, USD-M `ACCOUNT_UPDATE` transfer reasons). */
  'account.transferred': [e: AccountTransferEvent]
  /** The private stream (re)connected: state must be reconciled over REST. */
  'user.reconnected': [e: { type: 'user.reconnected'; tsEvent: number }]
  error: [e: TradekitError]
}

/**
 * The small trading interface each exchange adapter implements and the live OrderExecutor drives.
 * Requests reject with tradekit errors; a timeout on `placeOrder` rejects with OrderOutcomeUnknownError.
 */
export interface ExchangeAdapter {
  readonly venue: string
  readonly events: Listenable<UserDataEvents>
  /** Instrument rules for a symbol (cached by the adapter). */
  instrument(symbol: string): Promise<Instrument>
  /**
   * How long after an order request is sent the venue may still accept it, ms (Binance: the `recvWindow` of the
   * signed request, plus a margin for clock offset). An order the venue does not know yet may still arrive until
   * then, so the executor never concludes "never placed" before it has passed. Undefined: the venue sets no bound.
   */
  readonly orderArrivalWindowMs?: number
  /** Places an order. Must send `req.clientOrderId` to the venue. */
  placeOrder(req: OrderRequest): Promise<OrderAck>
  /** Cancels by client order id. */
  cancelOrder(symbol: string, clientOrderId: string): Promise<Order>
  /** Looks an order up by client order id; `undefined` when the venue does not know it. */
  queryOrder(symbol: string, clientOrderId: string): Promise<Order | undefined>
  /**
   * Optional: the venue's own record of an order's fills (trade ids, prices and fees as on the user stream), so
   * fills a dropped stream missed are recovered with their real fees instead of being synthesized without one.
   */
  orderFills?(symbol: string, clientOrderId: string): Promise<readonly Fill[]>
  /**
   * Optional: reads again the trades of fills reported unsettled ({@link Fill.unsettled}), so a settlement or a
   * failure the stream missed is emitted (`fill.settled`, `fill.reversed`). The OrderExecutor calls it on every
   * reconciliation.
   */
  recheckSettlement?(): Promise<void>
  /**
   * Optional: most orders one {@link placeOrders} / {@link cancelOrders} / {@link amendOrders} request carries (the
   * venue's limits; `amend` absent: no batch amendment).
   */
  readonly batchLimits?: { readonly place: number; readonly cancel: number; readonly amend?: number }
  /**
   * Optional: places up to `batchLimits.place` orders in one request. Resolves with one result per request, in
   * order (a whole-request failure is every item's error; a lost answer is each item's `OrderOutcomeUnknownError`).
   */
  placeOrders?(reqs: readonly OrderRequest[]): Promise<ReadonlyArray<Result<OrderAck>>>
  /** Optional: cancels up to `batchLimits.cancel` orders in one request; one result per order, in order. */
  cancelOrders?(
    orders: ReadonlyArray<{ readonly symbol: string; readonly clientOrderId: string }>,
  ): Promise<ReadonlyArray<Result<Order>>>
  /**
   * Optional: cancels `clientOrderId` and places `replacement` in one request, placing nothing when the cancel fails
   * (Binance spot cancel-replace, `STOP_ON_FAILURE`). Resolves with each leg; rejects with `OrderOutcomeUnknownError`
   * when the answer was lost, or with the request's error when neither leg was attempted.
   */
  replaceOrder?(symbol: string, clientOrderId: string, replacement: OrderRequest): Promise<ReplaceOutcome>
  /** Optional: amends an open LIMIT order's price and quantity in place, same ids (Binance USD-M modify). */
  amendOrder?(symbol: string, clientOrderId: string, changes: OrderAmendment): Promise<Order>
  /**
   * Optional: amends up to `batchLimits.amend` open LIMIT orders in one request, as {@link amendOrder} does each
   * (Binance USD-M batch modify). One result per order, in order; a lost answer is each order's error.
   */
  amendOrders?(amendments: ReadonlyArray<OrderAmendmentOf>): Promise<ReadonlyArray<Result<Order>>>
  /** Open orders, of one symbol or all. */
  openOrders(symbol?: string): Promise<readonly Order[]>
  balances(): Promise<readonly Balance[]>
  /** Derivative or outcome-token positions (empty for spot). */
  positions(): Promise<readonly Position[]>
  /** Starts the private stream. */
  startUserData(): Promise<void>
  /** Closes sockets and timers. */
  close(): Promise<void>
}

/** Unified market-data events, whichever venue they come from. */
export interface MarketDataEvents {
  candle: [c: Candle]
  trade: [t: Trade]
  book: [b: BookSnapshot]
  /** A payload was rejected by a decoder; counted and dropped. */
  dataError: [e: TradekitError]
  error: [e: TradekitError]
}

/** A source of market data (live adapter stream, replay, backtest feed). */
export interface MarketDataSource {
  readonly events: Listenable<MarketDataEvents>
}

/**
 * What a risk check needs to know about the account at one instant. A `Portfolio` provides it; tests build it
 * by hand.
 */
export interface AccountSnapshot {
  /** Mark-to-market equity in the account currency. */
  readonly equity: Decimal
  /** Equity not used as margin or held by orders. */
  readonly freeMargin: Decimal
  /**
   * Per cash asset, the amount free to spend, in that asset: its balance less what open orders hold or commit of it
   * (a `Portfolio`'s: a spot holding is a position, not cash).
   * A spot or outcome-token BUY pays in its quote asset alone, so the risk manager sizes one within that asset's free
   * cash as well as the free margin (an asset not listed has none). Absent: not told apart (free margin only).
   */
  readonly freeCash?: Readonly<Record<string, Decimal>>
  /** Highest equity seen (drawdown reference). */
  readonly peakEquity: Decimal
  /** Realized PnL today (net of fees). */
  readonly realizedPnlToday?: Decimal
  readonly positions: readonly Position[]
  /**
   * The positions of the strategy the decision is for (its share of each instrument, when several strategies trade
   * one): an EXIT closes at most that share, per-strategy limits count them. Absent: the strategy is not told apart.
   */
  readonly strategyPositions?: readonly Position[]
  /**
   * With `strategyPositions`: the part of each venue position that no strategy's fills explain (restored from the
   * venue after a restart, a liquidation, an order placed by hand). Any strategy's EXIT may close it as well.
   */
  readonly unattributedPositions?: readonly Position[]
  readonly openOrders: readonly Order[]
  /** Snapshot time, epoch ms. */
  readonly tsEvent: number
  /**
   * What the amounts are in and how other currencies are valued (a `Portfolio`'s). Absent: every instrument is taken
   * to be quoted in the account's currency. The risk manager sizes an entry quoted in another currency at its rate,
   * and refuses one without a rate.
   */
  readonly valuation?: AccountValuation
}

/** The currency an account's amounts are in, and the rates it values other assets at. */
export interface AccountValuation {
  /** The currency of equity, free margin and PnL (a `Portfolio`'s `accountCurrency`). */
  readonly currency: string
  /** The value in `currency` of one unit of each other asset the account values (a `Portfolio`'s `currencies`). */
  readonly rates: Readonly<Record<string, Decimal>>
}

/** Market context for one instrument at decision time. */
export interface MarketSnapshot {
  readonly instrument: Instrument
  /** Latest price (last trade or mid). */
  readonly price: Decimal
  /** When that price was observed, epoch ms. */
  readonly priceTs: number
  /** Latest ATR for ATR-based stops and volatility sizing, when available. */
  readonly atr?: number
}
