import type { OrderRequest } from '../../core/index.js'
import { ValidationError } from '../../errors/index.js'
import type { PreparedOrder } from './instruments.js'

/** tradekit's conditional order types and the USD-M algo endpoint's names for them. */
export const ALGO_TYPES: Readonly<Record<string, string>> = {
  STOP_MARKET: 'STOP_MARKET',
  STOP_LIMIT: 'STOP',
  TAKE_PROFIT_MARKET: 'TAKE_PROFIT_MARKET',
  TAKE_PROFIT_LIMIT: 'TAKE_PROFIT',
  TRAILING_STOP_MARKET: 'TRAILING_STOP_MARKET',
}

/**
 * What `POST` and `PUT /fapi/v1/batchOrders` spend: weight 5, and 5 orders in the 10-second window but 1 in the
 * minute.
 */
export const BATCH_ORDER_COST = { REQUEST_WEIGHT: 5, ORDERS_10S: 5, ORDERS_1M: 1 }

/** The parameters of a LIMIT or MARKET order, as `POST /fapi/v1/order` and each entry of `batchOrders` take them. */
export function orderParams(req: OrderRequest, prepared: PreparedOrder): Record<string, string | number> {
  if (req.type !== 'LIMIT' && req.type !== 'MARKET') {
    throw new ValidationError(`Order type "${req.type}" is not supported on Binance USD-M`, { field: 'type' })
  }
  return {
    symbol: req.symbol.toUpperCase(),
    side: req.side,
    type: req.type,
    quantity: prepared.quantity,
    ...(prepared.price !== undefined ? { price: prepared.price, timeInForce: tif(req) } : {}),
    ...(req.timeInForce === 'GTD' && req.expireAt !== undefined ? { goodTillDate: req.expireAt } : {}),
    ...(req.reduceOnly ? { reduceOnly: 'true' } : {}),
    newClientOrderId: req.clientOrderId,
    newOrderRespType: 'RESULT',
  }
}

/** Binance USD-M's `timeInForce` for an order: post-only is `GTX`, the default `GTC`. */
export function tif(req: OrderRequest): string {
  if (req.timeInForce === 'POST_ONLY') return 'GTX'
  return req.timeInForce ?? 'GTC'
}
