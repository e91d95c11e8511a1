import * as z from 'zod/mini'
import { type Balance, err, type Fill, type Order, ok, type Position, type Result } from '../../core/index.js'
import { ExchangeDataError } from '../../errors/index.js'
import {
  actualOrderIdOf,
  algoOrderToOrder,
  balance,
  futuresOrderToOrder,
  position,
  spotFills,
  spotOrderToOrder,
} from './mapping.js'
import { parseWire, unmappableOrder } from './parseWire.js'
import { BINANCE_VENUE } from './types.js'
import {
  BinanceAccountTradeSchema,
  BinanceAlgoOrderSchema,
  BinanceFuturesBalanceSchema,
  BinanceFuturesOrderSchema,
  BinancePositionModeSchema,
  BinancePositionRiskSchema,
  BinanceSpotAccountSchema,
  BinanceSpotOrderSchema,
} from './wire.js'

const parse = parseWire
const unmappable = (venue: string, what: string, raw: unknown) => err(unmappableOrder(venue, what, raw))

/** A decoded spot order response: the order and, for a `FULL` new-order response, its fills. */
export interface BinanceSpotOrderResponse {
  readonly order: Order
  readonly fills: readonly Fill[]
}

/**
 * Decodes a spot order response (`POST /api/v3/order` `RESULT`/`FULL`, `DELETE /api/v3/order`,
 * `GET /api/v3/order`). `now` (epoch ms) stamps an order the response gives no time for. Pure; never throws.
 *
 * @example
 * ```ts
 * const r = decodeSpotOrder(await res.json(), Date.now())
 * if (r.ok) console.log(r.value.order.status, r.value.fills.length)
 * ```
 */
export function decodeSpotOrder(
  raw: unknown,
  now: number,
): Result<BinanceSpotOrderResponse, ExchangeDataError> {
  const venue = BINANCE_VENUE.spot
  const r = parse(BinanceSpotOrderSchema, raw, venue, 'spot order response')
  if (!r.ok) return r
  const order = spotOrderToOrder(r.value, venue, now)
  if (order === undefined) return unmappable(venue, 'spot order response', raw)
  return ok({ order, fills: spotFills(r.value, r.value.fills ?? [], venue, r.value.transactTime ?? now) })
}

/**
 * Decodes a USD-M order response (`POST`/`DELETE`/`GET /fapi/v1/order`, `avgPrice` optional). `now` (epoch ms)
 * stamps an order the response gives no time for. Pure; never throws.
 *
 * @example
 * ```ts
 * const r = decodeUsdmOrder(await res.json(), Date.now())
 * if (r.ok) console.log(r.value.status, r.value.avgFillPrice?.toString())
 * ```
 */
export function decodeUsdmOrder(raw: unknown, now: number): Result<Order, ExchangeDataError> {
  const venue = BINANCE_VENUE.usdm
  const r = parse(BinanceFuturesOrderSchema, raw, venue, 'USD-M order response')
  if (!r.ok) return r
  const order = futuresOrderToOrder(r.value, venue, now)
  return order === undefined ? unmappable(venue, 'USD-M order response', raw) : ok(order)
}

/**
 * Decodes a USD-M algo (conditional) order (`POST`/`GET /fapi/v1/algoOrder`, `openAlgoOrders` entries) as the record
 * alone shows it: venue order id `algo:<algoId>`, nothing filled (the record carries no executed quantity). FINISHED
 * is refused: the triggered order was filled or canceled and only it (`actualOrderId`, `GET /fapi/v1/order`) says
 * which; `BinanceUsdm.queryOrder` reads it. Pure; never throws.
 *
 * @example
 * ```ts
 * const r = decodeAlgoOrder(await res.json(), Date.now())
 * if (r.ok) console.log(r.value.type, r.value.triggerPrice?.toString())
 * ```
 */
export function decodeAlgoOrder(raw: unknown, now: number): Result<Order, ExchangeDataError> {
  const r = readAlgoOrder(raw, now)
  if (!r.ok) return r
  return 'order' in r.value ? ok(r.value.order) : algoRecordOrder(r.value.record, raw, now)
}

/** What an algo order record says: its order, or (once triggered) the order it placed, which holds its outcome. */
export type BinanceAlgoOrderRead =
  | { readonly order: Order }
  | {
      readonly record: z.output<typeof BinanceAlgoOrderSchema>
      /** The triggered order (`GET /fapi/v1/order` by `orderId` and `symbol`): its state and fills are the algo order's. */
      readonly actualOrderId: string
    }

/**
 * @internal Reads a USD-M algo order record for the adapter: a triggered one (TRIGGERED, FINISHED with an
 * `actualOrderId`) names the order to read instead; otherwise the order as {@link decodeAlgoOrder} decodes it.
 */
export function readAlgoOrder(raw: unknown, now: number): Result<BinanceAlgoOrderRead, ExchangeDataError> {
  const r = parse(BinanceAlgoOrderSchema, raw, BINANCE_VENUE.usdm, 'algo order')
  if (!r.ok) return r
  const actualOrderId = actualOrderIdOf(r.value)
  if (actualOrderId !== undefined) return ok({ record: r.value, actualOrderId })
  const order = algoRecordOrder(r.value, raw, now)
  return order.ok ? ok({ order: order.value }) : order
}

/** The order an algo record shows alone; FINISHED is refused with what to read instead. */
function algoRecordOrder(
  a: z.output<typeof BinanceAlgoOrderSchema>,
  raw: unknown,
  now: number,
): Result<Order, ExchangeDataError> {
  const venue = BINANCE_VENUE.usdm
  if (a.algoStatus === 'FINISHED') {
    const id = actualOrderIdOf(a)
    return err(
      new ExchangeDataError(
        venue,
        `Algo order "${a.clientAlgoId}" is FINISHED: its triggered order was filled or canceled, and only that order tells which`,
        [
          id === undefined
            ? 'actualOrderId: missing on a FINISHED algo order'
            : `algoStatus: FINISHED; read the order "${id}" (GET /fapi/v1/order)`,
        ],
        raw,
      ),
    )
  }
  const order = algoOrderToOrder(a, venue, now)
  return order === undefined ? unmappable(venue, 'algo order', raw) : ok(order)
}

/**
 * Decodes `GET /api/v3/account` into the non-zero balances. Pure; never throws.
 *
 * @example
 * ```ts
 * const r = decodeSpotBalances(await res.json())
 * if (r.ok) for (const b of r.value) console.log(b.asset, b.free.toString())
 * ```
 */
export function decodeSpotBalances(raw: unknown): Result<Balance[], ExchangeDataError> {
  const venue = BINANCE_VENUE.spot
  const r = parse(BinanceSpotAccountSchema, raw, venue, 'spot account')
  if (!r.ok) return r
  return ok(
    r.value.balances
      .filter((b) => b.free.gt(0) || b.locked.gt(0))
      .map((b) => balance(venue, b.asset, b.free, b.locked)),
  )
}

/**
 * Decodes `GET /fapi/v3/balance` into the non-zero balances: `free` is the available balance (at least 0),
 * `locked` the rest. Pure; never throws.
 *
 * @example
 * ```ts
 * const r = decodeUsdmBalances(await res.json())
 * if (r.ok) console.log(r.value[0]?.free.toString())
 * ```
 */
export function decodeUsdmBalances(raw: unknown): Result<Balance[], ExchangeDataError> {
  const venue = BINANCE_VENUE.usdm
  const r = parse(z.array(BinanceFuturesBalanceSchema), raw, venue, 'USD-M balances')
  if (!r.ok) return r
  return ok(
    r.value
      .filter((b) => !b.balance.isZero())
      .map((b) => {
        const free = b.availableBalance.gt(0) ? b.availableBalance : b.availableBalance.times(0)
        const locked = b.balance.minus(free)
        return balance(venue, b.asset, free, locked.gt(0) ? locked : locked.times(0))
      }),
  )
}

/**
 * Decodes `GET /fapi/v2/positionRisk` into the open positions (signed quantity). A hedge-mode entry (`LONG` /
 * `SHORT` position side) is refused, never collapsed by symbol: tradekit supports one-way mode only. Pure.
 *
 * @example
 * ```ts
 * const r = decodeUsdmPositions(await res.json())
 * if (r.ok) for (const p of r.value) console.log(p.symbol, p.qty.toString())
 * ```
 */
export function decodeUsdmPositions(raw: unknown): Result<Position[], ExchangeDataError> {
  const venue = BINANCE_VENUE.usdm
  const r = parse(z.array(BinancePositionRiskSchema), raw, venue, 'USD-M positions')
  if (!r.ok) return r
  const hedged = r.value.flatMap((p, i) =>
    p.positionSide === 'LONG' || p.positionSide === 'SHORT'
      ? [`${i}.positionSide: "${p.positionSide}" ${p.symbol} (hedge mode is not supported)`]
      : [],
  )
  if (hedged.length > 0) return err(new ExchangeDataError(venue, 'Hedge-mode positions', hedged, raw))
  return ok(
    r.value
      .filter((p) => !p.positionAmt.isZero())
      .map((p) =>
        position(
          venue,
          p.symbol,
          p.positionAmt,
          p.entryPrice,
          p.unRealizedProfit,
          p.unRealizedProfit.times(0),
          p.leverage !== undefined ? Number(p.leverage) : undefined,
        ),
      ),
  )
}

/**
 * Decodes `GET /fapi/v1/positionSide/dual`: `hedge` when `dualSidePosition` is true, else `one-way`. Pure.
 *
 * @example
 * ```ts
 * const r = decodePositionMode({ dualSidePosition: false }) // { ok: true, value: 'one-way' }
 * ```
 */
export function decodePositionMode(raw: unknown): Result<'hedge' | 'one-way', ExchangeDataError> {
  const r = parse(BinancePositionModeSchema, raw, BINANCE_VENUE.usdm, 'position mode')
  return r.ok ? ok(r.value.dualSidePosition ? 'hedge' : 'one-way') : r
}

/**
 * Decodes the account's fills of one order (`GET /api/v3/myTrades` or `GET /fapi/v1/userTrades` by `orderId`) into
 * {@link Fill}s of `order` (its venue, symbol, side, client and venue order ids): rows of other orders and empty rows
 * are left out; a USD-M commission may be negative (a rebate). Pure; never throws.
 *
 * @example
 * ```ts
 * const r = decodeAccountTrades(await res.json(), order)
 * if (r.ok) console.log(r.value.map((f) => f.tradeId))
 * ```
 */
export function decodeAccountTrades(
  raw: unknown,
  order: Pick<Order, 'venue' | 'symbol' | 'side' | 'clientOrderId' | 'venueOrderId'>,
): Result<Fill[], ExchangeDataError> {
  const r = parse(z.array(BinanceAccountTradeSchema), raw, order.venue, 'account trades')
  if (!r.ok) return r
  return ok(
    r.value
      .filter((t) => String(t.orderId) === order.venueOrderId && t.qty.gt(0) && t.price.gt(0))
      .map((t) => ({
        venue: order.venue,
        symbol: order.symbol,
        clientOrderId: order.clientOrderId,
        venueOrderId: String(t.orderId),
        tradeId: String(t.id),
        side: order.side,
        price: t.price,
        qty: t.qty,
        fee: t.commission,
        feeAsset: t.commissionAsset,
        liquidity: (t.isMaker ?? t.maker) === true ? ('MAKER' as const) : ('TAKER' as const),
        tsEvent: t.time,
        ...(t.realizedPnl !== undefined ? { realizedPnl: t.realizedPnl } : {}),
      })),
  )
}
