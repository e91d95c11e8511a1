import { Decimal } from '../../decimal/index.js'
import {
  isOpen,
  type SimAccount,
  SimApiError,
  type SimEngine,
  type SimMarket,
  type SimOrder,
} from './engine.js'
import { futuresOrderJson, type SpotResponseType, spotOrderJson } from './json/orders.js'
import type { SimSymbolMarket } from './market.js'
import { missingParam, orderParams } from './orderParams.js'

/** What placing and amending orders needs of the simulator (REST routes and the WebSocket APIs alike). */
export interface SimOrderDesk {
  readonly engine: SimEngine
  /** Server time including skew. */
  now(): number
  /** Publishes a symbol's book changes after a match. */
  publishBook(market: SimMarket, m: SimSymbolMarket): void
  /** Counts a placed order in the order-rate windows. */
  countOrder(): void
}

/**
 * Places an order from request parameters (checked, then counted unless `counted` is false: a batch counts itself)
 * and answers in the market's layout: spot as `newOrderRespType` asks (`ACK`, `RESULT` or `FULL`; by default `FULL`
 * for MARKET and LIMIT orders, `ACK` for the others, as binance-spot-api-docs rest-api.md documents), USD-M the futures
 * order. A `test` order (`POST /api/v3/order/test`) is checked but not placed nor counted, and answers `{}`.
 *
 * @example
 * ```ts
 * const json = placeFromParams(desk, 'spot', account, market, new URLSearchParams({ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.01' }))
 * ```
 */
export function placeFromParams(
  d: SimOrderDesk,
  market: SimMarket,
  acc: SimAccount,
  m: SimSymbolMarket,
  p: URLSearchParams,
  { test = false, counted = true }: { test?: boolean; counted?: boolean } = {},
): unknown {
  const params = orderParams(market, m, p)
  const resp = market === 'spot' ? spotResponseType(p, params.type) : undefined
  if (counted && !test) d.countOrder()
  const { order, fills } = d.engine.placeOrder(market, acc, params, d.now(), test)
  d.publishBook(market, m)
  if (test) return {}
  return resp === undefined ? futuresOrderJson(order, m) : spotOrderJson(order, m, resp, fills)
}

const RESPONSE_TYPES: readonly string[] = ['ACK', 'RESULT', 'FULL']

/** A spot order's `newOrderRespType`: as sent (`-1100` when not one of the three), else by order type. */
function spotResponseType(p: URLSearchParams, type: string): SpotResponseType {
  const v = p.get('newOrderRespType')
  if (v === null) return type === 'MARKET' || type === 'LIMIT' ? 'FULL' : 'ACK'
  if (!RESPONSE_TYPES.includes(v))
    throw new SimApiError(
      400,
      -1100,
      "Illegal characters found in parameter 'newOrderRespType'; legal range is 'ACK, RESULT, FULL'.",
    )
  return v as SpotResponseType
}

/**
 * Spot cancel-replace (`order.cancelReplace`, `POST /api/v3/order/cancelReplace`): cancels
 * `cancelOrigClientOrderId` / `cancelOrderId`, then places the new order (not after a failed cancel with
 * `STOP_ON_FAILURE`). Failures answer as Binance documents them (binance/binance-spot-api-docs, web-socket-api.md
 * and rest-api.md, "Cancel and replace order"): both legs failed or not attempted → 400 `-2022` "Order
 * cancel-replace failed."; one leg failed → 409 `-2021` "Order cancel-replace partially failed."; each with `data`
 * `{ cancelResult, newOrderResult, cancelResponse, newOrderResponse }`, a failed leg as its `{ code, msg }`.
 *
 * @example
 * ```ts
 * const json = cancelReplaceFromParams(desk, account, market, params) // { cancelResult, newOrderResult, ... }
 * ```
 */
export function cancelReplaceFromParams(
  d: SimOrderDesk,
  acc: SimAccount,
  m: SimSymbolMarket,
  p: URLSearchParams,
): unknown {
  const mode = p.get('cancelReplaceMode')
  if (mode !== 'STOP_ON_FAILURE' && mode !== 'ALLOW_FAILURE') throw missingParam('cancelReplaceMode')
  const { orderId, cid } = orderTarget(p, 'cancelOrderId', 'cancelOrigClientOrderId')
  let cancelResponse: unknown
  let cancelled = false
  try {
    const o = d.engine.cancelOrder('spot', acc, m.spec.symbol, orderId, cid, d.now())
    cancelResponse = { ...spotOrderJson(o, m, 'RESULT', []), origClientOrderId: o.clientOrderId }
    cancelled = true
  } catch (e) {
    if (!(e instanceof SimApiError)) throw e
    cancelResponse = e.body
  }
  if (!cancelled && mode === 'STOP_ON_FAILURE') {
    throw new SimApiError(400, -2022, 'Order cancel-replace failed.', {
      cancelResult: 'FAILURE',
      newOrderResult: 'NOT_ATTEMPTED',
      cancelResponse,
      newOrderResponse: null,
    })
  }
  let newOrderResponse: unknown
  let placed = false
  try {
    newOrderResponse = placeFromParams(d, 'spot', acc, m, p)
    placed = true
  } catch (e) {
    if (!(e instanceof SimApiError)) throw e
    newOrderResponse = e.body
  }
  const result = {
    cancelResult: cancelled ? 'SUCCESS' : 'FAILURE',
    newOrderResult: placed ? 'SUCCESS' : 'FAILURE',
    cancelResponse,
    newOrderResponse,
  }
  if (cancelled && placed) return result
  if (cancelled || placed) throw new SimApiError(409, -2021, 'Order cancel-replace partially failed.', result)
  throw new SimApiError(400, -2022, 'Order cancel-replace failed.', result)
}

/**
 * USD-M modify (`order.modify`, `PUT /fapi/v1/order`): amends an open LIMIT order's price and quantity in place
 * (same ids, `AMENDMENT` update); `-2013` for an unknown or closed order. A GTX order moved to a price that would
 * take is cancelled, as is one amended to at most its filled quantity.
 *
 * @example
 * ```ts
 * const json = modifyFromParams(desk, account, market, params) // the futures order after the amendment
 * ```
 */
export function modifyFromParams(
  d: SimOrderDesk,
  acc: SimAccount,
  m: SimSymbolMarket,
  p: URLSearchParams,
): unknown {
  const { orderId, cid } = orderTarget(p, 'orderId', 'origClientOrderId')
  const o = d.engine.findOrder('usdm', acc.apiKey, m.spec.symbol, orderId, cid)
  if (o === undefined || !isOpen(o)) throw new SimApiError(400, -2013, 'Order does not exist.')
  return futuresOrderJson(modify(d.engine, o, m, p, d.now()), m)
}

/** The order an `orderId` / client-id parameter pair names; `-1102` when neither was sent. */
export function orderTarget(
  p: URLSearchParams,
  idKey: string,
  cidKey: string,
): { orderId: number | undefined; cid: string | undefined } {
  const orderId = p.has(idKey) ? Number(p.get(idKey)) : undefined
  const cid = p.get(cidKey) ?? undefined
  if (orderId === undefined && cid === undefined)
    throw new SimApiError(
      400,
      -1102,
      `Param '${cidKey}' or '${idKey}' must be sent, but both were empty/null!`,
    )
  return { orderId, cid }
}

/** Amends a resting USD-M LIMIT order in place (same ids), as `order.modify` / `PUT /fapi/v1/order` do. */
function modify(
  engine: SimEngine,
  o: SimOrder,
  m: SimSymbolMarket,
  p: URLSearchParams,
  now: number,
): SimOrder {
  if (o.type !== 'LIMIT') throw new SimApiError(400, -1116, 'Invalid orderType.')
  const side = p.get('side')
  if (side !== o.side) throw new SimApiError(400, -1117, 'Invalid side.')
  const qtyText = p.get('quantity')
  const priceText = p.get('price')
  if (qtyText === null) throw missingParam('quantity')
  if (priceText === null) throw missingParam('price')
  // Re-validates price and quantity against the filters as a new order would (-1013, -1111, -4164…).
  const checked = orderParams(
    'usdm',
    m,
    new URLSearchParams({
      symbol: o.symbol,
      side,
      type: 'LIMIT',
      timeInForce: o.timeInForce,
      quantity: qtyText,
      price: priceText,
      newClientOrderId: o.clientOrderId,
      ...(o.reduceOnly ? { reduceOnly: 'true' } : {}),
    }),
  )
  const qty = checked.quantity as Decimal
  const price = checked.price as Decimal
  if (qty.eq(o.origQty) && price.eq(o.price ?? new Decimal(0)))
    throw new SimApiError(400, -5027, 'No need to modify the order.')
  const i = engine.orders.indexOf(o)
  const acc = engine.accounts.get(o.account) as SimAccount
  // "The order will be cancelled when ... the original order is GTX and the new price would make it execute at
  // once" (developers.binance.com, derivatives "Modify Order (TRADE)").
  const pt = m.toTicks(price.toString())
  const [bid, ask] = [m.bestBid(), m.bestAsk()]
  const crosses = o.side === 'BUY' ? ask !== undefined && ask <= pt : bid !== undefined && bid >= pt
  if (o.timeInForce === 'GTX' && crosses)
    return engine.cancelOrder('usdm', acc, o.symbol, o.orderId, undefined, now)
  if (qty.lte(o.executedQty)) {
    // Binance cancels an order amended to at most its filled quantity.
    return engine.cancelOrder('usdm', acc, o.symbol, o.orderId, undefined, now)
  }
  const next: SimOrder = { ...o, price, origQty: qty, updateTime: now }
  engine.orders[i] = next
  engine.sink.orderUpdate(next, 'AMENDMENT', undefined, now)
  return next
}
