import type * as z from 'zod/mini'
import type { Balance, Fill, Order, OrderStatus, OrderType, Position, TimeInForce } from '../../core/index.js'
import { Decimal } from '../../decimal/index.js'
import type {
  AccountUpdateSchema,
  AlgoUpdateSchema,
  BinanceAlgoOrderSchema,
  BinanceFuturesOrderSchema,
  BinanceSpotFillSchema,
  BinanceSpotOrderSchema,
  ExecutionReportSchema,
  OrderTradeUpdateSchema,
} from './wire.js'

/** Own-property lookup: venue strings like `"constructor"` or `"__proto__"` must never reach Object.prototype. */
function lookup<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined
}

const STATUS: Readonly<Record<string, OrderStatus>> = {
  NEW: 'OPEN',
  PENDING_NEW: 'PENDING_NEW',
  PARTIALLY_FILLED: 'PARTIALLY_FILLED',
  FILLED: 'FILLED',
  CANCELED: 'CANCELED',
  PENDING_CANCEL: 'PENDING_CANCEL',
  REJECTED: 'REJECTED',
  EXPIRED: 'EXPIRED',
  EXPIRED_IN_MATCH: 'EXPIRED',
}

/** Maps a Binance order status to tradekit's; `undefined` for an unknown status (reported, not guessed). */
export function mapOrderStatus(s: string): OrderStatus | undefined {
  return lookup(STATUS, s)
}

const ALGO_STATUS: Readonly<Record<string, OrderStatus>> = {
  NEW: 'OPEN',
  TRIGGERING: 'OPEN',
  TRIGGERED: 'OPEN',
  CANCELED: 'CANCELED',
  REJECTED: 'REJECTED',
  EXPIRED: 'EXPIRED',
}

/**
 * Maps an algo order status (`NEW`, `TRIGGERED`, ...) to tradekit's. FINISHED has none: the triggered order was filled
 * or canceled, and only that order (`actualOrderId`) says which.
 */
export function mapAlgoStatus(s: string): OrderStatus | undefined {
  return lookup(ALGO_STATUS, s)
}

const TYPES: Readonly<Record<string, OrderType>> = {
  LIMIT: 'LIMIT',
  LIMIT_MAKER: 'LIMIT',
  MARKET: 'MARKET',
  STOP_LOSS: 'STOP_MARKET',
  STOP_LOSS_LIMIT: 'STOP_LIMIT',
  TAKE_PROFIT_LIMIT: 'TAKE_PROFIT_LIMIT',
  STOP: 'STOP_LIMIT',
  STOP_MARKET: 'STOP_MARKET',
  TAKE_PROFIT_MARKET: 'TAKE_PROFIT_MARKET',
  TRAILING_STOP_MARKET: 'TRAILING_STOP_MARKET',
  /** USD-M: the venue's liquidation (and ADL) close order, executed at market. */
  LIQUIDATION: 'MARKET',
}

/** Maps a Binance order type; spot `TAKE_PROFIT` is a market take-profit, futures `TAKE_PROFIT` a limit one. */
export function mapOrderType(t: string, futures: boolean): OrderType | undefined {
  if (t === 'TAKE_PROFIT') return futures ? 'TAKE_PROFIT_LIMIT' : 'TAKE_PROFIT_MARKET'
  return lookup(TYPES, t)
}

/** Maps a Binance time in force (`GTX` and `LIMIT_MAKER` are post-only). */
export function mapTimeInForce(tif: string, type: string): TimeInForce | undefined {
  if (type === 'LIMIT_MAKER' || tif === 'GTX') return 'POST_ONLY'
  if (tif === 'GTC' || tif === 'IOC' || tif === 'FOK' || tif === 'GTD') return tif
  return undefined
}

const positive = (d: Decimal | undefined): Decimal | undefined => (d?.gt(0) ? d : undefined)

interface OrderCommon {
  venue: string
  symbol: string
  clientOrderId: string
  venueOrderId: string
  side: 'BUY' | 'SELL'
  wireType: string
  wireTif: string
  futures: boolean
  qty: Decimal
  price: Decimal | undefined
  status: OrderStatus
  filledQty: Decimal
  avgFillPrice: Decimal | undefined
  tsCreated: number
  tsUpdated: number
  reduceOnly?: boolean
}

/**
 * Builds the order, or `undefined` when the venue's numbers cannot describe a real order: an unknown type, a
 * non-positive quantity, a negative filled quantity or one above the order quantity (an overfill).
 */
function buildOrder(c: OrderCommon): Order | undefined {
  const type = mapOrderType(c.wireType, c.futures)
  if (type === undefined || !c.qty.gt(0) || c.filledQty.isNegative() || c.filledQty.gt(c.qty))
    return undefined
  const tif = mapTimeInForce(c.wireTif, c.wireType)
  const hasPrice = type === 'LIMIT' || type === 'STOP_LIMIT' || type === 'TAKE_PROFIT_LIMIT'
  return {
    clientOrderId: c.clientOrderId,
    venue: c.venue,
    symbol: c.symbol,
    side: c.side,
    type,
    qty: c.qty,
    ...(hasPrice && c.price !== undefined ? { price: c.price } : {}),
    ...(tif !== undefined && type !== 'MARKET' ? { timeInForce: tif } : {}),
    ...(c.reduceOnly === true ? { reduceOnly: true } : {}),
    venueOrderId: c.venueOrderId,
    status: c.status,
    filledQty: c.filledQty,
    ...(c.avgFillPrice !== undefined ? { avgFillPrice: c.avgFillPrice } : {}),
    tsCreated: c.tsCreated,
    tsUpdated: c.tsUpdated,
  }
}

/** Spot order JSON (new-order response or query) to an {@link Order}; undefined on an unknown status. */
export function spotOrderToOrder(
  o: z.output<typeof BinanceSpotOrderSchema>,
  venue: string,
  now: number,
): Order | undefined {
  const status = mapOrderStatus(o.status)
  if (status === undefined) return undefined
  const ts = o.time ?? o.transactTime ?? now
  return buildOrder({
    venue,
    symbol: o.symbol,
    clientOrderId: o.origClientOrderId ?? o.clientOrderId,
    venueOrderId: String(o.orderId),
    side: o.side,
    wireType: o.type,
    wireTif: o.timeInForce,
    futures: false,
    qty: o.origQty,
    price: positive(o.price),
    status,
    filledQty: o.executedQty,
    avgFillPrice: o.executedQty.gt(0) ? positive(o.cummulativeQuoteQty.div(o.executedQty)) : undefined,
    tsCreated: ts,
    tsUpdated: o.updateTime ?? o.transactTime ?? ts,
  })
}

/** Spot FULL-response fills to {@link Fill}s. */
export function spotFills(
  o: z.output<typeof BinanceSpotOrderSchema>,
  fills: ReadonlyArray<z.output<typeof BinanceSpotFillSchema>>,
  venue: string,
  ts: number,
): Fill[] {
  return fills
    .filter((f) => f.qty.gt(0) && f.price.gt(0))
    .map((f) => ({
      venue,
      symbol: o.symbol,
      clientOrderId: o.clientOrderId,
      venueOrderId: String(o.orderId),
      tradeId: String(f.tradeId),
      side: o.side,
      price: f.price,
      qty: f.qty,
      fee: f.commission,
      feeAsset: f.commissionAsset,
      liquidity: 'TAKER',
      tsEvent: ts,
    }))
}

/** USD-M order JSON to an {@link Order}; undefined on an unknown status. */
export function futuresOrderToOrder(
  o: z.output<typeof BinanceFuturesOrderSchema>,
  venue: string,
  now: number,
): Order | undefined {
  const status = mapOrderStatus(o.status)
  if (status === undefined) return undefined
  const ts = o.time ?? o.updateTime ?? now
  return buildOrder({
    venue,
    symbol: o.symbol,
    clientOrderId: o.clientOrderId,
    venueOrderId: String(o.orderId),
    side: o.side,
    wireType: o.type,
    wireTif: o.timeInForce,
    futures: true,
    qty: o.origQty,
    price: positive(o.price),
    status,
    filledQty: o.executedQty,
    avgFillPrice: positive(o.avgPrice),
    tsCreated: ts,
    tsUpdated: o.updateTime ?? ts,
    ...(o.reduceOnly !== undefined ? { reduceOnly: o.reduceOnly } : {}),
  })
}

/**
 * USD-M algo order JSON to an {@link Order} (the venue order id is the algo id), as the algo record alone shows it:
 * nothing filled, since the record carries no executed quantity. `undefined` for an unknown status or type, and for
 * FINISHED, whose outcome only the triggered order holds (see {@link triggeredAlgoOrder}).
 */
export function algoOrderToOrder(
  a: z.output<typeof BinanceAlgoOrderSchema>,
  venue: string,
  now: number,
): Order | undefined {
  const status = mapAlgoStatus(a.algoStatus)
  if (status === undefined) return undefined
  const type = mapOrderType(a.orderType, true)
  if (type === undefined || !a.quantity.gt(0)) return undefined
  const ts = a.createTime ?? now
  return {
    clientOrderId: a.clientAlgoId,
    venue,
    symbol: a.symbol,
    side: a.side,
    type,
    qty: a.quantity,
    ...((type === 'STOP_LIMIT' || type === 'TAKE_PROFIT_LIMIT') && positive(a.price)
      ? { price: a.price as Decimal }
      : {}),
    ...(positive(a.triggerPrice) ? { triggerPrice: a.triggerPrice as Decimal } : {}),
    ...(a.reduceOnly === true ? { reduceOnly: true } : {}),
    venueOrderId: `algo:${a.algoId}`,
    status,
    filledQty: new Decimal(0),
    tsCreated: ts,
    tsUpdated: a.updateTime ?? ts,
  }
}

/**
 * The order a triggered algo order placed (its `actualOrderId`), reported as the algo order: under the algo order's
 * client id, type MARKET, with that order's id, status and fills. The user stream (`ALGO_UPDATE` `ai`) and REST
 * queries (`actualOrderId`) report a triggered algo order this one way.
 */
export function triggeredAlgoOrder(actual: Order, clientAlgoId: string): Order {
  return { ...actual, clientOrderId: clientAlgoId, type: 'MARKET' }
}

/** The id of the order an algo order placed once triggered (TRIGGERED, FINISHED), or `undefined` before that. */
export function actualOrderIdOf(a: z.output<typeof BinanceAlgoOrderSchema>): string | undefined {
  if (a.algoStatus !== 'TRIGGERED' && a.algoStatus !== 'FINISHED') return undefined
  const id = a.actualOrderId
  return id === undefined || id === null || id === '' ? undefined : String(id)
}

/** A user-stream order event mapped to the order after it, and the fill it carries (if a trade). */
export interface MappedOrderEvent {
  readonly order: Order
  readonly fill?: Fill
}

/** Spot `executionReport` to order (+ fill for `x = TRADE`). */
export function executionReportToEvent(
  e: z.output<typeof ExecutionReportSchema>,
  venue: string,
): MappedOrderEvent | undefined {
  const status = mapOrderStatus(e.X)
  if (status === undefined) return undefined
  // On a cancel, `c` is the cancel request's id and `C` the original order's.
  const clientOrderId = e.x === 'CANCELED' && e.C ? e.C : e.c
  const order = buildOrder({
    venue,
    symbol: e.s,
    clientOrderId,
    venueOrderId: String(e.i),
    side: e.S,
    wireType: e.o,
    wireTif: e.f,
    futures: false,
    qty: e.q,
    price: positive(e.p),
    status,
    filledQty: e.z,
    avgFillPrice: e.Z !== undefined && e.z.gt(0) ? positive(e.Z.div(e.z)) : undefined,
    tsCreated: e.O ?? e.T,
    tsUpdated: e.T,
  })
  if (order === undefined) return undefined
  if (e.x !== 'TRADE' || !e.l.gt(0) || !e.L.gt(0)) return { order }
  const fill: Fill = {
    venue,
    symbol: e.s,
    clientOrderId,
    venueOrderId: String(e.i),
    tradeId: String(e.t),
    side: e.S,
    price: e.L,
    qty: e.l,
    fee: e.n,
    feeAsset: e.N ?? '',
    liquidity: e.m ? 'MAKER' : 'TAKER',
    tsEvent: e.T,
  }
  return { order, fill }
}

/** USD-M `ORDER_TRADE_UPDATE` to order (+ fill). `clientOrderId` may be overridden (triggered algo orders). */
export function orderTradeUpdateToEvent(
  e: z.output<typeof OrderTradeUpdateSchema>,
  venue: string,
  clientOrderId?: string,
): MappedOrderEvent | undefined {
  const o = e.o
  const status = mapOrderStatus(o.X)
  if (status === undefined) return undefined
  const cid = clientOrderId ?? o.c
  const order = buildOrder({
    venue,
    symbol: o.s,
    clientOrderId: cid,
    venueOrderId: String(o.i),
    side: o.S,
    wireType: o.o,
    wireTif: o.f,
    futures: true,
    qty: o.q,
    price: positive(o.p),
    status,
    filledQty: o.z,
    avgFillPrice: positive(o.ap),
    tsCreated: o.T,
    tsUpdated: o.T,
    ...(o.R !== undefined ? { reduceOnly: o.R } : {}),
  })
  if (order === undefined) return undefined
  // `CALCULATED` is a liquidation (or ADL) execution: a trade like any other, on an order the venue placed.
  if ((o.x !== 'TRADE' && o.x !== 'CALCULATED') || !o.l.gt(0) || !o.L.gt(0)) return { order }
  const origin = venueOrigin(o.c, o.x)
  return {
    order,
    fill: {
      ...(origin !== undefined ? { origin } : {}),
      venue,
      symbol: o.s,
      clientOrderId: cid,
      venueOrderId: String(o.i),
      tradeId: String(o.t),
      side: o.S,
      price: o.L,
      qty: o.l,
      fee: o.n ?? new Decimal(0),
      feeAsset: o.N ?? 'USDT',
      liquidity: o.m ? 'MAKER' : 'TAKER',
      tsEvent: o.T,
      ...(o.rp !== undefined ? { realizedPnl: o.rp } : {}),
    },
  }
}

/**
 * Which venue-initiated close an `ORDER_TRADE_UPDATE` reports, from its client id (`autoclose-…` liquidation,
 * `adl_autoclose` auto-deleverage, `settlement_autoclose-…` delivery/delisting) or its `CALCULATED` execution type.
 */
function venueOrigin(cid: string, x: string): Fill['origin'] {
  if (cid.startsWith('adl_autoclose')) return 'adl'
  if (cid.startsWith('settlement_autoclose')) return 'settlement'
  if (cid.startsWith('autoclose-') || x === 'CALCULATED') return 'liquidation'
  return undefined
}

/**
 * The order an `ALGO_UPDATE` event reports (its `o` payload read like a REST algo order), or `undefined` for an
 * unknown status or type.
 */
export function algoUpdateToOrder(u: z.output<typeof AlgoUpdateSchema>, venue: string): Order | undefined {
  const o = u.o
  return algoOrderToOrder(
    {
      algoId: o.aid,
      clientAlgoId: o.caid,
      orderType: o.o,
      symbol: o.s,
      side: o.S,
      quantity: o.q,
      algoStatus: o.X,
      ...(o.tp !== undefined ? { triggerPrice: o.tp } : {}),
      ...(o.p !== undefined ? { price: o.p } : {}),
      ...(o.R !== undefined ? { reduceOnly: o.R } : {}),
      createTime: u.T,
      updateTime: u.T,
    },
    venue,
    u.E,
  )
}

/**
 * The balances and positions of an `ACCOUNT_UPDATE` event: free = max(cross wallet, 0), locked = max(wallet − cross
 * wallet, 0); positions with their entry, unrealized and cumulative realized PnL.
 */
export function accountUpdateToAccount(
  u: z.output<typeof AccountUpdateSchema>,
  venue: string,
): { balances: Balance[]; positions: Position[] } {
  return {
    balances: u.a.B.map((b) =>
      balance(
        venue,
        b.a,
        b.cw.gt(0) ? b.cw : b.cw.times(0),
        b.wb.minus(b.cw).gt(0) ? b.wb.minus(b.cw) : b.wb.times(0),
      ),
    ),
    positions: u.a.P.map((p) => position(venue, p.s, p.pa, p.ep, p.up, p.cr ?? p.up.times(0))),
  }
}

/** Builds a {@link Balance}. */
export function balance(venue: string, asset: string, free: Decimal, locked: Decimal): Balance {
  return { venue, asset, free, locked }
}

/** Builds a USD-M {@link Position}. */
export function position(
  venue: string,
  symbol: string,
  qty: Decimal,
  entry: Decimal,
  unrealized: Decimal,
  realized: Decimal,
  leverage?: number,
): Position {
  return {
    venue,
    symbol,
    qty,
    ...(qty.isZero() || entry.isZero() ? {} : { entryPrice: entry }),
    realizedPnl: realized,
    unrealizedPnl: unrealized,
    ...(leverage !== undefined ? { leverage } : {}),
  }
}
