import { BoundedMap } from '../core/BoundedMap.js'
import { type Clock, type Listenable, parseConfig, SystemClock, TypedEmitter } from '../core/index.js'
import { greaterThan, isAboveZero } from '../decimal/compareDecimals.js'
import { Decimal, type DecimalLike, isDecimal } from '../decimal/index.js'
import { minus, plus } from '../decimal/plusMinus.js'
import { product } from '../decimal/product.js'
import { ValidationError } from '../errors/index.js'
import {
  type ResolvedTradingGuardConfig,
  type TradingGuardConfig,
  TradingGuardConfigSchema,
} from './config.js'
import type { TradingGuardEvents } from './events.js'
import { StateSaver } from './StateSaver.js'
import { type PersistedRiskState, parsePersistedRiskState, type StateStore } from './StateStore.js'
import { TimestampRing } from './TimestampRing.js'
import { TradingDay } from './TradingDay.js'
import type { ResumeOptions, TradingGuardStatus } from './TradingGuardStatus.js'
import { addTransfer, parseTransfer, shiftedBy } from './transfer.js'
import {
  RiskReason,
  type RiskRejection,
  type RiskValues,
  rejection,
  StateChangeReason,
  str,
  TradingState,
} from './types.js'

const RANK: Record<TradingState, number> = { ACTIVE: 0, REDUCING: 1, HALTED: 2 }
/** Bound on remembered venue responses (rejection-rate window). */
const MAX_RESPONSES = 10_000
/** Bound on instruments tracked by the per-instrument order rate. */
const MAX_RATE_KEYS = 10_000
/** The equity breaches a guard remembers between checks, so that each trips once (see TradingGuard.#breach). */
const BREACH = {
  DRAWDOWN_HALT: 'drawdownHalt',
  DRAWDOWN_REDUCE: 'drawdownReduce',
  DAILY_LOSS: 'dailyLoss',
} as const
type Breach = (typeof BREACH)[keyof typeof BREACH]

/** How far above a breaker's limit its equity floor sits, relative to the values (see #drawdownFloor). */
const FLOOR_MARGIN = /* @__PURE__ */ new Decimal('1e-30')
const ZERO = /* @__PURE__ */ new Decimal(0)

export type { ResumeOptions, TradingGuardStatus } from './TradingGuardStatus.js'

/** The measurement restarts a {@link TradingGuard.resume} asked for before any equity was seen (after a restart). */
type PendingReset = NonNullable<PersistedRiskState['pendingReset']>

/**
 * The trading state machine and its breakers (after nautilus_trader): `ACTIVE` → `REDUCING` (only exposure-reducing
 * orders) → `HALTED` (nothing). Breakers only escalate the state; leaving `HALTED` (or a breaker's `REDUCING`) needs an
 * explicit {@link TradingGuard.resume}, except the losing-streak cooldown and the optional daily-loss reset at the
 * day boundary. Breakers measure mark-to-market equity: daily loss (from the day's starting equity, day boundary in a
 * configurable time zone), drawdown from peak, consecutive losses with a cooldown, order rate (global and per
 * instrument) and the venue rejection rate. The state, peak and day start are persisted through a {@link StateStore}.
 *
 * @example
 * ```ts
 * const breaker = new TradingGuard({ clock, breakers: { drawdown: { maxDrawdownFraction: 0.1 } } })
 * breaker.events.on('risk.stateChanged', (e) => log.warn(e, 'trading state'))
 * breaker.updateEquity(new Decimal('10000'))
 * breaker.updateEquity(new Decimal('9000')) // 10 % below peak: HALTED
 * breaker.resume({ resetDrawdownPeak: true })
 * ```
 */
export class TradingGuard {
  readonly #bus = new TypedEmitter<TradingGuardEvents>()
  /** Subscribe-only view of the breaker's events. */
  readonly events: Listenable<TradingGuardEvents> = this.#bus
  readonly #cfg: ResolvedTradingGuardConfig['breakers']
  readonly #clock: Clock
  readonly #store: StateStore | undefined
  readonly #day: TradingDay
  /** Breaker fractions as Decimals, converted once. */
  readonly #maxDrawdown: Decimal | undefined
  readonly #reduceDrawdown: Decimal | undefined
  readonly #maxDailyLoss: Decimal | undefined

  #state: TradingState = TradingState.ACTIVE
  #reason: StateChangeReason = StateChangeReason.INITIAL
  /** The highest state asked for by a cause that does not lift itself (see #liftsItself): automatic releases stop there. */
  #held: TradingState = TradingState.ACTIVE
  #detail: string | undefined
  #since: number
  #peak: Decimal | undefined
  #lastEquity: Decimal | undefined
  #dayKey: string | undefined
  #dayStart: Decimal | undefined
  #losses = 0
  /** The last trade result recorded and the streak before it: what {@link TradingGuard.undoTradeResult} restores. */
  #lastResult: { pnl: Decimal; losses: number } | undefined
  #cooldownUntil: number | undefined
  /** Breaker trips so far, and whether the last equity check tripped nothing (see {@link TradingGuard.updateEquity}). */
  #trips = 0
  #quiet = false
  /** The equity floors of the drawdown and daily-loss checks, for the peak and day start they were computed from. */
  #ddFloor: { from: Decimal; floor: Decimal } | undefined
  #ddLimits: { from: Decimal; halt: Decimal; reduce: Decimal | undefined } | undefined
  /** The equity breaches the last checks found (each trips once: see {@link TradingGuard.#breach}). */
  readonly #breaches = new Set<Breach>()
  #dlFloor: { from: Decimal; floor: Decimal } | undefined

  #globalRate: TimestampRing | undefined
  readonly #symbolRates = new BoundedMap<string, TimestampRing>(MAX_RATE_KEYS)
  #responses: Array<{ ts: number; rejected: boolean }> = []
  #responsesHead = 0

  /**
   * Restarts asked for by a resume while no equity was known (right after a restart): they take effect at the next
   * equity, and are saved until then.
   */
  #pendingReset: PendingReset | undefined
  /** Transfers recorded before the persisted state was loaded: they move the restored peak and day start too. */
  #preloadTransfers: Decimal | undefined

  #ready: boolean
  #starting: Promise<void> | undefined
  /** Writes the state to the store (coalesced, retried until it succeeds); `undefined` without a store. */
  readonly #saver: StateSaver | undefined

  constructor(config: TradingGuardConfig = {}) {
    const cfg = parseConfig(TradingGuardConfigSchema, config, 'TradingGuard')
    this.#cfg = cfg.breakers
    this.#clock = cfg.clock ?? new SystemClock()
    this.#store = cfg.store
    this.#saver =
      cfg.store === undefined
        ? undefined
        : new StateSaver({
            store: cfg.store,
            clock: this.#clock,
            snapshot: () => this.toPersisted(),
            onError: (e) => this.#bus.emit('error', e),
          })
    this.#day = new TradingDay(cfg.timeZone)
    this.#since = this.#clock.now()
    this.#ready = this.#store === undefined
    const dd = this.#cfg.drawdown
    this.#maxDrawdown = dd === false ? undefined : new Decimal(dd.maxDrawdownFraction)
    this.#reduceDrawdown =
      dd === false || dd.reduceAtFraction === undefined ? undefined : new Decimal(dd.reduceAtFraction)
    this.#maxDailyLoss =
      this.#cfg.dailyLoss === false ? undefined : new Decimal(this.#cfg.dailyLoss.maxLossFraction)
    const rate = this.#cfg.orderRate
    this.#globalRate = rate === false ? undefined : new TimestampRing(rate.global.maxOrders)
  }

  /** Current trading state (a finished losing-streak cooldown is applied first). */
  get state(): TradingState {
    this.#tick(this.#clock.now())
    return this.#state
  }

  /**
   * @internal The state at `now`, a decision's own time: {@link TradingGuard.state} without reading the clock again
   * (the RiskManager's checks).
   */
  stateAt(now: number): TradingState {
    this.#tick(now)
    return this.#state
  }

  /** Whether the persisted state has been loaded (always true without a store). */
  get isReady(): boolean {
    return this.#ready
  }

  /** The current state and every measurement behind it. */
  status(): TradingGuardStatus {
    this.#tick(this.#clock.now())
    return {
      state: this.#state,
      reason: this.#reason,
      detail: this.#detail,
      since: this.#since,
      peakEquity: this.#peak,
      lastEquity: this.#lastEquity,
      dayKey: this.#dayKey,
      dayStartEquity: this.#dayStart,
      consecutiveLosses: this.#losses,
      cooldownUntil: this.#cooldownUntil,
      isReady: this.#ready,
    }
  }

  /**
   * Loads the latched state from the store (once: calls while it runs, or after it succeeded, share its promise). A
   * saved HALTED stays HALTED; a state tripped before loading (kill switch) is kept if it is more severe. Rejects when
   * the store is unreadable; a later call then tries again (the store may be back).
   */
  start(): Promise<void> {
    if (this.#starting === undefined) {
      const attempt = this.#load()
      this.#starting = attempt
      // A failed load is not cached: the next start() loads again (this branch only forgets it; callers get the error).
      attempt.catch(() => {
        if (this.#starting === attempt) this.#starting = undefined
      })
    }
    return this.#starting
  }

  async #load(): Promise<void> {
    if (this.#store === undefined) {
      this.#ready = true
      return
    }
    const loaded = await this.#store.load()
    const now = this.#clock.now()
    // Custom stores are validated too: a corrupt state must stop the start, not reset a breaker.
    if (loaded !== undefined) this.#restore(parsePersistedRiskState(loaded), now)
    this.#preloadTransfers = undefined
    this.#ready = true
    if (this.#lastEquity !== undefined) this.updateEquity(this.#lastEquity)
    this.#persist()
  }

  #restore(saved: PersistedRiskState, now: number): void {
    this.#quiet = false
    // Saved before the transfers recorded while loading: they move the saved values as they moved the live ones.
    const moved = (v: string | undefined): Decimal | undefined =>
      v === undefined ? undefined : (shiftedBy(new Decimal(v), this.#preloadTransfers ?? ZERO) as Decimal)
    const peak = moved(saved.peakEquity)
    if (peak !== undefined && (this.#peak === undefined || peak.gt(this.#peak))) this.#peak = peak
    if (saved.dayKey !== undefined && saved.dayStartEquity !== undefined) {
      this.#dayKey = saved.dayKey
      this.#dayStart = moved(saved.dayStartEquity)
    }
    this.#losses = Math.max(this.#losses, saved.consecutiveLosses)
    if (saved.cooldownUntil !== undefined) this.#cooldownUntil = saved.cooldownUntil
    if (saved.held !== undefined && RANK[saved.held] > RANK[this.#held]) this.#held = saved.held
    if (saved.pendingReset !== undefined)
      this.#pendingReset = { ...this.#pendingReset, ...saved.pendingReset }
    if (RANK[saved.state] > RANK[this.#state]) {
      const from = this.#state
      this.#state = saved.state
      this.#reason = saved.reason as StateChangeReason
      if (!this.#liftsItself(saved.state, this.#reason)) this.#held = saved.state
      this.#detail = saved.detail
      this.#since = saved.since
      this.#bus.emit('risk.stateChanged', {
        type: 'risk.stateChanged',
        from,
        to: saved.state,
        reason: StateChangeReason.RESTORED,
        detail: `restored ${saved.state} (${saved.reason})${saved.detail === undefined ? '' : `: ${saved.detail}`}`,
        values: { savedReason: saved.reason, savedSince: saved.since, tsSaved: saved.tsSaved },
        tsEvent: now,
      })
    }
  }

  /**
   * Waits until the pending save has been written, retrying a failed one at once instead of at its scheduled retry
   * (a failure is reported on `error`, never thrown).
   */
  async flush(): Promise<void> {
    await this.#saver?.flush()
  }

  /**
   * Feeds mark-to-market equity (realized + unrealized). Rolls the trading day, tracks the peak, and trips the
   * daily-loss and drawdown breakers when a limit is reached (at the threshold exactly, not before). `peakHint`
   * (the portfolio's own peak) is used only while the breaker has no peak yet. Invalid values are ignored and
   * reported on `error` (never treated as 0).
   */
  updateEquity(equity: Decimal, peakHint?: Decimal): void {
    // The last equity was checked when it came (a Decimal never changes): a flat account's is the same object.
    const same = equity === this.#lastEquity && equity !== undefined
    if (!same && (!isDecimal(equity) || !equity.isFinite())) {
      this.#bus.emit('error', new ValidationError(`Invalid equity "${String(equity)}"`, { field: 'equity' }))
      return
    }
    this.#lastEquity = equity
    if (!this.#ready) return
    const now = this.#clock.now()
    this.#tick(now)
    let changed = false
    const day = this.#day.rangeOf(now)
    // The same equity on the same day, last checked without a trip: the checks would find what they found then.
    if (same && this.#quiet && day.key === this.#dayKey) return
    this.#quiet = false
    if (day.key !== this.#dayKey) {
      const previous = this.#dayKey
      this.#dayKey = day.key
      this.#dayStart = equity
      changed = true
      const dl = this.#cfg.dailyLoss
      if (
        previous !== undefined &&
        dl !== false &&
        dl.resetAtDayStart &&
        this.#state !== TradingState.ACTIVE &&
        this.#reason === StateChangeReason.DAILY_LOSS
      ) {
        // Down to what the other causes still hold (a manual reduce, a streak's cooldown), not past it.
        this.#transition(this.#releasedTo(now), StateChangeReason.DAY_RESET, now, undefined, {
          previousDay: previous,
          day: day.key,
          dayStartEquity: str(equity),
        })
      }
    }
    const reset = this.#pendingReset
    if (reset !== undefined) {
      // A resume asked to restart these measurements before any equity was known (after a restart): from this one.
      if (reset.drawdownPeak === true) this.#peak = equity
      if (reset.dailyLoss === true) this.#dayStart = equity
      this.#pendingReset = undefined
      changed = true
    }
    if (this.#peak === undefined) {
      this.#peak =
        peakHint !== undefined && isDecimal(peakHint) && peakHint.isFinite() && peakHint.gt(equity)
          ? peakHint
          : equity
      changed = true
    } else if (greaterThan(equity, this.#peak)) {
      this.#peak = equity
      changed = true
    }
    const trips = this.#trips
    const dd = this.#cfg.drawdown
    // At the peak itself nothing has dropped (the fractions are positive): no floor to compute for a new peak.
    if (
      dd !== false &&
      equity !== this.#peak &&
      isAboveZero(this.#peak) &&
      !greaterThan(equity, this.#drawdownFloor(this.#peak))
    ) {
      const drop = minus(this.#peak, equity)
      const limits = this.#drawdownLimits(this.#peak)
      if (drop.gte(limits.halt)) {
        this.#breach(BREACH.DRAWDOWN_HALT, () =>
          this.#trip(TradingState.HALTED, StateChangeReason.MAX_DRAWDOWN, now, {
            equity: str(equity),
            peakEquity: str(this.#peak),
            drawdown: str(drop),
            maxDrawdownFraction: dd.maxDrawdownFraction,
          }),
        )
        this.#breaches.delete(BREACH.DRAWDOWN_REDUCE)
      } else {
        this.#breaches.delete(BREACH.DRAWDOWN_HALT)
        if (limits.reduce !== undefined && drop.gte(limits.reduce)) {
          this.#breach(BREACH.DRAWDOWN_REDUCE, () =>
            this.#trip(TradingState.REDUCING, StateChangeReason.MAX_DRAWDOWN, now, {
              equity: str(equity),
              peakEquity: str(this.#peak),
              drawdown: str(drop),
              reduceAtFraction: dd.reduceAtFraction ?? null,
            }),
          )
        } else this.#breaches.delete(BREACH.DRAWDOWN_REDUCE)
      }
    } else {
      this.#breaches.delete(BREACH.DRAWDOWN_HALT)
      this.#breaches.delete(BREACH.DRAWDOWN_REDUCE)
    }
    const dl = this.#cfg.dailyLoss
    if (
      dl !== false &&
      this.#dayStart !== undefined &&
      isAboveZero(this.#dayStart) &&
      !greaterThan(equity, this.#dailyLossFloor(this.#dayStart))
    ) {
      const loss = minus(this.#dayStart, equity)
      let limit = product(this.#dayStart, this.#maxDailyLoss as Decimal)
      if (dl.maxLoss?.lt(limit)) limit = dl.maxLoss
      if (loss.gte(limit)) {
        this.#breach(BREACH.DAILY_LOSS, () =>
          this.#trip(dl.action, StateChangeReason.DAILY_LOSS, now, {
            equity: str(equity),
            dayStartEquity: str(this.#dayStart),
            loss: str(loss),
            limit: str(limit),
            day: this.#dayKey ?? null,
          }),
        )
      } else this.#breaches.delete(BREACH.DAILY_LOSS)
    } else this.#breaches.delete(BREACH.DAILY_LOSS)
    if (changed) this.#persist()
    this.#quiet = this.#trips === trips
  }

  /**
   * Accounts for an external transfer in the account currency (positive a deposit, negative a withdrawal): the drawdown
   * peak, the day's starting equity and the last equity move by it, so only trading moves the equity breakers. Call it
   * before feeding an equity that includes it. Throws a `ValidationError` on a non-finite amount or time.
   */
  recordTransfer(amount: DecimalLike, tsEvent?: number): void {
    const t = parseTransfer(amount, tsEvent, this.#clock.now())
    if (t.amount.isZero()) return
    this.#peak = shiftedBy(this.#peak, t.amount)
    this.#dayStart = shiftedBy(this.#dayStart, t.amount)
    this.#lastEquity = shiftedBy(this.#lastEquity, t.amount)
    if (!this.#ready) this.#preloadTransfers = addTransfer(this.#preloadTransfers, t.amount)
    this.#quiet = false
    this.#persist()
    const [peakEquity, dayStartEquity] = [str(this.#peak), str(this.#dayStart)]
    const e = {
      type: 'risk.transferRecorded',
      amount: t.amount.toFixed(),
      peakEquity,
      dayStartEquity,
    } as const
    this.#bus.emit('risk.transferRecorded', { ...e, tsEvent: t.tsEvent })
  }

  /**
   * Trips an equity breaker once per breach: `trip` runs when the breach is new (not seen by the last check, or the
   * state was lowered since: a resume, a day reset, a cooldown), not at every equity update while it lasts.
   */
  #breach(kind: Breach, trip: () => void): void {
    if (this.#breaches.has(kind)) return
    this.#breaches.add(kind)
    trip()
  }

  /** The drops from `peak` at which the drawdown breaker halts and reduces (computed once per peak). */
  #drawdownLimits(peak: Decimal): { halt: Decimal; reduce: Decimal | undefined } {
    if (this.#ddLimits?.from !== peak) {
      const reduce = this.#reduceDrawdown
      this.#ddLimits = {
        from: peak,
        halt: product(peak, this.#maxDrawdown as Decimal),
        reduce: reduce === undefined ? undefined : product(peak, reduce),
      }
    }
    return this.#ddLimits
  }

  /**
   * An equity above which no drawdown limit can trip from `peak` (computed once per peak): the exact checks run only
   * at or below it. It sits 1e-30 × peak above the limit, far more than the 40-digit rounding of the checks.
   */
  #drawdownFloor(peak: Decimal): Decimal {
    if (this.#ddFloor?.from !== peak) {
      const max = this.#maxDrawdown as Decimal
      const reduce = this.#reduceDrawdown
      const f = reduce === undefined || max.lt(reduce) ? max : reduce
      this.#ddFloor = { from: peak, floor: plus(minus(peak, product(peak, f)), product(peak, FLOOR_MARGIN)) }
    }
    return this.#ddFloor.floor
  }

  /** Like {@link TradingGuard.#drawdownFloor}: an equity above which the daily loss limit cannot trip from `dayStart`. */
  #dailyLossFloor(dayStart: Decimal): Decimal {
    if (this.#dlFloor?.from !== dayStart) {
      const dl = this.#cfg.dailyLoss
      let limit = product(dayStart, this.#maxDailyLoss as Decimal)
      if (dl !== false && dl.maxLoss?.lt(limit) === true) limit = dl.maxLoss
      const margin = dayStart.abs().plus(limit.abs()).times(FLOOR_MARGIN)
      this.#dlFloor = { from: dayStart, floor: plus(minus(dayStart, limit), margin) }
    }
    return this.#dlFloor.floor
  }

  /**
   * Records a closed trade's realized PnL (net of fees). A loss extends the streak, a win resets it, a scratch (0)
   * leaves it. At `reduceAfter` losses the state goes REDUCING for `cooldownMs`; at `haltAfter`, HALTED.
   */
  recordTradeResult(pnl: Decimal): void {
    if (!isDecimal(pnl) || !pnl.isFinite()) {
      this.#bus.emit('error', new ValidationError(`Invalid trade PnL "${String(pnl)}"`, { field: 'pnl' }))
      return
    }
    const now = this.#clock.now()
    this.#tick(now)
    this.#lastResult = { pnl, losses: this.#losses }
    if (pnl.gt(0)) {
      if (this.#losses !== 0) {
        this.#losses = 0
        this.#persist()
      }
      return
    }
    if (pnl.isZero()) return
    this.#losses++
    this.#persist()
    const cl = this.#cfg.consecutiveLosses
    if (cl === false) return
    // The event's values are formatted only for a loss that trips (most losses extend the streak and no more).
    if (this.#losses >= cl.haltAfter) {
      this.#trip(TradingState.HALTED, StateChangeReason.CONSECUTIVE_LOSSES, now, {
        consecutiveLosses: this.#losses,
        lastPnl: str(pnl),
        haltAfter: cl.haltAfter,
      })
    } else if (this.#losses >= cl.reduceAfter) {
      this.#cooldownUntil = now + cl.cooldownMs
      this.#trip(TradingState.REDUCING, StateChangeReason.CONSECUTIVE_LOSSES, now, {
        consecutiveLosses: this.#losses,
        lastPnl: str(pnl),
        reduceAfter: cl.reduceAfter,
        cooldownUntil: this.#cooldownUntil,
      })
      this.#persist()
    }
  }

  /**
   * Takes back the last trade result recorded (`pnl`, the very object) when the venue undid its trade: the losing
   * streak is what it was before (a state the result tripped stays). False when another result, or a resume, came since.
   */
  undoTradeResult(pnl: Decimal): boolean {
    if (this.#lastResult?.pnl !== pnl) return false
    this.#losses = this.#lastResult.losses
    this.#lastResult = undefined
    this.#persist()
    return true
  }

  /**
   * Checks the order-rate limits for one more exposure-adding order on `key` (an instrument). Returns a rejection
   * when the global or per-instrument window is full (and trips the configured action), otherwise `undefined`.
   * Call {@link TradingGuard.recordOrder} when the order is actually approved.
   */
  checkOrderRate(key: string, now: number = this.#clock.now()): RiskRejection | undefined {
    const rate = this.#cfg.orderRate
    if (rate === false) return undefined
    let scope: 'global' | 'perInstrument' | undefined
    if (this.#globalRate?.isFull(now, rate.global.windowMs)) scope = 'global'
    else if (this.#symbolRates.get(key)?.isFull(now, rate.perInstrument.windowMs)) scope = 'perInstrument'
    if (scope === undefined) return undefined
    const limit = rate[scope]
    const values: RiskValues = {
      scope,
      instrument: key,
      maxOrders: limit.maxOrders,
      windowMs: limit.windowMs,
    }
    this.#trip(rate.action, StateChangeReason.ORDER_RATE, now, values)
    return rejection(
      RiskReason.ORDER_RATE_LIMITED,
      `Order rate limit reached (${scope}: ${limit.maxOrders} per ${limit.windowMs} ms)`,
      values,
    )
  }

  /**
   * Counts an approved order against the rate limits, at `now` (pass the decision's own instant so the check and
   * the count use the same time).
   */
  recordOrder(key: string, now: number = this.#clock.now()): void {
    const rate = this.#cfg.orderRate
    if (rate === false) return
    this.#globalRate?.push(now)
    let ring = this.#symbolRates.get(key)
    if (ring === undefined) {
      if (this.#symbolRates.size >= MAX_RATE_KEYS) this.#pruneRateKeys(now, rate.perInstrument.windowMs)
      ring = new TimestampRing(rate.perInstrument.maxOrders)
      this.#symbolRates.set(key, ring)
    }
    ring.push(now)
  }

  /** Takes back the latest {@link TradingGuard.recordOrder} of `key` (a multi-leg group denied as a whole). */
  unrecordOrder(key: string): void {
    if (this.#cfg.orderRate === false) return
    this.#globalRate?.pop()
    this.#symbolRates.get(key)?.pop()
  }

  #pruneRateKeys(now: number, windowMs: number): void {
    for (const [k, ring] of this.#symbolRates) if (ring.last() <= now - windowMs) this.#symbolRates.delete(k)
  }

  /**
   * Records a venue response to one of our orders: `rejected` true for a venue rejection, false for an acceptance.
   * Trips when, within the window and with at least `minSamples` responses, the rejected share reaches the limit.
   */
  recordVenueResponse(rejected: boolean): void {
    const rr = this.#cfg.rejectionRate
    if (rr === false) return
    const now = this.#clock.now()
    this.#responses.push({ ts: now, rejected })
    const from = now - rr.windowMs
    while (this.#responsesHead < this.#responses.length) {
      const r = this.#responses[this.#responsesHead] as { ts: number }
      if (r.ts > from && this.#responses.length - this.#responsesHead <= MAX_RESPONSES) break
      this.#responsesHead++
    }
    if (this.#responsesHead > 1024 && this.#responsesHead * 2 > this.#responses.length) {
      this.#responses = this.#responses.slice(this.#responsesHead)
      this.#responsesHead = 0
    }
    if (!rejected) return
    const total = this.#responses.length - this.#responsesHead
    if (total < rr.minSamples) return
    let bad = 0
    for (let i = this.#responsesHead; i < this.#responses.length; i++) if (this.#responses[i]?.rejected) bad++
    // A quotient, not `fraction × total`: 55 / 100 is the double 0.55 is, while 0.55 × 100 is 55.00000000000001.
    if (bad / total >= rr.maxRejectedFraction) {
      this.#trip(rr.action, StateChangeReason.REJECTION_RATE, now, {
        rejected: bad,
        total,
        maxRejectedFraction: rr.maxRejectedFraction,
        windowMs: rr.windowMs,
      })
    }
  }

  /** Moves to HALTED now (kill switch or host decision). Returns false if already HALTED. */
  halt(detail: string, reason: StateChangeReason = StateChangeReason.MANUAL): boolean {
    return this.#trip(TradingState.HALTED, reason, this.#clock.now(), { detail }, detail)
  }

  /** Moves to REDUCING (host decision). Returns false if already REDUCING or HALTED. */
  reduce(detail: string): boolean {
    return this.#trip(TradingState.REDUCING, StateChangeReason.MANUAL, this.#clock.now(), { detail }, detail)
  }

  /**
   * Returns to ACTIVE (the host's explicit decision). Clears the losing streak, its cooldown and the venue-response
   * (rejection-rate) window; optionally restarts the drawdown and daily-loss measurements from the current equity (right
   * after a restart, with no equity seen yet: from the next one, and the request is saved until then).
   * The order-rate windows are kept: a resume never lets more orders into a window than its limit. Returns false when
   * the state was already ACTIVE. A breach that still holds trips again on the next equity update.
   */
  resume(options: ResumeOptions = {}): boolean {
    const now = this.#clock.now()
    this.#quiet = false // the peak or the day's start may move: check in full next time
    this.#breaches.clear() // a breach that still holds trips again
    this.#losses = 0
    this.#lastResult = undefined
    this.#cooldownUntil = undefined
    this.#responses = []
    this.#responsesHead = 0
    this.#held = TradingState.ACTIVE
    const resetPeak = options.resetDrawdownPeak === true
    const resetDay = options.resetDailyLoss === true
    if (this.#lastEquity === undefined) {
      // No equity since the start: the restarts take effect at the next one (and are saved until then).
      if (resetPeak || resetDay) {
        this.#pendingReset = {
          ...this.#pendingReset,
          ...(resetPeak ? { drawdownPeak: true } : {}),
          ...(resetDay ? { dailyLoss: true } : {}),
        }
      }
    } else {
      if (resetPeak) this.#peak = this.#lastEquity
      if (resetDay) this.#dayStart = this.#lastEquity
    }
    const changed =
      this.#state !== TradingState.ACTIVE &&
      this.#transition(TradingState.ACTIVE, StateChangeReason.RESUME, now, options.note, {
        resetDrawdownPeak: options.resetDrawdownPeak === true,
        resetDailyLoss: options.resetDailyLoss === true,
      })
    this.#persist()
    return changed
  }

  /** Applies a finished cooldown. */
  #tick(now: number): void {
    if (
      this.#state === TradingState.REDUCING &&
      this.#cooldownUntil !== undefined &&
      now >= this.#cooldownUntil
    ) {
      // The streak's REDUCING ends (under a held REDUCING, nothing moves; a daily-loss REDUCING that still holds trips
      // again at the next equity update, the transition having cleared the breaches).
      const until = this.#cooldownUntil
      this.#cooldownUntil = undefined
      this.#transition(this.#held, StateChangeReason.COOLDOWN_ELAPSED, now, undefined, {
        cooldownUntil: until,
        consecutiveLosses: this.#losses,
      })
      this.#persist()
    }
  }

  #trip(
    to: TradingState | 'DENY',
    reason: StateChangeReason,
    now: number,
    values: RiskValues,
    detail?: string,
  ): boolean {
    this.#trips++
    this.#bus.emit('risk.breakerTripped', {
      type: 'risk.breakerTripped',
      breaker: reason,
      action: to,
      values,
      tsEvent: now,
    })
    if (to === 'DENY') return false
    const lifts = this.#liftsItself(to, reason)
    // A hold raised is saved whatever else happens (under a higher state nothing else would save it).
    const raisesHold = !lifts && RANK[to] > RANK[this.#held]
    if (raisesHold) this.#held = to
    if (RANK[to] > RANK[this.#state]) return this.#transition(to, reason, now, detail, values)
    // Already there for another cause. One that does not lift itself takes over the reason, so that a day reset or a
    // cooldown's end (which lift only their own cause) cannot lift the state under it.
    const takesOver = !lifts && RANK[to] === RANK[this.#state] && this.#liftsItself(this.#state, this.#reason)
    if (takesOver) {
      this.#reason = reason
      this.#detail = detail
    }
    if (raisesHold || takesOver) this.#persist()
    return false
  }

  /** Where an automatic release comes down to: what the held causes ask for, and REDUCING while a cooldown runs. */
  #releasedTo(now: number): TradingState {
    const cooling = this.#cooldownUntil !== undefined && now < this.#cooldownUntil
    return cooling && RANK[this.#held] < RANK[TradingState.REDUCING] ? TradingState.REDUCING : this.#held
  }

  /** Whether a state tripped for `reason` lifts itself: a daily-loss trip at the day's start, a streak's cooldown. */
  #liftsItself(state: TradingState, reason: StateChangeReason): boolean {
    const dl = this.#cfg.dailyLoss
    if (reason === StateChangeReason.DAILY_LOSS) return dl !== false && dl.resetAtDayStart
    return reason === StateChangeReason.CONSECUTIVE_LOSSES && state === TradingState.REDUCING
  }

  #transition(
    to: TradingState,
    reason: StateChangeReason,
    now: number,
    detail: string | undefined,
    values: RiskValues,
  ): boolean {
    const from = this.#state
    if (from === to) return false
    if (RANK[to] < RANK[from]) {
      // A lowered state: a breach that still holds must trip again at the next check (as after a resume).
      this.#breaches.clear()
      this.#quiet = false
    }
    this.#state = to
    this.#reason = reason
    this.#detail = detail
    this.#since = now
    this.#persist()
    this.#bus.emit('risk.stateChanged', {
      type: 'risk.stateChanged',
      from,
      to,
      reason,
      ...(detail === undefined ? {} : { detail }),
      values,
      tsEvent: now,
    })
    return true
  }

  /** The state as persisted. */
  toPersisted(): PersistedRiskState {
    return {
      version: 1,
      state: this.#state,
      reason: this.#reason,
      ...(this.#detail === undefined ? {} : { detail: this.#detail.slice(0, 500) }),
      since: this.#since,
      ...(this.#peak === undefined ? {} : { peakEquity: this.#peak.toFixed() }),
      ...(this.#dayKey === undefined || this.#dayStart === undefined
        ? {}
        : { dayKey: this.#dayKey, dayStartEquity: this.#dayStart.toFixed() }),
      consecutiveLosses: this.#losses,
      ...(this.#cooldownUntil === undefined ? {} : { cooldownUntil: this.#cooldownUntil }),
      ...(this.#held === TradingState.ACTIVE ? {} : { held: this.#held }),
      ...(this.#pendingReset === undefined ? {} : { pendingReset: { ...this.#pendingReset } }),
      tsSaved: this.#clock.now(),
    }
  }

  /** Saves the latest state (see {@link StateSaver}: coalesced, retried until a write succeeds). */
  #persist(): void {
    if (this.#ready) this.#saver?.request()
  }
}
