import type * as z from 'zod/mini'
import { type Clock, SystemClock } from '../core/clock.js'
import { parseConfig } from '../core/config.js'
import { isDust } from '../core/dust.js'
import { type Listenable, TypedEmitter } from '../core/events.js'
import { instrumentKey as key } from '../core/instrumentKey.js'
import { isTerminalStatus } from '../core/orderState.js'
import type { AccountSnapshot, ExecutionClient } from '../core/ports.js'
import { RecentIds } from '../core/RecentIds.js'
import type {
  Balance,
  BookSnapshot,
  Candle,
  Fill,
  FundingPayment,
  Instrument,
  Order,
  Position,
  Trade,
} from '../core/types.js'
import { fillKey, type InstrumentKind } from '../core/types.js'
import { greaterThan, isAboveZero } from '../decimal/compareDecimals.js'
import { decimalOfNumber } from '../decimal/decimalOfNumber.js'
import { Decimal, type DecimalLike, toDecimal } from '../decimal/index.js'
import { minus, plus } from '../decimal/plusMinus.js'
import {
  InsufficientFundsError,
  type InvariantError,
  StateError,
  type TradekitError,
  ValidationError,
} from '../errors/index.js'
import { err, ok, type Result } from '../errors/result.js'
import { drawdownFrom, marginOf, valuedSum } from './portfolio/accountSums.js'
import { applyCashFill } from './portfolio/applyCashFill.js'
import { CurrencyRates, valueAt } from './portfolio/CurrencyRates.js'
import { invalidFill, outcomePayout } from './portfolio/checkFill.js'
import { checkPortfolioInvariants } from './portfolio/checkPortfolioInvariants.js'
import { cashPart, type EquityInputs, equityFrom } from './portfolio/equityOf.js'
import { FillUndoLog, reversedPosition, writeReversal } from './portfolio/FillUndoLog.js'
import { followClient } from './portfolio/followClient.js'
import { freeCashByAsset } from './portfolio/freeCashByAsset.js'
import { BookMarks, candleMarkTime, MarkTimes } from './portfolio/MarkTimes.js'
import {
  checkLeverage,
  flatMutablePosition,
  type MutablePosition,
  positionMargin,
  positionView,
  settleMutablePosition,
  unrealizedPnl,
} from './portfolio/MutablePosition.js'
import { type OrderTerms, unheldCommitments } from './portfolio/orderHold.js'
import { type PortfolioConfig, PortfolioConfigSchema } from './portfolio/PortfolioConfig.js'
import type {
  FillApplied,
  PortfolioDifference,
  PortfolioEvents,
  PortfolioPosition,
  PortfolioSnapshotOptions,
} from './portfolio/PortfolioEvents.js'
import { type FillPlan, planFill } from './portfolio/planFill.js'
import { type PortfolioRestoreState, planRestore } from './portfolio/planRestore.js'
import type { VenueAccountState } from './portfolio/reconcileWithVenue.js'
import { reconcileBalances, reconcilePositions } from './portfolio/reconcileWithVenue.js'
import { StrategyLedger } from './portfolio/StrategyLedger.js'
import { withStrategyShares } from './portfolio/strategySnapshot.js'
import { UnsettledShares } from './portfolio/UnsettledShares.js'
import { VenueFunding } from './portfolio/VenueFunding.js'

const ZERO = new Decimal(0)
/** A snapshot's open orders when none is followed (a PaperTrader's, a backtest's portfolio): one frozen list. */
const NO_ORDERS: readonly Order[] = Object.freeze([])
/** The UTC day (days since the epoch) of a time in epoch milliseconds. */
const utcDay = (ms: number): number => Math.floor(ms / 86_400_000)
/** The open positions' views, as kept between changes. */
type OpenViews = readonly PortfolioPosition[]
type Committed = Pick<FillPlan, 'pos' | 'realized'>

export { type PortfolioConfig, PortfolioConfigSchema } from './portfolio/PortfolioConfig.js'

export type {
  FillApplied,
  PortfolioDifference,
  PortfolioEvents,
  PortfolioPosition,
  PortfolioSnapshotOptions,
} from './portfolio/PortfolioEvents.js'
export type { VenueAccountState } from './portfolio/reconcileWithVenue.js'

/**
 * Account state in Decimal: cash balances per asset, spot holdings, perpetual positions (leverage, entry, margin,
 * liquidation estimate) and outcome-token positions; realized and unrealized PnL net of fees, equity, free margin,
 * peak equity and drawdown. Every fill is checked before it is committed, so the invariants (no negative spot or
 * outcome holdings, quantity and cash conserved, each fee counted once) hold after every fill.
 *
 * Spot and outcome-token holdings are positions (with an average cost), not balances: `balances()` lists cash.
 * Equity = cash in the account currency + spot/outcome holdings at mark + perpetual unrealized PnL.
 *
 * @example
 * ```ts
 * const portfolio = new Portfolio({ balances: { USDT: '10000' }, instruments: [btcusdt] })
 * portfolio.attach(paperTrader)           // applies every fill and tracks open orders
 * const snap = portfolio.snapshot()       // what RiskManager.evaluate needs
 * ```
 */
export class Portfolio {
  readonly #cfg: z.output<typeof PortfolioConfigSchema>
  readonly #clock: Clock
  readonly #bus = new TypedEmitter<PortfolioEvents>()
  /** Subscribe-only view of the portfolio's events. */
  readonly events: Listenable<PortfolioEvents> = this.#bus
  readonly #cash = new Map<string, Decimal>()
  readonly #holds = new Map<string, { asset: string; amount: Decimal }>()
  readonly #instruments = new Map<string, Instrument>()
  readonly #positions = new Map<string, MutablePosition>()
  readonly #leverage = new Map<string, number>()
  /** When each instrument was last marked: a fill older than that, or a late market event, does not move the mark. */
  readonly #markTimes = new MarkTimes()
  readonly #seen: RecentIds<string>
  readonly #undo: FillUndoLog
  readonly #unsettled: UnsettledShares // bought in fills the venue has not settled yet: not sellable until then
  /** Kinds of instrument whose fills keep an undo record (`reversibleKinds`; none with a `reversalWindow` of 0). */
  readonly #reversible: ReadonlySet<InstrumentKind>
  readonly #ledger: StrategyLedger
  readonly #funding = new VenueFunding()
  readonly #orders = new Map<string, Order>()
  readonly #feesByAsset = new Map<string, Decimal>()
  /** Value of one unit of an asset in the account currency (the account currency itself: 1). */
  readonly #rates: CurrencyRates
  readonly #markOf = (venue: string, symbol: string) => this.#marked(key(venue, symbol))?.mark
  /** Whether `qty` of the instrument at key `k` is more than dust (see {@link isDust}; an unknown one's always is). */
  readonly #tradable = (k: string, qty: Decimal) => {
    const inst = this.#instruments.get(k)
    return inst === undefined || !isDust(qty, inst)
  }
  #peak: Decimal
  #folded: Decimal | undefined
  /** What equity is computed from: the maps above and the rates. */
  readonly #inputs: EquityInputs
  /** Equity, free margin and open-position views as last computed; dropped by every change that moves them. */
  #cached: { equity?: Decimal; cash?: Decimal; freeMargin?: Decimal; positions?: OpenViews } = {}
  /** Marks of flat positions, kept as the numbers they came as until something reads them (no Decimal per candle). */
  readonly #pendingMarks = new Map<string, number>()
  #version = 0
  readonly #bookMarks = new BookMarks()
  /** What {@link unheldCommitments} reads of this portfolio. */
  readonly #terms: OrderTerms = {
    isHeld: (id) => this.#holds.has(id),
    instrument: (venue, symbol) => this.instrument(venue, symbol),
    leverage: (v, s) => this.#positions.get(key(v, s))?.leverage ?? this.leverage(v, s),
    rate: (asset) => this.#rates.get(asset),
    mark: this.#markOf,
  }
  #realizedDay = { day: -1, pnl: ZERO }
  #fillCount = 0

  constructor(config: PortfolioConfig = {}) {
    this.#cfg = parseConfig(PortfolioConfigSchema, config, 'Portfolio')
    this.#clock = this.#cfg.clock ?? new SystemClock()
    this.#undo = new FillUndoLog(this.#cfg.reversalWindow, this.#cfg.dedupeWindow)
    this.#reversible = new Set(this.#cfg.reversalWindow === 0 ? [] : this.#cfg.reversibleKinds)
    this.#ledger = new StrategyLedger(this.#cfg.dedupeWindow, this.#cfg.reversalWindow)
    this.#seen = new RecentIds(this.#cfg.dedupeWindow)
    this.#unsettled = new UnsettledShares(this.#cfg.dedupeWindow)
    for (const [asset, v] of Object.entries(this.#cfg.balances)) {
      this.#cash.set(asset, toDecimal(v as DecimalLike, { field: `balances.${asset}` }))
    }
    this.#rates = new CurrencyRates(
      this.#cfg.accountCurrency,
      this.#cfg.currencies as Record<string, DecimalLike>,
    )
    this.#inputs = {
      cash: this.#cash,
      positions: this.#positions,
      instruments: this.#instruments,
      rates: this.#rates,
    }
    for (const i of this.#cfg.instruments) this.addInstrument(i)
    this.#peak = this.equity()
  }

  /** The account currency. */
  get accountCurrency(): string {
    return this.#cfg.accountCurrency
  }

  /**
   * A counter that moves whenever cash, holds, rates, positions (quantity, entry, leverage) or tracked orders change.
   * A mark does not move it: while it stands, only marks (so equity and unrealized PnL) can have changed since a
   * {@link Portfolio.snapshot} (the TradingEngine then feeds the breakers the new equity alone).
   */
  get version(): number {
    return this.#version
  }

  /** Number of fills applied so far. */
  get fillCount(): number {
    return this.#fillCount
  }

  /**
   * Sets the value of one unit of `asset` in the account currency (a stablecoin: 1), so its cash and the instruments
   * quoted in it count towards equity, free margin and PnL. The account currency's own rate is always 1.
   */
  setRate(asset: string, rate: DecimalLike): void {
    this.#rates.set(asset, rate)
    this.#invalidate()
  }

  /** The value of one unit of `asset` in the account currency, or `undefined` when it has no rate. */
  rate(asset: string): Decimal | undefined {
    return this.#rates.get(asset)
  }

  /** Registers an instrument, so fills on it can be accounted. */
  addInstrument(instrument: Instrument): void {
    this.#instruments.set(key(instrument.venue, instrument.symbol), instrument)
    this.#invalidate()
  }

  /** The registered instrument for `venue`/`symbol`. */
  instrument(venue: string, symbol: string): Instrument | undefined {
    return this.#instruments.get(key(venue, symbol))
  }

  /** Sets the leverage of a perpetual (applies to the position's margin from now on). */
  setLeverage(venue: string, symbol: string, leverage: number): void {
    checkLeverage(leverage, this.instrument(venue, symbol))
    this.#leverage.set(key(venue, symbol), leverage)
    const p = this.#positions.get(key(venue, symbol))
    if (p !== undefined) p.leverage = leverage
    this.#invalidate()
  }

  /** Leverage used for `venue`/`symbol`. */
  leverage(venue: string, symbol: string): number {
    return this.#leverage.get(key(venue, symbol)) ?? this.#cfg.defaultLeverage
  }

  /** Cash of one asset (free + held). */
  cash(asset: string): Decimal {
    return this.#cash.get(asset) ?? ZERO
  }

  /** Cash of one asset not held by open orders. */
  freeCash(asset: string): Decimal {
    let held = ZERO
    for (const h of this.#holds.values()) if (h.asset === asset) held = plus(held, h.amount)
    return minus(this.cash(asset), held)
  }

  /** Adds (or with a negative amount, withdraws) cash, e.g. a deposit; the peak equity moves with it (no drawdown). */
  deposit(asset: string, amount: DecimalLike): void {
    const a = toDecimal(amount, { field: 'amount' })
    const next = this.cash(asset).plus(a)
    if (next.isNegative()) throw new InsufficientFundsError('portfolio', `Withdrawal exceeds "${asset}" cash`)
    this.#foldPeak() // the peak up to now, then moved by the transfer: a deposit is no gain, a withdrawal no loss
    this.#peak = plus(this.#peak, this.#rates.value(a, asset) ?? ZERO)
    this.#cash.set(asset, next)
    this.#touchPeak()
  }

  /** Holds `amount` of `asset` for an open order (released by {@link Portfolio.release}). */
  hold(id: string, asset: string, amount: Decimal): void {
    this.#invalidate()
    if (amount.lte(0)) this.#holds.delete(id)
    else this.#holds.set(id, { asset, amount })
  }

  /** Releases a hold. */
  release(id: string): void {
    if (this.#holds.delete(id)) this.#invalidate()
  }

  /** Cash balances (free and held by orders), account currency included. */
  balances(venue = 'portfolio'): Balance[] {
    return [...this.#cash.entries()].map(([asset, total]) => {
      const free = this.freeCash(asset)
      return { venue, asset, free, locked: total.minus(free) }
    })
  }

  /** Fees paid so far, per fee asset. */
  feesPaid(): ReadonlyMap<string, Decimal> {
    return new Map(this.#feesByAsset)
  }

  /** Position on `venue`/`symbol` (flat once traded and closed), dust included: flagged `dust` (see {@link isDust}). */
  position(venue: string, symbol: string): PortfolioPosition | undefined {
    const p = this.#marked(key(venue, symbol))
    return p === undefined ? undefined : this.#view(p, key(venue, symbol))
  }

  /** The quantity held on `venue`/`symbol` (zero when none), without building the position's view. */
  positionQty(venue: string, symbol: string): Decimal {
    return this.#positions.get(key(venue, symbol))?.qty ?? ZERO
  }

  /** The open positions: neither flat nor dust (a holding too small for any order: see {@link isDust}). */
  positions(): PortfolioPosition[] {
    return [...this.#openViews()]
  }

  /** The open positions' views, kept (frozen: a snapshot hands the same array out) until a fill or a mark moves one. */
  #openViews(): OpenViews {
    if (this.#cached.positions !== undefined) return this.#cached.positions
    const open: PortfolioPosition[] = []
    for (const [k, p] of this.#positions)
      if (!p.qty.isZero() && this.#tradable(k, p.qty)) open.push(this.#view(p, k))
    this.#cached.positions = Object.freeze(open)
    return open
  }

  /** Whether any position is open (cheaper than `positions().length > 0`: no position views are built). */
  hasOpenPositions(): boolean {
    for (const [k, p] of this.#positions) if (!p.qty.isZero() && this.#tradable(k, p.qty)) return true
    return false
  }

  /**
   * Attributes an order to the strategy that sent it (its fills are booked to that strategy's share too) until it ends
   * ({@link Portfolio.orderEnded}; an attached client's orders are followed), then among the last `dedupeWindow` ended.
   */
  attribute(clientOrderId: string, strategyId: string): void {
    this.#ledger.attribute(clientOrderId, strategyId)
  }

  /** An attributed order reached a terminal status: its attribution joins the recent ended orders' (see `attribute`). */
  orderEnded(clientOrderId: string): void {
    this.#ledger.finish(clientOrderId)
  }

  /** One strategy's open positions: its share of each instrument, from its own orders' fills (see docs/execution.md). */
  strategyPositions(strategyId: string): Position[] {
    return this.#ledger.positions(strategyId, this.#markOf, this.#tradable)
  }

  /**
   * Starts from a journal's last view: positions, entries, realised PnL and fees per instrument and strategy (not cash).
   * Only when fresh (else a StateError); an invalid row throws a ValidationError and changes nothing.
   */
  restore(state: PortfolioRestoreState): void {
    if (this.#fillCount > 0 || this.hasOpenPositions())
      throw new StateError('Portfolio.restore needs a fresh portfolio')
    const plan = planRestore(state, (v, s) => this.instrument(v, s))
    for (const r of plan.positions) {
      Object.assign(this.#posFor(r.venue, r.symbol), r)
      this.#marked(key(r.venue, r.symbol)) // a mark taken while it was flat (kept as a number) values it now
    }
    for (const [a, fee] of plan.fees) this.#feesByAsset.set(a, (this.#feesByAsset.get(a) ?? ZERO).plus(fee))
    for (const { strategyId: sid, venue, symbol, ...share } of plan.shares)
      this.#ledger.restore(sid, venue, symbol, share)
    this.#touchPeak()
  }

  /**
   * Marks refused as late: older (by `eventTs`; `onTrade`, `onBook` and `onCandle` give it) than the newest event that
   * had marked their instrument. A late event never moves a mark back in time; a mark without `eventTs` is always taken.
   */
  get staleMarks(): number {
    return this.#markTimes.stale
  }

  /** Sets an instrument's mark price; with `eventTs`, its market event's time, not if older than the newest mark's. */
  mark(venue: string, symbol: string, price: DecimalLike, eventTs?: number): void {
    const k = key(venue, symbol)
    const isNumber = typeof price === 'number' && price > 0 && price < 1e30
    const d = isNumber ? undefined : toDecimal(price, { field: 'price' })
    if (d !== undefined && !isAboveZero(d)) return // finite (toDecimal): not above zero is at most zero
    if (!this.#markTimes.admit(k, eventTs, this.#clock.now())) return
    const p = this.#positions.get(k) ?? (this.#instruments.has(k) ? this.#posFor(venue, symbol) : undefined)
    if (p === undefined || p.qty.isZero()) {
      // A flat position's mark moves neither equity nor the open positions; a number stays one until read (#marked).
      if (d === undefined) {
        if (p !== undefined) this.#pendingMarks.set(k, price as number)
      } else {
        this.#pendingMarks.delete(k)
        if (p !== undefined) p.mark = d
      }
      this.#foldPeak()
      return
    }
    p.mark = d ?? decimalOfNumber(price as number)
    // An older mark kept from while it was flat is superseded (never converted over this one later).
    if (this.#pendingMarks.size > 0) this.#pendingMarks.delete(k)
    this.#markMoved(p)
    this.#foldPeak()
  }

  /** Marks from a public trade, unless it is older than the newest event that marked its instrument. */
  onTrade(t: Trade): void {
    if (Number.isFinite(t.price) && t.price > 0) this.mark(t.venue, t.symbol, t.price, t.tsEvent)
  }

  /** Marks from a book's mid price, unless the book is older than the newest event that marked its instrument. */
  onBook(b: BookSnapshot): void {
    const price = this.#bookMarks.of(b)
    if (price !== undefined) this.mark(b.venue, b.symbol, price, b.tsEvent)
  }

  /** Marks from a candle's close: a closed one's as of its close time, unless older than the newest mark's event. */
  onCandle(c: Candle): void {
    if (Number.isFinite(c.close) && c.close > 0) this.mark(c.venue, c.symbol, c.close, candleMarkTime(c))
  }

  /**
   * Applies one fill. A fill whose {@link fillKey} (venue, symbol, trade id, order) was already applied is ignored (`fill.duplicateIgnored`), so a
   * fee is never counted twice. A fill that would break an invariant (selling spot or outcome tokens not held,
   * an unknown instrument) changes nothing and returns an error.
   */
  applyFill(fill: Fill): Result<FillApplied | undefined, TradekitError> {
    // Binance numbers trades per symbol: the same id on two symbols is two fills.
    const id = fillKey(fill)
    // Remembered at once (one lookup, not a look-up then an add); forgotten again if the fill is refused below (at
    // capacity, the oldest id it displaced stays forgotten: the window is the last `dedupeWindow` ids offered).
    if (!this.#seen.addNew(id)) {
      this.#bus.emit('fill.duplicateIgnored', { type: 'fill.duplicateIgnored', fill, tsEvent: fill.tsEvent })
      return ok(undefined)
    }
    const r = this.#applyNew(id, fill)
    if (!r.ok) this.#seen.delete(id)
    return r
  }

  /** Applies a fill not applied before (`id`: its fillKey); see {@link Portfolio.applyFill}. */
  #applyNew(id: string, fill: Fill): Result<FillApplied, TradekitError> {
    const k = key(fill.venue, fill.symbol)
    const inst = this.#instruments.get(k)
    const invalid = invalidFill(inst, fill) // an unknown instrument (`inst` undefined) included
    if (inst === undefined || invalid !== undefined) return err(invalid as ValidationError)
    this.#marked(k)
    const cur = this.#posFor(inst.venue, inst.symbol)
    // Decimals are immutable: what #commit writes leaves these the values before the fill.
    const { fees: feesBefore, qty: qtyBefore, entry: entryBefore } = cur
    const r = this.#commit(id, inst, fill, cur)
    if (!r.ok) return r
    const { pos, realized } = r.value
    this.#feesByAsset.set(fill.feeAsset, plus(this.#feesByAsset.get(fill.feeAsset) ?? ZERO, fill.fee))
    this.#addRealized(realized, inst.quote)
    this.#fillCount++
    // A fill is a traded price: it marks the instrument unless an equally recent or newer price marked it since.
    if (pos.mark === undefined || fill.tsEvent > this.#markTimes.markedAt(k)) {
      pos.mark = fill.price
      this.#markTimes.filled(k, fill.tsEvent)
    }
    const move = pos === cur ? { qtyBefore, entryBefore, after: pos } : undefined // a perpetual's is a new position
    this.#ledger.apply(fill, inst, id, this.#reversible.has(inst.kind), move)
    if (inst.kind !== 'perpetual') this.#unsettled.applied(id, k, fill)
    this.#touchPeak()
    const feePaid = minus(pos.fees, feesBefore)
    const applied: FillApplied = { fill, position: this.#view(pos, k), realizedPnl: realized, feePaid }
    if (this.#bus.listenerCount('fill.applied') > 0)
      this.#bus.emit('fill.applied', { type: 'fill.applied', applied, tsEvent: fill.tsEvent })
    return ok(applied)
  }

  /** Commits a fill (cash, position; returns the position and the PnL realized): spot and outcome tokens in place. */
  #commit(id: string, inst: Instrument, fill: Fill, cur: MutablePosition): Result<Committed, TradekitError> {
    if (inst.kind !== 'perpetual') {
      const undo = this.#reversible.has(inst.kind) ? this.#undo : undefined // it keeps the values before and after
      const r = applyCashFill(inst, fill, cur, this.#cash, undo, id) // the same arithmetic as planFill's
      return r.ok ? ok({ pos: cur, realized: r.value }) : r
    }
    const cashOf = (asset: string) => this.cash(asset)
    const r = planFill(inst, fill, cur, cashOf, this.leverage(inst.venue, inst.symbol))
    if (!r.ok) return r
    if (this.#reversible.has(inst.kind)) this.#undo.record(id, fill, r.value, cur, cashOf)
    for (const [asset, v] of r.value.cash) this.#cash.set(asset, v)
    this.#positions.set(key(inst.venue, inst.symbol), r.value.pos)
    return r
  }

  /**
   * Undoes a fill the venue reversed (Polymarket: its settlement FAILED): the cash, the quantity, the fee and the
   * realized PnL it changed are given back and the average entry loses (or regains) that lot. Ignored (`undefined`)
   * when the fill was never applied or was already reversed; an error, changing nothing, when it is too old to undo
   * (see `reversalWindow`), of an instrument whose fills are final (see `reversibleKinds`) or when undoing it would
   * leave a negative spot or outcome holding.
   */
  reverseFill(fill: Fill, reason = 'reversed by the venue'): Result<FillApplied | undefined, TradekitError> {
    const id = fillKey(fill)
    if (this.#unsettled.ended(id)) this.#invalidate() // its trade's settlement is over, undone here or not
    const eff = this.#undo.effect(id)
    if (eff === undefined) {
      const kind = this.instrument(fill.venue, fill.symbol)?.kind
      return this.#undo.withoutEffect(id, fill, this.#seen.has(id), kind, this.#cfg.reversibleKinds)
    }
    const k = key(fill.venue, fill.symbol)
    this.#marked(k)
    const p = this.#posFor(fill.venue, fill.symbol)
    const undone = reversedPosition(p, fill, eff, this.#undo.isLatest(id, fill))
    if (!undone.ok) return undone
    for (const [asset, d] of eff.cash) this.#cash.set(asset, this.cash(asset).minus(d))
    this.#feesByAsset.set(eff.feeAsset, (this.#feesByAsset.get(eff.feeAsset) ?? ZERO).minus(eff.fee))
    writeReversal(p, undone.value, eff)
    this.#addRealized(eff.realized.neg(), this.instrument(fill.venue, fill.symbol)?.quote)
    this.#undo.reversed(id, fill)
    this.#ledger.reverse(fill)
    this.#touchPeak()
    const [realizedPnl, feePaid] = [eff.realized.neg(), eff.feeQ.neg()]
    const applied: FillApplied = { fill, position: this.#view(p, k), realizedPnl, feePaid }
    this.#bus.emit('fill.reversed', { type: 'fill.reversed', applied, reason, tsEvent: this.#clock.now() })
    return ok(applied)
  }

  /** The venue settled a fill it reported {@link Fill.unsettled}: what it bought is sellable now (`fill.settled`). */
  settleFill(fill: Fill): boolean {
    if (!this.#unsettled.ended(fillKey(fill))) return false
    this.#invalidate()
    const position = this.position(fill.venue, fill.symbol)
    this.#bus.emit('fill.settled', { type: 'fill.settled', fill, position, tsEvent: this.#clock.now() })
    return true
  }

  /**
   * Settles an outcome-token position at `payout` (1 if its outcome won, 0 if it lost): the tokens are removed
   * and `qty × payout` is credited in the quote currency; every strategy's share of it settles too.
   */
  settleOutcome(venue: string, symbol: string, payout: 0 | 1): PortfolioPosition | undefined {
    const inst = this.instrument(venue, symbol)
    if (inst === undefined || inst.kind !== 'outcome')
      throw new ValidationError(`"${venue}:${symbol}" is not an outcome token`, { field: 'symbol' })
    const pay = outcomePayout(payout)
    // The market resolved: every strategy's share settles (shares that net to a flat venue position too).
    const shares = this.#ledger.settle(venue, symbol, pay)
    const p = this.#positions.get(key(venue, symbol))
    if (p === undefined || p.qty.isZero()) {
      if (shares > 0) this.#invalidate()
      return undefined
    }
    const { proceeds, realized } = settleMutablePosition(p, pay)
    this.#cash.set(inst.quote, this.cash(inst.quote).plus(proceeds))
    this.#addRealized(realized, inst.quote)
    this.#touchPeak()
    const [view, tsEvent] = [this.#view(p, key(venue, symbol)), this.#clock.now()]
    this.#bus.emit('position.settled', { type: 'position.settled', position: view, payout: pay, tsEvent })
    return view
  }

  /**
   * Applies a funding payment to a perpetual position: a long pays `qty × markPrice × rate` when the rate is
   * positive, a short receives it. Returns the amount credited (negative when paid).
   */
  applyFunding(venue: string, symbol: string, rate: DecimalLike, markPrice?: DecimalLike): Decimal {
    const p = this.#positions.get(key(venue, symbol))
    const inst = this.instrument(venue, symbol)
    if (p === undefined || inst === undefined || inst.kind !== 'perpetual' || p.qty.isZero()) return ZERO
    const mark = markPrice !== undefined ? toDecimal(markPrice) : (p.mark ?? p.entry ?? ZERO)
    const amount = VenueFunding.charge(p.qty, mark, rate)
    return this.#bookFunding(venue, symbol, inst.quote, amount, this.#clock.now())
  }

  /** Books a funding fee the venue charged, its exact amount, once (a replay of it returns `undefined`). */
  applyVenueFunding(f: FundingPayment): Decimal | undefined {
    const symbol = this.#funding.claim(f, this.positions(), (v, s) => this.instrument(v, s)?.quote)
    return symbol === undefined ? undefined : this.#bookFunding(f.venue, symbol, f.asset, f.amount, f.tsEvent)
  }

  #bookFunding(venue: string, symbol: string, asset: string, amount: Decimal, tsEvent: number): Decimal {
    const p = this.#positions.get(key(venue, symbol))
    this.#cash.set(asset, this.cash(asset).plus(amount))
    if (p !== undefined) p.realized = p.realized.plus(amount)
    this.#addRealized(amount, asset)
    this.#touchPeak()
    this.#bus.emit('funding.applied', { type: 'funding.applied', venue, symbol, asset, amount, tsEvent })
    return amount
  }

  /**
   * Merges the venue's view (an OrderExecutor `orders.reconciled` report or `account.updated`): cash balances take the
   * venue's total (free + locked); perpetual and outcome positions take its quantity and entry; a spot base asset
   * that differs is reported but not applied (the venue does not know its cost basis). Returns the differences.
   *
   * @example
   * ```ts
   * exec.events.on('account.updated', (e) => portfolio.reconcileWith(e))
   * ```
   */
  reconcileWith(state: VenueAccountState): PortfolioDifference[] {
    const balances = state.balances ?? []
    const diffs = reconcileBalances(balances, this.#cash, this.#positions.values(), this.#instruments)
    const positionOf = (venue: string, symbol: string) => {
      const kind = this.instrument(venue, symbol)?.kind
      if (kind === undefined || kind === 'spot') return undefined
      this.#marked(key(venue, symbol))
      return this.#posFor(venue, symbol)
    }
    diffs.push(...reconcilePositions(state.positions ?? [], positionOf))
    this.#touchPeak()
    const tsEvent = this.#clock.now()
    if (diffs.length > 0)
      this.#bus.emit('portfolio.reconciled', { type: 'portfolio.reconciled', differences: diffs, tsEvent })
    return diffs
  }

  /** Sum of unrealized PnL of all positions, in the account currency (positions quoted in an unrated asset left out). */
  unrealizedPnl(): Decimal {
    return valuedSum(this.#inputs, unrealizedPnl)
  }

  /**
   * Sum of realized PnL (net of fees paid in the quote or base asset) of all positions, in the account currency
   * (positions quoted in an unrated asset left out).
   */
  realizedPnl(): Decimal {
    return valuedSum(this.#inputs, (p) => p.realized)
  }

  /**
   * Mark-to-market equity in the account currency: cash of every rated asset + holdings at mark + perpetual
   * unrealized PnL of instruments quoted in a rated asset.
   */
  equity(): Decimal {
    // The cash part is kept while only marks move (the same sums in the same order as before: the same result).
    this.#cached.cash ??= cashPart(this.#inputs)
    this.#cached.equity ??= equityFrom(this.#cached.cash, this.#inputs)
    return this.#cached.equity
  }

  /** Margin used by perpetual positions. */
  marginUsed(): Decimal {
    return marginOf(this.#positions.values())
  }

  /**
   * Equity not used as margin or held by orders, in the account currency: free cash of every rated asset + perpetual
   * unrealized PnL − perpetual margin. Spot and outcome holdings are not margin.
   */
  freeMargin(): Decimal {
    if (this.#cached.freeMargin !== undefined) return this.#cached.freeMargin
    let f = ZERO // `plus`: 0 + x is x itself (decimal.js's plus copies it)
    for (const [asset, r] of this.#rates.entries()) f = plus(f, valueAt(this.freeCash(asset), r))
    for (const p of this.#positions.values()) {
      if (p.kind !== 'perpetual') continue
      const r = this.#quoteRate(p)
      if (r !== undefined) f = plus(f, valueAt(minus(unrealizedPnl(p), positionMargin(p)), r))
    }
    this.#cached.freeMargin = f
    return f
  }

  /** Highest equity seen. */
  peakEquity(): Decimal {
    return this.#peak
  }

  /** Drawdown from the peak as a fraction (0.1 = 10 %). */
  drawdown(): Decimal {
    return drawdownFrom(this.#peak, this.equity())
  }

  /** Realized PnL of the current UTC day (net of fees). */
  realizedPnlToday(): Decimal {
    return this.#realizedDay.day === utcDay(this.#clock.now()) ? this.#realizedDay.pnl : ZERO
  }

  /** Orders seen through {@link Portfolio.attach} that are not terminal. */
  openOrders(): Order[] {
    return [...this.#orders.values()]
  }

  /**
   * The {@link AccountSnapshot} a RiskManager evaluates intents against; with a `strategyId`, it also carries that
   * strategy's own positions (`strategyPositions`: what its EXIT closes, what its limits count) and what no strategy
   * owns (`unattributedPositions`: any EXIT may close it). Its free margin is net of what its open orders commit unheld,
   * as is each cash asset's `freeCash` (what a spot buy or a market maker's bids in it may spend). Its `valuation` is
   * the account currency and `currencies`' rates (entries quoted in another asset are sized at its rate).
   */
  snapshot(orders?: readonly Order[], options?: PortfolioSnapshotOptions): AccountSnapshot {
    this.#foldPeak()
    const equity = this.equity()
    const openOrders = orders ?? (this.#orders.size === 0 ? NO_ORDERS : this.openOrders())
    const owed = openOrders.length > 0 ? unheldCommitments(openOrders, this.#terms) : undefined
    const snap: AccountSnapshot = {
      equity,
      freeMargin: owed?.value === undefined ? this.freeMargin() : minus(this.freeMargin(), owed.value),
      peakEquity: this.#peak,
      realizedPnlToday: this.realizedPnlToday(),
      positions: this.#openViews(),
      openOrders,
      tsEvent: this.#clock.now(),
      valuation: this.#rates.valuation(),
      freeCash: freeCashByAsset(this.#cash, this.#holds.values(), owed?.byAsset),
    }
    const sid = options?.strategyId
    if (sid === undefined) return snap
    const unattributed = this.#ledger.unattributed(this.#positions.values(), this.#tradable)
    return withStrategyShares(snap, this.strategyPositions(sid), unattributed)
  }

  /**
   * Follows an execution client: applies each fill of every `order.filled` (one by one, in order), undoes each
   * `fill.reversed` one, holds back what an unsettled `fill.covered` one bought and tracks open orders (a dry run's
   * skipped order is not open). Returns a function that detaches. A fill the portfolio refuses is reported on `error`.
   */
  attach(client: Pick<ExecutionClient, 'events'>): () => void {
    return followClient(client, {
      applyFill: (fill) => this.applyFill(fill),
      reverseFill: (fill, reason) => this.reverseFill(fill, reason),
      settleFill: (fill) => this.settleFill(fill),
      covered: (fill, held) => this.#unsettled.covered(fill, held, this.#instruments) && this.#invalidate(),
      applyVenueFunding: (funding) => this.applyVenueFunding(funding),
      track: (order) => this.#track(order),
      refused: (error) => this.#bus.emit('error', error),
    })
  }

  /**
   * Checks the invariants: every amount finite, no negative spot or outcome holdings, an entry price exactly
   * when a position is open, non-negative margin. Returns the first violation.
   */
  checkInvariants(): Result<void, InvariantError> {
    return checkPortfolioInvariants(this.#cash, this.#positions.values())
  }

  #track(order: Order): void {
    this.#version++
    if (isTerminalStatus(order.status)) {
      this.#orders.delete(order.clientOrderId)
      this.#ledger.finish(order.clientOrderId)
    } else this.#orders.set(order.clientOrderId, order)
  }

  /** Adds realized PnL in `quote` to today's, valued in the account currency (not at all without a rate). */
  #addRealized(amount: Decimal, quote: string | undefined): void {
    const day = utcDay(this.#clock.now())
    if (this.#realizedDay.day !== day) this.#realizedDay = { day, pnl: ZERO }
    const value = this.#rates.value(amount, quote)
    if (value !== undefined) this.#realizedDay.pnl = plus(this.#realizedDay.pnl, value)
  }

  /** The rate of the quote of a position's instrument, or `undefined` when it has none (or is unknown). */
  #quoteRate(p: MutablePosition): Decimal | undefined {
    const quote = this.#instruments.get(key(p.venue, p.symbol))?.quote
    return this.#rates.get(quote)
  }

  /** After a change of cash, positions or marks: drops the kept values and folds the new equity into the peak. */
  #touchPeak(): void {
    this.#invalidate()
    this.#foldPeak()
  }

  /** Drops every kept value: the next read recomputes it. */
  #invalidate(): void {
    this.#cached = {}
    this.#version++
  }

  /**
   * The position at `k` with its mark as a Decimal (a mark kept as a number is converted now; if the position is open
   * by then, what that mark moves is dropped from the kept values, as {@link Portfolio.mark} drops it).
   */
  #marked(k: string): MutablePosition | undefined {
    const p = this.#positions.get(k)
    const n = this.#pendingMarks.get(k)
    if (n !== undefined) {
      this.#pendingMarks.delete(k)
      if (p !== undefined) {
        p.mark = decimalOfNumber(n)
        if (!p.qty.isZero()) this.#markMoved(p)
      }
    }
    return p
  }

  /** Drops only what a new mark of open position `p` moves: equity, the position views (a perpetual: free margin). */
  #markMoved(p: MutablePosition): void {
    this.#cached.equity = undefined
    this.#cached.positions = undefined
    if (p.kind === 'perpetual') this.#cached.freeMargin = undefined
  }

  /** Folds the current equity into the peak. */
  #foldPeak(): void {
    const e = this.equity()
    if (e === this.#folded) return // the same (immutable) equity was folded already
    this.#folded = e
    if (this.#peak === undefined || greaterThan(e, this.#peak)) this.#peak = e
  }

  #posFor(venue: string, symbol: string): MutablePosition {
    const k = key(venue, symbol)
    let p = this.#positions.get(k)
    if (p === undefined) {
      const kind = this.#instruments.get(k)?.kind ?? 'spot'
      p = flatMutablePosition(venue, symbol, kind, this.leverage(venue, symbol))
      this.#positions.set(k, p)
    }
    return p
  }

  /** The view of position `p` (at key `k`), flagged when it is dust. */
  #view(p: MutablePosition, k: string): PortfolioPosition {
    const dust = !this.#tradable(k, p.qty)
    return positionView(p, this.#cfg.maintenanceMarginRate, dust, this.#unsettled.qtyOf(k, p.qty))
  }
}
