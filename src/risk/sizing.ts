import type { Instrument, Side } from '../core/index.js'
import { err, ok, type Result } from '../core/index.js'
import { compareDecimals, equalDecimals, greaterThan, lessThan } from '../decimal/compareDecimals.js'
import { Decimal, type DecimalLike, isDecimal, parseDecimal, roundToIncrement } from '../decimal/index.js'
import { magnitude } from '../decimal/magnitude.js'
import { minus, plus } from '../decimal/plusMinus.js'
import { product } from '../decimal/product.js'
import { type BigScaled, fromScaled, type Scaled, toBigScaled, toScaled } from '../decimal/scaled.js'
import {
  GridQuantity,
  gridProductSign,
  gridProductSignBig,
  productsSign,
  productsSignBig,
  type QuotientCell,
  quotientCellOf,
  quotientCellOfBig,
} from './quotientCell.js'
import { RawSize } from './RawSize.js'
import { QuantityCap, RiskReason, type RiskRejection, rejection, str } from './types.js'

/**
 * Sizing functions. Each is pure and usable on its own: inputs are validated (finite, correct sign), nothing is
 * ever replaced by a default, and a bad input or a size that cannot be traded is a {@link RiskRejection}, never
 * NaN, a negative or a zero quantity. The raw sizes returned here are unrounded; {@link capQuantity} applies the
 * caps and rounds down to the instrument's step.
 */

const ONE = new Decimal(1)

/** Reads a finite decimal; `undefined` when `v` is not one (NaN, ±Infinity, malformed, huge). */
export function readDecimal(v: unknown): Decimal | undefined {
  // `instanceof` first: the common case, without decimal.js's two-call isDecimal (which also accepts other copies).
  if (v instanceof Decimal || isDecimal(v)) return v.isFinite() ? v : undefined
  // Nothing to parse: not through parseDecimal, whose rejection builds an error (and its stack) only to be dropped.
  if (v === undefined || v === null) return undefined
  const r = parseDecimal(v, { allowNegative: true })
  return r.ok ? r.value : undefined
}

function invalid(field: string, value: unknown, why: string): RiskRejection {
  const shown = isDecimal(value) ? value.toString() : String(value)
  return rejection(RiskReason.INVALID_INPUT, `Invalid ${field} "${shown.slice(0, 64)}": ${why}`, {
    field,
    value: shown.slice(0, 64),
  })
}

/** Reads a strictly positive finite decimal, or a rejection naming the field. */
export function positive(field: string, v: unknown): Result<Decimal, RiskRejection> {
  const d = readDecimal(v)
  if (d === undefined) return err(invalid(field, v, 'must be a finite number'))
  // Sign tests, not `lte(0)`: a comparison with a literal builds a Decimal on every call.
  if (d.isZero() || d.isNegative()) return err(invalid(field, v, 'must be greater than 0'))
  return ok(d)
}

/** Reads a fraction in (0, max]. */
function fraction(field: string, v: unknown, max = 1): Result<Decimal, RiskRejection> {
  const d = positive(field, v)
  if (!d.ok) return d
  if (greaterThan(d.value, max === 1 ? ONE : new Decimal(max)))
    return err(invalid(field, v, `must be at most ${max}`))
  return d
}

/** Parameters of {@link fixedFractionalSize}. */
export interface FixedFractionalOptions {
  /** Mark-to-market equity. */
  readonly equity: DecimalLike
  /** Fraction of equity lost if the stop is hit (0.01 = 1 %). In (0, 1]. */
  readonly riskFraction: DecimalLike
  readonly entryPrice: DecimalLike
  readonly stopPrice: DecimalLike
}

/**
 * Fixed-fractional sizing: `equity × riskFraction ÷ |entry − stop|`, so hitting the stop loses `riskFraction` of
 * equity. A zero stop distance is a rejection (never a division by zero).
 *
 * @example
 * ```ts
 * const r = fixedFractionalSize({ equity: '10000', riskFraction: 0.01, entryPrice: '100', stopPrice: '98' })
 * if (r.ok) r.value.toString() // '50'
 * ```
 */
export function fixedFractionalSize(p: FixedFractionalOptions): Result<Decimal, RiskRejection> {
  const r = fixedFractionalRaw(p)
  return r.ok ? ok(r.value.value) : r
}

/**
 * {@link fixedFractionalSize} as a {@link RawSize}: `equity × riskFraction` over the stop distance, not divided yet.
 *
 * @example
 * ```ts
 * const r = fixedFractionalRaw({ equity: '10000', riskFraction: 0.01, entryPrice: '100', stopPrice: '98' })
 * if (r.ok) r.value.value.toString() // '50' (100 ÷ 2, divided on this read)
 * ```
 */
export function fixedFractionalRaw(p: FixedFractionalOptions): Result<RawSize, RiskRejection> {
  const equity = positive('equity', p.equity)
  if (!equity.ok) return equity
  const risk = fraction('riskFraction', p.riskFraction)
  if (!risk.ok) return risk
  const entry = positive('entryPrice', p.entryPrice)
  if (!entry.ok) return entry
  const stop = positive('stopPrice', p.stopPrice)
  if (!stop.ok) return stop
  const diff = minus(entry.value, stop.value)
  const distance = magnitude(diff)
  if (distance.isZero()) {
    return err(
      rejection(RiskReason.STOP_TOO_TIGHT, 'Stop price equals the entry price', {
        entryPrice: str(entry.value),
        stopPrice: str(stop.value),
      }),
    )
  }
  return ok(new RawSize(product(equity.value, risk.value), distance))
}

/** Parameters of {@link atrStopPrice}. */
export interface AtrStopOptions {
  /** Side of the entry: a BUY's stop is below the entry, a SELL's above. */
  readonly side: Side
  readonly entryPrice: DecimalLike
  /** Latest Average True Range, in price units. */
  readonly atr: DecimalLike
  /** Stop distance in ATRs. Default 1.5. */
  readonly multiplier?: DecimalLike
  /** When given, the stop is rounded to the tick away from the entry (a wider, never a tighter, stop). */
  readonly tickSize?: DecimalLike
}

/**
 * ATR-based stop: `entry ∓ multiplier × ATR`. Rejects a missing or non-positive ATR, and a stop that would be at or
 * below zero.
 *
 * @example
 * ```ts
 * atrStopPrice({ side: 'BUY', entryPrice: '100', atr: 2, multiplier: 1.5 }) // ok: 97
 * ```
 */
export function atrStopPrice(p: AtrStopOptions): Result<Decimal, RiskRejection> {
  const entry = positive('entryPrice', p.entryPrice)
  if (!entry.ok) return entry
  const atr = positive('atr', p.atr)
  if (!atr.ok) return err(rejection(RiskReason.MISSING_VOLATILITY, atr.error.message, atr.error.values))
  const mult = positive('multiplier', p.multiplier ?? 1.5)
  if (!mult.ok) return mult
  const offset = product(atr.value, mult.value)
  let stop = p.side === 'BUY' ? minus(entry.value, offset) : plus(entry.value, offset)
  if (p.tickSize !== undefined) {
    const tick = positive('tickSize', p.tickSize)
    if (!tick.ok) return tick
    stop = roundToIncrement(stop, tick.value, p.side === 'BUY' ? 'DOWN' : 'UP')
  }
  if (stop.lte(0)) {
    return err(
      rejection(RiskReason.STOP_WRONG_SIDE, `ATR stop "${stop.toFixed()}" is not above zero`, {
        entryPrice: str(entry.value),
        atr: str(atr.value),
        multiplier: str(mult.value),
        stopPrice: str(stop),
      }),
    )
  }
  return ok(stop)
}

/** Parameters of {@link volatilityTargetSize}. */
export interface VolatilityTargetOptions {
  readonly equity: DecimalLike
  /** Fraction of equity a one-volatility-unit move should be worth (0.01 = a 1 ATR move moves equity 1 %). */
  readonly targetVolatility: DecimalLike
  /** Volatility in price units per period (ATR, or price × σ). */
  readonly volatility: DecimalLike
}

/**
 * Volatility targeting: `equity × targetVolatility ÷ volatility`, so that a typical move (one ATR) changes equity
 * by `targetVolatility`. Calmer markets get larger positions, wild ones smaller.
 *
 * @example
 * ```ts
 * volatilityTargetSize({ equity: '10000', targetVolatility: 0.01, volatility: 2 }) // ok: 50
 * ```
 */
export function volatilityTargetSize(p: VolatilityTargetOptions): Result<Decimal, RiskRejection> {
  const equity = positive('equity', p.equity)
  if (!equity.ok) return equity
  const target = fraction('targetVolatility', p.targetVolatility)
  if (!target.ok) return target
  const vol = positive('volatility', p.volatility)
  if (!vol.ok) return err(rejection(RiskReason.MISSING_VOLATILITY, vol.error.message, vol.error.values))
  return ok(equity.value.times(target.value).div(vol.value))
}

/** Parameters of {@link fixedNotionalSize}. */
export interface FixedNotionalOptions {
  /** Order value in quote currency. */
  readonly notional: DecimalLike
  readonly price: DecimalLike
}

/**
 * Fixed notional: `notional ÷ price` (e.g. always 500 USDT worth).
 *
 * @example
 * ```ts
 * fixedNotionalSize({ notional: '500', price: '25000' }) // ok: 0.02
 * ```
 */
export function fixedNotionalSize(p: FixedNotionalOptions): Result<Decimal, RiskRejection> {
  const r = fixedNotionalRaw(p)
  return r.ok ? ok(r.value.value) : r
}

/**
 * {@link fixedNotionalSize} as a {@link RawSize}: the notional over the price, not divided yet.
 *
 * @example
 * ```ts
 * const r = fixedNotionalRaw({ notional: '500', price: '25000' })
 * if (r.ok) r.value.value.toString() // '0.02'
 * ```
 */
export function fixedNotionalRaw(p: FixedNotionalOptions): Result<RawSize, RiskRejection> {
  const notional = positive('notional', p.notional)
  if (!notional.ok) return notional
  const price = positive('price', p.price)
  if (!price.ok) return price
  return ok(new RawSize(notional.value, price.value))
}

/** Parameters of {@link kellyFraction}. */
export interface KellyOptions {
  /** Probability of a win, in (0, 1). */
  readonly winRate: DecimalLike
  /** Average win ÷ average loss, > 0. */
  readonly payoffRatio: DecimalLike
}

/**
 * The full Kelly fraction `p − (1 − p) ÷ b` (may be zero or negative: no edge). Rejects inputs out of range.
 *
 * @example
 * ```ts
 * kellyFraction({ winRate: 0.55, payoffRatio: 1.5 }) // ok: 0.25
 * ```
 */
export function kellyFraction(p: KellyOptions): Result<Decimal, RiskRejection> {
  const win = positive('winRate', p.winRate)
  if (!win.ok) return win
  if (win.value.gte(1)) return err(invalid('winRate', p.winRate, 'must be below 1'))
  const b = positive('payoffRatio', p.payoffRatio)
  if (!b.ok) return b
  return ok(win.value.minus(new Decimal(1).minus(win.value).div(b.value)))
}

/** Parameters of {@link fractionalKellySize}. */
export interface FractionalKellyOptions extends KellyOptions {
  readonly equity: DecimalLike
  /** Share of full Kelly to use, in (0, 1]. Default 0.5 (half Kelly). */
  readonly kellyMultiplier?: DecimalLike
  /** Upper bound on the fraction of equity risked, in (0, 1]. Default 0.02. */
  readonly maxRiskFraction?: DecimalLike
  readonly entryPrice: DecimalLike
  /** With a stop, the Kelly fraction is the equity lost at the stop; without, it is the position's notional share. */
  readonly stopPrice?: DecimalLike
}

/**
 * Capped fractional Kelly: risk `min(kelly × kellyMultiplier, maxRiskFraction)` of equity. No edge (Kelly ≤ 0) is
 * a `NO_EDGE` rejection.
 *
 * @example
 * ```ts
 * fractionalKellySize({ equity: '10000', winRate: 0.55, payoffRatio: 1.5, entryPrice: '100', stopPrice: '98' })
 * ```
 */
export function fractionalKellySize(p: FractionalKellyOptions): Result<Decimal, RiskRejection> {
  const full = kellyFraction(p)
  if (!full.ok) return full
  const mult = fraction('kellyMultiplier', p.kellyMultiplier ?? 0.5)
  if (!mult.ok) return mult
  const cap = fraction('maxRiskFraction', p.maxRiskFraction ?? 0.02)
  if (!cap.ok) return cap
  const scaled = full.value.times(mult.value)
  if (scaled.lte(0)) {
    return err(
      rejection(RiskReason.NO_EDGE, `Kelly fraction "${full.value.toFixed()}" shows no edge`, {
        kellyFraction: str(full.value),
        winRate: String(p.winRate),
        payoffRatio: String(p.payoffRatio),
      }),
    )
  }
  const f = Decimal.min(scaled, cap.value)
  if (p.stopPrice !== undefined) {
    return fixedFractionalSize({
      equity: p.equity,
      riskFraction: f,
      entryPrice: p.entryPrice,
      stopPrice: p.stopPrice,
    })
  }
  const equity = positive('equity', p.equity)
  if (!equity.ok) return equity
  const entry = positive('entryPrice', p.entryPrice)
  if (!entry.ok) return entry
  return ok(equity.value.times(f).div(entry.value))
}

/** Parameters of {@link capQuantity}. */
export interface CapQuantityOptions {
  /** The raw size from a sizing function. */
  readonly qty: DecimalLike
  /** Price the order is valued at (limit price, or the latest price for a market order). */
  readonly price: DecimalLike
  /** Instrument rules: step, min/max quantity, min notional. */
  readonly instrument: Pick<Instrument, 'stepSize' | 'minQty' | 'maxQty' | 'minNotional'>
  /** Mark-to-market equity (for `maxPositionFraction`). */
  readonly equity?: DecimalLike
  /** Largest position value as a fraction of equity (0.25 = 25 %; above 1 only with leverage). */
  readonly maxPositionFraction?: DecimalLike
  /** Largest position value in quote currency. */
  readonly maxNotional?: DecimalLike
  /**
   * Value of the existing exposure on the same side, counted against the two caps above: the position plus what resting
   * entry orders on that side may still fill (the RiskManager counts both). Default 0.
   */
  readonly existingNotional?: DecimalLike
  /** Free margin; with `leverage` and `marginSafetyFactor` it caps the order value. */
  readonly freeMargin?: DecimalLike
  /** Leverage, ≥ 1. Default 1. */
  readonly leverage?: DecimalLike
  /** Share of `freeMargin × leverage` an order may use, in (0, 1]. Default 0.95. */
  readonly marginSafetyFactor?: DecimalLike
  /** The signal's upper bound on the quantity (`Signal.maxQty`), > 0. */
  readonly signalMaxQty?: DecimalLike
}

/** A size after caps and step rounding. */
export interface CappedQuantity {
  /** The tradable quantity: a positive multiple of the step, within every cap. */
  readonly qty: Decimal
  /** The size before caps and rounding. */
  readonly requestedQty: Decimal
  /** Every cap that reduced the size, in the order applied. */
  readonly cappedBy: readonly QuantityCap[]
}

/**
 * Applies every cap — max position as a fraction of equity, max notional, `freeMargin × leverage × safety`, the
 * instrument's `maxQty`, the signal's `maxQty` — then rounds **down** to the step (measured from `minQty`, as Binance does). A size that
 * rounds to zero, or lands below `minQty` or `minNotional`, is a rejection, never a zero or undersized order; so is a
 * malformed filter (`INVALID_INPUT`: a `maxQty` not above zero, a negative `minNotional`, NaN), never "no limit".
 *
 * @example
 * ```ts
 * // instrument: stepSize 0.001, minQty 0.001, minNotional 5
 * const r = capQuantity({ qty: '7.23456', price: '100', instrument, equity: '1000', maxPositionFraction: 0.5 })
 * if (r.ok) r.value.qty.toString() // '5' (500 of equity at most), r.value.cappedBy: ['maxPositionFraction']
 * ```
 */
export function capQuantity(p: CapQuantityOptions): Result<CappedQuantity, RiskRejection> {
  const raw = readDecimal(p.qty)
  if (raw === undefined || raw.isNegative()) return err(invalid('qty', p.qty, 'must be a finite number ≥ 0'))
  const price = positive('price', p.price)
  if (!price.ok) return price
  const step = positive('stepSize', p.instrument.stepSize)
  if (!step.ok) return step
  const minQty = readDecimal(p.instrument.minQty)
  if (minQty === undefined || minQty.isNegative())
    return err(invalid('minQty', p.instrument.minQty, 'must be ≥ 0'))
  // A malformed limit is a rejection, never "no limit".
  let maxQty: Decimal | undefined
  if (p.instrument.maxQty !== undefined) {
    const m = positive('maxQty', p.instrument.maxQty)
    if (!m.ok) return m
    maxQty = m.value
  }
  const minNotional =
    p.instrument.minNotional === undefined ? undefined : readDecimal(p.instrument.minNotional)
  if (p.instrument.minNotional !== undefined && (minNotional === undefined || minNotional.isNegative())) {
    return err(invalid('minNotional', p.instrument.minNotional, 'must be ≥ 0'))
  }
  const existing = p.existingNotional === undefined ? undefined : readDecimal(p.existingNotional)
  if (p.existingNotional !== undefined && (existing === undefined || existing.isNegative())) {
    return err(invalid('existingNotional', p.existingNotional, 'must be ≥ 0'))
  }
  let positionCap: Decimal | undefined
  if (p.maxPositionFraction !== undefined) {
    const f = positive('maxPositionFraction', p.maxPositionFraction)
    if (!f.ok) return f
    const eq = positive('equity', p.equity)
    if (!eq.ok) return eq
    positionCap = product(eq.value, f.value)
  }
  let maxNotional: Decimal | undefined
  if (p.maxNotional !== undefined) {
    const cap = positive('maxNotional', p.maxNotional)
    if (!cap.ok) return cap
    maxNotional = cap.value
  }
  let marginCap: Decimal | undefined
  if (p.freeMargin !== undefined) {
    const margin = readDecimal(p.freeMargin)
    if (margin === undefined) return err(invalid('freeMargin', p.freeMargin, 'must be a finite number'))
    if (margin.isZero() || margin.isNegative()) return err(noMargin(margin))
    const lev = positive('leverage', p.leverage ?? 1)
    if (!lev.ok) return lev
    const safety = fraction('marginSafetyFactor', p.marginSafetyFactor ?? 0.95)
    if (!safety.ok) return safety
    const buyingPower = lev.value.eq(1) ? margin : product(margin, lev.value)
    marginCap = product(buyingPower, safety.value)
  }
  return capChecked({
    raw,
    price: price.value,
    step: step.value,
    minQty,
    existing,
    positionCap,
    maxNotional,
    marginCap,
    maxQty,
    signalMaxQty: p.signalMaxQty,
    minNotional,
  })
}

/** A {@link CappedQuantity} whose requested size is a {@link RawSize}, divided when read. */
class CappedQuotient implements CappedQuantity {
  readonly qty: Decimal
  readonly cappedBy: readonly QuantityCap[]
  readonly #raw: RawSize

  constructor(qty: Decimal, raw: RawSize, cappedBy: readonly QuantityCap[]) {
    this.qty = qty
    this.#raw = raw
    this.cappedBy = cappedBy
  }

  get requestedQty(): Decimal {
    return this.#raw.value
  }
}

/**
 * Whether `raw × price` exceeds `cap`: `EXACT_BELOW` when exact scaled integers found it strictly below (so is any
 * size under `raw`), else the 40-digit product decides as before.
 */
function capSign(
  raw: RawSize,
  price: Decimal,
  cap: Decimal,
  s: SizeScales,
): 'OVER' | 'NOT_OVER' | 'EXACT_BELOW' {
  const sign = raw.den === undefined ? undefined : s.overCap()
  if (sign !== undefined) return sign > 0 ? 'OVER' : 'EXACT_BELOW'
  return greaterThan(product(raw.value, price), cap) ? 'OVER' : 'NOT_OVER'
}

/** The values capping a size as bigint scaled integers (see {@link SizeScales}). */
interface BigSizeScales {
  readonly price: BigScaled | undefined
  readonly cap: BigScaled | undefined
  readonly num: BigScaled | undefined
  readonly den: BigScaled | undefined
}

/**
 * The values capping a size reads more than once, as scaled integers: safe integers (`undefined`: a value does not
 * fit one), and bigints of up to 140 digits, read only when a safe integer could not decide (a size or an account of
 * many digits: a 1,234,567.1234567891 USDT equity risked at 1 % is 17 digits), so no comparison falls back to
 * dividing.
 */
class SizeScales {
  readonly price: Scaled | undefined
  readonly cap: Scaled | undefined
  readonly num: Scaled | undefined
  readonly den: Scaled | undefined
  readonly #priceValue: Decimal
  readonly #capValue: Decimal | undefined
  readonly #numValue: Decimal | undefined
  readonly #denValue: Decimal | undefined
  #big: BigSizeScales | undefined

  constructor(price: Decimal, cap: Decimal | undefined, num: Decimal | undefined, den: Decimal | undefined) {
    this.#priceValue = price
    this.#capValue = cap
    this.#numValue = num
    this.#denValue = den
    this.price = toScaled(price)
    this.cap = cap === undefined ? undefined : toScaled(cap)
    this.num = num === undefined ? undefined : toScaled(num)
    this.den = den === undefined ? undefined : den === price ? this.price : toScaled(den) // notional ÷ price
  }

  /** The sign of `num × price − cap × den`: whether the raw size is worth more than the cap (see `productsSign`). */
  overCap(): number | undefined {
    const sign = productsSign(this.num, this.price, this.cap, this.den)
    if (sign !== undefined) return sign
    const b = this.#bigs()
    return productsSignBig(b.num, b.price, b.cap, b.den)
  }

  /** The cell of `cap ÷ price` on the grid of 10^-k (see `quotientCellOf`). */
  capCell(k: number): QuotientCell | undefined {
    const cell = quotientCellOf(this.cap, this.price, k)
    if (cell !== undefined) return cell
    const b = this.#bigs()
    return quotientCellOfBig(b.cap, b.price, k)
  }

  /** The cell of the raw size `num ÷ den` on the grid of 10^-k. */
  rawCell(k: number): QuotientCell | undefined {
    const cell = quotientCellOf(this.num, this.den, k)
    if (cell !== undefined) return cell
    const b = this.#bigs()
    return quotientCellOfBig(b.num, b.den, k)
  }

  /** The sign of `cell × price − v` (`v` the cap when not given; `scaled`: `v` as a safe integer, when known). */
  gridSign(cell: QuotientCell, v?: Decimal, scaled?: Scaled): number | undefined {
    const sign = gridProductSign(
      cell.n,
      cell.k,
      this.price,
      v === undefined ? this.cap : (scaled ?? toScaled(v)),
    )
    if (sign !== undefined) return sign
    const b = this.#bigs()
    return gridProductSignBig(cell.n, cell.k, b.price, v === undefined ? b.cap : toBigScaled(v))
  }

  /** The same values as bigints (read once, at the first comparison a safe integer could not make). */
  #bigs(): BigSizeScales {
    if (this.#big === undefined) {
      const [price, cap, num, den] = [this.#priceValue, this.#capValue, this.#numValue, this.#denValue]
      const bigPrice = toBigScaled(price)
      this.#big = {
        price: bigPrice,
        cap: cap === undefined ? undefined : toBigScaled(cap),
        num: num === undefined ? undefined : toBigScaled(num),
        den: den === undefined ? undefined : den === price ? bigPrice : toBigScaled(den),
      }
    }
    return this.#big
  }
}

/** The rejection of a free margin at or below zero. */
export function noMargin(margin: Decimal): RiskRejection {
  return rejection(RiskReason.INSUFFICIENT_MARGIN, `Free margin "${margin.toFixed()}" is not above zero`, {
    freeMargin: str(margin),
  })
}

/**
 * The inputs of {@link capChecked}, already validated: `raw` ≥ 0, `price` and `step` > 0, `minQty` ≥ 0, `existing`
 * ≥ 0; the caps as notionals (`positionCap` = equity × maxPositionFraction, `marginCap` = free margin × leverage ×
 * safety); `maxQty` > 0 and `minNotional` ≥ 0 when given; `signalMaxQty` as given (validated when reached).
 */
export interface CheckedCapInput {
  /** The size before caps: a Decimal, or the sizing method's quotient (divided only if needed). */
  readonly raw: Decimal | RawSize
  /** The price the caps value the order at. */
  readonly price: Decimal
  /** The price the order is sent at, for `minNotional` (a limit below `price`). Default `price`. */
  readonly orderPrice?: Decimal
  readonly step: Decimal
  readonly minQty: Decimal
  readonly existing: Decimal | undefined
  readonly positionCap: Decimal | undefined
  readonly maxNotional: Decimal | undefined
  readonly marginCap: Decimal | undefined
  readonly maxQty: Decimal | undefined
  /** `k` when `step` is exactly 10^-k and `minQty` a multiple of it (rounding down is truncation); else undefined. */
  readonly stepPlaces?: number | undefined
  readonly signalMaxQty: DecimalLike | undefined
  readonly minNotional: Decimal | undefined
  /**
   * The instrument's filters already read as scaled integers (the RiskManager reads them once per instrument); a value
   * absent here is read when needed.
   */
  readonly scaled?: {
    readonly step?: Scaled | undefined
    readonly minQty?: Scaled | undefined
    readonly maxQty?: Scaled | undefined
    readonly minNotional?: Scaled | undefined
  }
}

/** The smallest notional cap left (position fraction, max notional, margin; the first named on a tie). */
function tightestCap(c: CheckedCapInput): { limitNotional?: Decimal; limitName?: QuantityCap } {
  const existing = c.existing
  let limitNotional: Decimal | undefined
  let limitName: QuantityCap | undefined
  // Inline, not a helper closure: this runs on every approved entry.
  if (c.positionCap !== undefined) {
    limitNotional = existing === undefined ? c.positionCap : minus(c.positionCap, existing)
    limitName = QuantityCap.MAX_POSITION_FRACTION
  }
  if (c.maxNotional !== undefined) {
    const cap = existing === undefined ? c.maxNotional : minus(c.maxNotional, existing)
    if (limitNotional === undefined || lessThan(cap, limitNotional)) {
      limitNotional = cap
      limitName = QuantityCap.MAX_NOTIONAL
    }
  }
  if (c.marginCap !== undefined && (limitNotional === undefined || lessThan(c.marginCap, limitNotional))) {
    limitNotional = c.marginCap
    limitName = QuantityCap.MARGIN
  }
  return { limitNotional, limitName }
}

/** The numbers behind a sizing rejection (`qty`: the rounded size once there is one, else the unrounded one). */
function capValues(
  c: CheckedCapInput,
  rawSize: RawSize,
  qty: Decimal | undefined,
  sized: GridQuantity,
): Record<string, string | null> {
  return {
    requestedQty: str(rawSize.value),
    qty: str(qty ?? sized.decimal()),
    price: str(c.price),
    stepSize: str(c.step),
    minQty: str(c.minQty),
    minNotional: str(c.minNotional),
  }
}

/** `unrounded` rounded down to the step measured from `minQty` (values already validated). */
function floorOnStep(unrounded: Decimal, c: CheckedCapInput, hasMin: boolean): Decimal {
  const { step, minQty, stepPlaces: k } = c
  if (k !== undefined) return unrounded.toDecimalPlaces(k, Decimal.ROUND_FLOOR)
  return hasMin
    ? unrounded.minus(minQty).div(step).toDecimalPlaces(0, Decimal.ROUND_FLOOR).times(step).plus(minQty)
    : unrounded.div(step).toDecimalPlaces(0, Decimal.ROUND_FLOOR).times(step)
}

/**
 * Whether the order's value `qty × price` is below `minNotional`: `value` when it was computed already, on the
 * scaled integers of `cell` (the size still its lower edge) when they fit, else the Decimal product.
 */
function belowMinNotional(
  c: CheckedCapInput,
  minNotional: Decimal,
  qty: Decimal,
  value: Decimal | undefined,
  cell: QuotientCell | undefined,
  scales: SizeScales,
): boolean {
  const sign = cell === undefined ? undefined : scales.gridSign(cell, minNotional, c.scaled?.minNotional)
  return (sign ?? compareDecimals(value ?? qty.times(c.price), minNotional)) < 0
}

/**
 * {@link capQuantity} on inputs already validated (the RiskManager validates an instrument's filters once, not per
 * signal): the same caps, order, rounding and rejections.
 *
 * @example
 * ```ts
 * const r = capChecked({ raw, price, step, minQty, existing: undefined, positionCap: equity, maxNotional: undefined,
 *   marginCap: undefined, maxQty: undefined, signalMaxQty: undefined, minNotional: undefined })
 * ```
 */
export function capChecked(c: CheckedCapInput): Result<CappedQuantity, RiskRejection> {
  const { price, step, minQty, existing } = c
  const rawSize = c.raw instanceof RawSize ? c.raw : new RawSize(c.raw)
  const cappedBy: QuantityCap[] = []
  const { limitNotional, limitName } = tightestCap(c)
  // Caps are compared as notionals (multiplications only), then divided by the price once. Sizes are quotients (the
  // capped one is limitNotional ÷ price, the raw one the method's num ÷ den); with a step of 10^-k, exact scaled
  // integers compare and place them on the step grid without dividing (issue 20), else the 40-digit Decimals decide.
  const k = c.stepPlaces
  let size: GridQuantity | undefined
  // A cell whose lower edge is known to be worth at most the cap, exactly (then rounding cannot lift it over the cap).
  let underCap: QuotientCell | undefined
  // Each value read as a scaled integer once, not at every comparison.
  const den = rawSize.den
  const scales = new SizeScales(price, limitNotional, den === undefined ? undefined : rawSize.num, den)
  const capped = limitNotional === undefined ? undefined : capSign(rawSize, price, limitNotional, scales)
  if (limitNotional !== undefined && capped === 'OVER') {
    if (limitNotional.isZero() || limitNotional.isNegative()) {
      return err(
        rejection(RiskReason.QUANTITY_ZERO, `No room left under the ${limitName} cap`, {
          requestedQty: str(rawSize.value),
          cap: limitName ?? null,
          capNotional: str(limitNotional),
          existingNotional: str(existing),
        }),
      )
    }
    const cell = k === undefined ? undefined : scales.capCell(k)
    underCap = cell // n = floor(cap × 10^k ÷ price): n × 10^-k × price ≤ cap
    size =
      cell === undefined
        ? GridQuantity.of(limitNotional.div(price))
        : GridQuantity.quotient(cell, new RawSize(limitNotional, price))
    cappedBy.push(limitName as QuantityCap)
  } else {
    const cell = k === undefined || den === undefined ? undefined : scales.rawCell(k)
    if (capped === 'EXACT_BELOW') underCap = cell // n × 10^-k ≤ raw, and raw × price < cap exactly
    size = cell === undefined ? GridQuantity.of(rawSize.value) : GridQuantity.quotient(cell, rawSize)
  }
  const maxQty = c.maxQty
  if (maxQty !== undefined && size.compare(maxQty, c.scaled?.maxQty) > 0) {
    size = GridQuantity.of(maxQty)
    cappedBy.push(QuantityCap.MAX_QTY)
  }
  if (c.signalMaxQty !== undefined) {
    const cap = positive('signalMaxQty', c.signalMaxQty)
    if (!cap.ok) return cap
    if (size.compare(cap.value) > 0) {
      size = GridQuantity.of(cap.value)
      cappedBy.push(QuantityCap.SIGNAL_MAX_QTY)
    }
  }
  const hasMin = !minQty.isZero()
  const belowStep = size.compare(step, c.scaled?.step) < 0
  if (belowStep || (hasMin && size.compare(minQty, c.scaled?.minQty) < 0)) {
    const code = belowStep ? RiskReason.QUANTITY_ZERO : RiskReason.BELOW_MIN_QUANTITY
    const message = `Size "${size.decimal().toFixed()}" is below the tradable minimum`
    return err(rejection(code, message, capValues(c, rawSize, undefined, size)))
  }
  // roundToIncrement(qty, step, 'DOWN', minQty > 0 ? minQty : undefined), on values already validated.
  // With a step of 10^-k and minQty on its grid, flooring (qty − minQty) ÷ step is truncating qty to k places.
  const cell = size.cell
  const unrounded = cell === undefined ? size.decimal() : undefined
  let rounded =
    unrounded === undefined
      ? fromScaled((cell as QuotientCell).n, -(cell as QuotientCell).k) // the cell's lower edge: rounded down
      : floorOnStep(unrounded, c, hasMin)
  // The division above rounds at the 40th digit; never let that lift the size over the cap by a step. A size still
  // on its cell (n × 10^-k) is valued in exact scaled integers when they fit, else as the Decimal product.
  const onCell = unrounded === undefined ? (cell as QuotientCell) : undefined
  let value: Decimal | undefined
  let lowered = false
  if (limitNotional !== undefined && (onCell === undefined || onCell !== underCap)) {
    const sign = onCell === undefined ? undefined : scales.gridSign(onCell)
    if (sign === undefined) value = product(rounded, price)
    if (sign !== undefined ? sign > 0 : greaterThan(value as Decimal, limitNotional)) {
      rounded = minus(rounded, step)
      value = undefined
      lowered = true
    }
  }
  // Rounding changed the size: it was off its step's grid (a lowered size never equals it).
  const changed =
    unrounded === undefined ? !(cell as QuotientCell).exact || lowered : !equalDecimals(rounded, unrounded)
  if (changed) cappedBy.push(QuantityCap.STEP)
  const final = rounded
  if (final.isZero() || final.isNegative()) {
    return err(
      rejection(RiskReason.QUANTITY_ZERO, 'Size rounds down to zero', capValues(c, rawSize, final, size)),
    )
  }
  // The step back under the cap can leave minQty (a minimum of several steps) behind: the exact size was below it.
  if (lowered && hasMin && lessThan(final, minQty)) {
    const message = `Size "${final.toFixed()}" is below the tradable minimum`
    return err(rejection(RiskReason.BELOW_MIN_QUANTITY, message, capValues(c, rawSize, final, size)))
  }
  const minNotional = c.minNotional
  const orderPrice = c.orderPrice ?? price
  if (
    minNotional !== undefined &&
    (orderPrice === price
      ? belowMinNotional(c, minNotional, final, value, lowered ? undefined : onCell, scales)
      : lessThan(product(final, orderPrice), minNotional))
  ) {
    return err(
      rejection(
        RiskReason.BELOW_MIN_NOTIONAL,
        `Order value "${final.times(orderPrice).toFixed()}" is below the minimum notional "${(minNotional as Decimal).toFixed()}"`,
        capValues(c, rawSize, final, size),
      ),
    )
  }
  // A quotient size (the RiskManager's) is divided only if its requested size is read (its events).
  if (c.raw instanceof RawSize) return ok(new CappedQuotient(final, c.raw, cappedBy))
  return ok({ qty: final, requestedQty: c.raw, cappedBy })
}
