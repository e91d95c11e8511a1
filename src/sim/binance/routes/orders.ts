import { modifyFromParams, placeFromParams } from '../amendOrders.js'
import { batchCancelTargets, batchOrderParams } from '../batchParams.js'
import { type SimAccount, SimApiError } from '../engine.js'
import {
  accountTradeJson,
  batchItemJson,
  futuresOrderJson,
  spotOrderJson,
  spotQueryJson,
} from '../json/orders.js'
import type { SimSymbolMarket } from '../market.js'
import { missingParam } from '../orderParams.js'
import type { BinanceRequest, BinanceRouteSpec, BinanceVenue } from './BinanceRoute.js'
import { FAPI1, SPOT, SPOT_FAPI1 } from './prefixes.js'

function placeOrder(v: BinanceVenue, r: BinanceRequest): unknown {
  return placeFromParams(v, r.market, r.auth(), r.symbol(), r.params, {
    test: r.key === 'POST /order/test',
  })
}

/**
 * USD-M `POST /fapi/v1/batchOrders`: up to 5 orders, each checked and placed as `POST /fapi/v1/order` would (symbol
 * per order, so one batch may span symbols), answered in list order, a refused order as its own `{ code, msg }`.
 * The request counts 5 in the 10 s order window and 1 in the 1 min window (IP weight 5):
 * developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Place-Multiple-Orders.
 */
function placeBatch(v: BinanceVenue, r: BinanceRequest): unknown {
  const acc = r.auth()
  const items = batchOrderParams(r.params)
  v.countOrder(5, 1)
  return items.map((p) =>
    batchItemJson(() => placeFromParams(v, r.market, acc, itemMarket(v, r, p), p, { counted: false })),
  )
}

/**
 * USD-M `PUT /fapi/v1/batchOrders`: up to 5 amendments, each made as `PUT /fapi/v1/order` makes it (symbol per order),
 * answered in list order, a refused one as its own `{ code, msg }`; 5 on the 10 s order count and 1 on the minute's
 * (IP weight 5): developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Modify-Multiple-Orders.
 */
function modifyBatch(v: BinanceVenue, r: BinanceRequest): unknown {
  const acc = r.auth()
  const items = batchOrderParams(r.params)
  v.countOrder(5, 1)
  return items.map((p) => batchItemJson(() => modifyFromParams(v, acc, itemMarket(v, r, p), p)))
}

/** The market of one order of a batch, by its own `symbol` (`-1102` when missing, `-1121` when unknown). */
function itemMarket(v: BinanceVenue, r: BinanceRequest, p: URLSearchParams): SimSymbolMarket {
  const s = p.get('symbol')
  if (s === null || s === '') throw missingParam('symbol')
  return v.engine.market(r.market, s)
}

function cancelOrder(v: BinanceVenue, r: BinanceRequest): unknown {
  const acc = r.auth()
  const m = r.symbol()
  const p = r.params
  const orderId = p.has('orderId') ? Number(p.get('orderId')) : undefined
  const cid = p.get('origClientOrderId') ?? undefined
  if (orderId === undefined && cid === undefined)
    throw new SimApiError(
      400,
      -1102,
      "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!",
    )
  return cancel(v, r, acc, m, orderId, cid)
}

/** Cancels one open order of the symbol and answers in the market's layout (`-2011` when unknown or final). */
function cancel(
  v: BinanceVenue,
  r: BinanceRequest,
  acc: SimAccount,
  m: SimSymbolMarket,
  orderId: number | undefined,
  cid: string | undefined,
): unknown {
  const o = v.engine.cancelOrder(r.market, acc, m.spec.symbol, orderId, cid, v.now())
  return r.market === 'spot'
    ? {
        ...spotOrderJson(o, m, 'RESULT', []),
        origClientOrderId: o.clientOrderId,
        clientOrderId: r.params.get('newClientOrderId') ?? `cancel-${o.orderId}`,
      }
    : futuresOrderJson(o, m)
}

/**
 * USD-M `DELETE /fapi/v1/batchOrders`: cancels up to 10 orders of `symbol` as `DELETE /fapi/v1/order` would, by
 * `orderIdList` or `origClientOrderIdList`, answered in list order, an unknown order as `{ code: -2011, ... }` (weight 1):
 * developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Cancel-Multiple-Orders.
 */
function cancelBatch(v: BinanceVenue, r: BinanceRequest): unknown {
  const acc = r.auth()
  const m = r.symbol()
  return batchCancelTargets(r.params).map((t) =>
    batchItemJson(() => cancel(v, r, acc, m, t.orderId, t.clientOrderId)),
  )
}

function cancelAll(v: BinanceVenue, r: BinanceRequest): unknown {
  const acc = r.auth()
  const m = r.symbol()
  const open = v.engine.openOrders(r.market, acc, m.spec.symbol)
  const out = open.map((o) =>
    v.engine.cancelOrder(r.market, acc, m.spec.symbol, o.orderId, undefined, v.now()),
  )
  if (r.market === 'usdm') return { code: 200, msg: 'The operation of cancel all open order is done.' }
  if (out.length === 0) throw new SimApiError(400, -2011, 'Unknown order sent.')
  return out.map((o) => ({ ...spotOrderJson(o, m, 'RESULT', []), origClientOrderId: o.clientOrderId }))
}

function queryOrder(v: BinanceVenue, r: BinanceRequest): unknown {
  const acc = r.auth()
  const m = r.symbol()
  const p = r.params
  const orderId = p.has('orderId') ? Number(p.get('orderId')) : undefined
  const cid = p.get('origClientOrderId') ?? undefined
  const o = v.engine.findOrder(r.market, acc.apiKey, m.spec.symbol, orderId, cid)
  if (o === undefined) throw new SimApiError(400, -2013, 'Order does not exist.')
  return r.market === 'spot' ? spotQueryJson(o, m) : futuresOrderJson(o, m)
}

const HOUR_MS = 3_600_000
/** The longest `startTime`..`endTime` span of an account-trades query: spot 24 hours, USD-M 7 days. */
const TRADES_SPAN_HOURS = { spot: 24, usdm: 7 * 24 } as const

/**
 * Spot serves myTrades, USD-M userTrades: the account's fills of one symbol, optionally of one order, oldest first: the
 * most recent `limit` (default 500, max 1000), with `fromId` the first `limit` whose trade id is at or above it, with
 * `startTime` the first `limit` executed at or after it (to `endTime`), with `endTime` alone the last before it.
 * `fromId` is refused with a time, and spot refuses a time with `orderId`; a span is at most 24 hours (spot) or 7 days
 * (USD-M, which answers the last 7 days when no time is sent, by order id too).
 * Spot: https://developers.binance.com/docs/binance-spot-api-docs/rest-api/account-endpoints#account-trade-list-user_data
 * USD-M: https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Account-Trade-List
 */
function accountTrades(v: BinanceVenue, r: BinanceRequest): unknown {
  const acc = r.auth()
  const m = r.symbol()
  const p = r.params
  const num = (k: string) => (p.has(k) ? Number(p.get(k)) : undefined)
  const orderId = num('orderId')
  const fromId = num('fromId')
  const limit = Math.min(num('limit') ?? 500, 1000)
  let start = num('startTime')
  let end = num('endTime')
  const timed = start !== undefined || end !== undefined
  if (timed && (fromId !== undefined || (r.market === 'spot' && orderId !== undefined)))
    throw new SimApiError(400, -1128, 'Combination of optional parameters invalid.')
  const span = TRADES_SPAN_HOURS[r.market] * HOUR_MS
  if (start !== undefined && end !== undefined && end - start > span)
    throw new SimApiError(
      400,
      -1127,
      `More than ${TRADES_SPAN_HOURS[r.market]} hours between startTime and endTime.`,
    )
  if (r.market === 'usdm') {
    if (!timed) start = v.now() - span
    else if (start === undefined) start = (end as number) - span
    end ??= (start as number) + span
  }
  const rows = v.engine.accountTrades.filter(
    (t) =>
      t.order.market === r.market &&
      t.order.account === acc.apiKey &&
      t.order.symbol === m.spec.symbol &&
      (orderId === undefined || t.order.orderId === orderId) &&
      (fromId === undefined || t.fill.tradeId >= fromId) &&
      (start === undefined || t.time >= start) &&
      (end === undefined || t.time <= end),
  )
  const first = fromId !== undefined || num('startTime') !== undefined
  return (first ? rows.slice(0, limit) : rows.slice(-limit)).map((t) =>
    accountTradeJson(r.market, t.order, t.fill, t.time),
  )
}

function openOrders(v: BinanceVenue, r: BinanceRequest): unknown {
  const acc = r.auth()
  const symbol = r.params.get('symbol')
  if (symbol !== null) v.engine.market(r.market, symbol)
  return v.engine.openOrders(r.market, acc, symbol ?? undefined).map((o) => {
    const m = v.engine.market(r.market, o.symbol)
    return r.market === 'spot' ? spotQueryJson(o, m) : futuresOrderJson(o, m)
  })
}

/**
 * Every order of one symbol (open, filled, canceled), oldest first, from `orderId` on, within `startTime` /
 * `endTime`, at most `limit` (default 500, max 1000).
 * Spot: https://developers.binance.com/docs/binance-spot-api-docs/rest-api/account-endpoints#all-orders-user_data
 * USD-M: https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/All-Orders
 */
function allOrders(v: BinanceVenue, r: BinanceRequest): unknown {
  const acc = r.auth()
  const m = r.symbol()
  const p = r.params
  const from = Number(p.get('orderId') ?? 0)
  const start = Number(p.get('startTime') ?? 0)
  const end = Number(p.get('endTime') ?? Number.MAX_SAFE_INTEGER)
  const limit = Math.min(Number(p.get('limit') ?? 500), 1000)
  return v.engine.orders
    .filter(
      (o) =>
        o.market === r.market &&
        o.account === acc.apiKey &&
        o.symbol === m.spec.symbol &&
        o.orderId >= from &&
        o.time >= start &&
        o.time <= end,
    )
    .sort((a, b) => a.orderId - b.orderId)
    .slice(0, limit)
    .map((o) => (r.market === 'spot' ? spotQueryJson(o, m) : futuresOrderJson(o, m)))
}

/**
 * Orders and fills of spot and USD-M: place, test, cancel, cancel all, query, open and all orders, trades; USD-M
 * batch place, amend and cancel (spot has no batch endpoint).
 */
export const orderRoutes: readonly BinanceRouteSpec[] = [
  { method: 'POST', path: '/order', at: SPOT_FAPI1, handler: placeOrder },
  { method: 'POST', path: '/order/test', at: SPOT_FAPI1, handler: placeOrder },
  { method: 'DELETE', path: '/order', at: SPOT_FAPI1, handler: cancelOrder },
  { method: 'POST', path: '/batchOrders', at: FAPI1, handler: placeBatch },
  { method: 'PUT', path: '/batchOrders', at: FAPI1, handler: modifyBatch },
  { method: 'DELETE', path: '/batchOrders', at: FAPI1, handler: cancelBatch },
  { method: 'DELETE', path: '/openOrders', at: SPOT, handler: cancelAll },
  { method: 'DELETE', path: '/allOpenOrders', at: FAPI1, handler: cancelAll },
  { method: 'GET', path: '/order', at: SPOT_FAPI1, handler: queryOrder },
  { method: 'GET', path: '/openOrders', at: SPOT_FAPI1, handler: openOrders },
  { method: 'GET', path: '/allOrders', at: SPOT_FAPI1, handler: allOrders },
  { method: 'GET', path: '/myTrades', at: SPOT, handler: accountTrades },
  { method: 'GET', path: '/userTrades', at: FAPI1, handler: accountTrades },
]
