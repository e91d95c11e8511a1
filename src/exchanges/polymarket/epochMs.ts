/** Epoch seconds from 2001-09-09 (1e9) up to 2286 (1e10, exclusive). */
const SECONDS_MIN = 1e9
const SECONDS_MAX = 1e10
/** Epoch milliseconds over the same span. */
const MILLIS_MIN = 1e12
const MILLIS_MAX = 1e13

/**
 * A venue time normalised to epoch milliseconds by its magnitude: Polymarket's user channel sends `timestamp` in
 * seconds (docs examples, 2025 captures) or in milliseconds (2024 captures). A value that fits neither unit
 * (2001–2286) is `undefined`, to be refused, never guessed.
 *
 * @example
 * ```ts
 * epochMs(1672290687) // 1672290687000
 * epochMs(1672290687000) // 1672290687000
 * epochMs(42) // undefined
 * ```
 */
export function epochMs(value: number): number | undefined {
  if (!Number.isSafeInteger(value)) return undefined
  if (value >= SECONDS_MIN && value < SECONDS_MAX) return value * 1000
  if (value >= MILLIS_MIN && value < MILLIS_MAX) return value
  return undefined
}
