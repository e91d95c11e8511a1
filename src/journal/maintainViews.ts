import type { JournalFillEntry } from '../core/journal.js'
import { Decimal } from '../decimal/index.js'
import { ValidationError } from '../errors/index.js'
import { PositionBook } from './PositionBook.js'
import { optionalText } from './rows.js'
import type { SqlDriver, SqlRow } from './SqlDriver.js'

/** Final order statuses, as SQL. */
export const FINAL_SQL = "('FILLED', 'CANCELED', 'REJECTED', 'EXPIRED')"

/** Ids per `IN (...)` list (far below both databases' parameter limits). */
const CHUNK = 200

/** The fill fields the position books need. */
type BookFill = Pick<
  JournalFillEntry,
  | 'strategyId'
  | 'venue'
  | 'symbol'
  | 'tradeId'
  | 'side'
  | 'price'
  | 'qty'
  | 'fee'
  | 'feeAsset'
  | 'tsEvent'
  | 'realizedPnl'
>

interface Held {
  book: PositionBook
  lastTradeId: string
  lastTs: number
  dirty: boolean
}

/** Where a fill is booked: its strategy's row in `positions`, and its instrument's row in `instrument_positions`. */
interface Target {
  readonly table: 'positions' | 'instrument_positions'
  readonly keys: readonly string[]
  readonly values: readonly string[]
}

function targets(f: BookFill): Target[] {
  return [
    {
      table: 'positions',
      keys: ['strategy_id', 'venue', 'symbol'],
      values: [f.strategyId ?? '', f.venue, f.symbol],
    },
    { table: 'instrument_positions', keys: ['venue', 'symbol'], values: [f.venue, f.symbol] },
  ]
}

/**
 * A fill's decimal text as a Decimal; a value that is not a finite decimal is a {@link ValidationError} (the journal
 * sets the entry aside instead of retrying it).
 */
function decimalOf(text: string, field: string): Decimal {
  let d: Decimal | undefined
  try {
    d = new Decimal(text)
  } catch {
    d = undefined
  }
  if (d?.isFinite()) return d
  throw new ValidationError(`Invalid journal fill ${field} "${String(text)}"`, { field })
}

/**
 * Books newly written fills into the maintained books, in the order given, inside the caller's transaction: one row
 * per strategy and instrument (`positions`) and one per instrument, all strategies and none together
 * (`instrument_positions`), each with quantity, average entry, realised PnL, fees per asset and the last trade. Only
 * fills that were actually inserted may be passed (a replayed fill must not count twice). Reads and writes one row
 * per touched book, so the cost is per batch, not per history.
 */
export async function bookFills(tx: SqlDriver, fills: readonly BookFill[]): Promise<void> {
  if (fills.length === 0) return
  const held = new Map<string, Held & { target: Target }>()
  for (const f of fills) {
    const [price, qty, fee] = [decimalOf(f.price, 'price'), decimalOf(f.qty, 'qty'), decimalOf(f.fee, 'fee')]
    for (const target of targets(f)) {
      const id = `${target.table}\u0000${target.values.join('\u0000')}`
      let h = held.get(id)
      if (h === undefined) {
        const cond = target.keys.map((k) => `${k} = ?`).join(' AND ')
        const [r] = await tx.all(
          `SELECT qty, entry_price, realized_pnl, fees, last_trade_id, last_ts_event FROM ${target.table} WHERE ${cond}`,
          target.values,
        )
        h =
          r === undefined
            ? {
                target,
                book: new PositionBook(),
                lastTradeId: '',
                lastTs: Number.NEGATIVE_INFINITY,
                dirty: false,
              }
            : {
                target,
                book: PositionBook.of(String(r.qty), r.entry_price, String(r.realized_pnl), String(r.fees)),
                lastTradeId: String(r.last_trade_id),
                lastTs: Number(r.last_ts_event),
                dirty: false,
              }
        held.set(id, h)
      }
      // An instrument's book takes the venue's realized PnL when it reported one (as the Portfolio does); a
      // strategy's share is by average cost (as the Portfolio's strategy ledger).
      const venueRealized =
        target.table === 'instrument_positions' && f.realizedPnl !== undefined
          ? decimalOf(f.realizedPnl, 'realizedPnl')
          : undefined
      h.book.apply(f.side, price, qty, venueRealized)
      h.book.fee(f.feeAsset, fee)
      // Fills come in the order they were booked: of two with the same time, the later booked is the newer (trade
      // ids are the venue's, and not comparable as text or numbers across venues).
      if (f.tsEvent >= h.lastTs) {
        h.lastTs = f.tsEvent
        h.lastTradeId = f.tradeId
      }
      h.dirty = true
    }
  }
  for (const h of held.values()) {
    if (!h.dirty) continue
    const { table, keys, values } = h.target
    const b = h.book
    const cols = [...keys, 'qty', 'entry_price', 'realized_pnl', 'fees', 'last_trade_id', 'last_ts_event']
    const set = cols.slice(keys.length).map((c) => `${c} = excluded.${c}`)
    await tx.all(
      `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})
       ON CONFLICT (${keys.join(', ')}) DO UPDATE SET ${set.join(', ')}`,
      [
        ...values,
        b.qty.toString(),
        b.entry?.toString() ?? null,
        b.realized.toString(),
        b.feesJson(),
        h.lastTradeId,
        h.lastTs,
      ],
    )
  }
}

/**
 * Brings the maintained `open_orders` table (client order id → sequence of its newest event, for orders whose newest
 * event is not final) up to date for the orders given, inside the caller's transaction. Indexed look-ups only.
 */
export async function trackOpenOrders(tx: SqlDriver, clientOrderIds: Iterable<string>): Promise<void> {
  const ids = [...new Set(clientOrderIds)]
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK)
    const list = chunk.map(() => '?').join(', ')
    await tx.all(`DELETE FROM open_orders WHERE client_order_id IN (${list})`, chunk)
    await tx.all(
      `INSERT INTO open_orders (client_order_id, seq)
       SELECT o.client_order_id, o.seq FROM order_events o
       WHERE o.client_order_id IN (${list})
         AND o.seq = (SELECT MAX(l.seq) FROM order_events l WHERE l.client_order_id = o.client_order_id)
         AND o.status NOT IN ${FINAL_SQL}`,
      chunk,
    )
  }
}

/** Fills the maintained `open_orders` table from the order events (into an empty table). */
export async function backfillOpenOrders(tx: SqlDriver): Promise<void> {
  await tx.all(
    `INSERT INTO open_orders (client_order_id, seq)
     SELECT o.client_order_id, o.seq FROM order_events o
     JOIN (SELECT client_order_id, MAX(seq) AS seq FROM order_events GROUP BY client_order_id) m
       ON o.client_order_id = m.client_order_id AND o.seq = m.seq
     WHERE o.status NOT IN ${FINAL_SQL}`,
  )
}

/** Fills read per statement when the books are rebuilt from the history (bounds the memory). */
const PAGE = 5_000

/**
 * Books every journaled fill into the (empty) `positions` and `instrument_positions` tables, in the order the fills
 * were booked (`fills.seq`, the journal's insertion order), as the writes do.
 */
export async function bookHistory(tx: SqlDriver): Promise<void> {
  for (let after = Number.NEGATIVE_INFINITY; ; ) {
    const rows = await tx.all(
      `SELECT seq, strategy_id, venue, symbol, trade_id, side, price, qty, fee, fee_asset, ts_event, venue_realized_pnl
       FROM fills ${after === Number.NEGATIVE_INFINITY ? '' : 'WHERE seq > ?'} ORDER BY seq LIMIT ${PAGE}`,
      after === Number.NEGATIVE_INFINITY ? [] : [after],
    )
    await bookFills(tx, rows.map(bookFillOf))
    if (rows.length < PAGE) return
    after = Number(rows.at(-1)?.seq)
  }
}

/** A `fills` row as the fields the books need. */
function bookFillOf(r: SqlRow): BookFill {
  const strategyId = optionalText(r.strategy_id)
  const realizedPnl = optionalText(r.venue_realized_pnl)
  return {
    ...(strategyId === undefined ? {} : { strategyId }),
    venue: String(r.venue),
    symbol: String(r.symbol),
    tradeId: String(r.trade_id),
    side: String(r.side) as BookFill['side'],
    price: String(r.price),
    qty: String(r.qty),
    fee: String(r.fee),
    feeAsset: String(r.fee_asset),
    tsEvent: Number(r.ts_event),
    ...(realizedPnl === undefined ? {} : { realizedPnl }),
  }
}

/** Fills the maintained tables (into empty ones) from the whole history: the open orders and the books. */
export async function backfillViews(tx: SqlDriver): Promise<void> {
  await backfillOpenOrders(tx)
  await bookHistory(tx)
}
