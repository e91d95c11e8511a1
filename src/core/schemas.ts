import { z } from 'zod'
import { type Decimal, isDecimal, parseDecimal } from '../decimal/index.js'
import type { Clock } from './clock.js'

/**
 * True when `v` has the three methods of a {@link Clock} (duck-typed, so a clock from another copy passes).
 *
 * @example
 * ```ts
 * isClock(new ManualClock(0)) // true
 * isClock({ now: () => 0 })   // false
 * ```
 */
export function isClock(v: unknown): v is Clock {
  if (typeof v !== 'object' || v === null) return false
  const c = v as Partial<Record<keyof Clock, unknown>>
  return (
    typeof c.now === 'function' && typeof c.setTimeout === 'function' && typeof c.clearTimeout === 'function'
  )
}

/**
 * A {@link Clock} in a config (`now`, `setTimeout` and `clearTimeout`). Shared by every config schema.
 *
 * @example
 * ```ts
 * const MyConfigSchema = z.object({ clock: ClockSchema.optional() }).strict()
 * ```
 */
export const ClockSchema = z.custom<Clock>(isClock, 'must be a Clock (now, setTimeout, clearTimeout)')

/**
 * A duration in milliseconds: an integer, zero or more (`timeoutMs`, `cooldownMs`...).
 *
 * @example
 * ```ts
 * const Schema = z.object({ cooldownMs: DurationMsSchema.default(30_000) })
 * ```
 */
export const DurationMsSchema = z.number().int().nonnegative()

/**
 * A duration in milliseconds that must be more than zero (a timeout, an interval).
 *
 * @example
 * ```ts
 * const Schema = z.object({ timeoutMs: PositiveDurationMsSchema.default(10_000) })
 * ```
 */
export const PositiveDurationMsSchema = z.number().int().positive()

/**
 * A decimal given as a string, a number or a `Decimal`, kept as given (parse it with `toDecimal` where used).
 *
 * @example
 * ```ts
 * const Schema = z.object({ balances: z.record(z.string(), DecimalInputSchema).default({}) })
 * ```
 */
export const DecimalInputSchema = z.union([
  z.string(),
  z.number(),
  z.custom<Decimal>((v) => isDecimal(v), 'Expected a Decimal'),
])

/**
 * A strictly positive decimal given as a string, a number or a `Decimal`, parsed strictly into a `Decimal`
 * (`""`, `"NaN"`, zero and negatives are rejected).
 *
 * @example
 * ```ts
 * const Schema = z.object({ maxNotional: PositiveDecimalSchema })
 * Schema.parse({ maxNotional: '1000' }).maxNotional // Decimal(1000)
 * ```
 */
export const PositiveDecimalSchema = DecimalInputSchema.transform((v, ctx): Decimal => {
  const r = parseDecimal(v, { allowZero: false })
  if (!r.ok) {
    ctx.addIssue({ code: 'custom', message: r.error.shortMessage })
    return z.NEVER
  }
  return r.value
})
