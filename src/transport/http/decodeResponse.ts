import type * as z from 'zod/mini'
import { formatIssues } from '../../core/config.js'
import { ExchangeDataError } from '../../errors/index.js'

/** Parses a body as JSON, or `undefined` when it is empty or not JSON (for error mappers). */
export function tryJson(text: string): unknown {
  if (text.length === 0) return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/**
 * Decodes a 2xx body: JSON (empty body → `undefined`), then the schema when given. Malformed JSON and schema
 * mismatches become an {@link ExchangeDataError} result, never a throw.
 */
export function decodeResponse(
  text: string,
  schema: z.ZodMiniType | undefined,
  label: string,
  venue: string,
  ctx: { status: number; requestId: string | undefined },
): { ok: true; value: unknown } | { ok: false; error: ExchangeDataError } {
  let json: unknown
  if (text.trim().length > 0) {
    try {
      json = JSON.parse(text)
    } catch (e) {
      const issues = ['(root): invalid JSON']
      const details = { request: label, ...ctx }
      const error = new ExchangeDataError(venue, `Malformed JSON in response to "${label}"`, issues, text, {
        cause: e,
        details,
      })
      return { ok: false, error }
    }
  }
  if (schema === undefined) return { ok: true, value: json }
  const r = schema.safeParse(json)
  if (r.success) return { ok: true, value: r.data }
  const issues = formatIssues(r.error)
  const message = `Unexpected response to "${label}": ${issues.slice(0, 3).join('; ')}`
  return {
    ok: false,
    error: new ExchangeDataError(venue, message, issues, text, { details: { request: label, ...ctx } }),
  }
}
