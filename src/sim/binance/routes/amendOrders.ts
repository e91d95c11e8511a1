import { cancelReplaceFromParams, modifyFromParams } from '../amendOrders.js'
import { SimApiError } from '../engine.js'
import type { BinanceRequest, BinanceRoute, BinanceVenue } from './BinanceRoute.js'

function cancelReplace(v: BinanceVenue, r: BinanceRequest): unknown {
  if (r.market !== 'spot') throw new SimApiError(404, -1000, 'Not found.')
  return cancelReplaceFromParams(v, r.auth(), r.symbol(), r.params)
}

function modify(v: BinanceVenue, r: BinanceRequest): unknown {
  if (r.market !== 'usdm') throw new SimApiError(404, -1000, 'Not found.')
  return modifyFromParams(v, r.auth(), r.symbol(), r.params)
}

/**
 * Amending orders over REST, on the same steps as the WebSocket API methods: spot cancel-replace
 * (`POST /api/v3/order/cancelReplace`) and USD-M modify (`PUT /fapi/v1/order`).
 */
export const amendOrderRoutes: readonly BinanceRoute[] = [
  { method: 'POST', path: '/order/cancelReplace', handler: cancelReplace },
  { method: 'PUT', path: '/order', handler: modify },
]
