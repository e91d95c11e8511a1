import { SimApiError } from '../engine.js'
import { accountTradeJson, futuresOrderJson, spotOrderJson, spotQueryJson } from '../json/orders.js'
import { orderParams } from '../orderParams.js'
import type { BinanceRequest, BinanceRoute, BinanceVenue } from './BinanceRoute.js'

function placeOrder(v: BinanceVenue, r: BinanceRequest): unknown {
  const acc = r.auth()
  const m = r.symbol()
  const params = orderParams(r.market, m, r.params)
  const test = r.key === 'POST /order/test'
  if (!test) v.countOrder()
  const { order, fills } = v.engine.placeOrder(r.market, acc, params, v.now(), test)
  v.publishBook(r.market, m)
  if (test) return {}
  return r.market === 'spot' ? spotOrderJson(order, m, 'FULL', fills) : futuresOrderJson(order, m)
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
  const o = v.engine.cancelOrder(r.market, acc, m.spec.symbol, orderId, cid, v.now())
  return r.market === 'spot'
    ? {
        ...spotOrderJson(o, m, 'RESULT', []),
        origClientOrderId: o.clientOrderId,
        clientOrderId: p.get('newClientOrderId') ?? `cancel-${o.orderId}`,
      }
    : futuresOrderJson(o, m)
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

/** Spot serves myTrades, USD-M userTrades: the account's fills of one symbol, optionally of one order. */
function accountTrades(v: BinanceVenue, r: BinanceRequest): unknown {
  if ((r.market === 'spot') !== (r.key === 'GET /myTrades')) throw new SimApiError(404, -1000, 'Not found.')
  const acc = r.auth()
  const m = r.symbol()
  const p = r.params
  const orderId = p.has('orderId') ? Number(p.get('orderId')) : undefined
  const limit = Math.min(Number(p.get('limit') ?? 500), 1000)
  return v.engine.accountTrades
    .filter(
      (t) =>
        t.order.market === r.market &&
        t.order.account === acc.apiKey &&
        t.order.symbol === m.spec.symbol &&
        (orderId === undefined || t.order.orderId === orderId),
    )
    .slice(-limit)
    .map((t) => accountTradeJson(r.market, t.order, t.fill, t.time))
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

/** Orders and fills of spot and USD-M: place, test, cancel, cancel all, query, open orders, account trades. */
export const orderRoutes: readonly BinanceRoute[] = [
  { method: 'POST', path: '/order', handler: placeOrder },
  { method: 'POST', path: '/order/test', handler: placeOrder },
  { method: 'DELETE', path: '/order', handler: cancelOrder },
  { method: 'DELETE', path: '/openOrders', handler: cancelAll },
  { method: 'DELETE', path: '/allOpenOrders', handler: cancelAll },
  { method: 'GET', path: '/order', handler: queryOrder },
  { method: 'GET', path: '/openOrders', handler: openOrders },
  { method: 'GET', path: '/myTrades', handler: accountTrades },
  { method: 'GET', path: '/userTrades', handler: accountTrades },
]
