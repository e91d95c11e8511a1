import { HttpFail } from '../HttpFail.js'
import type { PolymarketRequest, PolymarketVenue, PublicRoute } from './PolymarketRoute.js'

/** `POST /auth/api-key` creates a key (400 if it exists), `GET /auth/derive-api-key` returns it (400 if not). */
function apiKey(v: PolymarketVenue, r: PolymarketRequest): unknown {
  const { address, nonce } = v.auth.l1(r.req)
  const existing = [...v.keys.values()].find((k) => k.address === address && k.nonce === nonce)
  if (r.method === 'POST' && existing !== undefined)
    throw new HttpFail(400, { error: 'Could not create api key' })
  if (r.method === 'GET' && existing === undefined)
    throw new HttpFail(400, { error: 'Could not derive api key!' })
  const k = existing ?? v.createApiKey(address, nonce)
  return { apiKey: k.apiKey, secret: k.secret, passphrase: k.passphrase }
}

/** API keys, authenticated by an L1 (wallet) signature. */
export const apiKeyRoutes: readonly PublicRoute[] = [
  { method: 'POST', path: '/auth/api-key', auth: 'public', handler: apiKey },
  { method: 'GET', path: '/auth/derive-api-key', auth: 'public', handler: apiKey },
]
