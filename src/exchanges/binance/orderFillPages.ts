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
  /** Execution time of the last row sent (epoch ms): the next page of a time span starts at it. */
  readonly lastTime?: number | undefined
}

const DAY_MS = 86_400_000

/** The longest span `GET /fapi/v1/userTrades` answers: `endTime` at most 7 days after `startTime`. */
export const USDM_TRADES_SPAN_MS = 7 * DAY_MS

/** How far back `GET /fapi/v1/userTrades` reads ("the past 6 months"): 180 days, inside any six months. */
export const USDM_TRADES_HISTORY_MS = 180 * DAY_MS

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

/**
 * Every fill of one USD-M order executed between `from` and `to` (epoch ms, inclusive: the order's creation and last
 * update), read by time span. Without a span the venue answers only the last 7 days, so an order older than that
 * would miss its first fills; with one, `endTime` is at most {@link USDM_TRADES_SPAN_MS} after `startTime`, and
 * `fromId` may not be sent. So each span of 7 days is read in turn, a full page of {@link ACCOUNT_TRADES_PAGE}
 * continuing from its last row's time (the rows of that millisecond come again and are dropped by trade id). A full
 * page that does not move past its start is an `ExchangeDataError` (never an endless loop, never a silent part).
 *
 * @example
 * ```ts
 * const fills = await orderFillSpans((startTime, endTime) => readPage({ symbol, orderId, startTime, endTime }), t0, t1)
 * ```
 */
export async function orderFillSpans(
  read: (startTime: number, endTime: number) => Promise<OrderFillPage>,
  from: number,
  to: number,
  venue = 'binance-usdm',
): Promise<readonly Fill[]> {
  const ids = new Set<string>()
  const all: Fill[] = []
  for (let start = from; start <= to; ) {
    const end = Math.min(start + USDM_TRADES_SPAN_MS - 1, to)
    const page = await read(start, end)
    for (const f of page.fills) {
      if (ids.has(f.tradeId)) continue
      ids.add(f.tradeId)
      all.push(f)
    }
    if (page.rows < ACCOUNT_TRADES_PAGE) {
      start = end + 1
      continue
    }
    const last = page.lastTime
    if (last === undefined || !Number.isSafeInteger(last) || last <= start) {
      const message = `Account trades from ${start}: a full page that does not move past it (last trade at ${last})`
      throw new ExchangeDataError(venue, message, [`startTime ${start}`], last)
    }
    start = last
  }
  return all
}
