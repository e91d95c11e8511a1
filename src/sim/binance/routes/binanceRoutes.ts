import { RouteTable } from '../../shared/RouteTable.js'
import { accountRoutes } from './account.js'
import { algoOrderRoutes } from './algoOrders.js'
import { amendOrderRoutes } from './amendOrders.js'
import type { BinanceRoute } from './BinanceRoute.js'
import { marketDataRoutes } from './marketData.js'
import { orderRoutes } from './orders.js'
import { userDataRoutes } from './userData.js'

/**
 * The REST API of {@link BinanceSim}: every route family in one table, keyed by method and the path without its
 * `/api/v3` or `/fapi/v1..3` prefix (a handler sees which market asked).
 *
 * @example
 * ```ts
 * const table = binanceRoutes()
 * table.match('GET', '/depth')?.route.handler
 * ```
 */
export function binanceRoutes(): RouteTable<BinanceRoute> {
  return new RouteTable<BinanceRoute>([
    ...marketDataRoutes,
    ...orderRoutes,
    ...accountRoutes,
    ...userDataRoutes,
    ...algoOrderRoutes,
    ...amendOrderRoutes,
  ])
}
