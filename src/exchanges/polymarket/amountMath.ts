import { Decimal } from '../../decimal/index.js'
import { ValidationError } from '../../errors/index.js'
import { COLLATERAL_DECIMALS, isTickSize, ROUNDING_RULES, type TickSize } from './constants.js'

/** Maker and taker amounts of an order, in 1e-6 base units, with the price and size they encode. */
export interface OrderAmounts {
  readonly makerAmount: string
  readonly takerAmount: string
  /** The price the amounts encode (pUSD per share). */
  readonly price: Decimal
  /** Shares bought or sold. */
  readonly size: Decimal
}

/** The decimals Polymarket allows at a tick size; a {@link ValidationError} for an unsupported tick. */
export function ruleFor(tickSize: TickSize): (typeof ROUNDING_RULES)[TickSize] {
  if (!isTickSize(tickSize)) {
    throw new ValidationError(`Unsupported tick size "${String(tickSize)}"`, { field: 'tickSize' })
  }
  return ROUNDING_RULES[tickSize]
}

/** Rejects a price outside [tick, 1 − tick] or off the tick grid with a {@link ValidationError}. */
export function checkPrice(p: Decimal, tick: Decimal): void {
  if (p.lt(tick) || p.gt(new Decimal(1).minus(tick))) {
    throw new ValidationError(
      `Invalid price "${p.toFixed()}": must be within [${tick.toFixed()}, ${new Decimal(1).minus(tick).toFixed()}]`,
      { field: 'price' },
    )
  }
  if (!p.mod(tick).isZero()) {
    throw new ValidationError(
      `Invalid price "${p.toFixed()}": not a multiple of the tick ${tick.toFixed()}`,
      {
        field: 'price',
      },
    )
  }
}

/** Polymarket's fix-up: when there are too many decimals, round up at decimals + 4, then down at decimals. */
export function fixUp(v: Decimal, decimals: number): Decimal {
  if (v.decimalPlaces() <= decimals) return v
  const up = v.toDecimalPlaces(decimals + 4, Decimal.ROUND_UP)
  return up.decimalPlaces() <= decimals ? up : up.toDecimalPlaces(decimals, Decimal.ROUND_DOWN)
}

/** A decimal amount in 1e-6 base units (a {@link ValidationError} when it has more than 6 decimals). */
export function toBaseUnits(v: Decimal): string {
  const units = v.times(new Decimal(10).pow(COLLATERAL_DECIMALS))
  if (!units.isInteger()) {
    throw new ValidationError(`Amount "${v.toFixed()}" has more than ${COLLATERAL_DECIMALS} decimals`)
  }
  return units.toFixed(0)
}

/** Parses a price, size or amount; a {@link ValidationError} on anything but a finite decimal. */
export function toDec(v: string | number, field: string): Decimal {
  if (typeof v === 'number' ? !Number.isFinite(v) : !/^-?\d+(\.\d+)?$/.test(v)) {
    throw new ValidationError(`Invalid ${field} "${String(v).slice(0, 40)}"`, { field })
  }
  return new Decimal(v)
}

/** The error of a market order whose amount rounds to nothing. */
export function tooSmall(a: Decimal, p: Decimal): ValidationError {
  return new ValidationError(
    `Amount "${a.toFixed()}" is too small for a market order at ${p.toFixed()} within the precision limits`,
    { field: 'amount' },
  )
}

/** Greatest common divisor. */
export function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b]
  return a < 0n ? -a : a
}
