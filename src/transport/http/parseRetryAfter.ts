/**
 * Parses a Retry-After header (seconds or an HTTP date) into ms from `now`.
 *
 * @example
 * ```ts
 * parseRetryAfter('2', Date.now())                               // 2000
 * parseRetryAfter('Wed, 21 Oct 2026 07:28:00 GMT', Date.now())   // ms until that date
 * parseRetryAfter(null, Date.now())                              // undefined
 * ```
 */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined
  const v = value.trim()
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000)
  const at = Date.parse(v)
  if (Number.isNaN(at)) return undefined
  return Math.max(0, at - now)
}
