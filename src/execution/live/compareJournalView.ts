import type { JournalOrderEntry, JournalReconcileReport } from '../../core/journal.js'
import { isTerminalStatus } from '../../core/orderState.js'
import type { Order } from '../../core/types.js'
import { Decimal } from '../../decimal/index.js'

const CANCELED = new Set(['CANCELED', 'EXPIRED', 'REJECTED'])

/** The tracked order a journal entry describes (as it was when journaled). */
export function orderOfJournalEntry(e: JournalOrderEntry): Order {
  return {
    clientOrderId: e.clientOrderId,
    venue: e.venue,
    symbol: e.symbol,
    side: e.side,
    type: e.orderType,
    qty: new Decimal(e.qty),
    ...(e.price === undefined ? {} : { price: new Decimal(e.price) }),
    status: e.status,
    filledQty: new Decimal(e.filledQty),
    ...(e.avgFillPrice === undefined ? {} : { avgFillPrice: new Decimal(e.avgFillPrice) }),
    ...(e.venueOrderId === undefined ? {} : { venueOrderId: e.venueOrderId }),
    tsCreated: e.tsEvent,
    tsUpdated: e.tsEvent,
  }
}

/**
 * The order a journal's open order is tracked as after a restart: the journal's version when the executor does not
 * track it (`cur` undefined), or only adopted it from the venue this session (`adopted`, as adopted; `start()`
 * reconciles first) and booked no fill of it since, so that what filled while down is a gap the reconciliation books;
 * else the tracked order (its fills booked here would be counted twice).
 *
 * @example
 * ```ts
 * journalBaseline(entry, exec.order(id), adoptedAtStart).filledQty // the journal's filled quantity
 * ```
 */
export function journalBaseline(e: JournalOrderEntry, cur?: Order, adopted?: Order): Order {
  const journaled = orderOfJournalEntry(e)
  if (cur === undefined) return journaled
  const rebase =
    adopted !== undefined &&
    !isTerminalStatus(cur.status) &&
    !isTerminalStatus(journaled.status) &&
    cur.filledQty.eq(adopted.filledQty) &&
    journaled.filledQty.lte(cur.filledQty)
  if (!rebase) return cur
  const venueOrderId = journaled.venueOrderId ?? cur.venueOrderId
  return venueOrderId === undefined ? journaled : { ...journaled, venueOrderId }
}

/**
 * Sorts a venue's word on the journal's open orders into the restart report: `venueOpen` is the venue's open-order
 * list, `venueOrder` its record of one order (`undefined`: the venue does not know it).
 *
 * @example
 * ```ts
 * const report = await compareJournalView('binance', view.openOrders, await adapter.openOrders(), lookUp, now)
 * ```
 */
export async function compareJournalView(
  venue: string,
  journalOpen: readonly JournalOrderEntry[],
  venueOpen: readonly Order[],
  venueOrder: (e: JournalOrderEntry) => Promise<Order | undefined>,
  tsEvent: number,
): Promise<JournalReconcileReport> {
  const openById = new Map(venueOpen.map((o) => [o.clientOrderId, o]))
  const filledWhileDown: Order[] = []
  const canceledWhileDown: Order[] = []
  const missingAtVenue: JournalOrderEntry[] = []
  const unchanged: string[] = []
  for (const e of journalOpen) {
    const v = openById.get(e.clientOrderId) ?? (await venueOrder(e))
    if (v === undefined) missingAtVenue.push(e)
    else if (v.status === 'FILLED' || v.filledQty.gt(e.filledQty)) filledWhileDown.push(v)
    else if (CANCELED.has(v.status)) canceledWhileDown.push(v)
    else unchanged.push(e.clientOrderId)
  }
  const known = new Set(journalOpen.map((e) => e.clientOrderId))
  const unknownAtVenue = venueOpen.filter((o) => !known.has(o.clientOrderId))
  return { venue, filledWhileDown, canceledWhileDown, missingAtVenue, unknownAtVenue, unchanged, tsEvent }
}
