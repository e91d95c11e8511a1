import { err, type Order, type Result } from '../../core/index.js'
import { ExchangeDataError, type TradekitError } from '../../errors/index.js'
import { decodeUsdmOrder } from './decodeRest.js'
import { mapBinanceError } from './errors.js'
import { BINANCE_VENUE } from './types.js'

/** A refusal of one order of a batch: `{ "code": -2019, "msg": "Margin is insufficient." }`. */
function refusalOf(entry: unknown): { code: number; msg: string } | undefined {
  if (typeof entry !== 'object' || entry === null || 'orderId' in entry) return undefined
  const { code, msg } = entry as { code?: unknown; msg?: unknown }
  return typeof code === 'number' && typeof msg === 'string' ? { code, msg } : undefined
}

/**
 * Splits the answer of a USD-M batch request (`POST` / `DELETE /fapi/v1/batchOrders`) into one result per order
 * sent, in the order sent: the venue's order, or that order's own refusal as a typed error (as the single-order
 * endpoint's would be). An entry that cannot be read, or is missing, is an `ExchangeDataError`: the venue may
 * have acted on that order. Pure; never throws.
 *
 * @example
 * ```ts
 * // [{ "orderId": 1, "clientOrderId": "a", "status": "NEW", ... }, { "code": -2019, "msg": "Margin is insufficient." }]
 * const [a, b] = decodeUsdmBatch(await res.json(), 2, 'POST /fapi/v1/batchOrders', Date.now())
 * if (b !== undefined && !b.ok) console.log(b.error.code) // 'INSUFFICIENT_FUNDS'
 * ```
 */
export function decodeUsdmBatch(
  raw: unknown,
  sent: number,
  request: string,
  now: number,
): Array<Result<Order, TradekitError>> {
  const venue = BINANCE_VENUE.usdm
  const entries: readonly unknown[] = Array.isArray(raw) ? raw : []
  return Array.from({ length: sent }, (_, i): Result<Order, TradekitError> => {
    if (!Array.isArray(raw))
      return err(new ExchangeDataError(venue, 'Invalid USD-M batch answer', ['expected a list'], raw))
    if (i >= entries.length)
      return err(new ExchangeDataError(venue, 'Invalid USD-M batch answer', [`${i}: missing`], raw))
    const entry = entries[i]
    const refusal = refusalOf(entry)
    if (refusal !== undefined)
      return err(mapBinanceError({ venue, status: 200, ...refusal, request, nowMs: now }))
    return decodeUsdmOrder(entry, now)
  })
}
