import type { SimMarket } from '../engine.js'
import type { SimSymbolMarket } from '../market.js'
import { USDM_MAX_NUM_ALGO_ORDERS, USDM_MAX_NUM_ORDERS } from '../openOrderCaps.js'
import { marketLotOf } from '../specs.js'

/** The symbol's MARKET_LOT_SIZE filter object. */
function marketLotFilter(m: SimSymbolMarket, market: SimMarket): Record<string, unknown> {
  const [minQty, maxQty, stepSize] = marketLotOf(m.spec, market)
  return { filterType: 'MARKET_LOT_SIZE', minQty, maxQty, stepSize }
}

/** A spot symbol as `GET /api/v3/exchangeInfo` lists it, with its filters. */
export function spotSymbolInfo(m: SimSymbolMarket): Record<string, unknown> {
  const s = m.spec
  return {
    symbol: s.symbol,
    status: 'TRADING',
    baseAsset: s.base,
    baseAssetPrecision: 8,
    quoteAsset: s.quote,
    quotePrecision: 8,
    quoteAssetPrecision: 8,
    orderTypes: ['LIMIT', 'LIMIT_MAKER', 'MARKET', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT_LIMIT'],
    icebergAllowed: true,
    ocoAllowed: true,
    isSpotTradingAllowed: true,
    isMarginTradingAllowed: false,
    filters: [
      {
        filterType: 'PRICE_FILTER',
        minPrice: s.minPrice,
        maxPrice: s.maxPrice,
        tickSize: s.tickSize,
      },
      { filterType: 'LOT_SIZE', minQty: s.minQty, maxQty: s.maxQty, stepSize: s.stepSize },
      { filterType: 'ICEBERG_PARTS', limit: 10 },
      marketLotFilter(m, 'spot'),
      {
        filterType: 'TRAILING_DELTA',
        minTrailingAboveDelta: 10,
        maxTrailingAboveDelta: 2000,
        minTrailingBelowDelta: 10,
        maxTrailingBelowDelta: 2000,
      },
      {
        filterType: 'PERCENT_PRICE_BY_SIDE',
        bidMultiplierUp: '5',
        bidMultiplierDown: '0.2',
        askMultiplierUp: '5',
        askMultiplierDown: '0.2',
        avgPriceMins: 5,
      },
      {
        filterType: 'NOTIONAL',
        minNotional: s.minNotional,
        applyMinToMarket: true,
        maxNotional: '9000000.00000000',
        applyMaxToMarket: false,
        avgPriceMins: 5,
      },
      { filterType: 'MAX_NUM_ORDERS', maxNumOrders: 200 },
      { filterType: 'MAX_NUM_ALGO_ORDERS', maxNumAlgoOrders: 5 },
    ],
    permissions: [],
    permissionSets: [['SPOT']],
    defaultSelfTradePreventionMode: 'EXPIRE_MAKER',
    allowedSelfTradePreventionModes: ['EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH'],
  }
}

/** A USD-M perpetual as `GET /fapi/v1/exchangeInfo` lists it, with its filters. */
export function usdmSymbolInfo(m: SimSymbolMarket): Record<string, unknown> {
  const s = m.spec
  return {
    symbol: s.symbol,
    pair: s.symbol,
    contractType: 'PERPETUAL',
    deliveryDate: 4133404800000,
    onboardDate: 1569398400000,
    status: 'TRADING',
    maintMarginPercent: '2.5000',
    requiredMarginPercent: '5.0000',
    baseAsset: s.base,
    quoteAsset: s.quote,
    marginAsset: s.quote,
    pricePrecision: m.priceDp,
    quantityPrecision: m.qtyDp,
    baseAssetPrecision: 8,
    quotePrecision: 8,
    underlyingType: 'COIN',
    triggerProtect: '0.0500',
    liquidationFee: '0.012500',
    marketTakeBound: '0.05',
    filters: [
      { filterType: 'PRICE_FILTER', minPrice: s.minPrice, maxPrice: s.maxPrice, tickSize: s.tickSize },
      { filterType: 'LOT_SIZE', minQty: s.minQty, maxQty: s.maxQty, stepSize: s.stepSize },
      marketLotFilter(m, 'usdm'),
      { filterType: 'MAX_NUM_ORDERS', limit: USDM_MAX_NUM_ORDERS },
      { filterType: 'MAX_NUM_ALGO_ORDERS', limit: USDM_MAX_NUM_ALGO_ORDERS },
      { filterType: 'MIN_NOTIONAL', notional: s.minNotional },
      {
        filterType: 'PERCENT_PRICE',
        multiplierUp: '1.0500',
        multiplierDown: '0.9500',
        multiplierDecimal: '4',
      },
    ],
    orderTypes: [
      'LIMIT',
      'MARKET',
      'STOP',
      'STOP_MARKET',
      'TAKE_PROFIT',
      'TAKE_PROFIT_MARKET',
      'TRAILING_STOP_MARKET',
    ],
    timeInForce: ['GTC', 'IOC', 'FOK', 'GTX', 'GTD'],
  }
}

/**
 * `GET /api/v3/exchangeInfo` or `GET /fapi/v1/exchangeInfo` of the sim: rate limits and every symbol (or `only`).
 *
 * @example
 * ```ts
 * exchangeInfoJson('spot', [...engine.markets.spot.values()], null, 6000, Date.now())
 * ```
 */
export function exchangeInfoJson(
  market: SimMarket,
  markets: readonly SimSymbolMarket[],
  only: string | null,
  weightLimitPerMinute: number,
  now: number,
): Record<string, unknown> {
  const symbols = markets
    .filter((m) => only === null || m.spec.symbol === only)
    .map((m) => (market === 'spot' ? spotSymbolInfo(m) : usdmSymbolInfo(m)))
  const rateLimits = [
    {
      rateLimitType: 'REQUEST_WEIGHT',
      interval: 'MINUTE',
      intervalNum: 1,
      limit: weightLimitPerMinute,
    },
    // USD-M publishes 300 orders per 10 s and 1200 per minute; spot 100 per 10 s and 200 000 per day.
    ...(market === 'spot'
      ? [
          { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 100 },
          { rateLimitType: 'ORDERS', interval: 'DAY', intervalNum: 1, limit: 200000 },
        ]
      : [
          { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 300 },
          { rateLimitType: 'ORDERS', interval: 'MINUTE', intervalNum: 1, limit: 1200 },
        ]),
  ]
  return {
    timezone: 'UTC',
    serverTime: now,
    rateLimits,
    exchangeFilters: [],
    symbols,
    ...(market === 'usdm' ? { assets: [{ asset: 'USDT', marginAvailable: true }] } : {}),
  }
}
