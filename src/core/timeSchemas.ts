import * as z from 'zod/mini'
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
 * const MyConfigSchema = z.strictObject({ clock: z.optional(ClockSchema) })
 * ```
 */
export const ClockSchema = z.custom<Clock>(isClock, 'must be a Clock (now, setTimeout, clearTimeout)')

/**
 * A duration in milliseconds: an integer, zero or more (`timeoutMs`, `cooldownMs`...).
 *
 * @example
 * ```ts
 * const Schema = z.object({ cooldownMs: z._default(DurationMsSchema, 30_000) })
 * ```
 */
export const DurationMsSchema = /* @__PURE__ */ z.int().check(z.nonnegative())

/**
 * A duration in milliseconds that must be more than zero (a timeout, an interval).
 *
 * @example
 * ```ts
 * const Schema = z.object({ timeoutMs: z._default(PositiveDurationMsSchema, 10_000) })
 * ```
 */
export const PositiveDurationMsSchema = /* @__PURE__ */ z.int().check(z.positive())
