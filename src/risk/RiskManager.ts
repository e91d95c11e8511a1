import {
  type AccountSnapshot,
  type Clock,
  type ExecutionClient,
  err,
  type Instrument,
  type Listenable,
  type MarketSnapshot,
  type OrderIntent,
  ok,
  type Position,
  parseConfig,
  type Result,
  type Signal,
  SystemClock,
  TypedEmitter,
} from '../core/index.js'
import { Decimal, roundPriceForSide, roundToStep } from '../decimal/index.js'
import { toTradekitError } from '../errors/index.js'
import {
  type ResolvedRiskManagerConfig,
  type ResolvedSizingConfig,
  type RiskManagerConfig,
  RiskManagerConfigSchema,
} from './config.js'
import type { RiskApprovedEvent, RiskManagerEvents, SizingBreakdown } from './events.js'
import { type EmergencyStopOptions, type EmergencyStopReport, runKillSwitch } from './killSwitch.js'
import {
  atrStopPrice,
  capQuantity,
  fixedFractionalSize,
  fixedNotionalSize,
  fractionalKellySize,
  positive,
  readDecimal,
  volatilityTargetSize,
} from './sizing.js'
import { type ResumeOptions, TradingGuard, type TradingGuardStatus } from './TradingGuard.js'
import {
  QuantityCap,
  RiskReason,
  type RiskRejection,
  type RiskValues,
  rejection,
  StateChangeReason,
  str,
  TradingState,
} from './types.js'

/** Bound on instruments remembered for the kill switch's step rounding. */
const MAX_INSTRUMENTS = 10_000
/** Bound on client order ids remembered for counting venue responses once. */
const MAX_COUNTED_IDS = 10_000

type Deny = (code: RiskReason, message: string, values?: RiskValues) => Result<OrderIntent, RiskRejection>

/**
 * Every order a strategy wants passes through here. `evaluate(signal, account, market)` validates every input, applies
 * the trading state and breakers, the pre-trade checks (stop distance and side, reward:risk, leverage, margin, data
 * age, position counts, correlation), sizes the order with the configured method, caps it and rounds it down to the
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
  readonly #groupOf = new Map<string, string>()
  readonly #instruments = new Map<string, Instrument>()
  readonly #executors = new Map<ExecutionClient, () => void>()
  readonly #countedIds = new Set<string>()
  /** Numeric config values as Decimals, converted once (decimal.js conversions cost on the hot path). */
  readonly #d: {
    readonly minStopFraction: Decimal
    readonly minStopTicks: Decimal
    readonly minRewardRisk: Decimal
    readonly maxPositionFraction: Decimal
    readonly marginSafety: Decimal
    readonly atrMultiplier: Decimal
    readonly correlation: readonly Decimal[]
  }
  readonly #sizingDec = new Map<ResolvedSizingConfig, Record<string, Decimal>>()
  readonly #leverageDec = new Map<number, Decimal>()
  #lastAccount: AccountSnapshot | undefined
  /** While {@link RiskManager.evaluateGroup} runs: order-rate records to take back and approvals not yet announced. */
  #group: { readonly recorded: string[]; readonly held: Array<() => void> } | undefined
  #seq = 0
  /** Random per instance: two managers with the same prefix never generate the same id in the same millisecond. */
  readonly #instanceTag = randomTag()
  #stopping: Promise<EmergencyStopReport> | undefined
  #lastStop: EmergencyStopReport | undefined

  constructor(config: RiskManagerConfig = {}) {
    this.#cfg = parseConfig(RiskManagerConfigSchema, config, 'RiskManager')
    this.#clock = this.#cfg.clock ?? new SystemClock()
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
    this.guard.events.on('error', (e) => this.#bus.emit('error', e))
    const c = this.#cfg
    this.#d = {
      minStopFraction: new Decimal(c.minStopDistanceFraction),
      minStopTicks: new Decimal(c.minStopTicks),
      minRewardRisk: new Decimal(c.minRewardRisk),
      maxPositionFraction: new Decimal(c.maxPositionFraction),
      marginSafety: new Decimal(c.marginSafetyFactor),
      atrMultiplier: new Decimal(c.atrStopMultiplier),
      correlation: c.correlation.scale.map((x) => new Decimal(x)),
    }
    for (const [group, members] of Object.entries(this.#cfg.correlation.groups)) {
      for (const m of members) this.#groupOf.set(m, group)
    }
  }

  /** Current trading state. */
  get state(): TradingState {
    return this.guard.state
  }

  /** The trading state and the measurements behind it. */
  status(): TradingGuardStatus {
    return this.guard.status()
  }

  /** Loads the latched state from the configured store. Required before `evaluate` when a store is configured. */
  start(): Promise<void> {
    return this.guard.start()
  }

  /** Waits for pending state saves. */
  flush(): Promise<void> {
    return this.guard.flush()
  }

  /** Feeds an account snapshot to the breakers (daily loss, drawdown) without evaluating a signal. */
  update(account: AccountSnapshot): void {
    this.#lastAccount = account
    this.guard.updateEquity(account.equity, account.peakEquity)
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
   * events to the rejection-rate breaker. Returns a function that unregisters it.
   */
  registerExecutor(client: ExecutionClient): () => void {
    const existing = this.#executors.get(client)
    if (existing !== undefined) return existing
    const onAccepted = (e: { order: { clientOrderId: string } }): void =>
      this.#countResponse(e.order.clientOrderId, false)
    const onRejected = (e: { order: { clientOrderId: string } }): void =>
      this.#countResponse(e.order.clientOrderId, true)
    client.events.on('order.accepted', onAccepted)
    client.events.on('order.filled', onAccepted)
    client.events.on('order.rejected', onRejected)
    const unregister = (): void => {
      client.events.off('order.accepted', onAccepted)
      client.events.off('order.filled', onAccepted)
      client.events.off('order.rejected', onRejected)
      this.#executors.delete(client)
    }
    this.#executors.set(client, unregister)
    return unregister
  }

  #countResponse(id: string, rejected: boolean): void {
    if (this.#countedIds.has(id)) return
    if (this.#countedIds.size >= MAX_COUNTED_IDS) {
      const first = this.#countedIds.values().next()
      if (first.done !== true) this.#countedIds.delete(first.value)
    }
    this.#countedIds.add(id)
    this.guard.recordVenueResponse(rejected)
  }

  /**
   * The kill switch: moves to HALTED at once (synchronously, before any await), cancels every open order on every
   * registered executor (each bounded by `killSwitch.cancelTimeoutMs`), optionally flattens positions with reduce-only
   * market orders, and reports what it could not cancel or flatten. Idempotent: a call while one runs returns the
   * same promise, and a call while still HALTED after a run returns that run's report. Never rejects.
   */
  emergencyStop(reason: string, options: EmergencyStopOptions = {}): Promise<EmergencyStopReport> {
    this.guard.halt(reason, StateChangeReason.KILL_SWITCH)
    if (this.#stopping !== undefined) return this.#stopping
    if (this.#lastStop !== undefined && this.guard.state === TradingState.HALTED) {
      return Promise.resolve(this.#lastStop)
    }
    const run = runKillSwitch(reason, {
      clock: this.#clock,
      executors: [...this.#executors.keys()],
      cancelTimeoutMs: this.#cfg.killSwitch.cancelTimeoutMs,
      submitTimeoutMs: this.#cfg.killSwitch.submitTimeoutMs,
      flatten: options.flatten ?? this.#cfg.killSwitch.flatten,
      positions: options.positions ?? this.#lastAccount?.positions ?? [],
      instrument: (venue, symbol) => this.#instruments.get(`${venue}:${symbol}`),
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
        if (this.guard.state === TradingState.HALTED) this.#lastStop = report
        this.#bus.emit('risk.emergencyStop', {
          type: 'risk.emergencyStop',
          report,
          tsEvent: this.#clock.now(),
        })
        return report
      })
    this.#stopping = run
    return run
  }

  #nextClientOrderId(tag = ''): string {
    return `${this.#cfg.clientOrderIdPrefix}${tag}-${this.#instanceTag}${this.#clock.now().toString(36)}-${(this.#seq++).toString(36)}`
  }

  /**
   * Decides on one signal: an approved, sized {@link OrderIntent} or a {@link RiskRejection}. Never throws, whatever
   * the inputs; never returns a zero, negative or NaN quantity. Emits `risk.approved` / `risk.denied` (and
   * `risk.resized` when a cap reduced the size).
   */
  evaluate(
    signal: Signal,
    account: AccountSnapshot,
    market: MarketSnapshot,
  ): Result<OrderIntent, RiskRejection> {
    const now = this.#clock.now()
    const deny: Deny = (code, message, values = {}) => {
      const r = rejection(code, message, values)
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
    try {
      return this.#evaluate(signal, account, market, now, deny)
    } catch (e) {
      // Hostile inputs (getters that throw, proxies) must not crash the caller.
      return deny(
        RiskReason.INVALID_INPUT,
        `Evaluation failed: ${e instanceof Error ? e.message : String(e)}`,
      )
    }
  }

  /**
   * Decides on the legs of one multi-leg group, all or none: each leg is sized exactly as {@link RiskManager.evaluate}
   * would (later legs see the earlier ones in the order-rate limits); when one is denied, none is approved — the earlier
   * legs' order-rate records are taken back and every leg gets a rejection (its own, or `GROUP_DENIED`).
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
    const group = { recorded: [] as string[], held: [] as Array<() => void> }
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
      for (const announce of group.held) announce()
      return ok(intents)
    }
    for (const k of group.recorded.reverse()) this.guard.unrecordOrder(k)
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
    deny: Deny,
  ): Result<OrderIntent, RiskRejection> {
    if (!this.guard.isReady)
      return deny(RiskReason.NOT_READY, 'Risk state not loaded yet: await risk.start()')
    if (typeof signal !== 'object' || signal === null)
      return deny(RiskReason.INVALID_INPUT, 'Signal is not an object')
    if (typeof account !== 'object' || account === null)
      return deny(RiskReason.INVALID_INPUT, 'Account is missing')
    if (typeof market !== 'object' || market === null)
      return deny(RiskReason.INVALID_INPUT, 'Market is missing')
    const { side } = signal
    if (side !== 'BUY' && side !== 'SELL')
      return deny(RiskReason.INVALID_INPUT, `Invalid side "${String(side)}"`)
    if (signal.intent !== 'ENTRY' && signal.intent !== 'EXIT') {
      return deny(RiskReason.INVALID_INPUT, `Invalid intent "${String(signal.intent)}"`)
    }
    const orderType = signal.orderType ?? 'MARKET'
    if (orderType !== 'MARKET' && orderType !== 'LIMIT') {
      return deny(RiskReason.INVALID_INPUT, `Invalid order type "${String(orderType)}"`)
    }
    const inst = market.instrument
    if (typeof inst !== 'object' || inst === null)
      return deny(RiskReason.INVALID_INPUT, 'Instrument is missing')
    if (inst.venue !== signal.venue || inst.symbol !== signal.symbol) {
      return deny(
        RiskReason.INSTRUMENT_MISMATCH,
        `Signal "${signal.venue}:${signal.symbol}" does not match market "${inst.venue}:${inst.symbol}"`,
        { signal: `${signal.venue}:${signal.symbol}`, market: `${inst.venue}:${inst.symbol}` },
      )
    }
    const key = `${inst.venue}:${inst.symbol}`
    const tick = positive('tickSize', inst.tickSize)
    if (!tick.ok) return deny(tick.error.code, tick.error.message, tick.error.values)
    const step = positive('stepSize', inst.stepSize)
    if (!step.ok) return deny(step.error.code, step.error.message, step.error.values)
    const equityR = readDecimal(account.equity)
    if (equityR === undefined) {
      return deny(RiskReason.INVALID_INPUT, `Invalid equity "${String(account.equity)}"`, { field: 'equity' })
    }
    const equity = equityR
    const freeMargin = readDecimal(account.freeMargin)
    if (freeMargin === undefined) {
      return deny(RiskReason.INVALID_INPUT, `Invalid free margin "${String(account.freeMargin)}"`, {
        field: 'freeMargin',
      })
    }
    const positions: readonly Position[] = Array.isArray(account.positions) ? account.positions : []
    if (!Array.isArray(account.positions) || !Array.isArray(account.openOrders)) {
      return deny(RiskReason.INVALID_INPUT, 'Account positions and open orders must be arrays')
    }
    this.#lastAccount = account
    this.guard.updateEquity(equity, account.peakEquity)
    if (!this.#instruments.has(key)) {
      if (this.#instruments.size >= MAX_INSTRUMENTS) this.#instruments.clear()
      this.#instruments.set(key, inst)
    }

    const status = this.guard.state
    if (status === TradingState.HALTED) {
      const s = this.guard.status()
      return deny(RiskReason.TRADING_HALTED, `Trading is HALTED (${s.reason})`, {
        stateReason: s.reason,
        since: s.since,
        detail: s.detail ?? null,
      })
    }

    // The position on this instrument (netted), and counts for the limits below.
    let posQty: Decimal | undefined
    for (const p of positions) {
      if (p.symbol === inst.symbol && p.venue === inst.venue) {
        const q = readDecimal(p.qty)
        if (q === undefined) return deny(RiskReason.INVALID_INPUT, `Invalid position qty "${String(p.qty)}"`)
        posQty = posQty === undefined ? q : posQty.plus(q)
      }
    }

    if (signal.intent === 'EXIT') {
      return this.#exit(signal, account, market, posQty, step.value, tick.value, now, deny)
    }

    if (status === TradingState.REDUCING) {
      const s = this.guard.status()
      const cooldown = s.reason === StateChangeReason.CONSECUTIVE_LOSSES && s.cooldownUntil !== undefined
      return deny(
        cooldown ? RiskReason.COOLDOWN : RiskReason.TRADING_REDUCING,
        cooldown
          ? `Entries paused after ${s.consecutiveLosses} losses in a row`
          : `Trading is REDUCING (${s.reason}): only exits are allowed`,
        {
          stateReason: s.reason,
          since: s.since,
          cooldownUntil: s.cooldownUntil ?? null,
          consecutiveLosses: s.consecutiveLosses,
        },
      )
    }
    if (equity.lte(0)) return deny(RiskReason.INVALID_INPUT, `Equity "${equity.toFixed()}" is not above zero`)

    const priceR = positive('price', market.price)
    if (!priceR.ok) return deny(priceR.error.code, priceR.error.message, priceR.error.values)
    const ts = market.priceTs
    if (typeof ts !== 'number' || !Number.isFinite(ts)) {
      return deny(RiskReason.INVALID_INPUT, `Invalid price time "${String(ts)}"`, { field: 'priceTs' })
    }
    const age = now - ts
    if (age > this.#cfg.maxDataAgeMs || -age > this.#cfg.maxClockSkewMs) {
      return deny(RiskReason.STALE_MARKET_DATA, `Price is ${age} ms old (max ${this.#cfg.maxDataAgeMs} ms)`, {
        ageMs: age,
        maxDataAgeMs: this.#cfg.maxDataAgeMs,
        maxClockSkewMs: this.#cfg.maxClockSkewMs,
        priceTs: ts,
        now,
      })
    }

    const long = side === 'BUY'
    if (posQty !== undefined && !posQty.isZero() && posQty.isNegative() === long) {
      return deny(
        RiskReason.POSITION_CONFLICT,
        `An ENTRY ${side} against an open position "${posQty.toFixed()}"`,
        {
          positionQty: str(posQty),
        },
      )
    }

    // Position counts: open positions, plus instruments with open entry orders but no position yet.
    let openPositions = 0
    let sameDirectionInGroup = 0
    const group = this.#groupOf.get(key) ?? this.#groupOf.get(inst.symbol)
    for (const p of positions) {
      if (p.qty.isZero()) continue
      openPositions++
      if (group !== undefined && p.qty.isNegative() !== long) {
        const g = this.#groupOf.get(`${p.venue}:${p.symbol}`) ?? this.#groupOf.get(p.symbol)
        if (g === group) sameDirectionInGroup++
      }
    }
    let entryOrdersHere = 0
    let pendingInstruments: Set<string> | undefined
    for (const o of account.openOrders) {
      if (o.reduceOnly === true) continue
      if (o.symbol === inst.symbol && o.venue === inst.venue) entryOrdersHere++
      else if (!positions.some((p) => p.symbol === o.symbol && p.venue === o.venue && !p.qty.isZero())) {
        pendingInstruments ??= new Set()
        pendingInstruments.add(`${o.venue}:${o.symbol}`)
      }
    }
    const hasPosition = posQty !== undefined && !posQty.isZero()
    const totalOpen = openPositions + (pendingInstruments?.size ?? 0)
    if (!hasPosition && entryOrdersHere === 0 && totalOpen >= this.#cfg.maxOpenPositions) {
      return deny(
        RiskReason.MAX_OPEN_POSITIONS,
        `${totalOpen} positions open (max ${this.#cfg.maxOpenPositions})`,
        {
          openPositions: totalOpen,
          maxOpenPositions: this.#cfg.maxOpenPositions,
        },
      )
    }
    const here = (hasPosition ? 1 : 0) + entryOrdersHere
    if (here >= this.#cfg.maxPositionsPerInstrument) {
      return deny(
        RiskReason.MAX_POSITIONS_PER_INSTRUMENT,
        `${here} positions/entries on "${key}" (max ${this.#cfg.maxPositionsPerInstrument})`,
        { onInstrument: here, maxPositionsPerInstrument: this.#cfg.maxPositionsPerInstrument },
      )
    }

    const leverage =
      this.#cfg.leverageBySymbol[key] ?? this.#cfg.leverageBySymbol[inst.symbol] ?? this.#cfg.leverage
    const maxLeverage = inst.maxLeverage ?? 1
    if (!(leverage >= 1 && leverage <= maxLeverage)) {
      return deny(RiskReason.LEVERAGE_OUT_OF_RANGE, `Leverage ${leverage} is outside [1, ${maxLeverage}]`, {
        leverage,
        maxLeverage,
      })
    }
    if (freeMargin.lte(0)) {
      return deny(RiskReason.INSUFFICIENT_MARGIN, `Free margin "${freeMargin.toFixed()}" is not above zero`, {
        freeMargin: str(freeMargin),
      })
    }

    // Entry price: the limit (rounded so it is never more aggressive) or the latest price.
    let entry = priceR.value
    if (orderType === 'LIMIT') {
      const lim = positive('limitPrice', signal.limitPrice)
      if (!lim.ok) return deny(lim.error.code, lim.error.message, lim.error.values)
      entry = roundPriceForSide(lim.value, tick.value, side)
      if (entry.lte(0))
        return deny(RiskReason.INVALID_INPUT, 'Limit price rounds to zero', { field: 'limitPrice' })
    }

    // Stop: given, or derived from ATR.
    let stop: Decimal | undefined
    let stopFromAtr = false
    if (signal.stopPrice !== undefined) {
      const s = positive('stopPrice', signal.stopPrice)
      if (!s.ok) return deny(s.error.code, s.error.message, s.error.values)
      stop = s.value
    } else if (market.atr !== undefined) {
      const s = atrStopPrice({
        side,
        entryPrice: entry,
        atr: market.atr,
        multiplier: this.#d.atrMultiplier,
        tickSize: tick.value,
      })
      if (!s.ok) return deny(s.error.code, s.error.message, s.error.values)
      stop = s.value
      stopFromAtr = true
    }
    const sizing = this.#sizingFor(signal, key, inst.symbol)
    if (stop === undefined) {
      if (this.#cfg.requireStop || sizing.method === 'fixedFractional') {
        return deny(RiskReason.MISSING_STOP, 'No stop given and no ATR to derive one', { requireStop: true })
      }
    } else {
      if (long ? !stop.lt(entry) : !stop.gt(entry)) {
        return deny(
          RiskReason.STOP_WRONG_SIDE,
          `Stop "${stop.toFixed()}" is not ${long ? 'below' : 'above'} entry "${entry.toFixed()}"`,
          {
            entryPrice: str(entry),
            stopPrice: str(stop),
            side,
          },
        )
      }
      const distance = long ? entry.minus(stop) : stop.minus(entry)
      const minByFraction = entry.times(this.#d.minStopFraction)
      const minByTicks = tick.value.times(this.#d.minStopTicks)
      if (distance.lt(minByFraction) || distance.lt(minByTicks)) {
        return deny(RiskReason.STOP_TOO_TIGHT, `Stop distance "${distance.toFixed()}" is below the minimum`, {
          entryPrice: str(entry),
          stopPrice: str(stop),
          stopDistance: str(distance),
          stopDistanceFraction: str(distance.div(entry)),
          minStopDistanceFraction: this.#cfg.minStopDistanceFraction,
          minStopDistance: str(minByFraction),
          minStopTicks: this.#cfg.minStopTicks,
          tickSize: str(tick.value),
        })
      }
      if (signal.takeProfitPrice !== undefined) {
        const tp = positive('takeProfitPrice', signal.takeProfitPrice)
        if (!tp.ok) return deny(tp.error.code, tp.error.message, tp.error.values)
        if (long ? !tp.value.gt(entry) : !tp.value.lt(entry)) {
          return deny(
            RiskReason.TAKE_PROFIT_WRONG_SIDE,
            `Take-profit "${tp.value.toFixed()}" is not ${long ? 'above' : 'below'} entry "${entry.toFixed()}"`,
            { entryPrice: str(entry), takeProfitPrice: str(tp.value), side },
          )
        }
        const reward = tp.value.minus(entry).abs()
        if (this.#cfg.minRewardRisk > 0 && reward.lt(distance.times(this.#d.minRewardRisk))) {
          return deny(
            RiskReason.REWARD_RISK_TOO_LOW,
            `Reward:risk "${reward.div(distance).toFixed(4)}" is below ${this.#cfg.minRewardRisk}`,
            {
              reward: str(reward),
              risk: str(distance),
              rewardRisk: str(reward.div(distance)),
              minRewardRisk: this.#cfg.minRewardRisk,
            },
          )
        }
      }
    }
    if (signal.takeProfitPrice === undefined && this.#cfg.requireTakeProfit) {
      return deny(RiskReason.MISSING_TAKE_PROFIT, 'A take-profit is required')
    }
    if (signal.takeProfitPrice !== undefined && stop === undefined) {
      const tp = positive('takeProfitPrice', signal.takeProfitPrice)
      if (!tp.ok) return deny(tp.error.code, tp.error.message, tp.error.values)
      if (long ? !tp.value.gt(entry) : !tp.value.lt(entry)) {
        return deny(
          RiskReason.TAKE_PROFIT_WRONG_SIDE,
          `Take-profit "${tp.value.toFixed()}" is on the wrong side`,
          {
            entryPrice: str(entry),
            takeProfitPrice: str(tp.value),
            side,
          },
        )
      }
    }

    // Correlation: same-direction open positions in the instrument's group scale the size down, then deny.
    let correlationScale = 1
    let correlationDec: Decimal | undefined
    if (group !== undefined) {
      const scale = this.#cfg.correlation.scale[sameDirectionInGroup]
      if (scale === undefined) {
        return deny(
          RiskReason.CORRELATION_LIMIT,
          `${sameDirectionInGroup} positions in group "${group}" already point ${long ? 'long' : 'short'}`,
          {
            group,
            sameDirection: sameDirectionInGroup,
            maxSameDirection: this.#cfg.correlation.scale.length - 1,
          },
        )
      }
      correlationScale = scale
      correlationDec = this.#d.correlation[sameDirectionInGroup]
    }

    let confidenceScale = 1
    if (this.#cfg.scaleByConfidence && signal.confidence !== undefined) {
      const c = signal.confidence
      if (typeof c !== 'number' || !Number.isFinite(c) || c < 0 || c > 1) {
        return deny(RiskReason.INVALID_INPUT, `Invalid confidence "${String(c)}"`, { field: 'confidence' })
      }
      confidenceScale = c
    }

    const rate = this.guard.checkOrderRate(key, now)
    if (rate !== undefined) return deny(rate.code, rate.message, rate.values)

    // Size.
    let raw: Result<Decimal, RiskRejection>
    switch (sizing.method) {
      case 'fixedFractional':
        raw = fixedFractionalSize({
          equity,
          riskFraction: this.#sizingDecimal(sizing, 'riskFraction', sizing.riskFraction),
          entryPrice: entry,
          stopPrice: stop as Decimal,
        })
        break
      case 'volatilityTarget':
        if (market.atr === undefined) {
          return deny(
            RiskReason.MISSING_VOLATILITY,
            'Volatility targeting needs an ATR in the market snapshot',
          )
        }
        raw = volatilityTargetSize({
          equity,
          targetVolatility: this.#sizingDecimal(sizing, 'targetVolatility', sizing.targetVolatility),
          volatility: market.atr,
        })
        break
      case 'fixedNotional':
        raw = fixedNotionalSize({ notional: sizing.notional, price: entry })
        break
      case 'kelly':
        raw = fractionalKellySize({
          equity,
          winRate: sizing.winRate,
          payoffRatio: sizing.payoffRatio,
          kellyMultiplier: sizing.kellyMultiplier,
          maxRiskFraction: sizing.maxRiskFraction,
          entryPrice: entry,
          ...(stop === undefined ? {} : { stopPrice: stop }),
        })
        break
    }
    if (!raw.ok) return deny(raw.error.code, raw.error.message, raw.error.values)
    let requested = raw.value
    if (correlationScale !== 1 && correlationDec !== undefined) requested = requested.times(correlationDec)
    if (confidenceScale !== 1) requested = requested.times(confidenceScale)

    const existingNotional = hasPosition ? (posQty as Decimal).abs().times(priceR.value) : undefined
    const capped = capQuantity({
      qty: requested,
      price: entry,
      instrument: inst,
      equity,
      maxPositionFraction: this.#d.maxPositionFraction,
      ...(this.#cfg.maxNotional === undefined ? {} : { maxNotional: this.#cfg.maxNotional }),
      ...(existingNotional === undefined ? {} : { existingNotional }),
      freeMargin,
      leverage: this.#leverageDecimal(leverage),
      marginSafetyFactor: this.#d.marginSafety,
      ...(signal.maxQty === undefined ? {} : { signalMaxQty: signal.maxQty }),
    })
    if (!capped.ok) return deny(capped.error.code, capped.error.message, capped.error.values)
    const { qty, cappedBy } = capped.value

    this.guard.recordOrder(key, now)
    this.#group?.recorded.push(key)
    const intent: OrderIntent = {
      clientOrderId: this.#nextClientOrderId(),
      venue: inst.venue,
      symbol: inst.symbol,
      side,
      type: orderType,
      qty,
      ...(orderType === 'LIMIT' ? { price: entry, timeInForce: 'GTC' as const } : {}),
      reduceOnly: false,
      strategyId: signal.strategyId,
      ...(stop === undefined ? {} : { stopPrice: stop }),
      ...(signal.takeProfitPrice === undefined ? {} : { takeProfitPrice: signal.takeProfitPrice }),
      signal,
      ...(signal.groupId === undefined ? {} : { groupId: signal.groupId }),
    }
    // Payloads are only built when someone listens (the strings cost more than the checks on a backtest's hot path).
    const resized =
      cappedBy.some((c) => c !== QuantityCap.STEP) && this.#bus.listenerCount('risk.resized') > 0
    if (resized) {
      this.#announce(() =>
        this.#bus.emit('risk.resized', {
          type: 'risk.resized',
          signal,
          requestedQty: requested.toFixed(),
          qty: qty.toFixed(),
          cappedBy,
          tsEvent: now,
        }),
      )
    }
    if (this.#bus.listenerCount('risk.approved') > 0) {
      const breakdown: SizingBreakdown = {
        method: sizing.method,
        entryPrice: entry.toFixed(),
        stopPrice: str(stop),
        stopFromAtr,
        rawQty: raw.value.toFixed(),
        correlationScale,
        confidenceScale,
        requestedQty: requested.toFixed(),
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

  /** An EXIT closes the whole position (at most the signal's `maxQty`) with a reduce-only order; allowed in ACTIVE and REDUCING. */
  #exit(
    signal: Signal,
    account: AccountSnapshot,
    market: MarketSnapshot,
    posQty: Decimal | undefined,
    step: Decimal,
    tick: Decimal,
    now: number,
    deny: Deny,
  ): Result<OrderIntent, RiskRejection> {
    const inst = market.instrument
    const long = signal.side === 'BUY'
    // A BUY exit closes a short, a SELL exit closes a long.
    if (posQty === undefined || posQty.isZero() || posQty.isNegative() !== long) {
      return deny(
        RiskReason.NO_POSITION_TO_REDUCE,
        `No ${long ? 'short' : 'long'} position on "${inst.venue}:${inst.symbol}" to reduce`,
        { positionQty: str(posQty), side: signal.side },
      )
    }
    const minQty = readDecimal(inst.minQty)
    let toClose = posQty.abs()
    if (signal.maxQty !== undefined) {
      const cap = positive('maxQty', signal.maxQty)
      if (!cap.ok) return deny(cap.error.code, cap.error.message, cap.error.values)
      toClose = Decimal.min(toClose, cap.value)
    }
    const qty = roundToStep(toClose, step)
    if (qty.lte(0) || (minQty !== undefined && qty.lt(minQty))) {
      return deny(RiskReason.QUANTITY_ZERO, `Position "${posQty.toFixed()}" is below the tradable minimum`, {
        positionQty: str(posQty),
        stepSize: str(step),
        minQty: str(minQty),
      })
    }
    const orderType = signal.orderType ?? 'MARKET'
    let price: Decimal | undefined
    if (orderType === 'LIMIT') {
      const lim = positive('limitPrice', signal.limitPrice)
      if (!lim.ok) return deny(lim.error.code, lim.error.message, lim.error.values)
      price = roundPriceForSide(lim.value, tick, signal.side)
      if (price.lte(0))
        return deny(RiskReason.INVALID_INPUT, 'Limit price rounds to zero', { field: 'limitPrice' })
    }
    const intent: OrderIntent = {
      clientOrderId: this.#nextClientOrderId(),
      venue: inst.venue,
      symbol: inst.symbol,
      side: signal.side,
      type: orderType,
      qty,
      ...(price === undefined ? {} : { price, timeInForce: 'GTC' as const }),
      reduceOnly: true,
      strategyId: signal.strategyId,
      signal,
      ...(signal.groupId === undefined ? {} : { groupId: signal.groupId }),
    }
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

  #sizingDecimal(sizing: ResolvedSizingConfig, field: string, value: number): Decimal {
    let m = this.#sizingDec.get(sizing)
    if (m === undefined) {
      m = {}
      this.#sizingDec.set(sizing, m)
    }
    let d = m[field]
    if (d === undefined) {
      d = new Decimal(value)
      m[field] = d
    }
    return d
  }

  #leverageDecimal(leverage: number): Decimal {
    let d = this.#leverageDec.get(leverage)
    if (d === undefined) {
      d = new Decimal(leverage)
      this.#leverageDec.set(leverage, d)
    }
    return d
  }

  #sizingFor(signal: Signal, key: string, symbol: string): ResolvedSizingConfig {
    return (
      this.#cfg.sizingBySymbol[key] ??
      this.#cfg.sizingBySymbol[symbol] ??
      this.#cfg.sizingByStrategy[signal.strategyId] ??
      this.#cfg.sizing
    )
  }
}

/** Four random base-36 characters from WebCrypto (Node, Bun, Deno and browsers). */
function randomTag(): string {
  const bytes = new Uint8Array(4)
  globalThis.crypto.getRandomValues(bytes)
  return Array.from(bytes, (b) => (b % 36).toString(36)).join('')
}
