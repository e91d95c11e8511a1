import { randomBytes } from 'node:crypto'
import { SimApiError } from '../engine.js'
import type { BinanceRequest, BinanceRouteSpec, BinanceVenue } from './BinanceRoute.js'
import { FAPI1 } from './prefixes.js'

/** Creates (POST) or keeps alive (PUT) the account's listen key; one per account, valid for an hour. */
function keepListenKey(v: BinanceVenue, r: BinanceRequest): unknown {
  const acc = r.apiKeyOnly()
  let lk = [...v.listenKeys.entries()].find(([, x]) => x.apiKey === acc.apiKey)?.[0]
  if (r.key === 'PUT /listenKey' && lk === undefined)
    throw new SimApiError(400, -1125, 'This listenKey does not exist.')
  lk ??= `simlk${randomBytes(32).toString('hex')}`.slice(0, 64)
  v.listenKeys.set(lk, { apiKey: acc.apiKey, expiresAt: v.clockNow() + 3_600_000 })
  return { listenKey: lk }
}

function closeListenKey(v: BinanceVenue, r: BinanceRequest): unknown {
  const acc = r.apiKeyOnly()
  for (const [k, x] of v.listenKeys) if (x.apiKey === acc.apiKey) v.listenKeys.delete(k)
  return {}
}

/** USD-M user-data stream keys (`listenKey`). */
export const userDataRoutes: readonly BinanceRouteSpec[] = [
  { method: 'POST', path: '/listenKey', at: FAPI1, handler: keepListenKey },
  { method: 'PUT', path: '/listenKey', at: FAPI1, handler: keepListenKey },
  { method: 'DELETE', path: '/listenKey', at: FAPI1, handler: closeListenKey },
]
