import { err, type Order, type Result } from '../../core/index.js'
import { ExchangeDataError, type TradekitError, ValidationError } from '../../errors/index.js'
import { decodeUsdmOrder } from './decodeRest.js'
import { mapBinanceError } from './errors.js'
import { BINANCE_VENUE } from './types.js'
import { BATCH_ORDER_COST } from './usdmOrderParams.js'

/** A refusal of one order of a batch: `{ "code": -2019, "msg": "Margin is insufficient." }`. */
function refusalOf(entry: unknown): { code: number; msg: string } | undefined {
  if (typeof entry !== 'object' || entry === null || 'orderId' in entry) return undefined
  const { code, msg } = entry as { code?: unknown; msg?: unknown }
  return typeof code === 'number' && typeof msg === 'string' ? { code, msg } : undefined
}

/**
 * Splits the answer of a USD-M batch request (`POST`, `PUT` or `DELETE /fapi/v1/batchOrders`) into one result per
 * order sent (`sent`: their client order ids, in the order sent): the venue's order, or that order's own refusal as
 * a typed error (as the single-order endpoint's would be). An entry that cannot be read, an order entry for another
 * client id, or an answer with more or fewer entries than orders sent (then every entry) is an `ExchangeDataError`:
 * the venue may have acted on that order. Pure; never throws.
 *
 * @example
 * ```ts
 * // [{ "orderId": 1, "clientOrderId": "a", "status": "NEW", ... }, { "code": -2019, "msg": "Margin is insufficient." }]
 * const [a, b] = decodeUsdmBatch(await res.json(), ['a', 'b'], 'POST /fapi/v1/batchOrders', Date.now())
 * if (b !== undefined && !b.ok) console.log(b.error.code) // 'INSUFFICIENT_FUNDS'
 * ```
 */
export function decodeUsdmBatch(
  raw: unknown,
  sent: readonly string[],
  request: string,
  now: number,
): Array<Result<Order, TradekitError>> {
  const venue = BINANCE_VENUE.usdm
  const invalid = (issue: string) =>
    err(new ExchangeDataError(venue, 'Invalid USD-M batch answer', [issue], raw))
  if (!Array.isArray(raw)) return sent.map(() => invalid('expected a list'))
  if (raw.length !== sent.length)
    return sent.map(() => invalid(`${raw.length} entries for ${sent.length} orders sent`))
  return sent.map((cid, i): Result<Order, TradekitError> => {
    const entry: unknown = raw[i]
    const refusal = refusalOf(entry)
    if (refusal !== undefined)
      return err(mapBinanceError({ venue, status: 200, ...refusal, request, nowMs: now }))
    const order = decodeUsdmOrder(entry, now)
    if (order.ok && order.value.clientOrderId !== cid)
      return invalid(`${i}.clientOrderId: "${order.value.clientOrderId}" answers "${cid}"`)
    return order
  })
}

/**
 * The positions of client order ids that repeat an earlier one in the same batch, each with its `ValidationError`:
 * the venue handles a batch's orders concurrently, so which of two orders with one id it would keep is undefined.
 */
export function repeatedIds(ids: readonly string[]): Map<number, ValidationError> {
  const seen = new Set<string>()
  const out = new Map<number, ValidationError>()
  for (const [i, id] of ids.entries()) {
    if (seen.has(id))
      out.set(
        i,
        new ValidationError(`Client order id "${id}" appears twice in one batch`, { field: 'clientOrderId' }),
      )
    seen.add(id)
  }
  return out
}

/**
 * How a USD-M batch cancel travels: the orders cancelled alone (`isAlone`: algo orders, on their own endpoint), and
 * the others grouped by symbol (in upper case) in requests of at most `limit` ids, as positions in `orders`.
 */
export function cancelRequests(
  orders: ReadonlyArray<{ readonly symbol: string; readonly clientOrderId: string }>,
  isAlone: (clientOrderId: string) => boolean,
  limit: number,
): { alone: number[]; requests: Array<{ symbol: string; indices: number[] }> } {
  const alone: number[] = []
  const bySymbol = new Map<string, number[]>()
  for (const [i, o] of orders.entries()) {
    if (isAlone(o.clientOrderId)) alone.push(i)
    else {
      const s = o.symbol.toUpperCase()
      bySymbol.set(s, [...(bySymbol.get(s) ?? []), i])
    }
  }
  const requests = [...bySymbol].flatMap(([symbol, all]) =>
    Array.from({ length: Math.ceil(all.length / limit) }, (_, k) => ({
      symbol,
      indices: all.slice(k * limit, (k + 1) * limit),
    })),
  )
  return { alone, requests }
}

/**
 * Whether `n` orders spend less of USD-M's order-rate budget in one batch than one by one: a batch counts 5 in the
 * 10-second window and 1 in the minute's, `n` single orders `n` in each; each window refills at its limit over its
 * length, and the slower one binds. `windows`: the rate limiter's (Binance's default 300 a 10 s and 1200 a minute
 * when absent: a batch pays from 4 orders on).
 *
 * @example
 * ```ts
 * worthBatching(3, []) // false
 * worthBatching(4, usdm.rest.limiter.snapshot().windows) // true with the default limits
 * ```
 */
export function worthBatching(
  n: number,
  windows: ReadonlyArray<{ readonly id: string; readonly limit: number }>,
): boolean {
  const limit = (id: string, fallback: number) => windows.find((w) => w.id === id)?.limit ?? fallback
  const per10s = limit('ORDERS_10S', 300) / 10
  const perMinute = limit('ORDERS_1M', 1200) / 60
  const spent = (in10s: number, inMinute: number) => Math.max(in10s / per10s, inMinute / perMinute)
  return n > 1 && spent(BATCH_ORDER_COST.ORDERS_10S, BATCH_ORDER_COST.ORDERS_1M) < spent(n, n)
}
