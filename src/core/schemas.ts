import * as z from 'zod/mini'
import { type Decimal, isDecimal, parseDecimal } from '../decimal/index.js'

// The clock and duration schemas live apart from the decimal ones, so that code needing only them (the indicators)
// does not pull decimal.js into a browser bundle.
export { ClockSchema, DurationMsSchema, isClock, PositiveDurationMsSchema } from './timeSchemas.js'

/**
 * A decimal given as a string, a number or a `Decimal`, kept as given (parse it with `toDecimal` where used).
 *
 * @example
 * ```ts
 * const Schema = z.object({ balances: z._default(z.record(z.string(), DecimalInputSchema), {}) })
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
export const PositiveDecimalSchema = z.pipe(
  DecimalInputSchema,
  z.transform((v, ctx): Decimal => {
    const r = parseDecimal(v, { allowZero: false })
    if (!r.ok) {
      ctx.issues.push({ code: 'custom', message: r.error.shortMessage, input: v })
      return z.NEVER
    }
    return r.value
  }),
)
