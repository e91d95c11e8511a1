import * as z from 'zod/mini'
import { DecimalInputSchema } from '../../core/schemas.js'
import { type Decimal, parseDecimal } from '../../decimal/index.js'

/** A decimal ≥ 0 given as a string, a number or a `Decimal`, parsed strictly (market makers' margins and sizes). */
export const NonNegativeDecimalSchema = z.pipe(
  DecimalInputSchema,
  z.transform((v, ctx): Decimal => {
    const r = parseDecimal(v, { allowZero: true })
    if (!r.ok) {
      ctx.issues.push({ code: 'custom', message: r.error.shortMessage, input: v })
      return z.NEVER
    }
    return r.value
  }),
)
