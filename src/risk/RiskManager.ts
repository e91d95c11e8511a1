import {
  type AccountSnapshot,
  type ApprovedQuotes,
  type Clock,
  type ExecutionClient,
  err,
  type Instrument,
  type Listenable,
  type MarketSnapshot,
  type OrderIntent,
  ok,
  parseConfig,
  type QuoteTargets,
  type Result,
  type Signal,
  SystemClock,
  TypedEmitter,
} from '../core/index.js'
import { equalDecimals, lessThan } from '../decimal/compareDecimals.js'
import { Decimal, type DecimalLike, roundPriceForSide } from '../decimal/index.js'
import { toTradekitError, ValidationError } from '../errors/index.js'
import { ClientOrderIds } from './ClientOrderIds.js'
import { CorrelationGroups } from './CorrelationGroups.js'
import {
  type InstrumentRestriction,
  RiskCheckContext,
  type RiskCheckEnv,
  type RiskLimits,
  riskLimits,
} from './checks/RiskCheckContext.js'
import { type CheckedInstruments, readRiskInputs } from './checks/readRiskInputs.js'
import { runRiskChecks } from './checks/riskChecks.js'
import { closeQty } from './closeQty.js'
import { type ResolvedRiskManagerConfig, type RiskManagerConfig, RiskManagerConfigSchema } from './config.js'
import { DecimalCache } from './DecimalCache.js'
import { EntryReservations } from './EntryReservations.js'
import type { RiskApprovedEvent, RiskManagerEvents, SizingBreakdown } from './events.js'
import { InstrumentSpecs } from './InstrumentSpecs.js'
import { type EmergencyStopOptions, type EmergencyStopReport, runKillSwitch } from './killSwitch.js'
import { orderIntent } from './orderIntent.js'
import { existingNotional } from './pendingEntries.js'
import { QuoteReservations } from './QuoteReservations.js'
import { RegisteredExecutors } from './RegisteredExecutors.js'
import { SizingCache } from './SizingCache.js'
import { capEntry, type EntrySizingDeps, rawEntrySize } from './sizeEntry.js'
import { positive, readDecimal } from './sizing.js'
import { type ResumeOptions, TradingGuard, type TradingGuardStatus } from './TradingGuard.js'
import {
  QuantityCap,
  type RiskDenialCode,
  RiskReason,
  type RiskRejection,
  type RiskValues,
  rejection,
  StateChangeReason,
  str,
  TradingState,
} from './types.js'

const ONE = new Decimal(1)
/** Bound on instruments remembered for the kill switch's step rounding. */
const MAX_INSTRUMENTS = 10_000

/**
 * Every order a strategy wants passes through here. `evaluate(signal, account, market)` validates every input, runs
 * the pre-trade checks of `RISK_CHECKS` in order (global and per-instrument trading state, data age, position counts,
 * leverage, margin, stop distance and side, reward:risk, correlation, order rate), sizes the order with the configured method, caps it and rounds it down to the
 * step — and returns an {@link OrderIntent} or a {@link RiskRejection} with a reason code and the numbers behind it.
 * Every decision, resize and state change is emitted as a typed event carrying its inputs. `emergencyStop()` halts at
 * once, cancels every open order on every registered executor and optionally flattens.
 *
 * @example
 * ```ts
 * const risk = new RiskManager({ sizing: { method: 'fixedFractional', riskFraction: 0.01 } })
 * risk.events.on('risk.denied', (e) => log.info(e.rejection, 'denied'))
 * risk.registerExecutor(paper)
 * runner.events.on('signal', (s) => { // runner: a StrategyRunner
 *   const d = risk.evaluate(s, portfolio.snapshot(), { instrument, price, priceTs, atr: atr.value })
 *   if (d.ok) void paper.submit(d.value)
 * })
 * ```
 */
export class RiskManager {
  readonly #bus = new TypedEmitter<RiskManagerEvents>()
  /** Subscribe-only view of every decision and state change. */
  readonly events: Listenable<RiskManagerEvents> = this.#bus
  /** The trading state machine and its breakers (for `recordTradeResult`, `status`, ...). */
  readonly guard: TradingGuard
  readonly #cfg: ResolvedRiskManagerConfig
  readonly #clock: Clock
  /** The newest spec of every instrument given or evaluated, so the kill switch rounds a flatten on today's step. */
  readonly #specs = new InstrumentSpecs(MAX_INSTRUMENTS)
  /** Entries approved and not shown by an account snapshot yet: they count against the caps (see EntryReservations). */
  readonly #reservations: EntryReservations
  readonly #executors = new RegisteredExecutors({
    onResponse: (rejected) => this.guard.recordVenueResponse(rejected),
    onOrder: (clientOrderId) => this.#reservations.release(clientOrderId),
  })
  /** Instruments whose filters were read once (see {@link readRiskInputs}). */
  readonly #checkedInstruments: CheckedInstruments = new WeakMap()
  /** Numeric config values as Decimals, converted once (decimal.js conversions cost on the hot path). */
  readonly #limits: RiskLimits
  /** What every check reads from the manager. */
  readonly #env: RiskCheckEnv
  /** Per-instrument restrictions by `venue:symbol` (absent: ACTIVE). */
  readonly #restrictions = new Map<string, InstrumentRestriction>()
  /** Each strategy's last approved quote levels per instrument (a set's room counts the other strategies'). */
  readonly #quotes = new QuoteReservations()
  readonly #decimals = new DecimalCache()
  /** What entry sizing reads: limits and caches (see {@link capEntry}). */
  readonly #sizingDeps: EntrySizingDeps
  #lastAccount: AccountSnapshot | undefined
  /**
   * While {@link RiskManager.evaluateGroup} runs: order-rate records and entry reservations to take back, and approvals
   * not yet announced.
   */
  #group:
    | { readonly recorded: string[]; readonly reserved: string[]; readonly held: Array<() => void> }
    | undefined
  /** Decisions so far (see {@link RiskManager.decisions}). */
  readonly #decisions = { approved: 0, denied: 0 }
  readonly #ids: ClientOrderIds
  #stopping: Promise<EmergencyStopReport> | undefined
  #stoppingFlattens = false // whether the run under way flattens
  /** The last kill-switch run's report while still HALTED, and whether it was asked to flatten. */
  #lastStop: { report: EmergencyStopReport; flattenRequested: boolean } | undefined

  constructor(config: RiskManagerConfig = {}) {
    this.#cfg = parseConfig(RiskManagerConfigSchema, config, 'RiskManager')
    this.#clock = this.#cfg.clock ?? new SystemClock()
    this.#ids = new ClientOrderIds(this.#cfg.clientOrderIdPrefix)
    this.#reservations = new EntryReservations(this.#cfg.entryReservationTtlMs)
    for (const i of this.#cfg.instruments) this.addInstrument(i)
    this.guard = new TradingGuard({
      clock: this.#clock,
      ...(this.#cfg.store === undefined ? {} : { store: this.#cfg.store }),
      timeZone: this.#cfg.timeZone,
      breakers: config.breakers ?? {},
    })
    this.guard.events.on('risk.stateChanged', (e) => {
      this.#bus.emit('risk.stateChanged', e)
      if (e.to !== TradingState.HALTED) this.#lastStop = undefined
      else if (
        this.#cfg.killSwitch.onBreakerHalt &&
        e.reason !== StateChangeReason.KILL_SWITCH &&
        e.reason !== StateChangeReason.MANUAL &&
        e.reason !== StateChangeReason.RESTORED
      ) {
        void this.emergencyStop(`breaker ${e.reason}`)
      }
    })
    this.guard.events.on('risk.breakerTripped', (e) => this.#bus.emit('risk.breakerTripped', e))
    this.guard.events.on('risk.transferRecorded', (e) => this.#bus.emit('risk.transferRecorded', e))
    this.guard.events.on('error', (e) => this.#bus.emit('error', e))
    this.#limits = riskLimits(this.#cfg)
    this.#sizingDeps = {
      limits: this.#limits,
      decimals: this.#decimals,
      cache: new SizingCache(),
    }
    const groups = new CorrelationGroups(this.#cfg.correlation.groups)
    this.#env = {
      cfg: this.#cfg,
      limits: this.#limits,
      guard: this.guard,
      restrictionOf: (key) => this.#restrictions.get(key),
      groupOf: (venue, symbol) => groups.of(venue, symbol),
      reserved: this.#reservations,
    }
  }

  /**
   * How many signals this manager approved and denied since it was made: one decision per `evaluate` and per leg of
   * an `evaluateGroup` (what its `risk.approved` and `risk.denied` events count, without their payloads built).
   */
  get decisions(): { readonly approved: number; readonly denied: number } {
    return { approved: this.#decisions.approved, denied: this.#decisions.denied }
  }

  /** Current trading state. */
  get state(): TradingState {
    return this.guard.state
  }

  /** The trading state and the measurements behind it. */
  status(): TradingGuardStatus {
    return this.guard.status()
  }

  /**
   * Sets one instrument's trading state (the host's or the engine's decision, e.g. feed health): `HALTED` denies every
   * signal on it, `REDUCING` denies entries (exits pass), `ACTIVE` lifts the restriction. A denial carries
   * `cause.code` and `cause.reason`. Emits `risk.instrumentStateChanged` when the state changes. The global state
   * ({@link RiskManager.state}) still applies on top.
   *
   * @example
   * ```ts
   * risk.setInstrumentState('binance', 'BTCUSDT', 'REDUCING', { code: 'FEED_UNHEALTHY', reason: 'no trade for 30 s' })
   * risk.instrumentState('binance', 'BTCUSDT') // 'REDUCING'
   * ```
   */
  setInstrumentState(
    venue: string,
    symbol: string,
    state: TradingState,
    cause: { code: string; reason: string },
  ): void {
    if (state !== TradingState.ACTIVE && state !== TradingState.REDUCING && state !== TradingState.HALTED) {
      throw new ValidationError(`Invalid trading state "${String(state)}"`, { field: 'state' })
    }
    const key = `${venue}:${symbol}`
    const from = this.#restrictions.get(key)?.state ?? TradingState.ACTIVE
    if (state === TradingState.ACTIVE) this.#restrictions.delete(key)
    else this.#restrictions.set(key, { state, cause: { code: cause.code, reason: cause.reason } })
    if (from === state) return
    this.#bus.emit('risk.instrumentStateChanged', {
      type: 'risk.instrumentStateChanged',
      venue,
      symbol,
      from,
      to: state,
      code: cause.code,
      reason: cause.reason,
      tsEvent: this.#clock.now(),
    })
  }

  /**
   * Makes an instrument known to the manager, so the kill switch rounds a flatten of it like an entry (the step from
   * `minQty`) even if no signal on it was ever evaluated. `TradingEngine` adds its instruments; the config's
   * `instruments` are added at construction. The newest spec wins: this one, or a later evaluation's.
   *
   * @example
   * ```ts
   * risk.addInstrument(btcusdt)
   * ```
   */
  addInstrument(instrument: Instrument): void {
    this.#specs.add(instrument)
  }

  /** One instrument's trading state: `ACTIVE` unless {@link RiskManager.setInstrumentState} restricted it. */
  instrumentState(venue: string, symbol: string): TradingState {
    return this.#restrictions.get(`${venue}:${symbol}`)?.state ?? TradingState.ACTIVE
  }

  /** Loads the latched state from the configured store. Required before `evaluate` when a store is configured. */
  start(): Promise<void> {
    return this.guard.start()
  }

  /** Waits for pending state saves. */
  flush(): Promise<void> {
    return this.guard.flush()
  }

  /**
   * Feeds an account snapshot to the breakers (daily loss, drawdown) without evaluating a signal. Only its equity is
   * used: the drawdown peak is the highest equity the manager saw, not the snapshot's `peakEquity`.
   */
  update(account: AccountSnapshot): void {
    this.#lastAccount = account
    this.guard.updateEquity(account.equity)
  }

  /**
   * Accounts for a deposit (positive) or withdrawal (negative) in the account currency, before the next equity shows
   * it: the drawdown and daily-loss references move with it (see {@link TradingGuard.recordTransfer}). Emits
   * `risk.transferRecorded`; throws a `ValidationError` on a non-finite amount or time.
   */
  recordTransfer(amount: DecimalLike, tsEvent?: number): void {
    this.guard.recordTransfer(amount, tsEvent)
  }

  /** Records a closed trade's realized PnL for the losing-streak breaker. */
  recordTradeResult(pnl: Decimal): void {
    this.guard.recordTradeResult(pnl)
  }

  /** Records a venue response (rejected or accepted) for the rejection-rate breaker; registered executors feed it. */
  recordVenueResponse(rejected: boolean): void {
    this.guard.recordVenueResponse(rejected)
  }

  /** The host's explicit decision to trade again (see {@link TradingGuard.resume}). */
  resume(options: ResumeOptions = {}): boolean {
    return this.guard.resume(options)
  }

  /** Moves to HALTED without cancelling anything (use {@link RiskManager.emergencyStop} to cancel too). */
  halt(detail: string): boolean {
    return this.guard.halt(detail)
  }

  /**
   * Registers an executor for the kill switch and feeds its `order.accepted` / `order.filled` / `order.rejected`
   * events to the rejection-rate breaker: a rejection counts unless its `code` says the request was throttled or not
   * sent (`RATE_LIMITED`, `BANNED`, `CIRCUIT_OPEN`, `QUEUE_FULL`, `INVALID_STATE`, `CONFIG_INVALID`,
   * `ORDER_OUTCOME_UNKNOWN`). Its order events also end the entry reservations of the orders it reports on (see
   * `entryReservationTtlMs`). Returns a function that unregisters it.
   */
  registerExecutor(client: ExecutionClient): () => void {
    return this.#executors.register(client)
  }

  /**
   * The kill switch: moves to HALTED at once (synchronously, before any await), cancels every open order on every
   * registered executor (each bounded by `killSwitch.cancelTimeoutMs`), optionally flattens positions with reduce-only
   * market orders, and reports what it could not cancel or flatten. Idempotent: a call while one runs returns the
   * same promise, and a call while still HALTED after a run returns that run's report, unless it asks to flatten and
   * that run did not: then it runs again (after the one under way), flattening. Never rejects.
   */
  emergencyStop(reason: string, options: EmergencyStopOptions = {}): Promise<EmergencyStopReport> {
    this.guard.halt(reason, StateChangeReason.KILL_SWITCH)
    const flatten = options.flatten ?? this.#cfg.killSwitch.flatten
    if (this.#stopping !== undefined) {
      if (!flatten || this.#stoppingFlattens) return this.#stopping
      // A flatten asked for while a run that does not flatten is under way: once it has ended, one that does.
      return this.#stopping.then(() => this.emergencyStop(reason, options))
    }
    if (this.#lastStop !== undefined && this.guard.state === TradingState.HALTED) {
      if (!flatten || this.#lastStop.flattenRequested) return Promise.resolve(this.#lastStop.report)
    }
    this.#stoppingFlattens = flatten
    const run = runKillSwitch(reason, {
      clock: this.#clock,
      executors: this.#executors.list(),
      cancelTimeoutMs: this.#cfg.killSwitch.cancelTimeoutMs,
      submitTimeoutMs: this.#cfg.killSwitch.submitTimeoutMs,
      flatten,
      positions: options.positions ?? this.#lastAccount?.positions ?? [],
      instrument: (venue, symbol) => this.#specs.get(venue, symbol),
      nextClientOrderId: () => this.#nextClientOrderId('ks'),
    })
      .catch((e: unknown): EmergencyStopReport => {
        // Defensive: runKillSwitch reports failures in its result; anything else still must not reject.
        const now = this.#clock.now()
        return {
          reason,
          tsStarted: now,
          tsFinished: now,
          canceled: [],
          notCanceled: [
            { clientOrderId: null, venue: null, symbol: null, executorVenues: [], error: toTradekitError(e) },
          ],
          flattened: [],
          notFlattened: [],
          complete: false,
        }
      })
      .then((report) => {
        this.#stopping = undefined
        if (this.guard.state === TradingState.HALTED) this.#lastStop = { report, flattenRequested: flatten }
        this.#bus.emit('risk.emergencyStopped', {
          type: 'risk.emergencyStopped',
          report,
          tsEvent: this.#clock.now(),
        })
        return report
      })
    this.#stopping = run
    return run
  }

  /** A fresh client order id (`now`: the decision's time, when one is under way). */
  #nextClientOrderId(tag = '', now = this.#clock.now()): string {
    return this.#ids.next(tag, now)
  }

  /**
   * Decides on one signal: an approved, sized {@link OrderIntent} or a {@link RiskRejection}. Never throws, whatever
   * the inputs; never returns a zero, negative or NaN quantity. Emits `risk.approved` / `risk.denied` (and
   * `risk.resized` when a cap reduced the size). An approved entry counts against the caps of later decisions like a
   * resting entry order until a snapshot lists its order, its registered executor reports on it, or
   * `entryReservationTtlMs` passed: two decisions on one snapshot cannot each take the whole room.
   */
  evaluate(
    signal: Signal,
    account: AccountSnapshot,
    market: MarketSnapshot,
  ): Result<OrderIntent, RiskRejection> {
    const now = this.#clock.now()
    try {
      const r = this.#evaluate(signal, account, market, now)
      // A group's approvals count once the whole group is approved (its denials as they are emitted).
      if (r.ok && this.#group === undefined) this.#decisions.approved++
      return r
    } catch (e) {
      // Hostile inputs (getters that throw, proxies) must not crash the caller.
      return this.#deny(
        signal,
        account,
        market,
        now,
        RiskReason.INVALID_INPUT,
        `Evaluation failed: ${e instanceof Error ? e.message : String(e)}`,
      )
    }
  }

  /**
   * A denial of one decision: `risk.denied` with its inputs, and the rejection. A method, not a closure made per
   * call: most decisions are approvals, and a closure per decision costs more than several checks.
   */
  #deny(
    signal: Signal,
    account: AccountSnapshot,
    market: MarketSnapshot,
    now: number,
    code: RiskDenialCode,
    message: string,
    values: RiskValues = {},
  ): Result<OrderIntent, RiskRejection> {
    const r = rejection(code, message, values)
    this.#decisions.denied++
    this.#bus.emit('risk.denied', {
      type: 'risk.denied',
      signal,
      rejection: r,
      account,
      market,
      state: this.guard.state,
      tsEvent: now,
    })
    return err(r)
  }

  /** {@link RiskManager.#deny} with the inputs of a decision under way. */
  #denyIn(
    ctx: RiskCheckContext,
    code: RiskDenialCode,
    message: string,
    values?: RiskValues,
  ): Result<OrderIntent, RiskRejection> {
    // Amounts of a decision converted to another quote currency say which (the snapshot's are the account's).
    const v = ctx.quoteRate === undefined ? values : { ...values, quoteCurrency: String(ctx.inst.quote) }
    return this.#deny(ctx.signal, ctx.account, ctx.market, ctx.now, code, message, v)
  }

  /**
   * Decides on a market maker's quote set as a whole, one decision per refresh (see `evaluateQuotes` in
   * `checks/evaluateQuotes.ts` and the `quotes` limits): denied when trading is not ACTIVE or a set-wide limit is
   * exceeded, else approved with levels cut by the inventory limits, the funds spot and outcome quotes need (a bid's
   * quote-asset cash, an ask's holding) and restricted or stale instruments. The inventory
   * limits are per instrument: they count the other strategies' last approved levels there and, given `quoteOwner`
   * (whose quote an open order is, `undefined` for one that is not), the account's other open orders (the set's own
   * strategy's quotes on the set's symbols excepted: it replaces them). Emits `risk.quotesDecided`. Never throws.
   *
   * @example
   * ```ts
   * const r = risk.evaluateQuotes(targets, portfolio.snapshot(), (symbol) => cache.snapshot(targets.venue, symbol))
   * if (r.ok) await quotes.apply(r.value)
   * ```
   */
  evaluateQuotes(
    targets: QuoteTargets,
    account: AccountSnapshot,
    market: (symbol: string) => MarketSnapshot | undefined,
    quoteOwner?: (clientOrderId: string) => string | undefined,
  ): Result<ApprovedQuotes, RiskRejection> {
    const now = this.#clock.now()
    this.update(account) // the breakers see this account's equity before its state is read, as `evaluate` does
    const r = this.#quotes.decide(targets, {
      limits: this.#cfg.quotes,
      account,
      market,
      state: this.guard.state,
      restriction: (symbol) => {
        const x = this.#restrictions.get(`${targets.venue}:${symbol}`)
        return x === undefined ? undefined : { state: x.state, code: x.cause.code }
      },
      maxDataAgeMs: this.#cfg.maxDataAgeMs,
      maxClockSkewMs: this.#cfg.maxClockSkewMs,
      now,
      quoteOwner,
      cashShare: this.#cfg.marginSafetyFactor,
    })
    const decision = r.ok ? { approved: r.value } : { rejection: r.error }
    this.#bus.emit('risk.quotesDecided', { type: 'risk.quotesDecided', targets, ...decision, tsEvent: now })
    return r
  }

  /**
   * Decides on the legs of one multi-leg group, all or none: each leg is sized exactly as {@link RiskManager.evaluate}
   * would, the earlier legs' approved entries counting for the later ones (in the caps, the position counts and the
   * order-rate limits); when one is denied, none is approved — the earlier legs' order-rate records and reservations
   * are taken back and every leg gets a rejection (its own, or `GROUP_DENIED`).
   *
   * @example
   * ```ts
   * const r = risk.evaluateGroup([{ signal: yesLeg, market: yesMarket }, { signal: noLeg, market: noMarket }], account)
   * if (r.ok) await group.execute(r.value)
   * else console.log(r.error.map((x) => x.code)) // e.g. ['GROUP_DENIED', 'STALE_MARKET_DATA']
   * ```
   */
  evaluateGroup(
    legs: ReadonlyArray<{ readonly signal: Signal; readonly market: MarketSnapshot }>,
    account: AccountSnapshot,
  ): Result<OrderIntent[], RiskRejection[]> {
    const group = { recorded: [] as string[], reserved: [] as string[], held: [] as Array<() => void> }
    const intents: OrderIntent[] = []
    let failed: { index: number; rejection: RiskRejection } | undefined
    this.#group = group
    try {
      for (const [index, leg] of legs.entries()) {
        const r = this.evaluate(leg.signal, account, leg.market)
        if (!r.ok) {
          failed = { index, rejection: r.error }
          break
        }
        intents.push(r.value)
      }
    } finally {
      this.#group = undefined
    }
    if (failed === undefined) {
      this.#decisions.approved += intents.length
      for (const announce of group.held) announce()
      return ok(intents)
    }
    for (const k of group.recorded.reverse()) this.guard.unrecordOrder(k)
    for (const id of group.reserved) this.#reservations.release(id)
    const { index, rejection: cause } = failed
    const now = this.#clock.now()
    return err(
      legs.map((leg, i) => {
        if (i === index) return cause
        const r = rejection(
          RiskReason.GROUP_DENIED,
          `Leg ${index + 1} of ${legs.length} of the group was denied (${cause.code})`,
          { deniedLeg: index, deniedCode: cause.code },
        )
        this.#decisions.denied++
        this.#bus.emit('risk.denied', {
          type: 'risk.denied',
          signal: leg.signal,
          rejection: r,
          account,
          market: leg.market,
          state: this.guard.state,
          tsEvent: now,
        })
        return r
      }),
    )
  }

  /** Emits an approval now, or holds it until the whole group is approved. */
  #announce(emit: () => void): void {
    if (this.#group === undefined) emit()
    else this.#group.held.push(emit)
  }

  #evaluate(
    signal: Signal,
    account: AccountSnapshot,
    market: MarketSnapshot,
    now: number,
  ): Result<OrderIntent, RiskRejection> {
    if (!this.guard.isReady) {
      const message = 'Risk state not loaded yet: await risk.start()'
      return this.#deny(signal, account, market, now, RiskReason.NOT_READY, message)
    }
    const inputs = readRiskInputs(signal, account, market, this.#checkedInstruments)
    if (!inputs.ok) {
      const { code, message, values } = inputs.error
      return this.#deny(signal, account, market, now, code, message, values)
    }
    const { inst, key, accountEquity: equity } = inputs.value
    this.#lastAccount = account
    // Approved entries this snapshot shows (or that ended) stop counting apart from it.
    this.#reservations.sweep(account, now, this.#executors)
    // The drawdown peak is the highest equity this manager saw (or its store restored), never a snapshot's
    // `peakEquity`: a first snapshot with a higher peak must not halt trading at once (docs/risk.md).
    this.guard.updateEquity(equity)
    this.#specs.learn(key, inst)
    const ctx = new RiskCheckContext(inputs.value, now, this.#env)
    const denied = runRiskChecks(ctx)
    if (denied !== undefined) return this.#denyIn(ctx, denied.code, denied.message, denied.values)
    return signal.intent === 'EXIT' ? this.#exit(ctx) : this.#enter(ctx)
  }

  /** Sizes an ENTRY that passed every check (method, correlation and confidence scaling, caps, step). */
  #enter(ctx: RiskCheckContext): Result<OrderIntent, RiskRejection> {
    const { signal, account, market, inst, key, now, orderType } = ctx
    // Every value below was read successfully by a check that ran before.
    const entryR = ctx.entry()
    const stopR = ctx.stop()
    const confidence = ctx.confidence()
    const correlation = ctx.correlation()
    const price = ctx.capPrice()
    if (!entryR.ok || !stopR.ok || !confidence.ok || correlation === undefined || !price.ok) {
      return this.#denyIn(ctx, RiskReason.INVALID_INPUT, 'Entry inputs were not checked')
    }
    const entry = entryR.value
    const { stop, fromAtr: stopFromAtr } = stopR.value
    const sizing = ctx.sizing()
    const leverage = ctx.leverage()
    // Scale the numerator, not the quotient: every method divides once (by a stop distance, a volatility or a price),
    // and a quotient that is not exact in 40 digits, scaled afterwards, can land a hair under a step it should reach
    // exactly (10,000 × 0.0075 ÷ 7 × 0.7 gave 7.4999…; scaled first it is 52.5 ÷ 7 = 7.5).
    let scale: Decimal | undefined
    if (correlation.scale !== 1 && correlation.dec !== undefined) scale = correlation.dec
    if (confidence.value !== 1) {
      const c = this.#decimals.last(confidence.value)
      scale = scale === undefined ? c : this.#decimals.scale.of(scale, c) // 1 × c is c
    }
    if (scale !== undefined && equalDecimals(scale, ONE)) scale = undefined
    // The unscaled size is only computed when it is reported or its error decides: a scaled size that could be
    // computed implies the unscaled one could (scale > 0 multiplies a positive numerator).
    let raw = scale === undefined ? rawEntrySize(ctx, sizing, entry, stop, this.#decimals) : undefined
    const sized = raw ?? rawEntrySize(ctx, sizing, entry, stop, this.#decimals, scale)
    if (!sized.ok) {
      raw ??= rawEntrySize(ctx, sizing, entry, stop, this.#decimals)
      const e = raw.ok ? sized.error : raw.error
      return this.#denyIn(ctx, e.code, e.message, e.values)
    }
    const requested = sized.value

    // The position plus its side's resting and reserved entries, at the price the order is valued at: several entries
    // cannot each take the whole cap, and the caps hold at a limit's fill price.
    const existing = existingNotional(ctx, price.value)
    if (!existing.ok)
      return this.#denyIn(ctx, existing.error.code, existing.error.message, existing.error.values)
    const capped = capEntry(ctx, requested, entry, existing.value, leverage, this.#sizingDeps)
    if (!capped.ok) return this.#denyIn(ctx, capped.error.code, capped.error.message, capped.error.values)
    const { qty, cappedBy } = capped.value

    this.guard.recordOrder(key, now)
    const intent = orderIntent({
      clientOrderId: this.#nextClientOrderId('', now),
      venue: inst.venue,
      symbol: inst.symbol,
      side: ctx.side,
      type: orderType,
      qty,
      price: orderType === 'LIMIT' ? entry : undefined,
      reduceOnly: false,
      stopPrice: stop,
      takeProfitPrice: signal.takeProfitPrice,
      signal,
    })
    // Counted against the caps until a snapshot or its executor shows it (the next decision may come first).
    this.#reservations.reserve(intent, ctx.positionQty(), now, {
      price: price.value,
      leverage,
      rate: ctx.quoteRate,
      spends: ctx.side === 'BUY' && inst.kind !== 'perpetual' ? inst.quote : undefined,
    })
    this.#group?.recorded.push(key)
    this.#group?.reserved.push(intent.clientOrderId)
    // Payloads are only built when someone listens (the strings cost more than the checks on a backtest's hot path).
    const resized =
      this.#bus.listenerCount('risk.resized') > 0 && cappedBy.some((c) => c !== QuantityCap.STEP)
    if (resized) {
      this.#announce(() =>
        this.#bus.emit('risk.resized', {
          type: 'risk.resized',
          signal,
          requestedQty: requested.value.toFixed(),
          qty: qty.toFixed(),
          cappedBy,
          tsEvent: now,
        }),
      )
    }
    if (this.#bus.listenerCount('risk.approved') > 0) {
      const unscaled = raw ?? rawEntrySize(ctx, sizing, entry, stop, this.#decimals)
      const breakdown: SizingBreakdown = {
        method: sizing.method,
        entryPrice: entry.toFixed(),
        stopPrice: str(stop),
        stopFromAtr,
        rawQty: unscaled.ok ? unscaled.value.value.toFixed() : requested.value.toFixed(),
        correlationScale: correlation.scale,
        confidenceScale: confidence.value,
        requestedQty: requested.value.toFixed(),
        qty: qty.toFixed(),
        cappedBy,
        leverage,
      }
      this.#approved({
        signal,
        intent,
        account,
        market,
        sizing: breakdown,
        state: TradingState.ACTIVE,
        tsEvent: now,
      })
    }
    return ok(intent)
  }

  /** Announces an approval (held back while a group is being decided). */
  #approved(e: Omit<RiskApprovedEvent, 'type'>): void {
    this.#announce(() => this.#bus.emit('risk.approved', { type: 'risk.approved', ...e }))
  }

  /**
   * An EXIT closes the whole position (the strategy's own share when the snapshot has `strategyPositions`; at most the
   * signal's `maxQty`) with a reduce-only order; allowed in ACTIVE and REDUCING.
   */
  #exit(ctx: RiskCheckContext): Result<OrderIntent, RiskRejection> {
    const { signal, account, market, inst, step, tick, now } = ctx
    const own = ctx.exitPositionQty()
    if (!own.ok) return this.#denyIn(ctx, own.error.code, own.error.message, own.error.values)
    const posQty = own.value
    const long = signal.side === 'BUY'
    // A BUY exit closes a short, a SELL exit closes a long.
    if (posQty === undefined || posQty.isZero() || posQty.isNegative() !== long) {
      return this.#denyIn(
        ctx,
        RiskReason.NO_POSITION_TO_REDUCE,
        `No ${long ? 'short' : 'long'} position on "${inst.venue}:${inst.symbol}" to reduce`,
        { positionQty: str(posQty), side: signal.side },
      )
    }
    const minQty = readDecimal(inst.minQty)
    let toClose = posQty.isNegative() ? posQty.abs() : posQty // no copy of a long's quantity
    if (signal.maxQty !== undefined) {
      const cap = positive('maxQty', signal.maxQty)
      if (!cap.ok) return this.#denyIn(ctx, cap.error.code, cap.error.message, cap.error.values)
      toClose = Decimal.min(toClose, cap.value)
    }
    // The same grid as entries: the step measured from minQty.
    const qty = closeQty(toClose, { stepSize: step, minQty })
    if (qty.isZero() || qty.isNegative() || (minQty !== undefined && lessThan(qty, minQty))) {
      return this.#denyIn(
        ctx,
        RiskReason.QUANTITY_ZERO,
        `Position "${posQty.toFixed()}" is below the tradable minimum`,
        {
          positionQty: str(posQty),
          stepSize: str(step),
          minQty: str(minQty),
        },
      )
    }
    const orderType = signal.orderType ?? 'MARKET'
    let price: Decimal | undefined
    if (orderType === 'LIMIT') {
      const lim = positive('limitPrice', signal.limitPrice)
      if (!lim.ok) return this.#denyIn(ctx, lim.error.code, lim.error.message, lim.error.values)
      price = roundPriceForSide(lim.value, tick, signal.side)
      if (price.lte(0))
        return this.#denyIn(ctx, RiskReason.INVALID_INPUT, 'Limit price rounds to zero', {
          field: 'limitPrice',
        })
    }
    const intent = orderIntent({
      clientOrderId: this.#nextClientOrderId('', now),
      venue: inst.venue,
      symbol: inst.symbol,
      side: signal.side,
      type: orderType,
      qty,
      price,
      reduceOnly: true,
      stopPrice: undefined,
      takeProfitPrice: undefined,
      signal,
    })
    // The payload only when someone listens (its strings cost more than the decision).
    if (this.#bus.listenerCount('risk.approved') === 0) return ok(intent)
    const qtyStr = qty.toFixed()
    this.#approved({
      signal,
      intent,
      account,
      market,
      sizing: {
        method: 'reduceOnly',
        entryPrice: price === undefined ? '' : price.toFixed(),
        stopPrice: null,
        stopFromAtr: false,
        rawQty: posQty.abs().toFixed(),
        correlationScale: 1,
        confidenceScale: 1,
        requestedQty: posQty.abs().toFixed(),
        qty: qtyStr,
        cappedBy: [
          ...(toClose.lt(posQty.abs()) ? [QuantityCap.SIGNAL_MAX_QTY] : []),
          ...(qty.eq(toClose) ? [] : [QuantityCap.STEP]),
        ],
        leverage: 1,
      },
      state: this.guard.state,
      tsEvent: now,
    })
    return ok(intent)
  }
}
