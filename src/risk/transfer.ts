import { type Decimal, type DecimalLike, toDecimal } from '../decimal/index.js'
import { plus } from '../decimal/plusMinus.js'
import { ValidationError } from '../errors/index.js'

/** A validated external transfer (see `TradingGuard.recordTransfer`). */
export interface Transfer {
  /** In the account currency: positive a deposit, negative a withdrawal. */
  readonly amount: Decimal
  /** When it happened, epoch ms. */
  readonly tsEvent: number
}

/**
 * Validates a transfer given by the host or the engine: a finite amount (a Decimal, a number or a decimal string) and,
 * when given, a finite time. Throws a {@link ValidationError} otherwise (never reads a bad amount as 0).
 */
export function parseTransfer(amount: DecimalLike, tsEvent: number | undefined, now: number): Transfer {
  const a = toDecimal(amount, { field: 'amount' })
  if (tsEvent !== undefined && (typeof tsEvent !== 'number' || !Number.isFinite(tsEvent))) {
    throw new ValidationError(`Invalid transfer time "${String(tsEvent)}"`, { field: 'tsEvent' })
  }
  return { amount: a, tsEvent: tsEvent ?? now }
}

/** `value` moved by a transfer (`undefined` stays `undefined`: nothing measured yet, the next equity sets it). */
export function shiftedBy(value: Decimal | undefined, amount: Decimal): Decimal | undefined {
  return value === undefined ? undefined : plus(value, amount)
}

/** The sum of the transfers held until the persisted state is loaded. */
export function addTransfer(pending: Decimal | undefined, amount: Decimal): Decimal {
  return pending === undefined ? amount : plus(pending, amount)
}
