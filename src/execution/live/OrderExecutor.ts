import type * as z from 'zod/mini'
import { BoundedMap } from '../../core/BoundedMap.js'
import { type Clock, SystemClock } from '../../core/clock.js'
import { parseConfig } from '../../core/config.js'
import { type Listenable, subscribe, TypedEmitter } from '../../core/events.js'
import type { JournalOrderEntry, JournalReconcileReport, JournalView } from '../../core/journal.js'
import { type Logger, silentLogger } from '../../core/logger.js'
import { applyFill, createOrder, isTerminalStatus } from '../../core/orderState.js'
import type {
  AccountTransferEvent,
  CancelAllResult,
  ExchangeAdapter,
  ExecutionClient,
  FillSettledEvent,
  FundingSettledEvent,
  OrderAck,
  OrderBatching,
  OrderFilter,
  OrderIntent,
} from '../../core/ports.js'
import { RecentIds } from '../../core/RecentIds.js'
import {
  type Balance,
  type Fill,
  fillKey,
  type Order,
  type OrderStatus,
  type Position,
} from '../../core/types.js'
import {
  OrderOutcomeUnknownError,
  StateError,
  type TradekitError,
  toTradekitError,
} from '../../errors/index.js'
import { err, ok, type Result } from '../../errors/result.js'
import { cancelEach } from '../cancelEach.js'
import { OpenOrders } from '../OpenOrders.js'
import { type ShutdownOptions, ShutdownOptionsSchema } from '../ShutdownOptions.js'
import { Amendments, withVenueTerms } from './amendments.js'
import { BatchSender, type BatchSenderHost } from './BatchSender.js'
import { compareJournalView, journalBaseline } from './compareJournalView.js'
import { FillsRecovery } from './FillsRecovery.js'
import { afterLateFill, venueFillOrder } from './lateFill.js'
import { type OrderExecutorConfig, OrderExecutorConfigSchema } from './OrderExecutorConfig.js'
import type { OrderExecutorEvents } from './OrderExecutorEvents.js'
import {
  dryRunRefusal,
  emitStatus,
  isDuplicate,
  logDryRun,
  notCanceledError,
  VENUE_SAID_NO,
} from './orderOutcome.js'
import { type ReconcileReport, Reconciler, type ReconcilerHost } from './Reconciler.js'
import { type ShadowReport, ShadowTracker } from './shadow.js'
import { InFlight, SubmitThrottle, withTimeout } from './throttle.js'
import { UnknownOrderFills } from './unknownOrderFills.js'

export type { ReconcileReport } from './Reconciler.js'

export type { OrderExecutorEvents }
export { type OrderExecutorConfig, OrderExecutorConfigSchema }

/**
 * The live {@link ExecutionClient}: drives an {@link ExchangeAdapter}. Every order carries a unique client order id;
 * a timeout or network error is never answered by a blind resend — the order is looked up by client id first;
 * order state comes from the user-data stream and is reconciled over REST at start, after every reconnect and
 * every `reconcileIntervalMs` (fills a stream lost without a reconnect are found then);
 * submissions are throttled; the order state machine is enforced (illegal updates are reported on
 * `order.transitionRefused`, not applied). `dryRun` logs instead of sending; `shadow` mirrors every order to a
 * PaperTrader and reports how far paper is from live.
 *
 * @example
 * ```ts
 * const exec = new OrderExecutor({ adapter: binance, maxOrdersPerInterval: 10, rateIntervalMs: 1000 })
 * exec.events.on('error', (e) => log.error(e))
 * await exec.start()                          // user stream + reconciliation
 * await exec.submit(intent)                   // resolves with the tracked order
 * await exec.shutdown({ cancelOpenOrders: true })
 * ```
 */
export class OrderExecutor implements ExecutionClient {
  readonly #cfg: z.output<typeof OrderExecutorConfigSchema>
  readonly #adapter: ExchangeAdapter
  readonly #clock: Clock
  readonly #log: Logger
  readonly #bus = new TypedEmitter<OrderExecutorEvents>()
  /** Subscribe-only view of the executor's events. */
  readonly events: Listenable<OrderExecutorEvents> = this.#bus
  /** Its orders rest at the venue, whose books show them. */
  readonly isSimulated = false
  /** The venue of the adapter. */
  readonly venues: readonly string[]
  readonly #orders: OpenOrders
  readonly #reserved = new Set<string>()
  /** Client order ids a dry run logged (the last `historySize`): refused again, as live trading refuses them. */
  readonly #dryRunIds: RecentIds<string>
  /** Fills applied; the oldest are forgotten past `historySize × 4` (the set stays bounded). */
  readonly #seenTrades: RecentIds<string>
  readonly #reversedTrades: RecentIds<string>
  /** Fills of orders not known: errors, except those traded before the start (see UnknownOrderFills). */
  readonly #unknown: UnknownOrderFills
  /** Fills the venue reports but the stream did not deliver: looked up until they are in. */
  readonly #fills: FillsRecovery
  /** Decides what is re-queried after a reconnect, a timeout or an unknown outcome. */
  readonly #reconciler: Reconciler
  readonly #inFlight = new InFlight()
  readonly #throttle: SubmitThrottle
  readonly #shadow: ShadowTracker | undefined
  readonly #batch: BatchSender
  /** Orders adopted from the venue (not sent by this session), as adopted: a journal may know them better. */
  readonly #adopted: BoundedMap<string, Order>
  /** Raises in flight (a fill may beat their answer) and the orders amended lately. */
  readonly #amendments: Amendments
  readonly #unsubscribe: (() => void)[] = []
  #idSeq = 0
  #closed = false
  #started = false
  #userDataStarted = false

  constructor(config: OrderExecutorConfig) {
    this.#cfg = parseConfig(OrderExecutorConfigSchema, config, 'OrderExecutor')
    this.#seenTrades = new RecentIds(this.#cfg.historySize * 4)
    this.#reversedTrades = new RecentIds(this.#cfg.historySize)
    this.#dryRunIds = new RecentIds(this.#cfg.historySize)
    this.#amendments = new Amendments(this.#cfg.historySize)
    this.#adopted = new BoundedMap(this.#cfg.historySize)
    this.#adapter = this.#cfg.adapter
    this.#clock = this.#cfg.clock ?? new SystemClock()
    this.#log = this.#cfg.logger ?? silentLogger
    this.#unknown = new UnknownOrderFills(this.#cfg.historySize, this.#log, (e) => this.#bus.emit('error', e))
    this.venues = [this.#adapter.venue]
    this.#orders = new OpenOrders({
      historySize: this.#cfg.historySize,
      onInvalidTransition: (order, attempted) => this.#invalid(order, attempted),
    })
    const host = this.#reconcilerHost()
    this.#fills = new FillsRecovery(host)
    this.#reconciler = new Reconciler(host, this.#fills)
    this.#batch = new BatchSender(this.#batchHost())
    this.#throttle = new SubmitThrottle(
      this.#clock,
      this.#cfg.maxOrdersPerInterval,
      this.#cfg.rateIntervalMs,
      this.#cfg.maxQueuedSubmissions,
    )
    if (this.#cfg.shadow !== undefined) {
      this.#shadow = new ShadowTracker(this.#cfg.shadow, this.#clock, (c) =>
        this.#bus.emit('shadow.compared', {
          type: 'shadow.compared',
          comparison: c,
          tsEvent: this.#clock.now(),
        }),
      )
    }
  }

  /**
   * Subscribes to the adapter's user-data events, starts the private stream and reconciles (unless disabled). A start
   * that fails is undone (the subscriptions dropped), so `start()` can be called again; the stream is started once.
   */
  async start(): Promise<void> {
    if (this.#started) return
    this.#started = true
    this.#unknown.started(this.#clock.now())
    const unsubscribe = this.#subscribe()
    this.#unsubscribe.push(unsubscribe)
    try {
      if (!this.#cfg.dryRun && !this.#userDataStarted) {
        const t = this.#cfg.requestTimeoutMs
        await withTimeout(this.#clock, this.#adapter.startUserData(), t, 'startUserData')
        this.#userDataStarted = true
      }
      if (this.#cfg.reconcileOnStart && !this.#cfg.dryRun) await this.reconcile()
      if (!this.#cfg.dryRun && !this.#closed) this.#reconciler.startPeriodic()
    } catch (e) {
      unsubscribe()
      this.#unsubscribe.splice(this.#unsubscribe.indexOf(unsubscribe), 1)
      this.#started = false
      throw e
    }
  }

  /** Subscribes to the adapter's user-data events; returns the unsubscribe. */
  #subscribe(): () => void {
    return subscribe(this.#adapter.events, {
      'order.updated': (e: { order: Order }) => this.#applyVenueOrder(e.order, false),
      fill: (e: { fill: Fill }) => this.#onFills([e.fill]),
      'fill.reversed': (e: { fill: Fill; reason: string }) => this.#onFillReversed(e.fill, e.reason),
      'balance.updated': ({ balances, tsEvent }: { balances: readonly Balance[]; tsEvent: number }) =>
        this.#bus.emit('account.updated', { type: 'account.updated', balances, tsEvent }),
      'position.updated': ({ positions, tsEvent }: { positions: readonly Position[]; tsEvent: number }) =>
        this.#bus.emit('account.updated', { type: 'account.updated', positions, tsEvent }),
      'funding.settled': (e: FundingSettledEvent) => this.#bus.emit('funding.settled', e),
      'fill.settled': (e: FillSettledEvent) => this.#bus.emit('fill.settled', e), // the Portfolio knows the fill
      'account.transferred': (e: AccountTransferEvent) => this.#bus.emit('account.transferred', e),
      'user.reconnected': () => this.#reconciler.onReconnected(),
      error: (e: TradekitError) => this.#bus.emit('error', e),
    })
  }

  /** A fresh client order id: `<prefix>-<time base36>-<seq base36>-<random>`, at most 36 characters. */
  nextClientOrderId(): string {
    const rand = Math.floor(Math.random() * 36 ** 6)
      .toString(36)
      .padStart(6, '0')
    return `${this.#cfg.clientOrderIdPrefix}-${this.#clock.now().toString(36)}-${(++this.#idSeq).toString(36)}-${rand}`
  }

  /**
   * Sends an approved intent (an empty `clientOrderId` gets a generated one). Resolves with the tracked order:
   * OPEN/FILLED on an ack, REJECTED when the venue said no, PENDING_NEW when the outcome is unknown (it is then
   * looked up by client order id, never blindly re-sent). Rejects on a duplicate id, after shutdown, or when too
   * many submissions already wait for the rate limit.
   */
  submit(intent: OrderIntent): Promise<Order> {
    return this.#track(this.#submit(intent))
  }

  async #submit(intent: OrderIntent): Promise<Order> {
    const { order, send } = await this.#admit(intent)
    if (send) await this.#send(order, true)
    return this.#orders.get(order.clientOrderId) ?? order
  }

  /**
   * Checks an intent, takes its client order id, waits for the rate limit and tracks it as PENDING_NEW (`send`), or
   * only logs it in dry-run mode. Rejects on a duplicate id, a wrong venue or after shutdown.
   */
  async #admit(intent: OrderIntent): Promise<{ order: Order; send: boolean }> {
    if (this.#closed) throw new StateError('OrderExecutor is shut down: not accepting orders')
    if (intent.venue !== this.#adapter.venue) {
      throw new StateError(`Intent for venue "${intent.venue}" sent to the "${this.#adapter.venue}" executor`)
    }
    const cid = intent.clientOrderId === '' ? this.nextClientOrderId() : intent.clientOrderId
    if (this.#orders.has(cid) || this.#reserved.has(cid) || this.#dryRunIds.has(cid)) {
      throw new StateError(`Duplicate client order id "${cid}"`)
    }
    const created = createOrder(
      cid === intent.clientOrderId ? intent : { ...intent, clientOrderId: cid },
      this.#clock.now(),
    )
    if (!created.ok) throw created.error
    const order = created.value
    if (this.#cfg.dryRun) {
      this.#dryRunIds.add(cid)
      logDryRun(this.#log, this.#bus, order, this.#clock.now())
      return { order, send: false }
    }
    // The id is taken while the submission waits for the rate limit, so a concurrent duplicate is refused too.
    this.#reserved.add(cid)
    try {
      await this.#throttle.acquire()
    } finally {
      this.#reserved.delete(cid)
    }
    if (this.#closed) throw new StateError('OrderExecutor is shut down: not accepting orders')
    this.#orders.add(order, intent.strategyId)
    this.#bus.emit('order.submitted', { type: 'order.submitted', order, tsEvent: this.#clock.now() })
    this.#shadow?.mirror({ ...intent, clientOrderId: cid }, order)
    return { order, send: true }
  }

  /** Places the order; maps the answer onto the tracked order. `mayResend` allows one resend after a not-found. */
  async #send(order: Order, mayResend: boolean): Promise<void> {
    if (this.#closed) return this.#notSent(order, mayResend)
    try {
      const ack = await this.#call(this.#adapter.placeOrder(order), 'placeOrder')
      this.#placed(order, ok(ack), mayResend)
    } catch (e) {
      this.#placed(order, err(toTradekitError(e)), mayResend)
    }
  }

  /**
   * Sends an order once more with the same client id (no further resend) when the rate limit allows, as any placement
   * waits for it; refused by a full queue it is REJECTED (not placed), after shutdown its outcome stays unknown.
   */
  async #resend(order: Order): Promise<void> {
    try {
      await this.#throttle.acquire()
    } catch (e) {
      if (this.#closed) return this.#notSent(order, false)
      return this.#placed(order, err(toTradekitError(e)), false)
    }
    await this.#send(order, false)
  }

  /** After shutdown nothing is sent: a first placement is REJECTED (never sent); a resend's outcome stays unknown. */
  #notSent(order: Order, first: boolean): void {
    const cid = order.clientOrderId
    const cur = this.#orders.get(cid)
    if (cur === undefined || cur.status !== 'PENDING_NEW') return
    const why = `OrderExecutor is shut down: "${cid}" not sent`
    if (first) this.#move(cur, 'REJECTED', new StateError(why))
    else this.#bus.emit('error', new OrderOutcomeUnknownError(cid, `${why} again; its outcome is unknown`))
  }

  /** Applies a placement's answer: the ack, a refusal (REJECTED), or an unknown outcome (looked up by client id). */
  #placed(order: Order, outcome: Result<OrderAck>, mayResend: boolean): void {
    const cid = order.clientOrderId
    if (outcome.ok) {
      const ack = outcome.value
      this.#applyAck(cid, ack.order, ack.venueOrderId, ack.fills)
      return
    }
    const error = outcome.error
    if (VENUE_SAID_NO.has(error.code) && !(mayResend === false && isDuplicate(error))) {
      const cur = this.#orders.get(cid)
      if (cur !== undefined && cur.status === 'PENDING_NEW') this.#move(cur, 'REJECTED', error)
      return
    }
    // Unknown outcome: never re-send blindly; look it up by client order id.
    const cur = this.#orders.get(cid) ?? order
    this.#log.warn({ clientOrderId: cid, code: error.code }, 'order outcome unknown: querying by client id')
    this.#bus.emit('order.outcomeUnresolved', {
      type: 'order.outcomeUnresolved',
      order: cur,
      error,
      tsEvent: this.#clock.now(),
    })
    this.#background(this.#reconciler.resolveUnknown(cid, mayResend))
  }

  /** An adapter request bounded by `requestTimeoutMs`. */
  #call<T>(p: Promise<T>, what: string): Promise<T> {
    return withTimeout(this.#clock, p, this.#cfg.requestTimeoutMs, what)
  }

  /** Cancels by client order id; on an error, the order is looked up to learn the truth before rejecting. */
  cancel(clientOrderId: string): Promise<Order> {
    return this.#track(this.#cancel(clientOrderId))
  }

  async #cancel(cid: string): Promise<Order> {
    const { symbol, before } = this.#cancelling(cid)
    let outcome: Result<Order>
    try {
      outcome = ok(await this.#call(this.#adapter.cancelOrder(symbol, cid), 'cancelOrder'))
    } catch (e) {
      outcome = err(toTradekitError(e))
    }
    return this.#canceled(cid, symbol, before, outcome)
  }

  /** Checks an order can be cancelled and marks it PENDING_CANCEL; returns its symbol and status before. */
  #cancelling(cid: string): { symbol: string; before: OrderStatus } {
    if (this.#cfg.dryRun) throw dryRunRefusal('cancel', cid)
    const cur = this.#orders.get(cid)
    if (cur === undefined) throw new StateError(`Unknown order "${cid}"`)
    if (isTerminalStatus(cur.status)) throw new StateError(`Order "${cid}" is already ${cur.status}`)
    const before = cur.status
    if (before !== 'PENDING_NEW' && before !== 'PENDING_CANCEL') this.#move(cur, 'PENDING_CANCEL')
    return { symbol: cur.symbol, before }
  }

  /** Applies a cancel's answer; on an error the order is looked up to learn the truth before rejecting. */
  async #canceled(cid: string, symbol: string, before: OrderStatus, outcome: Result<Order>): Promise<Order> {
    if (outcome.ok) {
      const v = outcome.value
      await this.#fills.recover(v)
      const now = this.#orders.get(cid) as Order
      if (isTerminalStatus(now.status)) return now
      // The venue answers with the order as it is: cancelled (or the cancel taken), or not cancelled (Polymarket's
      // `not_canceled`: matched before the cancel, its fills still on their way; or still resting).
      if (v.status === 'CANCELED' || v.status === 'PENDING_CANCEL') {
        if (now.status === 'PENDING_CANCEL') this.#move(now, 'CANCELED', v.reason)
        return this.#orders.get(cid) as Order
      }
      throw this.#notCanceled(now, before, v)
    }
    try {
      const found = await this.#call(this.#adapter.queryOrder(symbol, cid), 'queryOrder')
      if (found !== undefined) await this.#fills.recover(found)
    } catch {
      // The cancel's own error is what the caller needs.
    }
    const now = this.#orders.get(cid) as Order
    if (now.status === 'PENDING_CANCEL' && (before === 'OPEN' || before === 'PARTIALLY_FILLED')) {
      this.#move(now, now.filledQty.gt(0) ? 'PARTIALLY_FILLED' : 'OPEN')
    }
    if (isTerminalStatus((this.#orders.get(cid) as Order).status)) return this.#orders.get(cid) as Order
    throw outcome.error
  }

  /** A cancel the venue answered without cancelling: the order leaves PENDING_CANCEL as before it; the error says so. */
  #notCanceled(now: Order, before: OrderStatus, v: Order): StateError {
    if (now.status === 'PENDING_CANCEL' && (before === 'OPEN' || before === 'PARTIALLY_FILLED'))
      this.#move(now, now.filledQty.gt(0) ? 'PARTIALLY_FILLED' : 'OPEN')
    return notCanceledError(v)
  }

  /** What one request carries on the adapter's venue (from its optional `placeOrders`, `cancelOrders`, ...). */
  batching(venue: string): OrderBatching | undefined {
    return venue === this.#adapter.venue ? this.#batch.batching() : undefined
  }

  /** Sends several intents in requests of up to `batching().maxPlace` orders; one result per intent, in order. */
  submitMany(intents: readonly OrderIntent[]): Promise<ReadonlyArray<Result<Order>>> {
    return this.#track(this.#batch.submitMany(intents))
  }

  /** Cancels several orders in requests of up to `batching().maxCancel`; one result per id, in order. */
  cancelMany(clientOrderIds: readonly string[]): Promise<ReadonlyArray<Result<Order>>> {
    return this.#track(this.#batch.cancelMany(clientOrderIds))
  }

  /** Replaces an open order in one request where the venue allows (see `ExecutionClient.replace`). */
  replace(clientOrderId: string, intent: OrderIntent): Promise<Order> {
    if (this.#cfg.dryRun) return Promise.reject(dryRunRefusal('replace', clientOrderId))
    return this.#track(this.#batch.replace(clientOrderId, intent))
  }

  /** Cancels every open order matching `filter` concurrently; reports those that could not be cancelled. */
  cancelAll(filter?: OrderFilter): Promise<CancelAllResult> {
    return cancelEach(this.openOrders(filter), (cid) => this.cancel(cid))
  }

  /** Tracked orders that are not terminal. */
  openOrders(filter?: OrderFilter): readonly Order[] {
    return this.#orders.open(filter)
  }

  /** A tracked order by client id. */
  order(clientOrderId: string): Order | undefined {
    return this.#orders.get(clientOrderId)
  }

  /**
   * Fetches open orders, balances and positions over REST and merges them: unknown open orders are adopted,
   * tracked orders missing from the open list are looked up by client id, missing fills are taken from the venue's
   * record of the order's fills when the adapter has `orderFills` (real trade ids and fees; a failed lookup is retried
   * with backoff, never answered by a made-up fill), and only without `orderFills` (or when `queryAttempts` successful
   * lookups still fall short) synthesized from the venue's filled quantity and average price (trade id
   * `reconcile:<id>:<filledQty>`, fee unknown so 0). Runs by itself at start, after every user-stream reconnect (at
   * once and again after `reconnectRecheckDelayMs`), every `reconcileIntervalMs` and when an unknown outcome's
   * look-ups failed.
   */
  reconcile(): Promise<ReconcileReport> {
    return this.#reconciler.reconcile()
  }

  /**
   * After a restart: tracks this venue's open orders from a journal's last view again (their journaled fills marked
   * seen, so none is booked twice; one `start()` adopted takes the journal's version, see `journalBaseline`),
   * reconciles with the venue (fills made while down are booked as usual), and
   * reports what changed while the process was down, also as `orders.journalReconciled`.
   */
  async reconcileJournal(view: JournalView): Promise<JournalReconcileReport> {
    const venue = this.#adapter.venue
    const mine = view.openOrders.filter((o) => o.venue === venue)
    for (const k of view.fillKeys) this.#seenTrades.add(k)
    for (const e of mine) this.#trackJournaled(e)
    const { openOrders } = await this.reconcile()
    const lookUp = (e: JournalOrderEntry) => this.#adapter.queryOrder(e.symbol, e.clientOrderId)
    const report = await compareJournalView(venue, mine, openOrders, lookUp, this.#clock.now())
    this.#bus.emit('orders.journalReconciled', {
      type: 'orders.journalReconciled',
      report,
      tsEvent: report.tsEvent,
    })
    return report
  }

  /** Tracks a journal's open order again, with its strategy, from the baseline {@link journalBaseline} picks. */
  #trackJournaled(e: JournalOrderEntry): void {
    const cur = this.#orders.get(e.clientOrderId)
    const adopted = cur === undefined ? undefined : this.#adopted.take(e.clientOrderId)
    if (cur === undefined || adopted !== undefined)
      this.#orders.add(journalBaseline(e, cur, adopted), e.strategyId)
  }

  /** Shadow mode: aggregate live-vs-paper differences so far. */
  shadowReport(): ShadowReport | undefined {
    return this.#shadow?.report()
  }

  /**
   * Stops accepting orders, waits up to `timeoutMs` (default 5000) for in-flight requests, cancels open orders
   * unless `cancelOpenOrders` is false, then detaches from the adapter (which the caller closes).
   */
  async shutdown(options: ShutdownOptions = {}): Promise<void> {
    const opts = parseConfig(ShutdownOptionsSchema, options, 'OrderExecutor.shutdown options')
    if (this.#closed) return
    this.#closed = true
    this.#throttle.close()
    this.#reconciler.close()
    this.#fills.close()
    const timeoutMs = opts.timeoutMs
    await this.#inFlight.drain(this.#clock, timeoutMs)
    // A dry run sends nothing, so it never cancels: the open orders it tracks were adopted from the venue.
    if (opts.cancelOpenOrders && this.#cfg.dryRun) this.#log.info({}, 'dry run: open orders not cancelled')
    else if (opts.cancelOpenOrders) {
      const r = await this.cancelAll()
      for (const f of r.failed) this.#bus.emit('error', f.error)
    }
    await this.#inFlight.drain(this.#clock, timeoutMs)
    for (const e of this.#fills.shortfalls()) this.#bus.emit('error', e)
    for (const u of this.#unsubscribe.splice(0)) u()
    this.#shadow?.close()
    if (this.#cfg.shadow !== undefined) await this.#cfg.shadow.shutdown(options)
  }

  // ---------------------------------------------------------------------------------------------------------------

  #applyAck(cid: string, venueOrder: Order, venueOrderId: string, fills: readonly Fill[]): void {
    let cur = this.#orders.get(cid)
    if (cur === undefined) return
    if (venueOrder.status === 'REJECTED') {
      if (cur.status === 'PENDING_NEW') this.#move(cur, 'REJECTED', venueOrder.reason ?? 'rejected by venue')
      return
    }
    if (cur.status === 'PENDING_NEW') cur = this.#move(cur, 'OPEN', undefined, venueOrderId) ?? cur
    this.#onFills(fills)
    const v = { ...venueOrder, clientOrderId: cid }
    this.#applyVenueOrder(v, false)
    // An ack that reports a match without its fills (Polymarket's "matched"): the stream normally brings them; if it
    // does not within `queryIntervalMs` (it may be reconnecting), they are looked up.
    const now = this.#orders.get(cid)
    if (now !== undefined && v.filledQty.gt(now.filledQty)) this.#fills.await(v)
  }

  /** Merges the venue's view of an order: status moves only forward; fills come from fill events. */
  #applyVenueOrder(v: Order, adopt: boolean): void {
    const cid = v.clientOrderId
    let cur = this.#orders.get(cid)
    if (cur === undefined) {
      if (!adopt || isTerminalStatus(v.status)) return
      this.#orders.set(v)
      this.#adopted.set(cid, v)
      this.#bus.emit('order.accepted', { type: 'order.accepted', order: v, tsEvent: this.#clock.now() })
      return
    }
    if (cur.status === 'REJECTED' && (v.status === 'OPEN' || v.status === 'PARTIALLY_FILLED')) {
      this.#reconciler.cancelRevenant(cur, v)
      return
    }
    if (cur.status === 'PENDING_NEW' && v.status !== 'REJECTED' && v.status !== 'PENDING_NEW') {
      cur = this.#move(cur, 'OPEN', undefined, v.venueOrderId) ?? cur
    }
    switch (v.status) {
      case 'PENDING_NEW':
      case 'OPEN':
      case 'PARTIALLY_FILLED':
      case 'FILLED':
        return // fills drive these (reconciliation synthesizes missing ones)
      case 'PENDING_CANCEL':
        if (cur.status === 'OPEN' || cur.status === 'PARTIALLY_FILLED') this.#move(cur, 'PENDING_CANCEL')
        return
      default: {
        const moved = this.#move(cur, v.status, v.reason)
        if (moved !== undefined && v.filledQty.gt(moved.filledQty)) this.#fills.await(v)
      }
    }
  }

  /**
   * Applies the fills of one venue update (a stream event, an ack's fills, a fills lookup) and emits one
   * `order.filled` per order with the fills applied to it, in the order they came.
   */
  #onFills(fills: readonly Fill[]): void {
    const batches = new Map<string, { order: Order; fills: Fill[] }>()
    for (const fill of fills) {
      const next = this.#onFill(fill)
      if (next === undefined) continue
      const batch = batches.get(next.clientOrderId)
      if (batch === undefined) batches.set(next.clientOrderId, { order: next, fills: [fill] })
      else {
        batch.order = next
        batch.fills.push(fill)
      }
    }
    for (const { order, fills: applied } of batches.values()) {
      this.#bus.emit('order.filled', {
        type: 'order.filled',
        order,
        fills: applied,
        tsEvent: this.#clock.now(),
      })
      this.#shadow?.live(order, applied)
      if (isTerminalStatus(order.status)) this.#retire(order)
    }
  }

  /** Applies one fill to its order; returns the order after it, or undefined when it was not applied. */
  #onFill(fill: Fill): Order | undefined {
    const k = fillKey(fill)
    if (this.#seenTrades.has(k)) return undefined
    const cur = this.#orders.get(fill.clientOrderId)
    if (cur === undefined && fill.origin !== undefined) {
      this.#onVenueFill(fill, k)
      return undefined
    }
    if (cur === undefined) return this.#unknown.filled(fill, k)
    if (this.#fills.synthesized.covers(fill)) {
      // A real fill a synthesized one already booked (its trade came after the venue's record): counted once. Said
      // all the same: an unsettled one holds back what it bought until its settlement (see FillCoveredEvent).
      this.#seenTrades.add(k)
      this.#log.info({ clientOrderId: cur.clientOrderId, tradeId: fill.tradeId }, 'fill booked already')
      this.#bus.emit('fill.covered', { type: 'fill.covered', fill, tsEvent: this.#clock.now() })
      return undefined
    }
    let next: Order | undefined
    if (isTerminalStatus(cur.status)) {
      // A fill after the order ended: streams reorder updates, or the venue placed an order we rejected after all.
      next = afterLateFill(cur, fill)
      if (next !== undefined && cur.status === 'REJECTED') this.#revived(cur, next, fill)
    } else {
      const base =
        cur.status === 'PENDING_NEW' ? (this.#move(cur, 'OPEN', undefined, fill.venueOrderId) ?? cur) : cur
      const r = applyFill(this.#amendments.sized(base), fill)
      if (r.ok) next = r.value
    }
    if (next === undefined) {
      this.#invalid(cur, `fill ${fill.qty.toString()} (${fill.tradeId})`)
      // Not applied, so not remembered: a fill that beat the answer making room for it (an amended quantity) is
      // read again, with its real fee, from the venue's record of the order.
      if (!isTerminalStatus(cur.status)) this.#reconciler.recheckLater(cur, k)
      return undefined
    }
    this.#seenTrades.add(k)
    this.#orders.set(next)
    this.#fills.applied(next)
    return next
  }

  /** A fill of an order held REJECTED that the venue placed after all: booked, said on `error`, the rest cancelled. */
  #revived(rejected: Order, next: Order, fill: Fill): void {
    const cid = rejected.clientOrderId
    this.#bus.emit(
      'error',
      new StateError(`Order "${cid}" was REJECTED here but the venue filled ${fill.qty.toString()}: booked`),
    )
    if (!isTerminalStatus(next.status)) this.#reconciler.cancelRevenant(rejected, next)
  }

  /**
   * A fill of an order the venue placed itself (liquidation, ADL, settlement): booked as one filled market order
   * so the Portfolio sees the price, the fee and the position change.
   */
  #onVenueFill(fill: Fill, key: string): void {
    this.#seenTrades.add(key)
    const order = venueFillOrder(fill)
    this.#bus.emit('order.filled', { type: 'order.filled', order, fills: [fill], tsEvent: this.#clock.now() })
  }

  /**
   * The venue undid a fill it reported (Polymarket: the trade's settlement failed on chain). The order keeps the
   * quantity the venue matched; the reversal goes out as `fill.reversed` so the Portfolio takes the position and
   * cash back: of the synthesized fill that booked it, when it was booked as one (`SyntheticFills.reversalOf`; the
   * event's `covered` is then the real fill). A reversal of a fill never applied here is ignored (one of an
   * unknown order that traded before the start is reported, see UnknownOrderFills).
   */
  #onFillReversed(fill: Fill, reason: string): undefined {
    const k = fillKey(fill)
    if (!this.#seenTrades.has(k)) return this.#unknown.reversed(fill, k)
    if (this.#reversedTrades.has(k)) return
    this.#reversedTrades.add(k)
    const booked = this.#fills.synthesized.reversalOf(fill) // the synthesized fill it was booked in, if any
    if (booked instanceof StateError) this.#bus.emit('error', booked)
    const synthesized = booked instanceof StateError ? undefined : booked
    const order = this.#orders.get(fill.clientOrderId)
    this.#log.warn(
      { clientOrderId: fill.clientOrderId, tradeId: fill.tradeId, reason },
      'fill reversed by venue',
    )
    this.#bus.emit('fill.reversed', {
      type: 'fill.reversed',
      fill: synthesized ?? fill,
      ...(synthesized !== undefined ? { covered: fill } : {}),
      reason,
      ...(order !== undefined ? { order } : {}),
      tsEvent: this.#clock.now(),
    })
  }

  /** Moves an order to `to` and emits its event; a refusal (`why` an error) gives its message and its `code`. */
  #move(
    order: Order,
    to: OrderStatus,
    why?: string | TradekitError,
    venueOrderId?: string,
  ): Order | undefined {
    if (order.status === to) return order
    const reason = typeof why === 'object' ? why.shortMessage : why
    const next = this.#orders.transition(order, to, {
      tsEvent: this.#clock.now(),
      ...(reason !== undefined ? { reason } : {}),
      ...(venueOrderId !== undefined ? { venueOrderId } : {}),
    })
    if (next === undefined) return undefined
    emitStatus(this.#bus, order.status, next, this.#clock.now(), typeof why === 'object' ? why : undefined)
    this.#shadow?.live(next)
    if (isTerminalStatus(to)) this.#retire(next)
    return next
  }

  /**
   * Takes the venue's quantity and price of an order amended lately (see `withVenueTerms`): an order a fill ended
   * before the answer raising it came is reopened (listed open again), one whose fills cover a smaller one is FILLED.
   */
  #adoptTerms(v: Order): void {
    const cur = this.#orders.get(v.clientOrderId)
    if (cur === undefined || !this.#amendments.wasAmended(v.clientOrderId)) return
    const tsEvent = this.#clock.now()
    const next = withVenueTerms(cur, v, tsEvent)
    if (next === undefined) return
    this.#orders.set(next)
    if (isTerminalStatus(next.status)) this.#retire(next)
    // Said, not silent: FILLED by a smaller quantity (no new fill), or open again after a fill had ended it early.
    if (next.status === 'FILLED' && cur.status !== 'FILLED')
      this.#bus.emit('order.filled', { type: 'order.filled', order: next, fills: [], tsEvent })
    else if (isTerminalStatus(cur.status) && !isTerminalStatus(next.status))
      this.#bus.emit('order.accepted', { type: 'order.accepted', order: next, tsEvent })
  }

  #retire(order: Order): void {
    this.#reconciler.forget(order.clientOrderId)
    const forgotten = this.#orders.retire(order)
    if (forgotten !== undefined) this.#fills.forget(forgotten)
  }

  #invalid(order: Order, attempted: string): void {
    this.#bus.emit('order.transitionRefused', {
      type: 'order.transitionRefused',
      order,
      attempted,
      tsEvent: this.#clock.now(),
    })
  }

  /** The executor as seen by its FillsRecovery and Reconciler. */
  #reconcilerHost(): ReconcilerHost {
    const cfg = this.#cfg
    return {
      adapter: this.#adapter,
      clock: this.#clock,
      log: this.#log,
      orders: this.#orders,
      requestTimeoutMs: cfg.requestTimeoutMs,
      queryAttempts: cfg.queryAttempts,
      queryIntervalMs: cfg.queryIntervalMs,
      onNotFound: cfg.onNotFound,
      reconnectRecheckDelayMs: cfg.reconnectRecheckDelayMs,
      reconcileConcurrency: cfg.reconcileConcurrency,
      reconcileIntervalMs: cfg.reconcileIntervalMs,
      recheckFilledWithinMs: cfg.recheckFilledWithinMs,
      isClosed: () => this.#closed,
      background: (p) => this.#background(p),
      onFills: (fills) => this.#onFills(fills),
      applyVenueOrder: (v, adopt) => this.#applyVenueOrder(v, adopt),
      markOpen: (o, venueOrderId) => this.#move(o, 'OPEN', undefined, venueOrderId),
      adoptTerms: (v) => this.#adoptTerms(v),
      reject: (o, why) => this.#move(o, 'REJECTED', why),
      resend: (o) => this.#resend(o),
      emitError: (e) => this.#bus.emit('error', e),
      emitReport: (report) => {
        const t = report.tsEvent
        const { balances, positions } = report
        this.#bus.emit('account.updated', { type: 'account.updated', balances, positions, tsEvent: t })
        this.#bus.emit('orders.reconciled', { type: 'orders.reconciled', report, tsEvent: t })
      },
    }
  }

  /** The executor as seen by its BatchSender: the steps of one submit and one cancel. */
  #batchHost(): BatchSenderHost {
    return {
      adapter: this.#adapter,
      admit: (i) => this.#admit(i),
      isClosed: () => this.#closed,
      send: (o, mayResend) => this.#send(o, mayResend),
      placed: (o, outcome, mayResend) => this.#placed(o, outcome, mayResend),
      cancelling: (cid) => this.#cancelling(cid),
      canceled: (cid, symbol, before, outcome) => this.#canceled(cid, symbol, before, outcome),
      amended: (v) => {
        this.#adoptTerms(v)
        if (this.#orders.get(v.clientOrderId) === undefined || isTerminalStatus(v.status))
          return this.#applyVenueOrder(v, false)
        this.#shadow?.amended(v)
      },
      amending: (cid, fromQty, toQty) => this.#amendments.begin(cid, fromQty, toQty),
      call: (p, what) => this.#call(p, what),
      order: (cid) => this.#orders.get(cid),
    }
  }

  #track<T>(p: Promise<T>): Promise<T> {
    return this.#inFlight.track(p)
  }

  /** Runs background work: never throws, never leaves a rejection unhandled; failures go to `error`. */
  #background(p: Promise<unknown>): void {
    this.#track(p).catch((e: unknown) => this.#bus.emit('error', toTradekitError(e)))
  }
}
