import { Decimal } from '../../decimal/index.js'
import { type NewOrderOptions, SimApiError, type SimMarket } from './engine.js'
import type { SimSymbolMarket } from './market.js'
import { marketLotOf } from './specs.js'

/** Binance's `-1102` error for a missing mandatory parameter. */
export function missingParam(name: string): SimApiError {
  return new SimApiError(
    400,
    -1102,
    `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`,
  )
}

/** A positive decimal parameter, checked like Binance does (`-1102` missing, `-1100` illegal, `-1013` not positive). */
export function decimalParam(p: URLSearchParams, name: string, required: true): Decimal
export function decimalParam(p: URLSearchParams, name: string, required: boolean): Decimal | undefined
export function decimalParam(p: URLSearchParams, name: string, required: boolean): Decimal | undefined {
  const v = p.get(name)
  if (v === null || v === '') {
    if (required)
      throw new SimApiError(
        400,
        -1102,
        `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`,
      )
    return undefined
  }
  if (!/^\d+(\.\d+)?$/.test(v) || v.length > 40)
    throw new SimApiError(
      400,
      -1100,
      `Illegal characters found in parameter '${name}'; legal range is '^([0-9]{1,20})(\\.[0-9]{1,20})?$'.`,
    )
  const d = new Decimal(v)
  if (d.lte(0)) throw new SimApiError(400, -1013, `Invalid ${name}.`)
  return d
}

/** Checks a price against the symbol's PRICE_FILTER (USD-M counts ticks from minPrice). */
export function checkPrice(market: SimMarket, m: SimSymbolMarket, price: Decimal): void {
  const s = m.spec
  if (price.decimalPlaces() > m.priceDp + 8)
    throw new SimApiError(400, -1111, 'Precision is over the maximum defined for this asset.')
  if (price.lt(s.minPrice) || price.gt(s.maxPrice))
    throw new SimApiError(400, -1013, 'Filter failure: PRICE_FILTER')
  const origin = market === 'usdm' ? new Decimal(s.minPrice) : new Decimal(0)
  if (!price.minus(origin).mod(s.tickSize).isZero())
    throw new SimApiError(400, -1013, 'Filter failure: PRICE_FILTER')
}

/** Checks a quantity against the symbol's LOT_SIZE (USD-M counts steps from minQty). */
export function checkLot(market: SimMarket, m: SimSymbolMarket, qty: Decimal): void {
  const s = m.spec
  if (qty.decimalPlaces() > m.qtyDp)
    throw new SimApiError(400, -1111, 'Precision is over the maximum defined for this asset.')
  if (qty.lt(s.minQty) || qty.gt(s.maxQty)) throw new SimApiError(400, -1013, 'Filter failure: LOT_SIZE')
  const origin = market === 'usdm' ? new Decimal(s.minQty) : new Decimal(0)
  if (!qty.minus(origin).mod(s.stepSize).isZero())
    throw new SimApiError(400, -1013, 'Filter failure: LOT_SIZE')
}

/**
 * Checks a market-type order's quantity against MARKET_LOT_SIZE (a `"0"` field disabled; the step counts from minQty
 * on USD-M), after LOT_SIZE: Binance applies both.
 */
export function checkMarketLot(market: SimMarket, m: SimSymbolMarket, qty: Decimal): void {
  const [min, max, step] = marketLotOf(m.spec, market).map((v) => new Decimal(v)) as [
    Decimal,
    Decimal,
    Decimal,
  ]
  const fail = () => new SimApiError(400, -1013, 'Filter failure: MARKET_LOT_SIZE')
  if ((!min.isZero() && qty.lt(min)) || (!max.isZero() && qty.gt(max))) throw fail()
  if (
    !step.isZero() &&
    !qty
      .minus(market === 'usdm' ? min : 0)
      .mod(step)
      .isZero()
  )
    throw fail()
}

/** The parameters of `POST /order`, validated like Binance does (side, filters, notional, client order id). */
export function orderParams(market: SimMarket, m: SimSymbolMarket, p: URLSearchParams): NewOrderOptions {
  const side = p.get('side')
  if (side !== 'BUY' && side !== 'SELL')
    throw new SimApiError(
      400,
      -1102,
      "Mandatory parameter 'side' was not sent, was empty/null, or malformed.",
    )
  const type = p.get('type') ?? ''
  const quantity = decimalParam(p, 'quantity', true)
  checkLot(market, m, quantity)
  if (type === 'MARKET') checkMarketLot(market, m, quantity)
  const price = decimalParam(p, 'price', false)
  if (price !== undefined) checkPrice(market, m, price)
  const ref = price ?? new Decimal(m.px(m.midTicks))
  const reduceOnly = p.get('reduceOnly') === 'true'
  // USD-M waives MIN_NOTIONAL for reduce-only orders (the -4164 message says so).
  if (!(market === 'usdm' && reduceOnly) && ref.times(quantity).lt(m.spec.minNotional)) {
    if (market === 'usdm')
      throw new SimApiError(
        400,
        -4164,
        `Order's notional must be no smaller than ${m.spec.minNotional} (unless you choose reduce only).`,
      )
    throw new SimApiError(400, -1013, 'Filter failure: NOTIONAL')
  }
  const cid = p.get('newClientOrderId') ?? `sim${Math.random().toString(36).slice(2, 14)}`
  if (!/^[.A-Z:/a-z0-9_-]{1,36}$/.test(cid))
    throw new SimApiError(
      400,
      -1100,
      "Illegal characters found in parameter 'newClientOrderId'; legal range is '^[\\.A-Z\\:/a-z0-9_-]{1,36}$'.",
    )
  const tif = p.get('timeInForce')
  return {
    symbol: m.spec.symbol,
    side,
    type,
    ...(tif !== null ? { timeInForce: tif } : {}),
    quantity,
    ...(price !== undefined ? { price } : {}),
    clientOrderId: cid,
    reduceOnly,
  }
}

/** What `POST /fapi/v1/algoOrder` places: a conditional order's parameters, validated like Binance does. */
export interface AlgoOrderInput {
  readonly side: 'BUY' | 'SELL'
  readonly orderType: string
  readonly quantity: Decimal
  readonly price?: Decimal
  readonly triggerPrice?: Decimal
  readonly callbackRate?: Decimal
  readonly activatePrice?: Decimal
}

const ALGO_TYPES = ['STOP_MARKET', 'TAKE_PROFIT_MARKET', 'STOP', 'TAKE_PROFIT', 'TRAILING_STOP_MARKET']

/** The parameters of `POST /fapi/v1/algoOrder` (type, side, quantity, prices, callback rate), validated. */
export function algoOrderParams(m: SimSymbolMarket, p: URLSearchParams): AlgoOrderInput {
  if (p.get('algoType') !== 'CONDITIONAL') throw new SimApiError(400, -1116, 'Invalid algoType.')
  const type = p.get('type') ?? ''
  if (!ALGO_TYPES.includes(type)) throw new SimApiError(400, -1116, 'Invalid orderType.')
  const side = p.get('side')
  if (side !== 'BUY' && side !== 'SELL') throw missingParam('side')
  const quantity = decimalParam(p, 'quantity', true)
  checkLot('usdm', m, quantity)
  // The market forms trigger a MARKET order: MARKET_LOT_SIZE applies at placement.
  if (type.endsWith('_MARKET')) checkMarketLot('usdm', m, quantity)
  const trigger = decimalParam(p, 'triggerPrice', type !== 'TRAILING_STOP_MARKET')
  if (trigger !== undefined) checkPrice('usdm', m, trigger)
  const price = decimalParam(p, 'price', type === 'STOP' || type === 'TAKE_PROFIT')
  if (price !== undefined) checkPrice('usdm', m, price)
  const callbackRate = decimalParam(p, 'callbackRate', type === 'TRAILING_STOP_MARKET')
  if (callbackRate !== undefined && (callbackRate.lt('0.1') || callbackRate.gt(10)))
    throw new SimApiError(400, -2007, 'Invalid callBack rate.')
  const activate = decimalParam(p, 'activatePrice', false) ?? decimalParam(p, 'activationPrice', false)
  return {
    side,
    orderType: type,
    quantity,
    ...(price !== undefined ? { price } : {}),
    ...(trigger !== undefined ? { triggerPrice: trigger } : {}),
    ...(callbackRate !== undefined ? { callbackRate } : {}),
    ...(activate !== undefined ? { activatePrice: activate } : {}),
  }
}
