import { SimApiError } from '../engine.js'
import type { BinanceRequest, BinanceRouteSpec, BinanceVenue } from './BinanceRoute.js'
import { FAPI1 } from './prefixes.js'

/** `POST /fapi/v1/countdownCancelAll`: arms (or with 0 stops) the symbol's auto-cancel countdown. */
function countdownCancelAll(v: BinanceVenue, r: BinanceRequest): unknown {
  const acc = r.auth()
  const m = r.symbol()
  const raw = r.params.get('countdownTime')
  const ms = raw === null || !/^\d+$/.test(raw) ? Number.NaN : Number(raw)
  if (!Number.isSafeInteger(ms)) {
    throw new SimApiError(
      400,
      -1102,
      "Mandatory parameter 'countdownTime' was not sent, was empty/null, or malformed.",
    )
  }
  v.countdowns.arm(acc, m.spec.symbol, ms)
  return { symbol: m.spec.symbol, countdownTime: String(ms) }
}

/** USD-M's auto-cancel of all open orders of a symbol when heartbeats stop (a dead man's switch). */
export const countdownRoutes: readonly BinanceRouteSpec[] = [
  { method: 'POST', path: '/countdownCancelAll', at: FAPI1, handler: countdownCancelAll },
]
