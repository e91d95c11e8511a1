import type { Fill } from '../../core/types.js'
import { ExchangeDataError } from '../../errors/index.js'

/** The most rows `GET /api/v3/myTrades` and `GET /fapi/v1/userTrades` send in one answer (`limit`'s maximum). */
export const ACCOUNT_TRADES_PAGE = 1000

/** One answer of the account-trades endpoint for one order: its fills, the rows the venue sent and the last one's id. */
export interface OrderFillPage {
  readonly fills: readonly Fill[]
  readonly rows: number
  /** Trade id of the last row sent (of this order or not): the next page starts after it. */
  readonly lastId: number | undefined
}

/**
 * Every fill of one order, read a page of {@link ACCOUNT_TRADES_PAGE} at a time. `read()` without `fromId` answers the
 * order's most recent fills (the venue's default); a full page may leave older ones out, so then the fills are read
 * again from the first (`fromId` 0, trade ids at or above it, oldest first), each next page from the row after the
 * last one read (rows of other orders a venue may send count: the fills are this order's only), until a page is not
 * full. A page that does not move past the previous one is an `ExchangeDataError`
 * (never an endless loop, never a silent part).
 *
 * @example
 * ```ts
 * const fills = await orderFillPages((fromId) => readPage({ symbol, orderId, limit: ACCOUNT_TRADES_PAGE, fromId }))
 * ```
 */
export async function orderFillPages(
  read: (fromId?: number) => Promise<OrderFillPage>,
  venue = 'binance',
): Promise<readonly Fill[]> {
  const recent = await read()
  if (recent.rows < ACCOUNT_TRADES_PAGE) return recent.fills
  const all: Fill[] = []
  for (let fromId = 0; ; ) {
    const page = await read(fromId)
    all.push(...page.fills)
    if (page.rows < ACCOUNT_TRADES_PAGE) return all
    const last = page.lastId
    if (last === undefined || !Number.isSafeInteger(last) || last < fromId) {
      const message = `Account trades from id ${fromId}: a full page that does not move past it (last trade ${last})`
      throw new ExchangeDataError(venue, message, [`fromId ${fromId}`], last)
    }
    fromId = last + 1
  }
}
