import * as z from 'zod/mini'
import { err, ok, type Result } from '../../core/index.js'
import { ExchangeDataError } from '../../errors/index.js'

/**
 * One entry of a WebSocket API response's `rateLimits` (and of `exchangeInfo.rateLimits`, which has no `count`).
 * Binance: https://developers.binance.com/docs/binance-spot-api-docs/web-socket-api/rate-limits
 */
export const BinanceRateLimitSchema = z.object({
  rateLimitType: z.string(),
  interval: z.string(),
  intervalNum: z.number().check(z.positive()),
  limit: z.number().check(z.positive()),
  count: z.optional(z.number().check(z.nonnegative())),
})

/** A decoded `rateLimits` entry. */
export type BinanceRateLimit = z.output<typeof BinanceRateLimitSchema>

const ResponseSchema = z.object({
  id: z.union([z.string(), z.number(), z.null()]),
  status: z.number(),
  result: z.optional(z.unknown()),
  error: z.optional(
    z.object({
      code: z.number(),
      msg: z.string(),
      data: z.optional(z.unknown()),
    }),
  ),
  rateLimits: z.optional(z.array(BinanceRateLimitSchema)),
})

/** A decoded WebSocket API response envelope: `{ id, status, result | error, rateLimits }`. */
export interface BinanceWsApiResponse {
  readonly id: string | number | null
  readonly status: number
  readonly result?: unknown
  readonly error?: { readonly code: number; readonly msg: string; readonly data?: unknown }
  readonly rateLimits: readonly BinanceRateLimit[]
}

const INTERVAL_MS: Readonly<Record<string, number>> = {
  SECOND: 1000,
  MINUTE: 60_000,
  HOUR: 3_600_000,
  DAY: 86_400_000,
}

/**
 * The tradekit rate-limiter window id of a Binance rate limit (`REQUEST_WEIGHT` per minute → `REQUEST_WEIGHT`,
 * `ORDERS` per 10 s → `ORDERS_10S`, per minute → `ORDERS_1M`, per day → `ORDERS_1D`), with its length;
 * `undefined` for a limit tradekit does not track (`RAW_REQUESTS`, `CONNECTIONS`).
 *
 * @example
 * ```ts
 * rateLimitWindow({ rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 50 })
 * // { id: 'ORDERS_10S', intervalMs: 10_000 }
 * ```
 */
export function rateLimitWindow(r: BinanceRateLimit): { id: string; intervalMs: number } | undefined {
  const unit = INTERVAL_MS[r.interval]
  if (unit === undefined) return undefined
  const intervalMs = unit * r.intervalNum
  if (r.rateLimitType === 'REQUEST_WEIGHT' && intervalMs === 60_000)
    return { id: 'REQUEST_WEIGHT', intervalMs }
  if (r.rateLimitType !== 'ORDERS') return undefined
  if (intervalMs === 10_000) return { id: 'ORDERS_10S', intervalMs }
  if (intervalMs === 60_000) return { id: 'ORDERS_1M', intervalMs }
  if (intervalMs === 86_400_000) return { id: 'ORDERS_1D', intervalMs }
  return undefined
}

/**
 * Decodes one WebSocket API response frame (spot `/ws-api/v3`, USD-M `/ws-fapi/v1`): a `Result`, never a throw. A
 * frame without a valid envelope is an {@link ExchangeDataError}; `result` is left for the caller's decoder.
 *
 * @example
 * ```ts
 * const r = decodeWsApiResponse(JSON.parse(text), 'binance')
 * if (r.ok && r.value.error !== undefined) console.log(r.value.error.code)
 * ```
 */
export function decodeWsApiResponse(
  raw: unknown,
  venue: string,
): Result<BinanceWsApiResponse, ExchangeDataError> {
  const r = ResponseSchema.safeParse(raw)
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
    return err(new ExchangeDataError(venue, 'Invalid WebSocket API response', issues, raw))
  }
  const v = r.data
  if (v.error === undefined && v.status >= 200 && v.status < 300 && !('result' in v)) {
    return err(new ExchangeDataError(venue, 'Invalid WebSocket API response', ['result: missing'], raw))
  }
  if (v.error === undefined && (v.status < 200 || v.status >= 300)) {
    return err(
      new ExchangeDataError(
        venue,
        'Invalid WebSocket API response',
        ['error: missing for a failure status'],
        raw,
      ),
    )
  }
  return ok({ ...v, rateLimits: v.rateLimits ?? [] })
}
