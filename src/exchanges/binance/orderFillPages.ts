import type { Fill } from '../../core/types.js'
import { Decimal } from '../../decimal/index.js'
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
 * update), returned oldest first. Without a span the venue answers only the last 7 days, so an order older than that
 * would miss its first fills; with one, `endTime` is at most {@link USDM_TRADES_SPAN_MS} after `startTime`, and
 * `fromId` may not be sent. So spans of 7 days are read from the most recent back, until the fills add up to
 * `filledQty` (the order's filled quantity: a long-resting order fills mostly near its last update), and a span that
 * fills a page of {@link ACCOUNT_TRADES_PAGE} is read again as two halves, whichever rows of it the venue chose to
 * send (never a silent part). A full page for one millisecond is an `ExchangeDataError`.
 *
 * @example
 * ```ts
 * const read = (startTime: number, endTime: number) => readPage({ symbol, orderId, startTime, endTime })
 * const fills = await orderFillSpans(read, order.tsCreated, order.tsUpdated, order.filledQty)
 * ```
 */
export async function orderFillSpans(
  read: (startTime: number, endTime: number) => Promise<OrderFillPage>,
  from: number,
  to: number,
  filledQty?: Decimal,
  venue = 'binance-usdm',
): Promise<readonly Fill[]> {
  const ids = new Set<string>()
  const all: Fill[] = []
  let qty = new Decimal(0)
  // Spans still to read, the most recent last (the next one is popped).
  const todo: [number, number][] = []
  for (let start = from; start <= to; start += USDM_TRADES_SPAN_MS)
    todo.push([start, Math.min(start + USDM_TRADES_SPAN_MS - 1, to)])
  for (let span = todo.pop(); span !== undefined; span = todo.pop()) {
    const [start, end] = span
    const page = await read(start, end)
    if (page.rows >= ACCOUNT_TRADES_PAGE) {
      if (start === end) {
        const message = `Account trades at ${start}: a full page of ${page.rows} rows in one millisecond`
        throw new ExchangeDataError(venue, message, [`startTime ${start}`, `endTime ${end}`], page.rows)
      }
      const mid = start + Math.floor((end - start) / 2)
      todo.push([start, mid], [mid + 1, end])
      continue
    }
    for (const f of page.fills) {
      if (ids.has(f.tradeId)) continue
      ids.add(f.tradeId)
      all.push(f)
      qty = qty.plus(f.qty)
    }
    if (filledQty !== undefined && qty.gte(filledQty)) break
  }
  // Read newest span first: put them back in time order (a stable sort keeps the venue's order within a millisecond).
  return all.sort((a, b) => a.tsEvent - b.tsEvent)
}
