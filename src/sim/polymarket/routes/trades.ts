import { page, tradeJson } from '../json.js'
import type { SimKey } from '../PolymarketAuth.js'
import type { L2Route, PolymarketRequest, PolymarketVenue } from './PolymarketRoute.js'

function trades(v: PolymarketVenue, r: PolymarketRequest, k: SimKey): unknown {
  const q = r.query
  const listedUntil = v.clock.now() - v.tradeHistoryLagMs() // a trade's match time is in seconds
  const list = v.ex.trades.filter(
    (t) =>
      t.matchTime * 1000 <= listedUntil &&
      (t.takerOwner === k.apiKey || t.makers.some((m) => m.owner === k.apiKey)) &&
      (q.get('market') === null || t.market === q.get('market')) &&
      (q.get('asset_id') === null || t.tokenId === q.get('asset_id')) &&
      (q.get('id') === null || t.id === q.get('id')),
  )
  return page(
    list.map((t) => tradeJson(t, k.apiKey)),
    q.get('next_cursor'),
    v.pageSize,
  )
}

/** The key's trades, as taker or maker (L2). */
export const tradeRoutes: readonly L2Route[] = [
  { method: 'GET', path: '/data/trades', auth: 'l2', handler: trades },
]
