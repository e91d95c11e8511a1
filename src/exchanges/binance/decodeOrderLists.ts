import * as z from 'zod/mini'
import { err, type Order, ok, type Result } from '../../core/index.js'
import type { ExchangeDataError } from '../../errors/index.js'
import { algoOrderToOrder, futuresOrderToOrder, spotOrderToOrder } from './mapping.js'
import { parseWire, unmappableOrder } from './parseWire.js'
import { BINANCE_VENUE } from './types.js'
import { BinanceAlgoOrderSchema, BinanceFuturesOrderSchema, BinanceSpotOrderSchema } from './wire.js'

/** Maps every parsed entry; the first one that cannot describe an order refuses the whole list (never skipped). */
function mapAll<T>(
  rows: readonly T[],
  map: (row: T) => Order | undefined,
  venue: string,
  what: string,
  raw: unknown,
): Result<Order[], ExchangeDataError> {
  const out: Order[] = []
  for (const [i, row] of rows.entries()) {
    const o = map(row)
    if (o === undefined) return err(unmappableOrder(venue, what, raw, i))
    out.push(o)
  }
  return ok(out)
}

/**
 * Decodes a list of spot orders (`GET /api/v3/openOrders`, `GET /api/v3/allOrders`). An entry with an unknown status
 * or type refuses the whole list: an order tradekit cannot read is never dropped from a list of open orders. `now`
 * (epoch ms) stamps an order the response gives no time for. Pure; never throws.
 *
 * @example
 * ```ts
 * // [{ "symbol": "LTCBTC", "orderId": 1, "clientOrderId": "myOrder1", "price": "0.1", "origQty": "1.0",
 * //    "executedQty": "0.0", "cummulativeQuoteQty": "0.0", "status": "NEW", "timeInForce": "GTC",
 * //    "type": "LIMIT", "side": "BUY", "time": 1499827319559, "updateTime": 1499827319559 }]
 * const r = decodeSpotOrders(await res.json(), Date.now())
 * if (r.ok) console.log(r.value.map((o) => o.clientOrderId))
 * ```
 */
export function decodeSpotOrders(raw: unknown, now: number): Result<Order[], ExchangeDataError> {
  const venue = BINANCE_VENUE.spot
  const r = parseWire(z.array(BinanceSpotOrderSchema), raw, venue, 'spot orders')
  if (!r.ok) return r
  return mapAll(r.value, (o) => spotOrderToOrder(o, venue, now), venue, 'spot orders', raw)
}

/**
 * Decodes a list of USD-M orders (`GET /fapi/v1/openOrders`, `GET /fapi/v1/allOrders`); an entry with an unknown status
 * or type refuses the whole list. Pure; never throws.
 *
 * @example
 * ```ts
 * // [{ "symbol": "BTCUSDT", "orderId": 1917641, "clientOrderId": "abc", "price": "0", "avgPrice": "0.00000",
 * //    "origQty": "0.40", "executedQty": "0", "cumQuote": "0", "status": "NEW", "timeInForce": "GTC",
 * //    "type": "TRAILING_STOP_MARKET", "side": "BUY", "time": 1579276756075, "updateTime": 1579276756075 }]
 * const r = decodeUsdmOrders(await res.json(), Date.now())
 * ```
 */
export function decodeUsdmOrders(raw: unknown, now: number): Result<Order[], ExchangeDataError> {
  const venue = BINANCE_VENUE.usdm
  const r = parseWire(z.array(BinanceFuturesOrderSchema), raw, venue, 'USD-M orders')
  if (!r.ok) return r
  return mapAll(r.value, (o) => futuresOrderToOrder(o, venue, now), venue, 'USD-M orders', raw)
}

/**
 * Decodes a list of USD-M algo (conditional) orders (`GET /fapi/v1/openAlgoOrders`); venue order ids are
 * `algo:<algoId>`, and an entry with an unknown status or type refuses the whole list. Pure; never throws.
 *
 * @example
 * ```ts
 * // [{ "algoId": 2146760, "clientAlgoId": "6B2I9XVcJpCjqPAJ4YoFX7", "orderType": "TAKE_PROFIT",
 * //    "symbol": "BNBUSDT", "side": "SELL", "quantity": "0.01", "algoStatus": "NEW", "triggerPrice": "750.000",
 * //    "price": "750.000", "createTime": 1750485492076, "updateTime": 1750485492076 }]
 * const r = decodeAlgoOrders(await res.json(), Date.now())
 * ```
 */
export function decodeAlgoOrders(raw: unknown, now: number): Result<Order[], ExchangeDataError> {
  const venue = BINANCE_VENUE.usdm
  const r = parseWire(z.array(BinanceAlgoOrderSchema), raw, venue, 'algo orders')
  if (!r.ok) return r
  return mapAll(r.value, (a) => algoOrderToOrder(a, venue, now), venue, 'algo orders', raw)
}

/** An order list (OCO, OTO, OTOCO) in a `DELETE /api/v3/openOrders` response: its orders in `orderReports`. */
const OrderListReportSchema = z.object({
  orderListId: z.int(),
  contingencyType: z.string(),
  orderReports: z.array(z.unknown()),
})

/** What `DELETE /api/v3/openOrders` cancelled: the orders read, and one error per entry that could not be read. */
export interface BinanceSpotCancelAllResponse {
  /** Every cancelled order, the orders of cancelled order lists (OCO) included. */
  readonly orders: readonly Order[]
  /** One error per entry (or order report) that cannot be decoded; the caller reports them, never drops them. */
  readonly undecodable: readonly ExchangeDataError[]
}

/**
 * Decodes `DELETE /api/v3/openOrders` (cancel all open orders of a symbol): an array of cancelled orders and of
 * cancelled order lists (`{ orderListId, contingencyType: "OCO", orders, orderReports: [...] }`, whose
 * `orderReports` are the orders). An entry that cannot be decoded is returned in `undecodable`, not skipped; only a
 * body that is not an array is an error. Pure; never throws.
 *
 * @example
 * ```ts
 * // [{ "symbol": "BTCUSDT", "origClientOrderId": "E6APeyTJvkMvLMYMqu1KQ4", "orderId": 11, "orderListId": -1,
 * //    "clientOrderId": "pXLV6Hz6mprAcVYpVMTGgx", "price": "0.089853", "origQty": "0.178622", ...,
 * //    "status": "CANCELED" },
 * //  { "orderListId": 1929, "contingencyType": "OCO", "orders": [...], "orderReports": [{ ... }, { ... }] }]
 * const r = decodeSpotCancelAll(await res.json(), Date.now())
 * if (r.ok) for (const e of r.value.undecodable) events.emit('error', e)
 * ```
 */
export function decodeSpotCancelAll(
  raw: unknown,
  now: number,
): Result<BinanceSpotCancelAllResponse, ExchangeDataError> {
  const venue = BINANCE_VENUE.spot
  const what = 'cancel-all response entry'
  const list = parseWire(z.array(z.unknown()), raw, venue, 'cancel-all response')
  if (!list.ok) return list
  const orders: Order[] = []
  const undecodable: ExchangeDataError[] = []
  const one = (entry: unknown) => {
    const r = parseWire(BinanceSpotOrderSchema, entry, venue, what)
    if (!r.ok) return undecodable.push(r.error)
    const o = spotOrderToOrder(r.value, venue, now)
    if (o === undefined) return undecodable.push(unmappableOrder(venue, what, entry))
    return orders.push(o)
  }
  for (const entry of list.value) {
    const asList = OrderListReportSchema.safeParse(entry)
    if (asList.success) for (const report of asList.data.orderReports) one(report)
    else one(entry)
  }
  return ok({ orders, undecodable })
}

/**
 * Decodes the algo ids of `GET /fapi/v1/openAlgoOrders`, reading only `algoId`: what cancel-all needs, so that an
 * order tradekit cannot otherwise read (an unknown status) is still cancelled. Pure; never throws.
 *
 * @example
 * ```ts
 * const r = decodeAlgoIds([{ algoId: 2146760, clientAlgoId: 'x', algoStatus: 'NEW' }]) // ok: [2146760]
 * ```
 */
export function decodeAlgoIds(raw: unknown): Result<number[], ExchangeDataError> {
  const r = parseWire(
    z.array(z.object({ algoId: z.int().check(z.nonnegative()) })),
    raw,
    BINANCE_VENUE.usdm,
    'algo orders',
  )
  return r.ok ? ok(r.value.map((a) => a.algoId)) : r
}
