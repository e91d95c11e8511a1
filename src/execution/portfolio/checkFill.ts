import type { Fill, Instrument } from '../../core/types.js'
import { greaterThan, isFinitePositive } from '../../decimal/compareDecimals.js'
import { Decimal } from '../../decimal/index.js'
import { ValidationError } from '../../errors/index.js'

const ONE = new Decimal(1)
const ZERO = new Decimal(0)

/**
 * Why the Portfolio refuses `fill` of `inst` before accounting it, or `undefined` when it may: an unknown instrument
 * (`inst` undefined), a quantity or price not
 * above zero, a fee that is not finite, an outcome-token price above 1 (a token pays at most 1 at settlement: a
 * price in cents, `45` for `0.45`, would book a hundred times the cost).
 *
 * @example
 * ```ts
 * const invalid = invalidFill(yes, fill)
 * if (invalid !== undefined) return err(invalid)
 * ```
 */
export function invalidFill(inst: Instrument | undefined, fill: Fill): ValidationError | undefined {
  if (inst === undefined)
    return new ValidationError(`Unknown instrument "${fill.venue}:${fill.symbol}"`, { field: 'symbol' })
  if (!isFinitePositive(fill.qty) || !isFinitePositive(fill.price))
    return new ValidationError('Fill quantity and price must be > 0', { field: 'fill' })
  if (!fill.fee.isFinite()) return new ValidationError('Fill fee must be finite', { field: 'fee' })
  if (inst.kind === 'outcome' && greaterThan(fill.price, ONE)) {
    return new ValidationError(`Outcome-token fill price "${fill.price.toString()}" is above 1`, {
      field: 'price',
    })
  }
  return undefined
}

/**
 * The payout of a resolved outcome token as a Decimal: 0 (lost) or 1 (won); anything else (a JavaScript caller's
 * `0.5`, `2`, `NaN`) is a ValidationError, never paid out.
 *
 * @example
 * ```ts
 * const pay = outcomePayout(1) // Decimal 1
 * ```
 */
export function outcomePayout(payout: number): Decimal {
  if (payout === 0) return ZERO
  if (payout === 1) return ONE
  throw new ValidationError(`Outcome payout "${String(payout)}" is not 0 or 1`, { field: 'payout' })
}
