import { randomUUID } from 'node:crypto'
import { HttpFail, parseJson } from '../HttpFail.js'
import type { SimKey } from '../PolymarketAuth.js'
import type { L2Route, PolymarketRequest, PolymarketVenue } from './PolymarketRoute.js'

/**
 * Starts or extends the key's heartbeat session; when it lapses, every order of the key is cancelled and
 * `heartbeat.expired` is emitted. A stale `heartbeat_id` is refused with the current one.
 */
function heartbeat(v: PolymarketVenue, r: PolymarketRequest, k: SimKey): { heartbeat_id: string } {
  const body = parseJson<{ heartbeat_id?: string | null }>(r.body || '{}', 'Invalid payload')
  const current = v.heartbeats.get(k.apiKey)
  const given = body.heartbeat_id ?? ''
  if (current !== undefined && given !== '' && given !== current.id) {
    throw new HttpFail(400, { error: 'Invalid Heartbeat ID', heartbeat_id: current.id })
  }
  if (current !== undefined) v.clock.clearTimeout(current.timer as never)
  const id = randomUUID()
  const timer = v.clock.setTimeout(() => {
    v.heartbeats.delete(k.apiKey)
    const canceled = v.ex.liveOrders((o) => o.owner === k.apiKey).map((o) => o.id)
    for (const oid of canceled) v.ex.cancel(oid)
    v.emit('heartbeat.expired', { type: 'heartbeat.expired', apiKey: k.apiKey, canceled })
  }, v.heartbeatTimeoutMs)
  v.heartbeats.set(k.apiKey, { id, timer })
  return { heartbeat_id: id }
}

/** Heartbeats (L2), on both the current and the legacy path. */
export const heartbeatRoutes: readonly L2Route[] = [
  { method: 'POST', path: '/v1/heartbeats', auth: 'l2', handler: heartbeat },
  { method: 'POST', path: '/heartbeats', auth: 'l2', handler: heartbeat },
]
