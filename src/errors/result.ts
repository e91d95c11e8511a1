import type { TradekitError } from './TradekitError.js'

/** Outcome of an operation that can fail on the hot path without throwing. */
export type Result<T, E = TradekitError> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: E }

/**
 * Builds a successful {@link Result}.
 *
 * @example
 * ```ts
 * function half(n: number): Result<number, ValidationError> {
 *   return Number.isFinite(n) ? ok(n / 2) : err(new ValidationError(`Not finite: "${n}"`))
 * }
 * ```
 */
export function ok<T>(value: T): { readonly ok: true; readonly value: T } {
  return { ok: true, value }
}

/**
 * Builds a failed {@link Result}.
 *
 * @example
 * ```ts
 * function half(n: number): Result<number, ValidationError> {
 *   return Number.isFinite(n) ? ok(n / 2) : err(new ValidationError(`Not finite: "${n}"`))
 * }
 * ```
 */
export function err<E>(error: E): { readonly ok: false; readonly error: E } {
  return { ok: false, error }
}

/**
 * Returns the value of a successful result or throws its error. For tests and trusted call sites.
 *
 * @example
 * ```ts
 * const price = unwrap(parsePrice('64000.5')) // throws the ValidationError if the input is invalid
 * ```
 */
export function unwrap<T, E>(result: Result<T, E>): T {
  if (result.ok) return result.value
  throw result.error
}
