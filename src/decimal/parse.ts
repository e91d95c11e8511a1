import { ValidationError } from '../errors/index.js'
import { err, ok, type Result } from '../errors/result.js'
import { Decimal, type DecimalLike, isDecimal } from './Decimal.js'
import { decimalOfNumber } from './decimalOfNumber.js'

/** Largest number of integer digits accepted from a venue (a 1e30 price is corruption, not data). */
const MAX_INT_DIGITS = 30
/** Largest number of fractional digits accepted. */
const MAX_FRACTION_DIGITS = 30
const DECIMAL_STRING = /^(-?)(\d+)(?:\.(\d+))?$/

/** How strict {@link parseDecimal} is about the sign of the value. */
export interface ParseDecimalOptions {
  /** Accept negative values (PnL, balance deltas). Default false. */
  allowNegative?: boolean
  /** Accept zero. Default true. */
  allowZero?: boolean
  /** Field name put in the error, e.g. `"price"`. */
  field?: string
}

/**
 * Parses a decimal from an exchange string (or a finite number) strictly. Rejects `""`, `"NaN"`,
 * `"Infinity"`, exponents (`"1e999"`), whitespace, hex, a leading `+`, and absurd magnitudes, and by default
 * negative values. Never substitutes a default: a bad value is an error.
 *
 * @example
 * ```ts
 * const r = parseDecimal('0.00100000')
 * if (r.ok) r.value.toString() // '0.001'
 * ```
 */
export function parseDecimal(
  input: unknown,
  options: ParseDecimalOptions = {},
): Result<Decimal, ValidationError> {
  const field = options.field ?? 'value'
  let value: Decimal
  if (typeof input === 'string') {
    const m = DECIMAL_STRING.exec(input)
    if (m === null) return err(invalid(field, input, 'is not a plain decimal string'))
    const intDigits = (m[2] ?? '').replace(/^0+(?=\d)/, '')
    if (intDigits.length > MAX_INT_DIGITS) return err(invalid(field, input, 'is too large'))
    if ((m[3]?.length ?? 0) > MAX_FRACTION_DIGITS) return err(invalid(field, input, 'has too many decimals'))
    value = new Decimal(input)
  } else if (typeof input === 'number') {
    if (!Number.isFinite(input)) return err(invalid(field, input, 'is not finite'))
    if (Math.abs(input) >= 10 ** MAX_INT_DIGITS) return err(invalid(field, input, 'is too large'))
    value = decimalOfNumber(input) // new Decimal(input), digit for digit, without its string round trip
  } else if (isDecimal(input)) {
    if (!input.isFinite()) return err(invalid(field, input.toString(), 'is not finite'))
    // `e` is the base-10 exponent: |x| >= 1e30 exactly when e >= 30.
    if (input.e >= MAX_INT_DIGITS) return err(invalid(field, input.toString(), 'is too large'))
    // Decimals are immutable: one of ours is reused as is; one from another decimal.js copy is converted.
    value = input instanceof Decimal ? input : new Decimal(input)
  } else {
    return err(invalid(field, input, 'is not a string or number'))
  }
  if (value.isNegative() && !value.isZero() && options.allowNegative !== true) {
    return err(invalid(field, input, 'must not be negative'))
  }
  if (value.isZero()) {
    if (options.allowZero === false) return err(invalid(field, input, 'must be greater than 0'))
    return ok(new Decimal(0)) // normalise -0
  }
  return ok(value)
}

/**
 * Parses a price: strictly positive.
 *
 * @example
 * ```ts
 * parsePrice('64000.10') // { ok: true, value: Decimal(64000.1) }
 * parsePrice('0').ok     // false: a price must be > 0
 * ```
 */
export function parsePrice(input: unknown, field = 'price'): Result<Decimal, ValidationError> {
  return parseDecimal(input, { allowZero: false, field })
}

/**
 * Parses a quantity: non-negative by default (a book level or a fill may be `"0"`), strictly positive
 * when `{ positive: true }` (an order's quantity).
 *
 * @example
 * ```ts
 * parseQuantity('0').ok                     // true: a book level may be empty
 * parseQuantity('0', { positive: true }).ok // false: an order quantity must be > 0
 * ```
 */
export function parseQuantity(
  input: unknown,
  options: { positive?: boolean; field?: string } = {},
): Result<Decimal, ValidationError> {
  return parseDecimal(input, { allowZero: options.positive !== true, field: options.field ?? 'quantity' })
}

/**
 * Converts a trusted {@link DecimalLike} to a Decimal, throwing a {@link ValidationError} on NaN, infinities or a
 * malformed string. Use it for values a caller passes in; use {@link parseDecimal} on venue data.
 *
 * @example
 * ```ts
 * const fee = toDecimal('0.001') // Decimal; throws a ValidationError on 'abc', NaN or Infinity
 * ```
 */
export function toDecimal(input: DecimalLike, options: ParseDecimalOptions = {}): Decimal {
  // One of our own Decimals, finite, non-zero and in range, is what parseDecimal would return: no Result, no options
  // copy (a mark or a config value passed as a Decimal, on every call).
  if (
    input instanceof Decimal &&
    input.d !== null &&
    input.d[0] !== 0 &&
    input.e < MAX_INT_DIGITS &&
    (input.s > 0 || options.allowNegative !== false)
  )
    return input
  const r = parseDecimal(input, { allowNegative: true, ...options })
  if (!r.ok) throw r.error
  return r.value
}

function invalid(field: string, input: unknown, why: string): ValidationError {
  const shown = typeof input === 'string' ? input : show(input)
  return new ValidationError(`Invalid ${field} "${shown.slice(0, 64)}": ${why}`, {
    field,
    details: { input: shown.slice(0, 64) },
  })
}

/** `String(input)`, or its tag when that throws (an object with a broken `toString`). */
function show(input: unknown): string {
  try {
    return String(input)
  } catch {
    return Object.prototype.toString.call(input)
  }
}
