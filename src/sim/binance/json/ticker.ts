import type { SimMarket } from '../engine.js'
import type { SimSymbolMarket } from '../market.js'

const DAY_MS = 86_400_000

/** Rolling 24 h statistics of a symbol's trades, as formatted strings and ids. */
export interface DayStats {
  readonly open: string
  readonly high: string
  readonly low: string
  readonly last: string
  readonly lastQty: string
  readonly prevClose: string
  readonly change: string
  readonly changePercent: string
  readonly weightedAvg: string
  readonly volume: string
  readonly quoteVolume: string
  readonly openTime: number
  readonly closeTime: number
  /** First and last trade id of the window (`-1` when no trade). */
  readonly firstId: number
  readonly lastId: number
  readonly count: number
}

/** The 24 h window ending at `now` over the trades the sim keeps (its last 1000). */
export function dayStats(m: SimSymbolMarket, now: number): DayStats {
  const inWindow = m.trades.filter((t) => t.time > now - DAY_MS && t.time <= now)
  const first = inWindow[0]
  const lastTrade = inWindow[inWindow.length - 1]
  const openTicks = first?.ticks ?? m.lastTradeTicks
  const lastTicks = lastTrade?.ticks ?? m.lastTradeTicks
  let high = openTicks
  let low = openTicks
  let steps = 0
  let quote = 0
  for (const t of inWindow) {
    high = Math.max(high, t.ticks)
    low = Math.min(low, t.ticks)
    steps += t.steps
    quote += t.ticks * m.tick * t.steps * m.step
  }
  const change = (lastTicks - openTicks) * m.tick
  const openPx = openTicks * m.tick
  return {
    open: m.px(openTicks),
    high: m.px(high),
    low: m.px(low),
    last: m.px(lastTicks),
    lastQty: m.qty(lastTrade?.steps ?? 0),
    prevClose: m.px(openTicks),
    change: change.toFixed(m.priceDp),
    changePercent: (openPx === 0 ? 0 : (change / openPx) * 100).toFixed(3),
    weightedAvg: steps === 0 ? m.px(lastTicks) : (quote / (steps * m.step)).toFixed(m.priceDp),
    volume: m.qty(steps),
    quoteVolume: quote.toFixed(8),
    openTime: now - DAY_MS,
    closeTime: now,
    firstId: first?.id ?? -1,
    lastId: lastTrade?.id ?? -1,
    count: inWindow.length,
  }
}

/**
 * `GET /api/v3/ticker/24hr` (spot: with prevClosePrice and the best bid/ask) or `GET /fapi/v1/ticker/24hr`.
 * Spot: https://developers.binance.com/docs/binance-spot-api-docs/rest-api/market-data-endpoints#24hr-ticker-price-change-statistics
 * USD-M: https://developers.binance.com/docs/derivatives/usds-margined-futures/market-data/rest-api/24hr-Ticker-Price-Change-Statistics
 */
export function ticker24hrJson(market: SimMarket, m: SimSymbolMarket, now: number): Record<string, unknown> {
  const s = dayStats(m, now)
  const b = m.bestBid()
  const a = m.bestAsk()
  const book =
    market === 'spot'
      ? {
          prevClosePrice: s.prevClose,
          lastPrice: s.last,
          lastQty: s.lastQty,
          bidPrice: b === undefined ? m.px(0) : m.px(b),
          bidQty: m.qty(b === undefined ? 0 : (m.bids.get(b) ?? 0)),
          askPrice: a === undefined ? m.px(0) : m.px(a),
          askQty: m.qty(a === undefined ? 0 : (m.asks.get(a) ?? 0)),
        }
      : { lastPrice: s.last, lastQty: s.lastQty }
  return {
    symbol: m.spec.symbol,
    priceChange: s.change,
    priceChangePercent: s.changePercent,
    weightedAvgPrice: s.weightedAvg,
    ...book,
    openPrice: s.open,
    highPrice: s.high,
    lowPrice: s.low,
    volume: s.volume,
    quoteVolume: s.quoteVolume,
    openTime: s.openTime,
    closeTime: s.closeTime,
    firstId: s.firstId,
    lastId: s.lastId,
    count: s.count,
  }
}

/**
 * The `<symbol>@ticker` payload (`24hrTicker`; spot adds `x`, the best bid/ask `b B a A`).
 * Spot: https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams#individual-symbol-ticker-streams
 * USD-M: https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/Individual-Symbol-Ticker-Streams
 */
export function tickerStreamJson(
  market: SimMarket,
  m: SimSymbolMarket,
  now: number,
): Record<string, unknown> {
  const s = dayStats(m, now)
  const b = m.bestBid() ?? 0
  const a = m.bestAsk() ?? 0
  return {
    e: '24hrTicker',
    E: now,
    s: m.spec.symbol,
    p: s.change,
    P: s.changePercent,
    w: s.weightedAvg,
    ...(market === 'spot' ? { x: s.prevClose } : {}),
    c: s.last,
    Q: s.lastQty,
    ...(market === 'spot'
      ? { b: m.px(b), B: m.qty(m.bids.get(b) ?? 0), a: m.px(a), A: m.qty(m.asks.get(a) ?? 0) }
      : {}),
    o: s.open,
    h: s.high,
    l: s.low,
    v: s.volume,
    q: s.quoteVolume,
    O: s.openTime,
    C: s.closeTime,
    F: s.firstId,
    L: s.lastId,
    n: s.count,
  }
}

/**
 * The `<symbol>@miniTicker` payload (`24hrMiniTicker`), the same on spot and USD-M.
 * https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams#individual-symbol-mini-ticker-stream
 */
export function miniTickerJson(m: SimSymbolMarket, now: number): Record<string, unknown> {
  const s = dayStats(m, now)
  return {
    e: '24hrMiniTicker',
    E: now,
    s: m.spec.symbol,
    c: s.last,
    o: s.open,
    h: s.high,
    l: s.low,
    v: s.volume,
    q: s.quoteVolume,
  }
}
