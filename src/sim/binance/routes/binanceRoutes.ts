import { RouteTable } from '../../shared/RouteTable.js'
import { accountRoutes } from './account.js'
import { algoOrderRoutes } from './algoOrders.js'
import { amendOrderRoutes } from './amendOrders.js'
import type { BinanceRoute } from './BinanceRoute.js'
import { countdownRoutes } from './countdown.js'
import { marketDataRoutes } from './marketData.js'
import { orderRoutes } from './orders.js'
import { userDataRoutes } from './userData.js'

/**
 * The REST API of {@link BinanceSim}: every route family in one table, keyed by method and full path
 * (`/api/v3/depth`, `/fapi/v3/account`, ...): each spec is served under exactly the prefixes it lists, and a
 * handler sees which prefix asked.
 *
 * @example
 * ```ts
 * const table = binanceRoutes()
 * table.match('GET', '/api/v3/depth')?.route.handler
 * ```
 */
export function binanceRoutes(): RouteTable<BinanceRoute> {
  const specs = [
    ...marketDataRoutes,
    ...orderRoutes,
    ...accountRoutes,
    ...userDataRoutes,
    ...algoOrderRoutes,
    ...amendOrderRoutes,
    ...countdownRoutes,
  ]
  return new RouteTable<BinanceRoute>(
    specs.flatMap((s) =>
      s.at.map((prefix) => ({
        method: s.method,
        path: `${prefix}${s.path}`,
        prefix,
        endpoint: s.path,
        handler: s.handler,
      })),
    ),
  )
}
