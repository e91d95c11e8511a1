import { cancelReplaceFromParams, modifyFromParams } from '../amendOrders.js'
import type { BinanceRequest, BinanceRouteSpec, BinanceVenue } from './BinanceRoute.js'
import { FAPI1, SPOT } from './prefixes.js'

function cancelReplace(v: BinanceVenue, r: BinanceRequest): unknown {
  return cancelReplaceFromParams(v, r.auth(), r.symbol(), r.params)
}

/** `PUT /fapi/v1/order`: 1 on the 10 s and 1 min order counts (and IP weight 1), as Binance's Modify Order. */
function modify(v: BinanceVenue, r: BinanceRequest): unknown {
  const acc = r.auth()
  const m = r.symbol()
  v.countOrder()
  return modifyFromParams(v, acc, m, r.params)
}

/**
 * Amending orders over REST, on the same steps as the WebSocket API methods: spot cancel-replace
 * (`POST /api/v3/order/cancelReplace`) and USD-M modify (`PUT /fapi/v1/order`).
 */
export const amendOrderRoutes: readonly BinanceRouteSpec[] = [
  { method: 'POST', path: '/order/cancelReplace', at: SPOT, handler: cancelReplace },
  { method: 'PUT', path: '/order', at: FAPI1, handler: modify },
]
