import { Decimal } from '../../../decimal/index.js'
import type { SimAlgoOrder, SimFill, SimMarket, SimOrder } from '../engine.js'
import type { SimSymbolMarket } from '../market.js'
import { SimApiError } from '../SimApiError.js'

/** One fill as `GET /api/v3/myTrades` (spot) or `GET /fapi/v1/userTrades` (USD-M) reports it. */
export function accountTradeJson(market: SimMarket, o: SimOrder, f: SimFill, time: number): unknown {
  const quoteQty = f.price.times(f.qty).toFixed()
  if (market === 'spot') {
    return {
      symbol: o.symbol,
      id: f.tradeId,
      orderId: o.orderId,
      orderListId: -1,
      price: f.price.toFixed(),
      qty: f.qty.toFixed(),
      quoteQty,
      commission: f.commission.toFixed(8),
      commissionAsset: f.commissionAsset,
      time,
      isBuyer: o.side === 'BUY',
      isMaker: f.isMaker,
      isBestMatch: true,
    }
  }
  return {
    buyer: o.side === 'BUY',
    commission: f.commission.toFixed(8),
    commissionAsset: f.commissionAsset,
    id: f.tradeId,
    maker: f.isMaker,
    orderId: o.orderId,
    price: f.price.toFixed(),
    qty: f.qty.toFixed(),
    quoteQty,
    realizedPnl: f.realizedPnl.toFixed(8),
    side: o.side,
    positionSide: 'BOTH',
    symbol: o.symbol,
    time,
  }
}

/** How much of a placed spot order its response carries (`newOrderRespType`). */
export type SpotResponseType = 'ACK' | 'RESULT' | 'FULL'

/** A spot order as `POST /api/v3/order` answers it: `ACK` (ids and time), `RESULT` (the order) or `FULL` (and its fills). */
export function spotOrderJson(
  o: SimOrder,
  m: SimSymbolMarket,
  resp: SpotResponseType,
  fills: readonly SimFill[],
): Record<string, unknown> {
  const ack = {
    symbol: o.symbol,
    orderId: o.orderId,
    orderListId: -1,
    clientOrderId: o.clientOrderId,
    transactTime: o.updateTime,
  }
  if (resp === 'ACK') return ack
  return {
    ...ack,
    price: (o.price ?? new Decimal(0)).toFixed(m.priceDp),
    origQty: o.origQty.toFixed(m.qtyDp),
    executedQty: o.executedQty.toFixed(m.qtyDp),
    origQuoteOrderQty: '0.00000000',
    cummulativeQuoteQty: o.cumQuote.toFixed(8),
    status: o.status,
    timeInForce: o.timeInForce,
    type: o.type,
    side: o.side,
    workingTime: o.time,
    selfTradePreventionMode: 'EXPIRE_MAKER',
    ...(resp === 'FULL'
      ? {
          fills: fills.map((f) => ({
            price: f.price.toFixed(m.priceDp),
            qty: f.qty.toFixed(m.qtyDp),
            commission: f.commission.toFixed(8),
            commissionAsset: f.commissionAsset,
            tradeId: f.tradeId,
          })),
        }
      : {}),
  }
}

/** A spot order as `GET /api/v3/order` and `openOrders` report it. */
export function spotQueryJson(o: SimOrder, m: SimSymbolMarket): Record<string, unknown> {
  return {
    symbol: o.symbol,
    orderId: o.orderId,
    orderListId: -1,
    clientOrderId: o.clientOrderId,
    price: (o.price ?? new Decimal(0)).toFixed(m.priceDp),
    origQty: o.origQty.toFixed(m.qtyDp),
    executedQty: o.executedQty.toFixed(m.qtyDp),
    cummulativeQuoteQty: o.cumQuote.toFixed(8),
    status: o.status,
    timeInForce: o.timeInForce,
    type: o.type,
    side: o.side,
    stopPrice: '0.00000000',
    icebergQty: '0.00000000',
    time: o.time,
    updateTime: o.updateTime,
    isWorking: true,
    workingTime: o.time,
    origQuoteOrderQty: '0.00000000',
    selfTradePreventionMode: 'EXPIRE_MAKER',
  }
}

/** A USD-M order as the `/fapi/v1/order` endpoints report it. */
export function futuresOrderJson(o: SimOrder, m: SimSymbolMarket): Record<string, unknown> {
  const avg = o.executedQty.isZero() ? new Decimal(0) : o.cumQuote.div(o.executedQty)
  return {
    clientOrderId: o.clientOrderId,
    cumQty: o.executedQty.toFixed(m.qtyDp),
    cumQuote: o.cumQuote.toFixed(8),
    executedQty: o.executedQty.toFixed(m.qtyDp),
    orderId: o.orderId,
    avgPrice: avg.toFixed(8),
    origQty: o.origQty.toFixed(m.qtyDp),
    price: (o.price ?? new Decimal(0)).toFixed(m.priceDp),
    reduceOnly: o.reduceOnly,
    side: o.side,
    positionSide: 'BOTH',
    status: o.status,
    stopPrice: '0',
    closePosition: false,
    symbol: o.symbol,
    timeInForce: o.timeInForce,
    type: o.type,
    origType: o.type,
    updateTime: o.updateTime,
    time: o.time,
    workingType: 'CONTRACT_PRICE',
    priceProtect: false,
    priceMatch: 'NONE',
    selfTradePreventionMode: 'EXPIRE_MAKER',
    goodTillDate: 0,
  }
}

/** A USD-M conditional (algo) order as the `/fapi/v1/algoOrder` endpoints report it. */
export function algoJson(a: SimAlgoOrder, m: SimSymbolMarket): Record<string, unknown> {
  return {
    algoId: a.algoId,
    clientAlgoId: a.clientAlgoId,
    algoType: 'CONDITIONAL',
    orderType: a.orderType,
    symbol: a.symbol,
    side: a.side,
    positionSide: 'BOTH',
    timeInForce: a.timeInForce,
    quantity: a.quantity.toFixed(m.qtyDp),
    algoStatus: a.algoStatus,
    // The order it placed once triggered ("" before): Query Algo Order's only link to its outcome.
    actualOrderId: a.actualOrderId !== undefined ? String(a.actualOrderId) : '',
    actualPrice: '0.00000',
    triggerPrice: (a.triggerPrice ?? new Decimal(0)).toFixed(m.priceDp),
    price: (a.price ?? new Decimal(0)).toFixed(m.priceDp),
    icebergQuantity: null,
    selfTradePreventionMode: 'EXPIRE_MAKER',
    workingType: a.workingType,
    priceMatch: 'NONE',
    closePosition: false,
    priceProtect: false,
    reduceOnly: a.reduceOnly,
    activatePrice: a.activatePrice?.toFixed() ?? '',
    callbackRate: a.callbackRate?.toFixed() ?? '',
    createTime: a.createTime,
    updateTime: a.updateTime,
    triggerTime: a.triggerTime,
    goodTillDate: 0,
  }
}

/**
 * One element of a USD-M batch answer (`/fapi/v1/batchOrders`): the order JSON `answer` returns, or the `{ code, msg }`
 * of the {@link SimApiError} it throws (that order alone is refused; the rest of the batch goes on).
 */
export function batchItemJson(answer: () => unknown): unknown {
  try {
    return answer()
  } catch (e) {
    if (e instanceof SimApiError) return e.body
    throw e
  }
}
