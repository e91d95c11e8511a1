import { SimApiError } from '../engine.js'
import { premiumJson } from '../json/account.js'
import { exchangeInfoJson } from '../json/exchangeInfo.js'
import { ticker24hrJson } from '../json/ticker.js'
import type { SimSymbolMarket } from '../market.js'
import type { BinanceRequest, BinanceRouteSpec, BinanceVenue } from './BinanceRoute.js'
import { FAPI1, SPOT_FAPI1 } from './prefixes.js'

/**
 * The symbol's market when `symbol` is given; on spot, the markets of `symbols` (a JSON array, as
 * `symbols=["BTCUSDT","ETHUSDT"]`); else every market of the request's market.
 * https://developers.binance.com/docs/binance-spot-api-docs/rest-api/market-data-endpoints#24hr-ticker-price-change-statistics
 */
function symbolsOf(v: BinanceVenue, r: BinanceRequest, market = r.market): SimSymbolMarket[] {
  const list = r.params.get('symbols')
  if (list !== null && market === 'spot') {
    if (r.params.has('symbol'))
      throw new SimApiError(400, -1128, 'Combination of optional parameters invalid.')
    let names: unknown
    try {
      names = JSON.parse(list)
    } catch {
      names = undefined
    }
    if (!Array.isArray(names) || names.some((n) => typeof n !== 'string'))
      throw new SimApiError(400, -1100, "Illegal characters found in parameter 'symbols'.")
    return names.map((n: string) => v.engine.market(market, n))
  }
  return r.params.has('symbol') ? [r.symbol()] : [...v.engine.markets[market].values()]
}

function depth(v: BinanceVenue, r: BinanceRequest): unknown {
  const m = r.symbol()
  const limit = Math.min(Number(r.params.get('limit') ?? 100), r.market === 'spot' ? 5000 : 1000)
  v.publishBook(r.market, m)
  const snap = m.snapshot(limit)
  return r.market === 'usdm'
    ? { lastUpdateId: snap.lastUpdateId, E: v.now(), T: v.now(), bids: snap.bids, asks: snap.asks }
    : snap
}

function trades(_v: BinanceVenue, r: BinanceRequest): unknown {
  const m = r.symbol()
  const limit = Math.min(Number(r.params.get('limit') ?? 500), 1000)
  return m.trades.slice(-limit).map((t) => ({
    id: t.id,
    price: m.px(t.ticks),
    qty: m.qty(t.steps),
    quoteQty: (t.ticks * m.tick * t.steps * m.step).toFixed(8),
    time: t.time,
    isBuyerMaker: t.isBuyerMaker,
    ...(r.market === 'spot' ? { isBestMatch: true } : {}),
  }))
}

function klines(_v: BinanceVenue, r: BinanceRequest): unknown {
  const m = r.symbol()
  const list = m.candles.get(r.params.get('interval') ?? '')
  if (list === undefined) throw new SimApiError(400, -1120, 'Invalid interval.')
  const limit = Math.min(Number(r.params.get('limit') ?? 500), 1000)
  return list
    .slice(-limit)
    .map((c) => [
      c.openTime,
      m.px(Math.round(c.open / m.tick)),
      m.px(Math.round(c.high / m.tick)),
      m.px(Math.round(c.low / m.tick)),
      m.px(Math.round(c.close / m.tick)),
      m.qty(c.volume),
      c.closeTime,
      c.quoteVolume.toFixed(8),
      c.trades,
      '0',
      '0',
      '0',
    ])
}

function tickerPrice(v: BinanceVenue, r: BinanceRequest): unknown {
  const out = symbolsOf(v, r).map((m) => ({
    symbol: m.spec.symbol,
    price: m.px(m.lastTradeTicks),
    ...(r.market === 'usdm' ? { time: v.now() } : {}),
  }))
  return r.params.has('symbol') ? out[0] : out
}

function bookTicker(v: BinanceVenue, r: BinanceRequest): unknown {
  const out = symbolsOf(v, r).map((m) => {
    const b = m.bestBid() ?? 0
    const a = m.bestAsk() ?? 0
    return {
      symbol: m.spec.symbol,
      bidPrice: m.px(b),
      bidQty: m.qty(m.bids.get(b) ?? 0),
      askPrice: m.px(a),
      askQty: m.qty(m.asks.get(a) ?? 0),
      ...(r.market === 'usdm' ? { time: v.now(), lastUpdateId: m.lastUpdateId } : {}),
    }
  })
  return r.params.has('symbol') ? out[0] : out
}

/** The fields of a spot `type=MINI` 24 h ticker. */
const MINI_FIELDS = [
  'symbol',
  'openPrice',
  'highPrice',
  'lowPrice',
  'lastPrice',
  'volume',
  'quoteVolume',
  'openTime',
  'closeTime',
  'firstId',
  'lastId',
  'count',
] as const

/** Single symbol: one object; `symbols` or none: a list. Spot `type=MINI` drops the price-change and book fields. */
function ticker24hr(v: BinanceVenue, r: BinanceRequest): unknown {
  const mini = r.market === 'spot' && r.params.get('type') === 'MINI'
  const out = symbolsOf(v, r).map((m) => {
    const t = ticker24hrJson(r.market, m, v.now())
    return mini ? Object.fromEntries(MINI_FIELDS.map((k) => [k, t[k]])) : t
  })
  return r.params.has('symbol') ? out[0] : out
}

/**
 * Compressed trades (each sim trade is its own aggregate: `f` = `l` = `a`), oldest first, from `fromId` or
 * within `startTime`/`endTime`, at most `limit` (default 500, max 1000); spot adds `M`.
 * Spot: https://developers.binance.com/docs/binance-spot-api-docs/rest-api/market-data-endpoints#compressedaggregate-trades-list
 * USD-M: https://developers.binance.com/docs/derivatives/usds-margined-futures/market-data/rest-api/Compressed-Aggregate-Trades-List
 */
function aggTrades(_v: BinanceVenue, r: BinanceRequest): unknown {
  const m = r.symbol()
  const p = r.params
  const limit = Math.min(Number(p.get('limit') ?? 500), 1000)
  const fromId = p.has('fromId') ? Number(p.get('fromId')) : undefined
  const start = p.has('startTime') ? Number(p.get('startTime')) : undefined
  const end = p.has('endTime') ? Number(p.get('endTime')) : undefined
  const list = m.trades.filter(
    (t) =>
      (fromId === undefined || t.id >= fromId) &&
      (start === undefined || t.time >= start) &&
      (end === undefined || t.time <= end),
  )
  const picked = fromId !== undefined || start !== undefined ? list.slice(0, limit) : list.slice(-limit)
  return picked.map((t) => ({
    a: t.id,
    p: m.px(t.ticks),
    q: m.qty(t.steps),
    f: t.id,
    l: t.id,
    T: t.time,
    m: t.isBuyerMaker,
    ...(r.market === 'spot' ? { M: true } : {}),
  }))
}

function premiumIndex(v: BinanceVenue, r: BinanceRequest): unknown {
  const out = symbolsOf(v, r, 'usdm').map((m) => premiumJson(m, v.now()))
  return r.params.has('symbol') ? out[0] : out
}

function exchangeInfo(v: BinanceVenue, r: BinanceRequest): unknown {
  const markets = [...v.engine.markets[r.market].values()]
  return exchangeInfoJson(r.market, markets, r.params.get('symbol'), v.weightLimitPerMinute, v.now())
}

/** Public market data of spot and USD-M. */
export const marketDataRoutes: readonly BinanceRouteSpec[] = [
  { method: 'GET', path: '/ping', at: SPOT_FAPI1, handler: () => ({}) },
  { method: 'GET', path: '/time', at: SPOT_FAPI1, handler: (v) => ({ serverTime: v.now() }) },
  { method: 'GET', path: '/exchangeInfo', at: SPOT_FAPI1, handler: exchangeInfo },
  { method: 'GET', path: '/depth', at: SPOT_FAPI1, handler: depth },
  { method: 'GET', path: '/trades', at: SPOT_FAPI1, handler: trades },
  { method: 'GET', path: '/aggTrades', at: SPOT_FAPI1, handler: aggTrades },
  { method: 'GET', path: '/klines', at: SPOT_FAPI1, handler: klines },
  { method: 'GET', path: '/ticker/24hr', at: SPOT_FAPI1, handler: ticker24hr },
  { method: 'GET', path: '/ticker/price', at: SPOT_FAPI1, handler: tickerPrice },
  { method: 'GET', path: '/ticker/price', at: ['/fapi/v2'], handler: tickerPrice },
  { method: 'GET', path: '/ticker/bookTicker', at: SPOT_FAPI1, handler: bookTicker },
  { method: 'GET', path: '/premiumIndex', at: FAPI1, handler: premiumIndex },
]
