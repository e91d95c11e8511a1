import {
  type AccountSnapshot,
  err,
  type Instrument,
  type MarketSnapshot,
  ok,
  type Position,
  type Result,
  type Side,
  type Signal,
} from '../../core/index.js'
import { greaterThan, isAboveZero, lessThan } from '../../decimal/compareDecimals.js'
import { Decimal, roundPriceForSide } from '../../decimal/index.js'
import { minus, plus } from '../../decimal/plusMinus.js'
import { type Scaled, toScaled } from '../../decimal/scaled.js'
import type { ResolvedRiskManagerConfig, ResolvedSizingConfig } from '../config.js'
import type { ReservedEntries } from '../EntryReservations.js'
import { atrStopPrice, positive, readDecimal } from '../sizing.js'
import type { TradingGuard } from '../TradingGuard.js'
import { RiskReason, type RiskRejection, type TradingState } from '../types.js'
import { netPositionQty, unsettledQtyOf } from './netPositionQty.js'
import { openSellQty } from './openSellQty.js'

/** Numeric config values as Decimals, converted once (decimal.js conversions cost on the hot path). */
export interface RiskLimits {
  readonly minStopFraction: Decimal
  readonly minStopTicks: Decimal
  readonly minRewardRisk: Decimal
  readonly maxPositionFraction: Decimal
  readonly marginSafety: Decimal
  readonly atrMultiplier: Decimal
  readonly correlation: readonly Decimal[]
  /** `minStopFraction` as an exact scaled integer (`undefined` when it does not fit one). */
  readonly minStopFractionScaled: Scaled | undefined
  /** `minRewardRisk` as an exact scaled integer (`undefined` when it does not fit one). */
  readonly minRewardRiskScaled: Scaled | undefined
}

/**
 * Converts the numeric limits of a resolved config to Decimals, once per manager.
 *
 * @example
 * ```ts
 * const limits = riskLimits(parseConfig(RiskManagerConfigSchema, {}, 'RiskManager'))
 * limits.minStopFraction.toString() // '0.001'
 * ```
 */
export function riskLimits(c: ResolvedRiskManagerConfig): RiskLimits {
  const minStopFraction = new Decimal(c.minStopDistanceFraction)
  const minRewardRisk = new Decimal(c.minRewardRisk)
  return {
    minStopFraction,
    minStopTicks: new Decimal(c.minStopTicks),
    minRewardRisk,
    maxPositionFraction: new Decimal(c.maxPositionFraction),
    marginSafety: new Decimal(c.marginSafetyFactor),
    atrMultiplier: new Decimal(c.atrStopMultiplier),
    correlation: c.correlation.scale.map((x) => new Decimal(x)),
    minStopFractionScaled: toScaled(minStopFraction),
    minRewardRiskScaled: toScaled(minRewardRisk),
  }
}

/** The last `tickSize × minStopTicks` per manager (its limits object). */
const minByTicks = new WeakMap<RiskLimits, { readonly tick: Decimal; readonly value: Decimal }>()

/** A per-instrument restriction set with `RiskManager.setInstrumentState`, and what caused it. */
export interface InstrumentRestriction {
  readonly state: TradingState
  readonly cause: { readonly code: string; readonly reason: string }
}

/** What the manager lends every check: its config, limits, trading guard and lookups. */
export interface RiskCheckEnv {
  readonly cfg: ResolvedRiskManagerConfig
  readonly limits: RiskLimits
  readonly guard: TradingGuard
  /** The restriction on `venue:symbol`, or `undefined` when the instrument is ACTIVE. */
  readonly restrictionOf: (key: string) => InstrumentRestriction | undefined
  /** The correlation group of `venue:symbol` (or of the bare symbol). */
  readonly groupOf: (venue: string, symbol: string) => string | undefined
  /** Entries approved and not shown by the snapshot yet: they count like resting entry orders (see `EntryReservations`). */
  readonly reserved: ReservedEntries
}

/** The inputs of one decision after {@link readRiskInputs} validated their shape. */
export interface RiskInputs {
  readonly signal: Signal
  readonly account: AccountSnapshot
  readonly market: MarketSnapshot
  readonly inst: Instrument
  /** `venue:symbol`. */
  readonly key: string
  readonly side: Side
  readonly orderType: 'MARKET' | 'LIMIT'
  readonly tick: Decimal
  readonly step: Decimal
  /** The account's equity, in the account currency (the snapshot's, read). */
  readonly accountEquity: Decimal
  /** The account's free margin, in the account currency (the snapshot's, read). */
  readonly accountFreeMargin: Decimal
  readonly positions: readonly Position[]
  /**
   * The value of one unit of the instrument's quote currency in the account currency, when the account says they
   * differ (`AccountSnapshot.valuation`); `undefined` when they are the same or the account does not say.
   */
  readonly quoteRate?: Decimal | undefined
  /**
   * What a spot or outcome-token BUY entry may spend of its quote asset (`AccountSnapshot.freeCash`), in that asset;
   * `undefined` when the snapshot does not tell cash assets apart, or for a perpetual or any other decision.
   */
  readonly quoteFreeCash?: Decimal | undefined
}

/** A BUY bounded by its quote asset's free cash rather than the account's free margin (see {@link RiskInputs}). */
export interface CashBound {
  readonly asset: string
  /** The snapshot's free cash of it. */
  readonly free: Decimal
  /** What the approved entries the snapshot does not list yet spend of it (`undefined`: none). */
  readonly reserved: Decimal | undefined
}

/** Open positions and entries, counted once for the position-limit and correlation checks. */
export interface Exposure {
  /** Open positions plus instruments with open (or reserved) entry orders but no position yet. */
  readonly totalOpen: number
  /** Entry orders on this instrument: resting (any side, not reduce-only) and reserved (approved, not listed yet). */
  readonly entryOrdersHere: number
  readonly hasPosition: boolean
  readonly group: string | undefined
  /** Open positions in the instrument's correlation group on the signal's side. */
  readonly sameDirectionInGroup: number
}

/** The stop an entry is sized with: given by the signal, or derived from the ATR; `undefined` when neither. */
export interface StopChoice {
  readonly stop: Decimal | undefined
  readonly fromAtr: boolean
}

/**
 * The shared context of the risk checks of one decision: the validated inputs, the manager's config and limits, and
 * the values several checks and the sizing need (position, price, entry, stop, ...), each derived once on first use.
 * A derived value that cannot be read is a rejection, returned to whichever check asks first.
 *
 * @example
 * ```ts
 * export function checkMargin(ctx: RiskCheckContext): RiskRejection | undefined {
 *   if (ctx.freeMargin.gt(0)) return undefined
 *   return rejection(RiskReason.INSUFFICIENT_MARGIN, 'Free margin is not above zero')
 * }
 * ```
 */
export class RiskCheckContext implements RiskInputs {
  readonly signal: Signal
  readonly account: AccountSnapshot
  readonly market: MarketSnapshot
  readonly inst: Instrument
  readonly key: string
  readonly side: Side
  readonly orderType: 'MARKET' | 'LIMIT'
  readonly tick: Decimal
  readonly step: Decimal
  readonly accountEquity: Decimal
  readonly accountFreeMargin: Decimal
  /**
   * The account's equity in the instrument's quote currency (what prices, stop distances and notionals are in): the
   * snapshot's divided by {@link RiskCheckContext.quoteRate} when there is one.
   */
  readonly equity: Decimal
  /**
   * The margin an entry may use, in the quote currency: the snapshot's free margin less what the approved entries it
   * does not list yet take when they fill (see {@link RiskCheckContext.reservedMargin}).
   */
  readonly freeMargin: Decimal
  /** The margin of the approved entries the snapshot does not list yet, in the quote currency (`undefined`: none). */
  readonly reservedMargin: Decimal | undefined
  /**
   * Set when the quote asset's own free cash, less what reserved entries spend of it, is below the free margin: that
   * is then {@link RiskCheckContext.freeMargin} (a spot buy pays in its quote asset alone).
   */
  readonly cashBound: CashBound | undefined
  /** The value of one unit of the quote currency in the account currency (`undefined`: they are one currency). */
  readonly quoteRate: Decimal | undefined
  readonly positions: readonly Position[]
  /** Decision time, epoch ms. */
  readonly now: number
  readonly cfg: ResolvedRiskManagerConfig
  readonly limits: RiskLimits
  readonly guard: TradingGuard
  readonly #env: RiskCheckEnv
  #position: Result<Decimal | undefined, RiskRejection> | undefined
  #price: Result<Decimal, RiskRejection> | undefined
  #exposure: Exposure | undefined
  #entry: Result<Decimal, RiskRejection> | undefined
  #stop: Result<StopChoice, RiskRejection> | undefined
  #sizing: ResolvedSizingConfig | undefined
  /** `null`: not computed yet. */
  #distance: Decimal | undefined | null = null
  /** The entry and the stop distance as scaled integers (`null`: not read yet). */
  #entryScaled: Scaled | undefined | null = null
  #distanceScaled: Scaled | undefined | null = null

  constructor(inputs: RiskInputs, now: number, env: RiskCheckEnv) {
    this.signal = inputs.signal
    this.account = inputs.account
    this.market = inputs.market
    this.inst = inputs.inst
    this.key = inputs.key
    this.side = inputs.side
    this.orderType = inputs.orderType
    this.tick = inputs.tick
    this.step = inputs.step
    const rate = inputs.quoteRate
    this.quoteRate = rate
    // Reservations sum their margins in the account currency; every amount here is in the quote currency.
    const reserved = env.reserved.margin()
    this.accountEquity = inputs.accountEquity
    this.accountFreeMargin = inputs.accountFreeMargin
    const free = reserved === undefined ? inputs.accountFreeMargin : minus(inputs.accountFreeMargin, reserved)
    this.equity = rate === undefined ? inputs.accountEquity : inputs.accountEquity.div(rate)
    this.freeMargin = rate === undefined ? free : free.div(rate)
    this.reservedMargin = rate === undefined || reserved === undefined ? reserved : reserved.div(rate)
    this.cashBound = undefined
    const cash = inputs.quoteFreeCash
    if (cash !== undefined) {
      const spent = env.reserved.cash(inputs.inst.quote)
      const spendable = spent === undefined ? cash : minus(cash, spent)
      if (lessThan(spendable, this.freeMargin)) {
        this.freeMargin = spendable
        this.cashBound = { asset: inputs.inst.quote, free: cash, reserved: spent }
      }
    }
    this.positions = inputs.positions
    this.now = now
    this.cfg = env.cfg
    this.limits = env.limits
    this.guard = env.guard
    this.#env = env
  }

  /** True for a BUY. */
  get long(): boolean {
    return this.side === 'BUY'
  }

  /** The restriction the host put on this instrument, if any. */
  restriction(): InstrumentRestriction | undefined {
    return this.#env.restrictionOf(this.key)
  }

  /** The entries approved and not listed in the snapshot yet (see {@link RiskCheckEnv.reserved}). */
  reserved(): ReservedEntries {
    return this.#env.reserved
  }

  /** The netted position on this instrument (`undefined` when there is none). */
  position(): Result<Decimal | undefined, RiskRejection> {
    this.#position ??= netPositionQty(this.positions, this.inst.venue, this.inst.symbol)
    return this.#position
  }

  /**
   * What an EXIT of this signal's strategy may close: its own share plus what no strategy owns when the snapshot tells
   * strategies apart (`strategyPositions`, `unattributedPositions`), never more than the netted position nor against
   * it; otherwise the netted position. A spot or outcome-token sell, never more than the holding less what open sell
   * orders already offer of it (the venue holds it for them: a second exit of it would be refused) and less what was
   * bought in trades the venue has not settled yet (`Position.unsettledQty`: it refuses to sell those).
   */
  exitPositionQty(): Result<Decimal | undefined, RiskRejection> {
    const own = this.#exitShare()
    const sale = this.signal.side === 'SELL' && this.inst.kind !== 'perpetual'
    if (!sale || !own.ok || own.value === undefined || !isAboveZero(own.value)) return own
    const { venue, symbol } = this.inst
    const pending = unsettledQtyOf(this.positions, venue, symbol)
    if (!pending.ok) return pending
    const offered = openSellQty(this.account.openOrders, this.inst)
    if (offered.isZero() && pending.value.isZero()) return own
    const held = this.positionQty() ?? own.value
    const free = minus(minus(held, offered), pending.value)
    if (isAboveZero(free)) return ok(lessThan(free, own.value) ? free : own.value)
    const values = { positionQty: held.toFixed(), openSellQty: offered.toFixed() }
    if (pending.value.isZero())
      return err({
        code: RiskReason.NO_POSITION_TO_REDUCE,
        message: `Open sell orders already offer "${offered.toFixed()}" of the "${held.toFixed()}" held on "${venue}:${symbol}"`,
        values,
      })
    return err({
      code: RiskReason.NO_POSITION_TO_REDUCE,
      message: `"${pending.value.toFixed()}" of the "${held.toFixed()}" held on "${venue}:${symbol}" was bought in trades the venue has not settled yet (not sellable until then), and open sell orders offer "${offered.toFixed()}"`,
      values: { ...values, unsettledQty: pending.value.toFixed() },
    })
  }

  /** {@link RiskCheckContext.exitPositionQty} before the open sells are counted. */
  #exitShare(): Result<Decimal | undefined, RiskRejection> {
    const net = this.positionQty()
    const own = this.account.strategyPositions
    if (own === undefined) return ok(net)
    let mine = new Decimal(0)
    for (const p of [...own, ...(this.account.unattributedPositions ?? [])]) {
      if (p.symbol !== this.inst.symbol || p.venue !== this.inst.venue) continue
      const q = readDecimal(p.qty)
      if (q === undefined) {
        return err({
          code: RiskReason.INVALID_INPUT,
          message: `Invalid strategy position qty "${String(p.qty)}"`,
          values: {},
        })
      }
      mine = plus(mine, q)
    }
    if (mine.isZero()) return ok(mine)
    // Nothing netted on the share's side (no position, flat, or the other way): nothing the venue would reduce.
    if (net === undefined || net.isZero() || mine.isNegative() !== net.isNegative()) return ok(new Decimal(0))
    return ok(mine.isNegative() ? Decimal.max(mine, net) : Decimal.min(mine, net))
  }

  /** The netted position, read after `checkPositionInput` accepted it. */
  positionQty(): Decimal | undefined {
    const r = this.position()
    return r.ok ? r.value : undefined
  }

  /** The latest market price, strictly positive. */
  price(): Result<Decimal, RiskRejection> {
    this.#price ??= positive('price', this.market.price)
    return this.#price
  }

  /**
   * The price an entry's notional caps value the instrument's exposure at — the position, the resting and reserved
   * entries and the order alike: the higher of the latest price and the entry (a limit above the market fills there,
   * and the position is then worth that), so the caps still hold at the fill price.
   */
  capPrice(): Result<Decimal, RiskRejection> {
    const price = this.price()
    const entry = this.entry()
    if (!price.ok || !entry.ok || entry === price) return entry.ok ? price : entry
    return greaterThan(entry.value, price.value) ? entry : price
  }

  /** Open positions and entry orders (resting and reserved), counted once. */
  exposure(): Exposure {
    if (this.#exposure !== undefined) return this.#exposure
    const { inst, long, positions } = this
    let openPositions = 0
    let sameDirectionInGroup = 0
    const group = this.#env.groupOf(inst.venue, inst.symbol)
    for (const p of positions) {
      if (p.qty.isZero()) continue
      openPositions++
      if (group !== undefined && p.qty.isNegative() !== long) {
        if (this.#env.groupOf(p.venue, p.symbol) === group) sameDirectionInGroup++
      }
    }
    let entryOrdersHere = 0
    let pendingInstruments: Set<string> | undefined
    for (const o of this.account.openOrders) {
      if (o.reduceOnly === true) continue
      if (o.symbol === inst.symbol && o.venue === inst.venue) entryOrdersHere++
      else if (!positions.some((p) => p.symbol === o.symbol && p.venue === o.venue && !p.qty.isZero())) {
        pendingInstruments ??= new Set()
        pendingInstruments.add(`${o.venue}:${o.symbol}`)
      }
    }
    const reserved = this.#env.reserved
    if (reserved.size > 0) {
      for (const r of reserved.values()) {
        if (r.symbol === inst.symbol && r.venue === inst.venue) entryOrdersHere++
        else if (!positions.some((p) => p.symbol === r.symbol && p.venue === r.venue && !p.qty.isZero())) {
          pendingInstruments ??= new Set()
          pendingInstruments.add(`${r.venue}:${r.symbol}`)
        }
      }
    }
    const posQty = this.positionQty()
    this.#exposure = {
      totalOpen: openPositions + (pendingInstruments?.size ?? 0),
      entryOrdersHere,
      hasPosition: posQty !== undefined && !posQty.isZero(),
      group,
      sameDirectionInGroup,
    }
    return this.#exposure
  }

  /** The leverage configured for this instrument (`leverageBySymbol`, then `leverage`). */
  leverage(): number {
    const { cfg, key, inst } = this
    return cfg.leverageBySymbol[key] ?? cfg.leverageBySymbol[inst.symbol] ?? cfg.leverage
  }

  /** The `maxNotional` configured for this instrument (`maxNotionalBySymbol`, then `maxNotional`). */
  maxNotional(): Decimal | undefined {
    const { cfg, key, inst } = this
    return cfg.maxNotionalBySymbol[key] ?? cfg.maxNotionalBySymbol[inst.symbol] ?? cfg.maxNotional
  }

  /** Entry price: the limit (rounded so it is never more aggressive) or the latest price. */
  entry(): Result<Decimal, RiskRejection> {
    if (this.#entry !== undefined) return this.#entry
    const price = this.price()
    if (!price.ok || this.orderType !== 'LIMIT') {
      this.#entry = price
      return price
    }
    const lim = positive('limitPrice', this.signal.limitPrice)
    if (!lim.ok) {
      this.#entry = lim
      return lim
    }
    const entry = roundPriceForSide(lim.value, this.tick, this.side)
    this.#entry = entry.lte(0)
      ? err({
          code: RiskReason.INVALID_INPUT,
          message: 'Limit price rounds to zero',
          values: { field: 'limitPrice' },
        })
      : ok(entry)
    return this.#entry
  }

  /** The stop: given by the signal, or `atrStopMultiplier × ATR` away from the entry. */
  stop(): Result<StopChoice, RiskRejection> {
    if (this.#stop !== undefined) return this.#stop
    this.#stop = this.#readStop()
    return this.#stop
  }

  #readStop(): Result<StopChoice, RiskRejection> {
    if (this.signal.stopPrice !== undefined) {
      const s = positive('stopPrice', this.signal.stopPrice)
      return s.ok ? ok({ stop: s.value, fromAtr: false }) : s
    }
    if (this.market.atr === undefined) return ok({ stop: undefined, fromAtr: false })
    const entry = this.entry()
    if (!entry.ok) return entry
    const s = atrStopPrice({
      side: this.side,
      entryPrice: entry.value,
      atr: this.market.atr,
      multiplier: this.limits.atrMultiplier,
      tickSize: this.tick,
    })
    return s.ok ? ok({ stop: s.value, fromAtr: true }) : s
  }

  /**
   * Correlation scaling: the size multiplier for the same-direction open positions in the instrument's group (1 and
   * no Decimal outside any group); `undefined` when their count is beyond `correlation.scale` (the signal is denied).
   */
  correlation(): { readonly scale: number; readonly dec: Decimal | undefined } | undefined {
    const { group, sameDirectionInGroup } = this.exposure()
    if (group === undefined) return { scale: 1, dec: undefined }
    const scale = this.cfg.correlation.scale[sameDirectionInGroup]
    if (scale === undefined) return undefined
    return { scale, dec: this.limits.correlation[sameDirectionInGroup] }
  }

  /** The confidence multiplier: the signal's confidence with `scaleByConfidence`, otherwise 1. */
  confidence(): Result<number, RiskRejection> {
    const c = this.signal.confidence
    if (!this.cfg.scaleByConfidence || c === undefined) return ok(1)
    if (typeof c !== 'number' || !Number.isFinite(c) || c < 0 || c > 1) {
      return err({
        code: RiskReason.INVALID_INPUT,
        message: `Invalid confidence "${String(c)}"`,
        values: { field: 'confidence' },
      })
    }
    return ok(c)
  }

  /**
   * The stop's distance on the losing side of the entry (`entry − stop` for a BUY, `stop − entry` for a SELL; negative
   * for a stop on the wrong side); `undefined` without a readable entry and stop.
   */
  stopDistance(): Decimal | undefined {
    if (this.#distance !== null) return this.#distance
    const choice = this.stop()
    const entryR = this.entry()
    const stop = choice.ok ? choice.value.stop : undefined
    if (stop === undefined || !entryR.ok) this.#distance = undefined
    else this.#distance = this.long ? minus(entryR.value, stop) : minus(stop, entryR.value)
    return this.#distance
  }

  /** The entry as an exact scaled integer, read once (`undefined` without an entry or when it does not fit one). */
  entryScaled(): Scaled | undefined {
    if (this.#entryScaled === null) {
      const entry = this.entry()
      this.#entryScaled = entry.ok ? toScaled(entry.value) : undefined
    }
    return this.#entryScaled
  }

  /** {@link RiskCheckContext.stopDistance} as an exact scaled integer, read once (`undefined` as there, or too long). */
  stopDistanceScaled(): Scaled | undefined {
    if (this.#distanceScaled === null) {
      const distance = this.stopDistance()
      this.#distanceScaled = distance === undefined ? undefined : toScaled(distance)
    }
    return this.#distanceScaled
  }

  /** `tickSize × minStopTicks`, computed once per tick size and manager. */
  minStopByTicks(): Decimal {
    const hit = minByTicks.get(this.limits)
    if (hit !== undefined && hit.tick === this.tick) return hit.value
    const value = this.tick.times(this.limits.minStopTicks)
    minByTicks.set(this.limits, { tick: this.tick, value })
    return value
  }

  /** The sizing config for this signal: by `venue:symbol`, symbol, strategy, then the default. */
  sizing(): ResolvedSizingConfig {
    const { cfg, key, inst, signal } = this
    this.#sizing ??=
      cfg.sizingBySymbol[key] ??
      cfg.sizingBySymbol[inst.symbol] ??
      cfg.sizingByStrategy[signal.strategyId] ??
      cfg.sizing
    return this.#sizing
  }
}
