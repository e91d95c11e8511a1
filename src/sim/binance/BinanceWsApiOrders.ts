import {
  cancelReplaceFromParams,
  modifyFromParams,
  orderTarget,
  placeFromParams,
  type SimOrderDesk,
} from './amendOrders.js'
import type { BinanceAuth } from './BinanceAuth.js'
import { type SimAccount, SimApiError, type SimMarket, type SimOrder } from './engine.js'
import { futuresOrderJson, spotOrderJson, spotQueryJson } from './json/orders.js'
import type { SimSymbolMarket } from './market.js'
import { missingParam } from './orderParams.js'

/** A WebSocket API connection as the order methods see it. */
export interface WsApiOrderConn {
  /** `spot` on `/ws-api/v3`, `usdm` on `/ws-fapi/v1`. */
  readonly market: SimMarket
  /** API key of an Ed25519 `session.logon`, if any. */
  readonly logonKey?: string
}

/** What the WebSocket API order methods need of the simulator. */
export interface WsApiOrderDeps extends SimOrderDesk {
  readonly auth: BinanceAuth
  /** Spends request weight; true when the minute's limit is exceeded (answered 429, -1003). */
  spendWeight(weight: number): boolean
}

/** One WebSocket API method: the connection and the request's params in, the response's `result` out. */
export type WsApiOrderMethod = (c: WsApiOrderConn, params: Record<string, unknown>) => unknown

const OUTSIDE_WINDOW = 'Timestamp for this request is outside of the recvWindow.'

/**
 * The order methods of the simulated WebSocket APIs, on the same matching engine, user-stream events and order
 * counts as REST: `order.place`, `order.cancel`, `order.status` on both markets, `order.cancelReplace` (spot,
 * `STOP_ON_FAILURE`) and `order.modify` (USD-M, LIMIT orders, in place). Layouts follow Binance's spot WebSocket
 * API (developers.binance.com/docs/binance-spot-api-docs/web-socket-api/trading-requests) and USD-M WebSocket API
 * (developers.binance.com/docs/derivatives/usds-margined-futures/trade/websocket-api) pages; a signed request
 * carries `apiKey` + `signature`, or nothing but `timestamp` after an Ed25519 `session.logon`.
 *
 * @example
 * ```ts
 * const methods = wsApiOrderMethods({ engine, auth, now, publishBook, countOrder, spendWeight })
 * const result = methods['order.place']?.({ market: 'spot' }, signedParams)
 * ```
 */
export function wsApiOrderMethods(deps: WsApiOrderDeps): Readonly<Record<string, WsApiOrderMethod>> {
  const x = new OrderRequests(deps)
  return {
    'order.place': (c, params) => {
      const { acc, p, m } = x.open(c, params, 1)
      return placeFromParams(deps, c.market, acc, m, p)
    },
    'order.cancel': (c, params) => {
      const { acc, p, m } = x.open(c, params, 1)
      const o = x.cancel(c, acc, m, p, 'orderId', 'origClientOrderId')
      if (c.market === 'usdm') return futuresOrderJson(o, m)
      return {
        ...spotOrderJson(o, m, 'RESULT', []),
        origClientOrderId: o.clientOrderId,
        clientOrderId: p.get('newClientOrderId') ?? `cancel-${o.orderId}`,
      }
    },
    'order.status': (c, params) => {
      const { acc, p, m } = x.open(c, params, c.market === 'spot' ? 4 : 1)
      const { orderId, cid } = orderTarget(p, 'orderId', 'origClientOrderId')
      const o = deps.engine.findOrder(c.market, acc.apiKey, m.spec.symbol, orderId, cid)
      if (o === undefined) throw new SimApiError(400, -2013, 'Order does not exist.')
      return c.market === 'spot' ? spotQueryJson(o, m) : futuresOrderJson(o, m)
    },
    'order.cancelReplace': (c, params) => {
      if (c.market !== 'spot') throw new SimApiError(400, -1000, 'Unknown method "order.cancelReplace"')
      const { acc, p, m } = x.open(c, params, 1)
      return cancelReplaceFromParams(deps, acc, m, p)
    },
    'order.modify': (c, params) => {
      if (c.market !== 'usdm') throw new SimApiError(400, -1000, 'Unknown method "order.modify"')
      const { acc, p, m } = x.open(c, params, 1)
      deps.countOrder()
      return modifyFromParams(deps, acc, m, p)
    },
  }
}

/** The steps the order methods share: weight, authentication, symbol, placement and cancel. */
class OrderRequests {
  readonly #deps: WsApiOrderDeps

  constructor(deps: WsApiOrderDeps) {
    this.#deps = deps
  }

  /** Spends `weight`, authenticates the request and resolves its symbol. */
  open(
    c: WsApiOrderConn,
    params: Record<string, unknown>,
    weight: number,
  ): { acc: SimAccount; p: URLSearchParams; m: SimSymbolMarket } {
    if (this.#deps.spendWeight(weight))
      throw new SimApiError(429, -1003, 'Too much request weight used; current limit is exceeded.')
    let apiKey: string
    if (c.logonKey !== undefined && params.signature === undefined) {
      const ts = Number(params.timestamp)
      const recvWindow = params.recvWindow !== undefined ? Number(params.recvWindow) : 5000
      const now = this.#deps.now()
      if (!Number.isFinite(ts) || ts > now + 1000 || now - ts > recvWindow)
        throw new SimApiError(400, -1021, OUTSIDE_WINDOW)
      apiKey = c.logonKey
    } else {
      apiKey = this.#deps.auth.wsApi(params).apiKey
    }
    const p = new URLSearchParams()
    for (const [k, v] of Object.entries(params)) {
      if (k !== 'apiKey' && k !== 'signature' && v !== undefined && v !== null) p.set(k, String(v))
    }
    const s = p.get('symbol')
    if (s === null || s === '') throw missingParam('symbol')
    const m = this.#deps.engine.market(c.market, s)
    return { acc: this.#deps.engine.accounts.get(apiKey) as SimAccount, p, m }
  }

  cancel(
    c: WsApiOrderConn,
    acc: SimAccount,
    m: SimSymbolMarket,
    p: URLSearchParams,
    idKey: string,
    cidKey: string,
  ): SimOrder {
    const { orderId, cid } = orderTarget(p, idKey, cidKey)
    return this.#deps.engine.cancelOrder(c.market, acc, m.spec.symbol, orderId, cid, this.#deps.now())
  }
}
