import type * as z from 'zod/mini'
import { err, ok, type Result } from '../../core/index.js'
import { ExchangeDataError } from '../../errors/index.js'

const issuesOf = (e: z.core.$ZodError) => e.issues.map((i) => `${i.path.join('.')}: ${i.message}`)

/** Parses a wire payload with its schema; a mismatch becomes an {@link ExchangeDataError} naming `what`. Internal. */
export function parseWire<S extends z.ZodMiniType>(
  schema: S,
  raw: unknown,
  venue: string,
  what: string,
): Result<z.output<S>, ExchangeDataError> {
  const r = schema.safeParse(raw)
  return r.success ? ok(r.data) : err(new ExchangeDataError(venue, `Invalid ${what}`, issuesOf(r.error), raw))
}

/** The error for a payload that parses but cannot describe an order (unknown status or type, impossible quantities). */
export function unmappableOrder(venue: string, what: string, raw: unknown, at?: number): ExchangeDataError {
  const where = at === undefined ? '' : `${at}.`
  return new ExchangeDataError(
    venue,
    `Invalid ${what}`,
    [
      `${where}status/type/origQty/executedQty: unknown status or type, or quantities that cannot describe an order`,
    ],
    raw,
  )
}
