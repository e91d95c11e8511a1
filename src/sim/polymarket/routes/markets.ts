import { HttpFail, parseJson } from '../HttpFail.js'
import { bookJson, clobMarketJson, marketJson, page } from '../json.js'
import type { PolymarketRequest, PolymarketVenue, PublicRoute } from './PolymarketRoute.js'

const NO_BOOK = 'No orderbook exists for the requested token id'

/** A token id that has a book: 400 when malformed, 404 when unknown. */
export function tokenOr404(v: PolymarketVenue, tokenId: unknown): string {
  if (typeof tokenId !== 'string' || !/^\d{1,78}$/.test(tokenId))
    throw new HttpFail(400, { error: 'Invalid token id' })
  if (v.ex.token(tokenId) === undefined) throw new HttpFail(404, { error: NO_BOOK })
  return tokenId
}

function tokenParam(v: PolymarketVenue, r: PolymarketRequest): string {
  return tokenOr404(v, r.query.get('token_id') ?? '')
}

/** A token's book now, as `GET /book` and the market channel's initial dump send it. */
export function currentBook(v: PolymarketVenue, tokenId: string): Record<string, unknown> {
  return bookJson(v.ex, tokenId, v.bookTime(tokenId))
}

function price(v: PolymarketVenue, r: PolymarketRequest): unknown {
  const t = tokenParam(v, r)
  const side = r.query.get('side')
  if (side !== 'BUY' && side !== 'SELL') throw new HttpFail(400, { error: 'Invalid side' })
  const lv = v.ex.levels(t)
  const best = side === 'BUY' ? lv.bids[0] : lv.asks[0]
  return { price: best === undefined ? '0' : best[0].toFixed() }
}

function midpoint(v: PolymarketVenue, r: PolymarketRequest): unknown {
  const lv = v.ex.levels(tokenParam(v, r))
  const b = lv.bids[0]
  const a = lv.asks[0]
  if (b === undefined || a === undefined) throw new HttpFail(404, { error: NO_BOOK })
  return { mid: b[0].plus(a[0]).div(2).toFixed() }
}

function spread(v: PolymarketVenue, r: PolymarketRequest): unknown {
  const lv = v.ex.levels(tokenParam(v, r))
  const b = lv.bids[0]
  const a = lv.asks[0]
  if (b === undefined || a === undefined) throw new HttpFail(404, { error: NO_BOOK })
  return { spread: a[0].minus(b[0]).toFixed() }
}

function lastTradePrice(v: PolymarketVenue, r: PolymarketRequest): unknown {
  const lt = v.ex.lastTrade.get(tokenParam(v, r))
  return lt === undefined ? { price: '0', side: '' } : { price: lt.price.toFixed(), side: lt.side }
}

function market(v: PolymarketVenue, r: PolymarketRequest): unknown {
  return marketJson(marketByCondition(v, r.rest))
}

function marketByCondition(v: PolymarketVenue, conditionId: string) {
  const m = v.ex.markets.find((x) => x.conditionId === conditionId)
  if (m === undefined) throw new HttpFail(404, { error: 'market not found' })
  return m
}

/** Public market data: health, time, version, markets, books, prices, tick sizes. */
export const marketRoutes: readonly PublicRoute[] = [
  { method: 'GET', path: '/ok', auth: 'public', handler: () => 'OK' },
  { method: 'GET', path: '/version', auth: 'public', handler: (v) => ({ version: v.serverVersion() }) },
  {
    method: 'GET',
    path: '/markets-by-token/*',
    auth: 'public',
    handler: (v, r) => ({ condition_id: v.ex.token(tokenOr404(v, r.rest))?.market.conditionId }),
  },
  {
    method: 'GET',
    path: '/clob-markets/*',
    auth: 'public',
    handler: (v, r) => clobMarketJson(marketByCondition(v, r.rest)),
  },
  { method: 'GET', path: '/time', auth: 'public', handler: (v) => Math.floor(v.clock.now() / 1000) },
  {
    method: 'GET',
    path: '/markets',
    auth: 'public',
    handler: (v, r) => page(v.ex.markets.map(marketJson), r.query.get('next_cursor'), v.pageSize),
  },
  { method: 'GET', path: '/markets/*', auth: 'public', handler: market },
  { method: 'GET', path: '/book', auth: 'public', handler: (v, r) => currentBook(v, tokenParam(v, r)) },
  {
    method: 'POST',
    path: '/books',
    auth: 'public',
    handler: (v, r) =>
      parseJson<Array<{ token_id: string }>>(r.body, 'Invalid payload').map((b) =>
        currentBook(v, tokenOr404(v, b.token_id)),
      ),
  },
  { method: 'GET', path: '/price', auth: 'public', handler: price },
  { method: 'GET', path: '/midpoint', auth: 'public', handler: midpoint },
  { method: 'GET', path: '/spread', auth: 'public', handler: spread },
  { method: 'GET', path: '/last-trade-price', auth: 'public', handler: lastTradePrice },
  {
    method: 'GET',
    path: '/tick-size',
    auth: 'public',
    handler: (v, r) => ({ minimum_tick_size: Number(v.ex.token(tokenParam(v, r))?.market.tickSize) }),
  },
  {
    method: 'GET',
    path: '/neg-risk',
    auth: 'public',
    handler: (v, r) => ({ neg_risk: v.ex.token(tokenParam(v, r))?.market.negRisk ?? false }),
  },
]
