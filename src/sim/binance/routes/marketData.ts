import { SimApiError } from '../engine.js'
import { premiumJson } from '../json/account.js'
import { exchangeInfoJson } from '../json/exchangeInfo.js'
import type { SimSymbolMarket } from '../market.js'
import type { BinanceRequest, BinanceRoute, BinanceVenue } from './BinanceRoute.js'

/** The symbol's market when `symbol` is given, else every market of the request's market. */
function symbolsOf(v: BinanceVenue, r: BinanceRequest, market = r.market): SimSymbolMarket[] {
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

function premiumIndex(v: BinanceVenue, r: BinanceRequest): unknown {
  const out = symbolsOf(v, r, 'usdm').map((m) => premiumJson(m, v.now()))
  return r.params.has('symbol') ? out[0] : out
}

function exchangeInfo(v: BinanceVenue, r: BinanceRequest): unknown {
  const markets = [...v.engine.markets[r.market].values()]
  return exchangeInfoJson(r.market, markets, r.params.get('symbol'), v.weightLimitPerMinute, v.now())
}

/** Public market data of spot and USD-M (paths without their `/api/v3` or `/fapi/v1` prefix). */
export const marketDataRoutes: readonly BinanceRoute[] = [
  { method: 'GET', path: '/ping', handler: () => ({}) },
  { method: 'GET', path: '/time', handler: (v) => ({ serverTime: v.now() }) },
  { method: 'GET', path: '/exchangeInfo', handler: exchangeInfo },
  { method: 'GET', path: '/depth', handler: depth },
  { method: 'GET', path: '/trades', handler: trades },
  { method: 'GET', path: '/klines', handler: klines },
  { method: 'GET', path: '/ticker/price', handler: tickerPrice },
  { method: 'GET', path: '/ticker/bookTicker', handler: bookTicker },
  { method: 'GET', path: '/premiumIndex', handler: premiumIndex },
]
