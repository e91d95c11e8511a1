import type { JournalOrderEntry } from '../core/journal.js'
import type { SqlRow } from './SqlDriver.js'

const str = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : String(v))

/** A row of `order_events` as the journal entry it came from (absent optional fields stay absent). */
export function orderEntryOf(r: SqlRow): JournalOrderEntry {
  const optional = {
    strategyId: str(r.strategy_id),
    price: str(r.price),
    avgFillPrice: str(r.avg_fill_price),
    venueOrderId: str(r.venue_order_id),
    reason: str(r.reason),
  }
  return {
    kind: 'order',
    event: String(r.event),
    clientOrderId: String(r.client_order_id),
    seq: Number(r.seq),
    venue: String(r.venue),
    symbol: String(r.symbol),
    side: String(r.side) as JournalOrderEntry['side'],
    orderType: String(r.order_type) as JournalOrderEntry['orderType'],
    status: String(r.status) as JournalOrderEntry['status'],
    qty: String(r.qty),
    filledQty: String(r.filled_qty),
    tsEvent: Number(r.ts_event),
    ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
  }
}

/** `text` of a nullable column. */
export function optionalText(v: unknown): string | undefined {
  return str(v)
}
