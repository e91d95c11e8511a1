import { RouteTable } from '../../shared/RouteTable.js'
import { apiKeyRoutes } from './apiKeys.js'
import { balanceRoutes } from './balances.js'
import { heartbeatRoutes } from './heartbeats.js'
import { marketRoutes } from './markets.js'
import { orderRoutes } from './orders.js'
import type { PolymarketRoute } from './PolymarketRoute.js'
import { tradeRoutes } from './trades.js'

/**
 * The REST API of {@link PolymarketSim}: every route family in one table. Public routes answer anyone; every
 * other request (an L2 route, or no route at all) needs L2 auth first, as on the real CLOB.
 *
 * @example
 * ```ts
 * polymarketRoutes().match('GET', '/data/order/0xabc')?.rest // '0xabc'
 * ```
 */
export function polymarketRoutes(): RouteTable<PolymarketRoute> {
  return new RouteTable<PolymarketRoute>([
    ...marketRoutes,
    ...apiKeyRoutes,
    ...orderRoutes,
    ...tradeRoutes,
    ...heartbeatRoutes,
    ...balanceRoutes,
  ])
}
